"""Monthly settlement (月度结算): pre-settlement checks, regular lines, corrections, recoveries, carry-overs.

Idempotent per period: a regular line is unique per (settlement, entitlement, kind, for_period) and a run
only inserts what is missing; corrections are computed as "what the rule says now minus what is booked",
so a second run finds nothing to correct. Lines are never edited in amount; only their payment status moves.
Set-based: entitlements are read in id-ordered batches with their elders joined, groups and levels one query
per batch, regular lines written with COPY (`core.bulk.copy_insert`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from eldercare.assessment.choices import AssessmentStatus
from eldercare.assessment.models import CURRENT_PURPOSES, Assessment
from eldercare.benefits import rules
from eldercare.benefits.choices import (
    EntitlementStatus,
    LineKind,
    LineStatus,
    SettlementStatus,
    SuspensionReason,
    SuspensionStatus,
)
from eldercare.benefits.models import Absence, Entitlement, PaymentLine, Settlement, Suspension
from eldercare.benefits.selectors import (
    ELDER_FIELDS,
    ProgrammeSet,
    benefit_settings,
    city_code,
    groups_of,
    level_histories,
    programmes_on,
    snapshot_from_row,
)
from eldercare.core.audit import audit_record
from eldercare.core.bulk import copy_insert_rows, refresh_statistics
from eldercare.core.exceptions import DomainError
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import ElderGroupMembership

BATCH = 5000
ENT_FIELDS = ("id", "elder_id", "programme_code", "start_on", "end_on", "division_code")


@dataclass
class SettlementReport:
    period: str
    regular: int = 0
    corrections: int = 0
    recoveries: int = 0
    carried: int = 0
    suspended: int = 0
    already_there: int = 0
    set_based: int = 0  # of `regular`: lines written by the one INSERT … SELECT
    amount_fen: int = 0
    checks: dict[str, int] = field(default_factory=dict)


def _batches(qs: Any, fields: tuple[str, ...]) -> Iterator[list[dict[str, Any]]]:
    """Keyset pagination by id: bounded memory, one query per batch."""
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values(*fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def _snapshots(
    rows: list[dict[str, Any]], city: str, *, elders: QuerySet[Any] | None = None
) -> dict[int, rules.ElderSnapshot]:
    """Rule snapshots of the rows' elders; `elders` (a subquery of their ids) spares a long id list."""
    elder_ids: list[int] | QuerySet[Any] = (
        elders if elders is not None else list({r["elder_id"] for r in rows})
    )
    groups = groups_of(elder_ids)
    levels = level_histories(elder_ids)
    return {
        r["elder_id"]: snapshot_from_row(
            r["elder_id"],
            r,
            groups=groups.get(r["elder_id"], ()),
            levels=levels.get(r["elder_id"], ()),
            city=city,
            prefix="elder__",
        )
        for r in rows
    }


def _line(
    settlement: Settlement, row: dict[str, Any], programme: rules.Programme, **fields: Any
) -> PaymentLine:
    return PaymentLine(**_line_values(settlement, row, programme, **fields))


def _line_values(
    settlement: Settlement,
    row: dict[str, Any],
    programme: rules.Programme,
    *,
    kind: str,
    for_period: rules.Month,
    amount: int,
    version_id: int,
    tier: str,
    reasons: list[str],
) -> dict[str, Any]:
    """A payment line's columns (by attname), for `PaymentLine(**…)` or a COPY row."""
    return {
        "settlement_id": settlement.pk,
        "entitlement_id": row["id"],
        "elder_id": row["elder_id"],
        "programme_code": programme.code,
        "kind": kind,
        "for_period": for_period.first,
        "amount_fen": amount,
        "payment_form": programme.payment_form,
        "rule_version_id": version_id,
        "tier": tier[:40],
        "reasons": reasons,
        "division_code": row["division_code"],
        "district_code": row["division_code"][:6],
    }


# ---- pre-settlement checks ----------------------------------------------------------------------
def presettlement_checks(
    *, settlement: Settlement, period: rules.Month, programmes: ProgrammeSet
) -> dict[str, int]:
    """List, for review, every running entitlement whose elder died, moved, was admitted, or was away long
    enough to suspend home-care subsidies. Nothing is applied silently: each finding is an open suspension.
    Set-based: one insert … select per kind of finding (ignoring findings already listed)."""
    settings = benefit_settings(period.first)
    running = Entitlement.objects.filter(start_on__lte=period.last).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=period.first)
    )
    existing = set(Suspension.objects.filter(settlement=settlement).values_list("entitlement_id", "reason"))
    found: list[Suspension] = []
    admission_codes = [p.code for p in programmes.programmes.values() if p.ends_on_admission]
    for status, reason, label in (
        (ElderStatus.DECEASED, SuspensionReason.DECEASED, "died"),
        (ElderStatus.MOVED_OUT, SuspensionReason.MOVED_OUT, "moved out"),
        (ElderStatus.IN_INSTITUTION, SuspensionReason.IN_INSTITUTION, "lives in an institution"),
    ):
        qs = running.filter(status=EntitlementStatus.ACTIVE, elder__status=status)
        if status == ElderStatus.IN_INSTITUTION:
            qs = qs.filter(programme_code__in=admission_codes)
        for ent_id, division, on in qs.values_list("id", "division_code", "elder__status_changed_on"):
            if (ent_id, reason) not in existing:
                found.append(
                    Suspension(
                        settlement=settlement,
                        entitlement_id=ent_id,
                        reason=reason,
                        division_code=division,
                        detail=f"registry: {label}" + (f" on {on}" if on else ""),
                    )
                )
    absence_codes = [p.code for p in programmes.programmes.values() if p.suspend_on_absence]
    min_days = settings["absence_suspend_days"]
    absences = Absence.objects.filter(start_on__lte=period.last).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=period.first)
    )
    long_absent: dict[int, str] = {}
    for elder_id, start, end, kind in absences.values_list("elder_id", "start_on", "end_on", "kind"):
        stop = min(end or period.last, period.last)
        begin = max(start, period.first)
        days = (stop - begin).days + 1
        if days >= min_days:
            long_absent[elder_id] = f"{kind} {start}–{end or '…'}: {days} days this month (≥ {min_days})"
    if long_absent and absence_codes:
        for ent_id, elder_id, division in running.filter(
            elder_id__in=list(long_absent), programme_code__in=absence_codes
        ).values_list("id", "elder_id", "division_code"):
            if (ent_id, SuspensionReason.ABSENCE) not in existing:
                found.append(
                    Suspension(
                        settlement=settlement,
                        entitlement_id=ent_id,
                        reason=SuspensionReason.ABSENCE,
                        division_code=division,
                        detail=long_absent[elder_id],
                    )
                )
    Suspension.objects.bulk_create(found, batch_size=2000, ignore_conflicts=True)
    counts: dict[str, int] = defaultdict(int)
    for s in found:
        counts[s.reason] += 1
    return dict(counts)


# ---- the run ------------------------------------------------------------------------------------
@transaction.atomic
def settle_month(*, period: rules.Month, actor: Any, set_based: bool = True) -> SettlementReport:
    """Run (or re-run) the settlement of one month while it is a draft; returns what was added.

    `set_based=False` computes every line in Python (the reference the set-based path is tested against).
    """
    settlement, _ = Settlement.objects.get_or_create(period=period.first)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != SettlementStatus.DRAFT:
        raise DomainError(
            "settlement_locked",
            f"The settlement of {period} is {settlement.status}; it can no longer run.",
            status=409,
        )
    programmes = programmes_on(period.first)
    settings = benefit_settings(period.first)
    city = city_code()
    report = SettlementReport(period=str(period))
    report.checks = presettlement_checks(settlement=settlement, period=period, programmes=programmes)
    held = set(
        Suspension.objects.filter(
            settlement=settlement, status__in=[SuspensionStatus.OPEN, SuspensionStatus.CONFIRMED]
        ).values_list("entitlement_id", flat=True)
    )
    _regular(settlement, period, programmes, settings, city, held, report, set_based=set_based)
    _corrections(settlement, period, settings, city, report)
    _carry_over(settlement, period, report)
    settlement.runs += 1
    settlement.last_run_at = timezone.now()
    settlement.programme_version_id = programmes.version_id
    settlement.counts = settlement_counts(settlement)
    settlement.save(update_fields=["runs", "last_run_at", "programme_version_id", "counts", "updated_at"])
    audit_record(
        actor=actor,
        action="benefits.settlement_run",
        target=settlement,
        changes={
            "period": str(period),
            "added": {
                "regular": report.regular,
                "correction": report.corrections,
                "recovery": report.recoveries,
                "carry": report.carried,
            },
            "suspended": report.suspended,
            "amount_fen": report.amount_fen,
        },
    )
    return report


def settlement_counts(settlement: Settlement) -> dict[str, Any]:
    rows = (
        PaymentLine.objects.filter(settlement=settlement)
        .values("kind")
        .annotate(n=Count("id"), total=Sum("amount_fen"))
    )
    open_suspensions = Suspension.objects.filter(settlement=settlement, status=SuspensionStatus.OPEN).count()
    return {
        "lines": {r["kind"]: r["n"] for r in rows},
        "amount_fen": {r["kind"]: r["total"] or 0 for r in rows},
        "total_fen": sum(r["total"] or 0 for r in rows),
        "open_suspensions": open_suspensions,
    }


def _regular(
    settlement: Settlement,
    period: rules.Month,
    programmes: ProgrammeSet,
    settings: dict[str, Any],
    city: str,
    held: set[int],
    report: SettlementReport,
    *,
    set_based: bool,
) -> None:
    codes = [p.code for p in programmes.programmes.values() if p.kind in ("monthly", "one_off")]
    booked = PaymentLine.objects.filter(
        settlement=settlement, kind=LineKind.REGULAR, entitlement_id=OuterRef("pk")
    )
    already_flagged = set(
        Suspension.objects.filter(settlement=settlement, reason=SuspensionReason.NOT_ELIGIBLE).values_list(
            "entitlement_id", flat=True
        )
    )
    running = Entitlement.objects.filter(programme_code__in=codes, start_on__lte=period.last).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=period.first)
    )
    refresh_statistics(PaymentLine, Suspension)  # earlier runs' lines, the findings just written
    report.already_there += running.filter(Exists(booked)).count()
    if set_based:
        count, amount = _full_month_lines(settlement, period, programmes, settings, city, running)
        report.regular += count
        report.set_based = count
        report.amount_fen += amount
    # every other case (a birthday, death, move, partial validity, ineligibility …) row by row
    qs = running.exclude(Exists(booked))
    fields = ENT_FIELDS + tuple(f"elder__{f}" for f in ELDER_FIELDS)
    level_rule = settings["level_change_from"]
    for rows in _batches(qs, fields):
        todo = [r for r in rows if r["id"] not in held]
        if not todo:
            continue
        # the batch's elders as a subquery: no list of thousands of ids to render into SQL
        batch_elders = qs.filter(pk__gte=rows[0]["id"], pk__lte=rows[-1]["id"]).values("elder_id")
        snaps = _snapshots(todo, city, elders=batch_elders)
        lines: list[dict[str, Any]] = []
        flagged: list[Suspension] = []
        for row in todo:
            programme = programmes.programmes[row["programme_code"]]
            decision = rules.evaluate(
                snaps[row["elder_id"]],
                programme,
                period,
                level_change_from=level_rule,
                window=(row["start_on"], row["end_on"]),
            )
            if decision.eligible and decision.amount_fen > 0:
                lines.append(
                    _line_values(
                        settlement,
                        row,
                        programme,
                        kind=LineKind.REGULAR,
                        for_period=period,
                        amount=decision.amount_fen,
                        version_id=programmes.version_id,
                        tier=decision.tier,
                        reasons=[f"{decision.days}/{period.days}d"] if decision.days != period.days else [],
                    )
                )
                report.amount_fen += decision.amount_fen
            elif (
                row["end_on"] is None
                and row["id"] not in already_flagged
                and decision.codes not in (("one_off_paid",), ("window",))
            ):
                flagged.append(
                    Suspension(
                        settlement=settlement,
                        entitlement_id=row["id"],
                        reason=SuspensionReason.NOT_ELIGIBLE,
                        division_code=row["division_code"],
                        detail="; ".join(decision.reasons)[-300:],
                    )
                )
        copy_insert_rows(PaymentLine, lines)  # `booked` and the settlement's row lock rule out duplicates
        Suspension.objects.bulk_create(flagged, batch_size=2000, ignore_conflicts=True)
        report.regular += len(lines)
        report.suspended += len(flagged)


def _full_month_lines(
    settlement: Settlement,
    period: rules.Month,
    programmes: ProgrammeSet,
    settings: dict[str, Any],
    city: str,
    running: QuerySet[Entitlement],
) -> tuple[int, int]:
    """One INSERT … SELECT for every entitlement whose month is whole and uneventful: the bulk of a city.

    The conditions come from `rules.full_month_plan`, so the database pays exactly what `rules.evaluate`
    would (the settlement tests run both paths on the same data and compare the lines). Rows it leaves
    out go through `evaluate` one by one. Returns the lines written and their amount.
    """
    plans = [
        rules.full_month_plan(p, period, level_change_from=settings["level_change_from"])
        for p in programmes.programmes.values()
        if p.kind == "monthly"
    ]
    plans = [plan for plan in plans if plan.qualified_born_by is not None and plan.tiers]
    if not plans:
        return 0, 0
    limit = plans[0].level_published_by + timedelta(days=1)
    level = Subquery(
        Assessment.objects.filter(
            elder_id=OuterRef("elder_id"),
            status__in=[AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED],
            purpose__in=list(CURRENT_PURPOSES),
            published_at__lt=timezone.make_aware(datetime.combine(limit, time.min)),
            level__isnull=False,
        )
        .order_by("-published_at", "-pk")
        .values("level")[:1]
    )

    def in_group(groups: frozenset[str]) -> Exists:
        return Exists(ElderGroupMembership.objects.filter(elder_id=OuterRef("elder_id"), group__in=groups))

    def ended_after_month(status: str) -> Q:
        return (
            ~Q(elder__status=status)
            | Q(elder__status_changed_on__isnull=True)
            | Q(elder__status_changed_on__gt=period.last)
        )

    whole_month = (
        Q(start_on__lte=period.first)
        & (Q(end_on__isnull=True) | Q(end_on__gte=period.last))
        & (Q(elder__deceased_on__isnull=True) | Q(elder__deceased_on__gt=period.last))
        & ended_after_month(ElderStatus.MOVED_OUT)
    )
    eligible = Q(pk__in=[])
    tier_cases: list[When] = []
    outputs: list[tuple[int, str, str]] = []  # per tier number: amount, label, payment form
    for plan in plans:
        p = plan.programme
        condition = Q(programme_code=p.code, elder__birth_date__lte=plan.qualified_born_by)
        if p.hukou_required and city:
            condition &= Q(elder__hukou_division_id__isnull=True) | Q(
                elder__hukou_division__code__startswith=city
            )
        if p.economic_statuses:
            condition &= (
                Q(elder__economic_status__in=p.economic_statuses)
                & (
                    Q(elder__economic_valid_from__isnull=True)
                    | Q(elder__economic_valid_from__lte=period.first)
                )
                & (Q(elder__economic_valid_to__isnull=True) | Q(elder__economic_valid_to__gte=period.last))
            )
        if p.min_level is not None:
            condition &= Q(level__gte=p.min_level)
        if p.groups_any:
            condition &= Q(in_group(p.groups_any))
        if p.ends_on_admission:
            condition &= ended_after_month(ElderStatus.IN_INSTITUTION)
        eligible |= condition
        for bounds in plan.tiers:
            tier = bounds.tier
            match = Q(programme_code=p.code)
            if bounds.born_by is not None:
                match &= Q(elder__birth_date__lte=bounds.born_by)
            if bounds.born_after is not None:
                match &= Q(elder__birth_date__gt=bounds.born_after)
            if tier.levels is not None:
                match &= Q(level__in=tier.levels)
            if tier.economic_statuses is not None:
                match &= Q(elder__economic_status__in=tier.economic_statuses)
            if tier.groups is not None:
                match &= Q(in_group(tier.groups))
            # a zero tier still matches first (and pays nothing): it keeps its number, the insert skips it
            tier_cases.append(When(match, then=Value(len(outputs))))
            outputs.append((tier.amount_fen, tier.label[:40], p.payment_form))
    # NOT IN (a hashed subplan: the held are few) and ON CONFLICT for what is booked, not anti-joins: with
    # a dozen OR-ed programme conditions the planner expects one row and nests the anti-joins (8 s for
    # 18,000 lines in the demo city)
    held = Suspension.objects.filter(
        settlement=settlement, status__in=[SuspensionStatus.OPEN, SuspensionStatus.CONFIRMED]
    ).values("entitlement_id")
    selected = (
        running.alias(level=level)
        .filter(whole_month & eligible)
        .exclude(pk__in=held)
        .annotate(tier_no=Case(*tier_cases, default=Value(-1), output_field=IntegerField()))
        .values_list("id", "elder_id", "programme_code", "division_code", "tier_no")
        .order_by()
    )
    paying = [n for n, (amount, _, _) in enumerate(outputs) if amount > 0]
    if not paying:
        return 0, 0
    inner, inner_params = selected.query.sql_with_params()

    def by_tier(values: list[Any]) -> tuple[str, list[Any]]:
        return "CASE s.tier_no " + " ".join("WHEN %s THEN %s" for _ in values) + " END", [
            x for n, v in zip(paying, values, strict=True) for x in (n, v)
        ]

    amount_sql, amount_params = by_tier([outputs[n][0] for n in paying])
    label_sql, label_params = by_tier([outputs[n][1] for n in paying])
    form_sql, form_params = by_tier([outputs[n][2] for n in paying])
    table = PaymentLine._meta.db_table
    columns = (
        "settlement_id, entitlement_id, elder_id, programme_code, kind, for_period, amount_fen, "
        "payment_form, rule_version_id, tier, reasons, status, bank_reference, division_code, district_code, "
        "created_at"
    )
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names from the model, values as parameters
        f"SELECT %s, s.id, s.elder_id, s.programme_code, %s, %s, {amount_sql}, {form_sql}, %s, {label_sql}, "
        f"'[]', %s, '', s.division_code, SUBSTR(s.division_code, 1, 6), %s "
        f"FROM ({inner}) s WHERE s.tier_no IN ({', '.join('%s' for _ in paying)}) "
        "ON CONFLICT DO NOTHING"  # booked by an earlier run (payment_line_once)
    )
    params = [
        settlement.pk,
        LineKind.REGULAR,
        period.first,
        *amount_params,
        *form_params,
        programmes.version_id,
        *label_params,
        LineStatus.PENDING,
        timezone.now(),
        *inner_params,
        *paying,
    ]
    before = PaymentLine.objects.filter(settlement=settlement, kind=LineKind.REGULAR).aggregate(
        n=Count("id"), total=Sum("amount_fen")
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the planner costs every CASE branch's subplan and JIT-compiles the statement: a second
            # spent compiling a query that runs in a tenth of it
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
    refresh_statistics(PaymentLine)  # the row-by-row pass anti-joins these lines
    after = PaymentLine.objects.filter(settlement=settlement, kind=LineKind.REGULAR).aggregate(
        n=Count("id"), total=Sum("amount_fen")
    )
    return after["n"] - before["n"], (after["total"] or 0) - (before["total"] or 0)


def _corrections(
    settlement: Settlement, period: rules.Month, settings: dict[str, Any], city: str, report: SettlementReport
) -> None:
    """Recompute months from each flagged entitlement's `recheck_from` up to the month before this one and
    book the difference: positive = correction (补发), negative = recovery (追回)."""
    earliest = period.add(-settings["correction_lookback_months"])
    qs = Entitlement.objects.filter(recheck_from__isnull=False, recheck_from__lt=period.first)
    fields = (*ENT_FIELDS, "recheck_from", *(f"elder__{f}" for f in ELDER_FIELDS))
    versions: dict[rules.Month, ProgrammeSet] = {}
    done: list[int] = []
    for rows in _batches(qs, fields):
        snaps = _snapshots(rows, city)
        ids = [r["id"] for r in rows]
        booked: dict[tuple[int, Any], int] = defaultdict(int)
        for ent_id, for_period, total in (
            PaymentLine.objects.filter(entitlement_id__in=ids, for_period__lt=period.first)
            .exclude(status=LineStatus.CARRIED)
            .values("entitlement_id", "for_period")
            .annotate(total=Sum("amount_fen"))
            .values_list("entitlement_id", "for_period", "total")
        ):
            booked[(ent_id, for_period)] = total or 0
        lines: list[PaymentLine] = []
        for row in rows:
            month = max(rules.Month.of(row["recheck_from"]), earliest)
            while month < period:
                if month not in versions:
                    versions[month] = programmes_on(month.first)
                programme_set = versions[month]
                programme = programme_set.get(row["programme_code"])
                if programme is not None and programme.kind in ("monthly", "one_off"):
                    decision = rules.evaluate(
                        snaps[row["elder_id"]],
                        programme,
                        month,
                        level_change_from=settings["level_change_from"],
                        window=(row["start_on"], row["end_on"]),
                    )
                    should = decision.amount_fen if decision.eligible else 0
                    delta = rules.correction_amount(
                        should_fen=should, booked_fen=booked.get((row["id"], month.first), 0)
                    )
                    if delta:
                        kind = LineKind.CORRECTION if delta > 0 else LineKind.RECOVERY
                        lines.append(
                            _line(
                                settlement,
                                row,
                                programme,
                                kind=kind,
                                for_period=month,
                                amount=delta,
                                version_id=programme_set.version_id,
                                tier=decision.tier,
                                reasons=list(decision.reasons)[-3:],
                            )
                        )
                        report.amount_fen += delta
                        if delta > 0:
                            report.corrections += 1
                        else:
                            report.recoveries += 1
                month = month.next()
            done.append(row["id"])
        PaymentLine.objects.bulk_create(lines, batch_size=BATCH, ignore_conflicts=True)
    for start in range(0, len(done), BATCH):
        Entitlement.objects.filter(pk__in=done[start : start + BATCH]).update(recheck_from=None)


def _carry_over(settlement: Settlement, period: rules.Month, report: SettlementReport) -> None:
    """Failed and unpaid (no account) lines of earlier months come back as one carry line per entitlement
    and month; the originals are marked carried (their status moves, their amount does not)."""
    stale = PaymentLine.objects.filter(
        status__in=[LineStatus.FAILED, LineStatus.NO_ACCOUNT], settlement__period__lt=period.first
    )
    groups = list(
        stale.values(
            "entitlement_id",
            "elder_id",
            "programme_code",
            "for_period",
            "payment_form",
            "division_code",
            "district_code",
        )
        .annotate(total=Sum("amount_fen"), version=Max("rule_version_id"), n=Count("id"), first=Min("id"))
        .order_by("entitlement_id", "for_period")
    )
    if not groups:
        return
    lines = [
        PaymentLine(
            settlement=settlement,
            entitlement_id=g["entitlement_id"],
            elder_id=g["elder_id"],
            programme_code=g["programme_code"],
            kind=LineKind.CARRY,
            for_period=g["for_period"],
            amount_fen=g["total"],
            payment_form=g["payment_form"],
            rule_version_id=g["version"],
            reasons=[f"carried from {g['n']} unpaid line(s)"],
            division_code=g["division_code"],
            district_code=g["district_code"],
            carried_from_id=g["first"] if g["n"] == 1 else None,
        )
        for g in groups
        if g["total"]
    ]
    PaymentLine.objects.bulk_create(lines, batch_size=BATCH, ignore_conflicts=True)
    stale.update(status=LineStatus.CARRIED)
    report.carried += len(lines)
    report.amount_fen += sum(line.amount_fen for line in lines)


# ---- review -------------------------------------------------------------------------------------
@transaction.atomic
def suspension_decide(*, suspension: Suspension, confirm: bool, actor: Any) -> Suspension:
    """Confirm (not paid this month; a death/move/admission also ends the entitlement) or dismiss (paid at
    the next run of the draft)."""
    from eldercare.benefits.services.entitlements import EndRequest, entitlements_end

    suspension = (
        Suspension.objects.select_for_update()
        .select_related("settlement", "entitlement__elder")
        .get(pk=suspension.pk)
    )
    if suspension.settlement.status != SettlementStatus.DRAFT:
        raise DomainError("settlement_locked", "The settlement is locked.", status=409)
    if suspension.status != SuspensionStatus.OPEN:
        raise DomainError("suspension_decided", "This finding has already been decided.", status=409)
    suspension.status = SuspensionStatus.CONFIRMED if confirm else SuspensionStatus.DISMISSED
    suspension.decided_by = getattr(actor, "username", str(actor))[:150]
    suspension.save(update_fields=["status", "decided_by", "updated_at"])
    ent = suspension.entitlement
    if confirm and ent.status == EntitlementStatus.ACTIVE:
        elder = ent.elder
        kind = {
            SuspensionReason.DECEASED: "death",
            SuspensionReason.MOVED_OUT: "move_out",
            SuspensionReason.IN_INSTITUTION: "institution",
        }.get(SuspensionReason(suspension.reason))
        if kind is not None:
            on = (
                elder.deceased_on
                or elder.status_changed_on
                or suspension.settlement.period - timedelta(days=1)
            )
            entitlements_end(requests=[EndRequest(elder_id=elder.pk, kind=kind, occurred_on=on)], actor=actor)
    audit_record(
        actor=actor,
        action="benefits.suspension_decided",
        target=suspension,
        division_code=suspension.division_code,
        changes={"status": ["open", suspension.status], "reason": suspension.reason},
    )
    return suspension


@transaction.atomic
def suspensions_decide_all(*, settlement: Settlement, reason: str, confirm: bool, actor: Any) -> int:
    """Decide every open finding of one reason at once (e.g. confirm all "not eligible" findings)."""
    items = list(
        Suspension.objects.filter(settlement=settlement, reason=reason, status=SuspensionStatus.OPEN)
    )
    for item in items:
        suspension_decide(suspension=item, confirm=confirm, actor=actor)
    return len(items)


@transaction.atomic
def settlement_lock(*, settlement: Settlement, actor: Any, note: str = "") -> Settlement:
    """Review done: lock the settlement so that it can be exported. Open findings must be decided first."""
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != SettlementStatus.DRAFT:
        raise DomainError("settlement_not_draft", "Only a draft settlement can be locked.", status=409)
    if settlement.runs == 0:
        raise DomainError("settlement_not_run", "Run the settlement before locking it.", status=409)
    open_count = Suspension.objects.filter(settlement=settlement, status=SuspensionStatus.OPEN).count()
    if open_count:
        raise DomainError(
            "settlement_open_findings",
            f"{open_count} pre-settlement findings are still open: confirm or dismiss them first.",
            {"open": open_count},
            status=409,
        )
    settlement.status = SettlementStatus.LOCKED
    settlement.locked_by = getattr(actor, "username", str(actor))[:150]
    settlement.locked_at = timezone.now()
    settlement.review_note = note[:500]
    settlement.counts = settlement_counts(settlement)
    settlement.save(update_fields=["status", "locked_by", "locked_at", "review_note", "counts", "updated_at"])
    audit_record(
        actor=actor, action="benefits.settlement_locked", target=settlement, changes={"note": note[:200]}
    )
    return settlement
