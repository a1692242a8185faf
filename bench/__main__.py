"""Run every benchmark module in bench/ that defines `run()`, or the ones named on the command line."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))
    ran = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "run", None)
        if callable(run):
            print(f"== bench.{name}")
            run()
            ran += 1
    if not ran:
        print("no benchmark found")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
