"""The result protocol every benchmark module follows: `run(scale: float) -> list[Row]`.

A row is one measured figure next to a baseline measured in the same run, with its unit and goal. `scale`
shrinks the row counts (1 = the issue's city figures; 0.01 = the CI smoke run). `python -m bench` collects
the rows of every module into one table and one JSON summary.
"""

from __future__ import annotations

import resource
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Row:
    benchmark: str
    ours: float | None
    baseline: float | None
    unit: str
    goal: str = ""
    met: bool | None = None  # None: informational (no goal, or not measurable at this scale)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        return data


def scaled(figure: int, scale: float, minimum: int = 1) -> int:
    """The row count of a city figure at `scale`, never below `minimum`."""
    return max(minimum, round(figure * scale))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(rows: list[Row]) -> str:
    head = f"{'benchmark':<62} {'ours':>10} {'baseline':>10} {'ratio':>7} {'unit':<6} {'goal':<22} met"
    lines = [head, "-" * len(head)]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(
            f"{r.benchmark[:62]:<62} {_fmt(r.ours):>10} {_fmt(r.baseline):>10} {ratio:>7} {r.unit:<6} "
            f"{r.goal[:22]:<22} {met}"
        )
    return "\n".join(lines)


def main_for(run: Any, argv: list[str] | None = None) -> list[Row]:
    """`python -m bench.<module> --scale S`: run one module and print its rows."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    rows: list[Row] = run(args.scale)
    print(table(rows))
    return rows
