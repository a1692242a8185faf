"""Writes of plan monitoring: the indicator rows, manual entries and the aggregate refresh."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.core.selectors import city_profile, current_profile_code, policy_value
from eldercare.planning import definitions, rules
from eldercare.planning.choices import (
    QUALITATIVE_VALUES,
    IndicatorKind,
    QualitativeState,
    ValueSource,
)
from eldercare.planning.models import Indicator, IndicatorValue, KeyCount, ManualEntry, RefreshRun
from eldercare.planning.registry import Measure, computation, key_count_specs

LEVEL_LENGTHS = (
    CODE_LENGTH[DivisionLevel.CITY],
    CODE_LENGTH[DivisionLevel.COUNTY],
    CODE_LENGTH[DivisionLevel.STREET],
)


@transaction.atomic
def indicators_sync(*, profile_code: str | None = None, on: date | None = None) -> list[Indicator]:
    """Upsert the city's indicator rows from the policy `plan.indicators` and the shipped definitions."""
    profile_code = profile_code or current_profile_code()
    on = on or timezone.localdate()
    policy = policy_value("plan.indicators", on=on, profile_code=profile_code, default=[])
    plan_defs = definitions.plan_definitions()
    rows: list[Indicator] = []
    for position, item in enumerate(policy.value, start=1):
        d = plan_defs.get(item["code"])
        rows.append(
            _upsert(
                profile_code,
                item["code"],
                kind=IndicatorKind.PLAN,
                name=item["name"],
                name_en=item.get("name_en", ""),
                unit=item.get("unit", ""),
                binding=item.get("property") == "binding",
                direction=item["direction"],
                base=item.get("base", {}),
                targets=item.get("targets", {}),
                note=item.get("note", "")[:300],
                definition=d.definition if d else "",
                numerator_label=d.numerator if d else "",
                denominator_label=d.denominator if d else "",
                computation_key=d.computation if d else "",
                module=d.module if d else "manual",
                scale=d.scale if d else 1.0,
                position=position,
                policy_version_id=policy.version_id,
            )
        )
    for position, d in enumerate(definitions.supplementary_definitions().values(), start=100):
        rows.append(
            _upsert(
                profile_code,
                d.code,
                kind=IndicatorKind.SUPPLEMENTARY,
                name=d.name,
                name_en=d.name_en,
                unit=d.unit,
                binding=False,
                direction=d.direction,
                base={},
                targets={},
                note="",
                definition=d.definition,
                numerator_label=d.numerator,
                denominator_label=d.denominator,
                computation_key=d.computation,
                module=d.module,
                scale=d.scale,
                position=position,
                policy_version_id=0,
            )
        )
    return rows


def _upsert(profile_code: str, code: str, **fields: Any) -> Indicator:
    indicator, created = Indicator.objects.get_or_create(
        profile_code=profile_code, code=code, defaults=fields
    )
    if not created and any(getattr(indicator, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(indicator, key, value)
        indicator.save()
    return indicator


def is_computed(indicator: Indicator) -> bool:
    """True when a module has registered the indicator's computation; otherwise it is a manual entry."""
    return computation(indicator.computation_key) is not None


# ---- manual entries --------------------------------------------------------------------------------
@transaction.atomic
def manual_entry_create(
    *,
    indicator: Indicator,
    division: Division,
    period: date,
    actor: Any,
    evidence: str,
    value: float | None = None,
    value_text: str = "",
    numerator: float | None = None,
    denominator: float | None = None,
    evidence_file_name: str = "",
    evidence_file: bytes | None = None,
) -> ManualEntry:
    """Record a value the platform cannot compute, with its evidence; the dashboard shows it at once."""
    if is_computed(indicator):
        raise DomainError(
            "indicator_computed",
            "This indicator is computed from platform data; it takes no manual entry.",
            status=409,
        )
    if not evidence.strip():
        raise DomainError("evidence_required", "Say where the value comes from (evidence).", status=422)
    if indicator.direction == "established":
        if value_text not in QualitativeState.values:
            raise DomainError(
                "qualitative_state",
                "Choose one of the states of this indicator.",
                {"allowed": list(QualitativeState.values)},
                status=422,
            )
        value = QUALITATIVE_VALUES[QualitativeState(value_text)]
    elif value is None:
        if numerator is None or not denominator:
            raise DomainError(
                "value_required", "Give the value, or its numerator and denominator.", status=422
            )
        value = rules.value_of(numerator, denominator, scale=indicator.scale)
    if period > timezone.localdate():
        raise DomainError("period_future", "A value cannot describe a date in the future.", status=422)
    entry = ManualEntry.objects.create(
        indicator=indicator,
        division=division,
        period=period,
        value=value,
        value_text=value_text,
        numerator=numerator,
        denominator=denominator,
        evidence=evidence.strip(),
        evidence_file_name=evidence_file_name[:200],
        evidence_file=evidence_file,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _apply_manual(indicator=indicator, division_code=division.code, since=period)
    audit_record(
        actor=actor,
        action="planning.manual_entry",
        target=entry,
        changes={
            "indicator": indicator.code,
            "period": period.isoformat(),
            "value": value,
            "text": value_text,
        },
    )
    return entry


def _apply_manual(*, indicator: Indicator, division_code: str, since: date) -> None:
    """Re-read the manual value of the already refreshed months on or after `since` (cheap: one division)."""
    months = list(
        IndicatorValue.objects.filter(
            indicator=indicator, division_id=division_code, month__gte=rules.month_start(since)
        ).values_list("month", flat=True)
    )
    now = timezone.now()
    entries = list(
        ManualEntry.objects.filter(indicator=indicator, division_id=division_code).order_by("-period", "-id")
    )
    for month in months:
        as_of = min(rules.month_end(month), timezone.localdate())
        entry = next((e for e in entries if e.period <= as_of), None)
        IndicatorValue.objects.filter(indicator=indicator, division_id=division_code, month=month).update(
            **_manual_fields(entry), computed_at=now
        )


def _manual_fields(entry: ManualEntry | None) -> dict[str, Any]:
    if entry is None:
        return {
            "numerator": None,
            "denominator": None,
            "value": None,
            "value_text": "",
            "source": ValueSource.MISSING,
            "manual_entry": None,
        }
    return {
        "numerator": entry.numerator,
        "denominator": entry.denominator,
        "value": entry.value,
        "value_text": entry.value_text,
        "source": ValueSource.MANUAL,
        "manual_entry": entry,
    }


# ---- the refresh -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CityDivisions:
    city: str
    codes: tuple[str, ...]  # city, districts and streets

    @classmethod
    def of(cls, city_code: str) -> CityDivisions:
        codes = list(
            Division.objects.filter(code__startswith=city_code, level__lte=DivisionLevel.STREET)
            .filter(level__gte=DivisionLevel.CITY)
            .values_list("code", flat=True)
            .order_by("code")
        )
        return cls(city=city_code, codes=tuple(codes))


def _month_list(months: Iterable[date]) -> list[date]:
    today = timezone.localdate()
    return sorted({rules.month_start(m) for m in months if rules.month_start(m) <= today})


def refresh(*, months: Iterable[date], trigger: str = "command", actor: Any = "system") -> RefreshRun:
    """Recompute the key counts and indicator values of every division (city, districts, streets) for
    each month; idempotent (each month is replaced as a whole, in one transaction).

    The current month is computed as of today; past months as of their last day.
    """
    profile = city_profile()
    if profile is None:
        raise DomainError(
            "profile_missing", "Load the city profile first (manage.py load_profiles).", status=409
        )
    wanted = _month_list(months)
    run = RefreshRun.objects.create(
        started_at=timezone.now(), months=[m.isoformat() for m in wanted], trigger=trigger
    )
    timings: dict[str, float] = defaultdict(float)
    rows = 0
    try:
        indicators = list(indicators_sync(profile_code=profile.code))
        divisions = CityDivisions.of(profile.division_id)
        for month in wanted:
            with transaction.atomic():
                rows += _refresh_key_counts(divisions, month, timings)
                rows += _refresh_indicators(divisions, indicators, month, timings)
        run.ok = True
    except Exception as exc:
        run.error = repr(exc)[:2000]
        raise
    finally:
        run.finished_at = timezone.now()
        run.rows = rows
        run.timings = {k: round(v, 3) for k, v in timings.items()}
        run.save()
    audit_record(
        actor=actor,
        action="planning.refreshed",
        target=None,
        division_code=profile.division_id,
        changes={"months": run.months, "rows": rows},
    )
    return run


def _as_of(month: date) -> date:
    return min(rules.month_end(month), timezone.localdate())


def _refresh_key_counts(divisions: CityDivisions, month: date, timings: dict[str, float]) -> int:
    now, end = timezone.now(), _as_of(month)
    objs: list[KeyCount] = []
    keys: list[str] = []
    for spec in key_count_specs():
        t = time.perf_counter()
        data = spec.func(divisions.city, month, end)
        for key in spec.labels:
            keys.append(key)
            summed = rules.roll_up(
                ((code, float(v), None) for code, v in data.get(key, {}).items()), lengths=LEVEL_LENGTHS
            )
            objs.extend(
                KeyCount(
                    key=key,
                    division_id=code,
                    month=month,
                    value=summed.get(code, (0.0, None))[0],
                    computed_at=now,
                )
                for code in divisions.codes
            )
        timings[f"keys:{spec.group}"] += time.perf_counter() - t
    KeyCount.objects.filter(month=month, key__in=keys).delete()
    KeyCount.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _refresh_indicators(
    divisions: CityDivisions, indicators: list[Indicator], month: date, timings: dict[str, float]
) -> int:
    now, end = timezone.now(), _as_of(month)
    objs: list[IndicatorValue] = []
    for indicator in indicators:
        t = time.perf_counter()
        spec = computation(indicator.computation_key)
        if spec is None:
            objs.extend(_manual_rows(indicator, divisions, month, end, now))
            timings["manual"] += time.perf_counter() - t
            continue
        measures: dict[str, tuple[float, float | None]]
        if spec.grouped:
            parts = spec.func(divisions.city, end)
            measures = rules.roll_up(
                ((code, m.numerator, m.denominator) for code, m in parts.items()), lengths=LEVEL_LENGTHS
            )
        else:
            measures = {}
            for code in divisions.codes:
                m: Measure = spec.func(code, end)
                measures[code] = (m.numerator, m.denominator)
        for code in divisions.codes:
            numerator, denominator = measures.get(code, (0.0, 0.0 if _has_denominator(measures) else None))
            objs.append(
                IndicatorValue(
                    indicator=indicator,
                    division_id=code,
                    month=month,
                    as_of=end,
                    numerator=numerator,
                    denominator=denominator,
                    value=rules.value_of(numerator, denominator, scale=indicator.scale),
                    source=ValueSource.COMPUTED,
                    computed_at=now,
                )
            )
        timings[f"indicator:{indicator.computation_key}"] += time.perf_counter() - t
    IndicatorValue.objects.filter(month=month, indicator__in=indicators).delete()
    IndicatorValue.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _has_denominator(measures: dict[str, tuple[float, float | None]]) -> bool:
    return any(d is not None for _n, d in measures.values()) or not measures


def _manual_rows(
    indicator: Indicator, divisions: CityDivisions, month: date, end: date, now: Any
) -> list[IndicatorValue]:
    latest: dict[str, ManualEntry] = {}
    for entry in ManualEntry.objects.filter(indicator=indicator, period__lte=end).order_by(
        "division_id", "-period", "-id"
    ):
        latest.setdefault(entry.division_id, entry)
    return [
        IndicatorValue(
            indicator=indicator,
            division_id=code,
            month=month,
            as_of=end,
            computed_at=now,
            **_manual_fields(latest.get(code)),
        )
        for code in divisions.codes
    ]
