"""Reads of benefits: programme policy, elder snapshots for the rules (set-based), scoped lists, funds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from eldercare.assessment.choices import AssessmentStatus
from eldercare.assessment.models import CURRENT_PURPOSES, Assessment
from eldercare.benefits import rules
from eldercare.benefits.choices import ApplicationStatus, EntitlementStatus, LineStatus
from eldercare.benefits.models import (
    Application,
    Budget,
    Entitlement,
    Notification,
    PaymentLine,
    Settlement,
    Suspension,
)
from eldercare.core.scope import DataScope
from eldercare.core.selectors import city_profile, policy_value
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder, ElderGroupMembership


# ---- policy ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProgrammeSet:
    version_id: int
    programmes: dict[str, rules.Programme]

    def get(self, code: str) -> rules.Programme | None:
        return self.programmes.get(code)


def programmes_on(day: date | None = None) -> ProgrammeSet:
    """The programme set in force on `day` (empty when the profile has none)."""
    found = policy_value("benefits.programmes", on=day, default={"programmes": []})
    return ProgrammeSet(version_id=found.version_id, programmes=rules.programmes_from_value(found.value))


def benefit_settings(day: date | None = None) -> dict[str, Any]:
    from eldercare.benefits.policy_keys import SettlementSettings

    found = policy_value("benefits.settlement", on=day, default={})
    return SettlementSettings.model_validate(found.value).model_dump()


def workflow_on(day: date | None = None) -> tuple[int, dict[str, Any]]:
    from eldercare.benefits.policy_keys import Workflow

    default = {
        "steps": [
            {"code": "community", "name": "社区受理", "division_length": 12, "roles": ["community_worker"]},
            {"code": "street", "name": "街道审核", "division_length": 9, "roles": ["street_officer"]},
            {"code": "district", "name": "区级审批", "division_length": 6, "roles": ["district_officer"]},
        ]
    }
    found = policy_value("benefits.workflow", on=day, default=default)
    return found.version_id, Workflow.model_validate(found.value).model_dump()


def city_code() -> str:
    profile = city_profile()
    return profile.division_id if profile is not None else ""


# ---- snapshots ---------------------------------------------------------------------------------
ELDER_FIELDS = (
    "birth_date",
    "economic_status",
    "economic_valid_from",
    "economic_valid_to",
    "hukou_division_id",
    "status",
    "deceased_on",
    "status_changed_on",
    "residence_division_id",
)


def snapshot_from_row(
    elder_id: int,
    row: Mapping[str, Any],
    *,
    groups: Iterable[str],
    levels: Iterable[rules.LevelFact],
    city: str,
    prefix: str = "",
) -> rules.ElderSnapshot:
    """A rules snapshot from a `values()` row (keys optionally prefixed, e.g. "elder__")."""
    status = row[prefix + "status"]
    changed = row[prefix + "status_changed_on"]
    hukou = row[prefix + "hukou_division_id"]
    return rules.ElderSnapshot(
        elder_id=elder_id,
        birth_date=row[prefix + "birth_date"],
        economic_status=row[prefix + "economic_status"],
        economic_valid_from=row[prefix + "economic_valid_from"],
        economic_valid_to=row[prefix + "economic_valid_to"],
        hukou_local=hukou is None or not city or hukou.startswith(city),
        groups=frozenset(groups),
        levels=tuple(sorted(levels, key=lambda f: f.published_on)),
        deceased_on=row[prefix + "deceased_on"],
        left_on=changed if status == ElderStatus.MOVED_OUT else None,
        admitted_on=changed if status == ElderStatus.IN_INSTITUTION else None,
    )


def groups_of(elder_ids: list[int] | QuerySet[Any]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for elder_id, group in ElderGroupMembership.objects.filter(elder_id__in=elder_ids).values_list(
        "elder_id", "group"
    ):
        found[elder_id].add(group)
    return found


def level_histories(elder_ids: list[int] | QuerySet[Any]) -> dict[int, list[rules.LevelFact]]:
    """Every published (and later superseded) ability level of these elders, with its publication day."""
    found: dict[int, list[rules.LevelFact]] = defaultdict(list)
    rows = (
        Assessment.objects.filter(
            elder_id__in=elder_ids,
            status__in=[AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED],
            purpose__in=list(CURRENT_PURPOSES),
            published_at__isnull=False,
            level__isnull=False,
        )
        .order_by("published_at", "pk")
        .values_list("elder_id", "published_at", "level")
    )  # ties: the later wins
    for elder_id, published_at, level in rows:
        if level is not None and published_at is not None:
            found[elder_id].append(rules.LevelFact(timezone.localdate(published_at), level))
    return found


def snapshots_for(elder_ids: list[int], *, city: str | None = None) -> dict[int, rules.ElderSnapshot]:
    """Snapshots of many elders in three queries."""
    city = city_code() if city is None else city
    rows = Elder.objects.filter(pk__in=elder_ids).values("id", *ELDER_FIELDS)
    groups = groups_of(elder_ids)
    levels = level_histories(elder_ids)
    return {
        row["id"]: snapshot_from_row(
            row["id"], row, groups=groups.get(row["id"], ()), levels=levels.get(row["id"], ()), city=city
        )
        for row in rows
    }


# ---- the basic service list (基本养老服务清单) --------------------------------------------------
@dataclass(frozen=True, slots=True)
class ServiceListRow:
    programme: rules.Programme
    state: str  # receiving / eligible / not_eligible
    decision: rules.Decision
    entitlement: Entitlement | None
    open_application: Application | None


def basic_service_list(*, elder: Elder, on: date | None = None) -> list[ServiceListRow]:
    """Every programme for one elder: receiving, eligible (could apply), or not, with the rule's reasons."""
    on = on or timezone.localdate()
    month = rules.Month.of(on)
    programmes = programmes_on(on)
    settings = benefit_settings(on)
    snapshot = snapshots_for([elder.pk])[elder.pk]
    active = {
        e.programme_code: e for e in Entitlement.objects.filter(elder=elder, status=EntitlementStatus.ACTIVE)
    }
    open_apps = {
        a.programme_code: a
        for a in Application.objects.filter(
            elder=elder, status__in=[ApplicationStatus.IN_REVIEW, ApplicationStatus.IN_NOTICE]
        )
    }
    result = []
    for programme in programmes.programmes.values():
        decision = rules.evaluate(snapshot, programme, month, level_change_from=settings["level_change_from"])
        if not decision.eligible and decision.codes == ("age",):
            upcoming = rules.evaluate(
                snapshot, programme, month.next(), level_change_from=settings["level_change_from"]
            )
            decision = upcoming if upcoming.eligible else decision
        entitlement = active.get(programme.code)
        state = "receiving" if entitlement else "eligible" if decision.eligible else "not_eligible"
        result.append(ServiceListRow(programme, state, decision, entitlement, open_apps.get(programme.code)))
    return result


# ---- scoped lists ------------------------------------------------------------------------------
def entitlement_list(*, scope: DataScope, elder: Elder | None = None) -> QuerySet[Entitlement]:
    qs = Entitlement.objects.for_scope(scope)
    if elder is not None:
        qs = qs.filter(elder=elder)
    return qs.select_related("elder").order_by("-start_on", "id")


def application_list(
    *, scope: DataScope, status: str = "", programme: str = "", reviewer: Any = None
) -> QuerySet[Application]:
    qs = Application.objects.for_scope(scope).select_related("elder")
    if status:
        qs = qs.filter(status=status)
    if programme:
        qs = qs.filter(programme_code=programme)
    return qs.order_by("-created_at", "-id")


def access_application(*, scope: DataScope, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.for_scope(scope).select_related("elder", "submitted_by"), pk=application_id
    )


def application_decisions(application: Application) -> list[Any]:
    return list(application.decisions.select_related("reviewer").order_by("created_at", "id"))


def elder_notifications(*, elder: Elder, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(elder=elder).order_by("-created_at", "-id")[:limit])


def settlement_list() -> QuerySet[Settlement]:
    return Settlement.objects.order_by("-period")


def access_settlement(*, period: str) -> Settlement:
    try:
        month = rules.Month.parse(period)
    except ValueError as exc:
        raise Http404("No such period.") from exc
    return get_object_or_404(Settlement, period=month.first)


def settlement_lines(
    *, scope: DataScope, settlement: Settlement, kind: str = "", status: str = ""
) -> QuerySet[PaymentLine]:
    qs = PaymentLine.objects.for_scope(scope).filter(settlement=settlement)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("elder").order_by("id")


def settlement_summary(*, scope: DataScope, settlement: Settlement) -> list[dict[str, Any]]:
    """Lines and amounts by programme, kind and status (one query)."""
    rows: Any = (
        PaymentLine.objects.for_scope(scope)
        .filter(settlement=settlement)
        .values("programme_code", "kind", "status")
        .annotate(lines=Count("id"), amount=Sum("amount_fen"))
        .order_by("programme_code", "kind", "status")
    )
    return list(rows)


def suspension_list(*, scope: DataScope, settlement: Settlement, status: str = "") -> QuerySet[Suspension]:
    qs = Suspension.objects.for_scope(scope).filter(settlement=settlement)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("entitlement", "entitlement__elder").order_by("id")


def elder_payment_lines(*, elder: Elder, limit: int = 50) -> list[PaymentLine]:
    return list(
        PaymentLine.objects.filter(elder=elder)
        .select_related("settlement")
        .order_by("-for_period", "-id")[:limit]
    )


# ---- funds (资金) --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FundsRow:
    programme_code: str
    district_code: str
    budget_fen: int
    committed_fen: int
    paid_fen: int
    by_month: dict[int, tuple[int, int]]  # month → (committed, paid)

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.committed_fen


def funds_overview(*, scope: DataScope, year: int) -> list[FundsRow]:
    """Budget, committed (all lines booked) and paid, per programme and district, by month (two queries)."""
    lines = (
        PaymentLine.objects.for_scope(scope)
        .filter(settlement__period__year=year)
        .annotate(m=ExtractMonth("settlement__period"))
        .values("programme_code", "district_code", "m")
        .annotate(
            committed=Sum("amount_fen", filter=~Q(status=LineStatus.CARRIED)),
            paid=Sum("amount_fen", filter=Q(status=LineStatus.PAID)),
        )
    )
    table: dict[tuple[str, str], dict[int, tuple[int, int]]] = defaultdict(dict)
    for row in lines:
        table[(row["programme_code"], row["district_code"])][row["m"]] = (
            row["committed"] or 0,
            row["paid"] or 0,
        )
    budgets = {
        (b.programme_code, b.district_code): b.amount_fen
        for b in Budget.objects.filter(year=year).filter(_district_scope_q(scope))
    }
    keys = sorted(set(table) | set(budgets))
    return [
        FundsRow(
            programme_code=p,
            district_code=d,
            budget_fen=budgets.get((p, d), 0),
            committed_fen=sum(c for c, _ in table[(p, d)].values()),
            paid_fen=sum(x for _, x in table[(p, d)].values()),
            by_month=dict(sorted(table[(p, d)].items())),
        )
        for p, d in keys
    ]


def _district_scope_q(scope: DataScope) -> Q:
    """Budgets are per district: a district or city scope sees them; a street sees its district's."""
    if scope.unrestricted:
        return Q()
    q = Q(pk__in=[])
    for code in scope.division_codes:
        q |= Q(district_code__startswith=code) | Q(district_code=code[:6])
    return q


def budget_position(*, programme_code: str, district_code: str, year: int) -> tuple[int | None, int]:
    """(budget or None when no budget is set, committed): booked lines plus the rest of the year of every
    active entitlement at its granted amount."""
    budget = (
        Budget.objects.filter(programme_code=programme_code, district_code=district_code, year=year)
        .values_list("amount_fen", flat=True)
        .first()
    )
    booked = (
        PaymentLine.objects.filter(
            programme_code=programme_code, district_code=district_code, settlement__period__year=year
        )
        .exclude(status=LineStatus.CARRIED)
        .aggregate(total=Sum("amount_fen"))["total"]
        or 0
    )
    today = timezone.localdate()
    months_left = 12 - today.month if today.year == year else 12 if today.year < year else 0
    running = (
        Entitlement.objects.filter(
            programme_code=programme_code,
            status=EntitlementStatus.ACTIVE,
            division_code__startswith=district_code,
        ).aggregate(total=Sum("monthly_amount_fen"))["total"]
        or 0
    )
    return budget, booked + running * months_left
