"""Write the departmental demo import files (with error rows) for a city's demo elders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from eldercare.registry.demo import demo_imports_dir, write_demo_files


class Command(BaseCommand):
    help = "Write demo import files (户籍, 卫健 deaths, 救助, 残联) for the demo city's elders."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--city", default="4407", help="division code of the city (default 4407 江门)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", default="", help=f"folder (default {demo_imports_dir()})")

    def handle(self, *args: Any, **options: Any) -> None:
        out = write_demo_files(
            city_code=options["city"],
            seed=options["seed"],
            out=Path(options["out"]) if options["out"] else None,
        )
        print(f"demo import files written to {out}")
