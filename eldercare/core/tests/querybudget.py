"""Query discipline for tests: a page or API must stay within its query budget, and its query count must
not grow with the number of rows it lists (no N+1).

    def test_the_elder_list_stays_within_its_budget(query_budget, client):
        client.force_login(officer)
        query_budget(client, reverse("registry:elder_list"), budget=12)

    def test_the_elder_list_costs_the_same_for_3_and_30_elders(query_budget, client):
        query_budget.constant(client, url, grow=lambda: make_elders(27), budget=12)

On failure the message lists every query, with the statements that repeat (the usual N+1 signature) first.
The `query_budget` fixture is in the root conftest.py; the functions work without it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.test.utils import CaptureQueriesContext

_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+\b")


class QueryBudgetExceededError(AssertionError):
    pass


def _shape(sql: str) -> str:
    """The statement with literals blanked, so the same query for different rows counts as one shape."""
    return _LITERALS.sub("?", sql)


def _explain(label: str, budget: int, queries: list[dict[str, Any]]) -> str:
    shapes = Counter(_shape(q["sql"]) for q in queries)
    repeated = [(n, s) for s, n in shapes.most_common() if n > 1]
    lines = [f"{label}: {len(queries)} queries, budget {budget}"]
    if repeated:
        lines.append("repeated statements (N+1?):")
        lines += [f"  {n}× {s[:300]}" for n, s in repeated]
    lines.append("all statements:")
    lines += [f"  {i + 1}. {q['sql'][:300]}" for i, q in enumerate(queries)]
    return "\n".join(lines)


def count_queries(fn: Callable[[], Any], *, using: str = "default") -> tuple[Any, list[dict[str, Any]]]:
    with CaptureQueriesContext(connections[using]) as ctx:
        result = fn()
    return result, list(ctx.captured_queries)


def assert_within_budget(
    client: Any,
    url: str,
    *,
    budget: int,
    method: str = "get",
    data: Any = None,
    status: int = 200,
    **extra: Any,
) -> Any:
    """Request `url` with the test client; fail if it answers another status or runs more than `budget`
    queries. Returns the response."""
    call = getattr(client, method)
    response, queries = count_queries(
        lambda: call(url, data, **extra) if data is not None else call(url, **extra)
    )
    if response.status_code != status:
        raise AssertionError(f"{method.upper()} {url} answered {response.status_code}, expected {status}")
    if len(queries) > budget:
        raise QueryBudgetExceededError(_explain(f"{method.upper()} {url}", budget, queries))
    return response


def assert_constant_queries(
    client: Any, url: str, *, grow: Callable[[], Any], budget: int | None = None, **kwargs: Any
) -> int:
    """Request `url`, call `grow()` (add rows the page lists), request again: the second request may not
    run more queries than the first (and neither more than `budget`, when given). Returns the count."""
    _, before = count_queries(lambda: assert_within_budget(client, url, budget=budget or 10**6, **kwargs))
    grow()
    _, after = count_queries(lambda: assert_within_budget(client, url, budget=budget or 10**6, **kwargs))
    if len(after) > len(before):
        raise QueryBudgetExceededError(
            _explain(f"GET {url} after adding rows (was {len(before)} queries)", len(before), after)
        )
    return len(after)


class QueryBudget:
    """The fixture value: call it as `assert_within_budget`; `.constant` is `assert_constant_queries`."""

    def __call__(self, client: Any, url: str, *, budget: int, **kwargs: Any) -> Any:
        return assert_within_budget(client, url, budget=budget, **kwargs)

    def constant(self, client: Any, url: str, *, grow: Callable[[], Any], **kwargs: Any) -> int:
        return assert_constant_queries(client, url, grow=grow, **kwargs)
