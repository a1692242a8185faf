"""Translation catalogues: zh_Hans is complete, the committed .mo files are current, pages use them."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from eldercare.core.i18n_compile import LOCALE_DIR, catalogues, compile_catalogues, untranslated

ZH_HANS_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"

Key = tuple[str | None, str, str | None]
Translation = tuple[str, tuple[tuple[int, str], ...]]


def _mapping(mo_path: Path) -> dict[Key, Translation]:
    """(context, msgid, plural msgid) → (msgstr, plural msgstrs) of every entry of a compiled catalogue."""
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural or None): (
            entry.msgstr,
            tuple(sorted((int(n), s) for n, s in entry.msgstr_plural.items())),
        )
        for entry in polib.mofile(str(mo_path))
    }


def test_the_project_locale_dir_is_the_one_django_reads() -> None:
    # given the directory the compiler works on by default
    # when it is compared with the settings
    # then it is the first of LOCALE_PATHS
    assert Path(settings.LOCALE_PATHS[0]).resolve() == LOCALE_DIR


def test_the_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    # given the Simplified Chinese catalogue
    catalogue = polib.pofile(str(ZH_HANS_PO))
    # when its untranslated and fuzzy entries are listed
    missing = untranslated(ZH_HANS_PO)
    # then there are none, it has entries at all, and its header is valid for Chinese
    assert missing == []
    assert len(catalogue) > 0
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == "zh_Hans"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]


def test_untranslated_lists_empty_and_fuzzy_entries(tmp_path: Path) -> None:
    # given a catalogue with one translated, one empty, one fuzzy and one half-translated plural entry
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    po.append(polib.POEntry(msgid="Sign in", msgstr="登录"))
    po.append(polib.POEntry(msgid="Sign out", msgstr=""))
    po.append(polib.POEntry(msgid="Search", msgstr="搜索", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="%(n)s elder", msgid_plural="%(n)s elders", msgstr_plural={0: "x", 1: ""}))
    path = tmp_path / "django.po"
    po.save(str(path))
    # when its untranslated entries are listed
    missing = untranslated(path)
    # then all but the translated one are
    assert missing == ["Sign out", "Search", "%(n)s elder"]


@pytest.mark.parametrize("po_path", catalogues(LOCALE_DIR), ids=lambda p: p.parent.parent.name)
def test_the_committed_mo_file_matches_its_po_file(po_path: Path, tmp_path: Path) -> None:
    # given a copy of the catalogue in a scratch locale directory
    language = po_path.parent.parent.name
    scratch = tmp_path / language / "LC_MESSAGES"
    scratch.mkdir(parents=True)
    shutil.copy(po_path, scratch / po_path.name)
    committed = po_path.with_suffix(".mo")
    # when it is compiled afresh
    fresh = compile_catalogues(tmp_path)
    # then the committed .mo holds exactly the same translations
    assert fresh == [scratch / committed.name]
    assert committed.is_file(), f"{committed} is missing: run python -m eldercare.core.i18n_compile"
    assert _mapping(committed) == _mapping(fresh[0]), "stale .mo: run python -m eldercare.core.i18n_compile"


def test_the_sign_in_page_is_in_chinese_by_browser_language(client: Client, db: None) -> None:
    # given a browser that asks for Simplified Chinese
    # when it opens the sign-in page
    response = client.get("/accounts/login/", headers={"accept-language": "zh-hans"})
    # then the page is in Chinese
    assert response.status_code == 200
    content = response.content.decode()
    assert "登录" in content
    assert "Sign in" not in content


def test_the_sign_in_page_is_in_chinese_by_default(client: Client, db: None) -> None:
    # given a browser that states no language
    # when it opens the sign-in page
    response = client.get("/accounts/login/")
    # then the page is in the default language, Chinese
    assert "登录" in response.content.decode()


def test_the_sign_in_page_is_in_english_when_chosen(client: Client, db: None) -> None:
    # given a visitor who chose English (the language cookie) in a Chinese browser
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when they open the sign-in page
    response = client.get("/accounts/login/", headers={"accept-language": "zh-hans"})
    # then the page is in English
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sign in" in content
    assert "登录" not in content
