"""Export data sets (数据报送): named, versioned row sets documented in docs/data-exchange.md.

A data set is a function (division_code, month) → rows (dicts with exactly the declared columns). Modules
add theirs with `@export_dataset(...)` in their `indicators.py` (institutions, beds, subsidies, services
come with the facilities, benefits and homecare modules). Bump `schema_version` whenever a column is
added, removed or changes meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eldercare.planning.registry import _discover


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    schema_version: str
    title: str
    columns: tuple[str, ...]
    personal: bool
    func: Callable[[str, date], Iterable[Mapping[str, Any]]]


_DATASETS: dict[str, Dataset] = {}


def export_dataset(
    name: str, *, schema_version: str, title: str, columns: Iterable[str], personal: bool = False
) -> Callable[[Any], Any]:
    def register(func: Any) -> Any:
        _DATASETS[name] = Dataset(
            name=name,
            schema_version=schema_version,
            title=title,
            columns=tuple(columns),
            personal=personal,
            func=func,
        )
        return func

    return register


def datasets() -> list[Dataset]:
    _discover()
    from eldercare.planning.exchange import builtin  # noqa: F401  (planning's own data sets)

    return [d for _n, d in sorted(_DATASETS.items())]


def dataset(name: str) -> Dataset | None:
    return next((d for d in datasets() if d.name == name), None)
