"""Compile the translation catalogues (.po → .mo) with polib, so no system gettext is needed.

Run as `python -m eldercare.core.i18n_compile [LOCALE_DIR]`; the default is `eldercare/locale`.
polib is a dev dependency: the committed .mo files are what production reads.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues(locale_dir: Path) -> list[Path]:
    """Every `<language>/LC_MESSAGES/*.po` under `locale_dir`, in a stable order."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogues(locale_dir: Path) -> list[Path]:
    """Compile each .po under `locale_dir` to the .mo beside it; return the .mo files written.

    Like msgfmt, untranslated and fuzzy entries are left out of the .mo (the msgid shows instead).
    """
    written: list[Path] = []
    for po_path in catalogues(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def untranslated(po_path: Path) -> list[str]:
    """The msgids of `po_path` whose translation is empty (any plural form) or marked fuzzy."""
    catalogue = polib.pofile(str(po_path))
    return [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]


def main(argv: list[str] | None = None) -> int:
    """Compile the catalogues of the directory given (or the project's) and list the .mo files."""
    args = sys.argv[1:] if argv is None else argv
    locale_dir = Path(args[0]) if args else LOCALE_DIR
    if not locale_dir.is_dir():
        sys.stderr.write(f"No locale directory at {locale_dir}\n")
        return 2
    for mo_path in compile_catalogues(locale_dir):
        sys.stdout.write(f"compiled {mo_path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
