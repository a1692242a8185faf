"""Fuzzing the API (schemathesis): every operation of /api/v1/openapi.json, with tokens of several roles.

For each generated case: no 500, the response conforms to the documented schema, and no record outside the
caller's data scope appears in it. The app runs in-process (WSGI), inside the test's transaction.
Bounded for `make test` (FUZZ_EXAMPLES cases per operation, role and mode, derandomised); `make fuzz` runs
more, randomised. A summary line reports operations and cases run.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from eldercare.accounts.roles import Role
from eldercare.accounts.services import token_create
from eldercare.core.tests.factories import (
    CITY,
    DISTRICT,
    OTHER_DISTRICT,
    ElderFactory,
    OrganisationFactory,
    division,
    first_child,
)
from eldercare.registry.models import Elder
from eldercare.registry.tests.factories import registry_samples

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.fuzz,
    # CI runs `make test` on SQLite and on PostgreSQL; the fuzzing runs in the SQLite pass. On PostgreSQL the
    # in-process run has not been made reliable yet (see docs/security.md, "Not done").
    pytest.mark.skipif(connection.vendor != "sqlite", reason="fuzzing runs in the SQLite pass"),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
RANDOMISED = os.environ.get("FUZZ_RANDOM", "") == "1"
OUT_OF_SCOPE_NAME = "越界样本"
CASES_RUN: Counter[str] = Counter()

# Roles fuzzed, with where their token is bound (inside 蓬江区 unless the role is city-wide).
ROLE_BINDINGS: dict[str, str] = {
    Role.CITY_ADMIN: "city",
    Role.DISTRICT_OFFICER: "district",
    Role.COMMUNITY_WORKER: "community",
    Role.INSTITUTION_OPERATOR: "organisation",
    Role.PROVIDER_WORKER: "organisation",
}
# `make test` fuzzes three roles (city-wide, district, organisation); `make fuzz` all of the above.
FUZZ_ROLES = (
    list(ROLE_BINDINGS)
    if RANDOMISED or EXAMPLES > 1
    else [
        Role.CITY_ADMIN,
        Role.DISTRICT_OFFICER,
        Role.INSTITUTION_OPERATOR,
    ]
)


@pytest.fixture
def api_schema(db: None) -> Any:
    """Loaded per test, inside its database access: the request passes the same middleware as any other."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def world() -> dict[str, Any]:
    """Elders inside 蓬江区 and one elder in 新会区 whose name must never reach a 蓬江区 caller."""
    community = first_child(first_child(DISTRICT).code)
    home = ElderFactory(residence_division=community)
    registry_samples(home)
    foreign = ElderFactory(
        residence_division=first_child(first_child(OTHER_DISTRICT).code), name=OUT_OF_SCOPE_NAME
    )
    return {"home": home, "foreign": foreign, "community": community}


def make_token(role: str, world: dict[str, Any]) -> str:
    binding = ROLE_BINDINGS[role]
    kwargs: dict[str, Any] = {}
    if binding == "organisation":
        kwargs["organisation"] = OrganisationFactory()
    else:
        code = {"city": CITY, "district": DISTRICT, "community": world["community"].code}[binding]
        kwargs["division"] = division(code)
    _token, secret = token_create(name=f"fuzz {role}", role=role, actor=None, **kwargs)
    return secret


def no_out_of_scope_elder(ctx: Any, response: Any, case: Any) -> bool | None:
    """A caller bound below the city never sees the elder of another district."""
    if OUT_OF_SCOPE_NAME in response.text:
        raise AssertionError(f"out-of-scope elder leaked by {case.method} {case.formatted_path}")
    return None


def fuzz_operation(operation: Any, mode: GenerationMode, headers: dict[str, str], checks: list[Any]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not RANDOMISED,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        CASES_RUN[operation.label] += 1
        # each case in its own savepoint, rolled back: cases stay independent, and on PostgreSQL one failed
        # statement cannot abort the transaction under the cases after it
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=headers)
        finally:
            transaction.savepoint_rollback(savepoint)
        case.validate_response(response, checks=checks, headers=headers)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_no_operation_fails_or_leaks_for_any_fuzzed_request(
    role: str, mode: GenerationMode, api_schema: Any, world: dict[str, Any]
) -> None:
    # given a token of the role, bound inside 蓬江区 (or to an organisation there)
    headers = {"Authorization": f"Bearer {make_token(role, world)}"}
    checks: list[Any] = [not_a_server_error, response_schema_conformance]
    if ROLE_BINDINGS[role] != "city":
        checks.append(no_out_of_scope_elder)
    # when every operation gets generated requests; then none answers 500, off-schema or out of scope
    failures: dict[str, str] = {}
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            fuzz_operation(operation, mode, headers, checks)
        except (Exception, BaseExceptionGroup) as exc:  # collect every failing operation, report together
            failures[operation.label] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    total = sum(CASES_RUN.values())
    sys.stdout.write(f"\nfuzz {role}/{mode.value}: {operations} operations, {total} cases run so far\n")
    assert operations >= 90
    assert failures == {}, "\n\n".join(f"{label}\n{error}" for label, error in failures.items())


def test_out_of_scope_elder_answers_404_on_every_elder_operation(
    api_schema: Any, world: dict[str, Any]
) -> None:
    # given a district officer of 蓬江区 and an elder of 新会区
    headers = {"Authorization": f"Bearer {make_token(Role.DISTRICT_OFFICER, world)}"}
    foreign: Elder = world["foreign"]
    checked = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or "{elder_id}" not in operation.path:
            continue
        # when it asks for that elder's data
        response = operation.Case(path_parameters={"elder_id": foreign.pk}).call(headers=headers)
        # then the API answers as if the elder did not exist
        assert response.status_code == 404, (operation.label, response.status_code)
        assert OUT_OF_SCOPE_NAME not in response.text
        checked += 1
    assert checked >= 3
