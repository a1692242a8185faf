"""The planning API: indicator values by division and date, time series, key counts, report download."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from eldercare.accounts.api_auth import api_operation
from eldercare.planning import rules, selectors
from eldercare.planning.models import KeyCount
from eldercare.planning.registry import key_count_labels
from eldercare.planning.schemas import IndicatorValueOut, KeyCountOut, SeriesOut, SeriesPointOut
from eldercare.planning.services import reports as report_services

router = Router(tags=["planning"])


def _division(request: HttpRequest, division: str | None) -> str:
    if division:
        return division
    user = getattr(request.auth, "user", None)  # type: ignore[attr-defined]
    return selectors.home_division_code(
        scope=request.auth.scope,  # type: ignore[attr-defined]
        user_division=getattr(user, "division_id", None)
        or next(iter(request.auth.scope.division_codes), None),  # type: ignore[attr-defined]
    )


@router.get("/planning/values", response=list[IndicatorValueOut])
@api_operation
def planning_indicator_values(
    request: HttpRequest, division: str | None = None, on: date | None = None
) -> Any:
    """Every indicator's value in one division for the month holding `on` (default: latest refreshed)."""
    scope = request.auth.scope  # type: ignore[attr-defined]
    code = _division(request, division)
    dash = selectors.dashboard(scope=scope, code=code, month=rules.month_start(on) if on else None)
    out = []
    for row in dash.rows + dash.supplementary:
        v, a = row.value, row.assessment
        if v is None:
            continue
        out.append(
            IndicatorValueOut(
                indicator_code=row.indicator.code,
                indicator_name=row.indicator.name,
                unit=row.indicator.unit,
                binding=row.indicator.binding,
                direction=row.indicator.direction,
                division_code=code,
                month=v.month,
                as_of=v.as_of,
                value=v.value,
                value_text=v.value_text,
                numerator=v.numerator,
                denominator=v.denominator,
                source=v.source,
                target_year=a.target_year,
                target=a.target,
                expected=a.expected,
                gap=a.gap,
                status=a.status,
                computed_at=v.computed_at,
            )
        )
    return out


@router.get("/planning/indicators/{code}/series", response=SeriesOut)
@api_operation
def planning_indicator_series(
    request: HttpRequest, code: str, division: str | None = None, months: int = 24
) -> Any:
    scope = request.auth.scope  # type: ignore[attr-defined]
    division_code = _division(request, division)
    indicator = selectors.access_indicator(code=code)
    series = selectors.indicator_series(
        scope=scope, indicator=indicator, code=division_code, months=min(max(months, 1), 120)
    )
    return SeriesOut(
        indicator_code=indicator.code,
        division_code=division_code,
        unit=indicator.unit,
        points=[
            SeriesPointOut(
                month=v.month,
                value=v.value,
                numerator=v.numerator,
                denominator=v.denominator,
                source=v.source,
            )
            for v in series
        ],
    )


@router.get("/planning/key-counts", response=list[KeyCountOut])
@api_operation
def planning_key_counts(request: HttpRequest, division: str | None = None, on: date | None = None) -> Any:
    scope = request.auth.scope  # type: ignore[attr-defined]
    code = _division(request, division)
    selectors.access_dashboard_division(scope=scope, code=code)
    month = rules.month_start(on) if on else selectors.latest_month()
    labels = key_count_labels()
    return [
        KeyCountOut(
            key=k.key,
            label=labels.get(k.key, (k.key, ""))[0],
            unit=labels.get(k.key, ("", ""))[1],
            division_code=code,
            month=k.month,
            value=k.value,
        )
        for k in KeyCount.objects.filter(division_id=code, month=month).order_by("key")
    ]


@router.get("/planning/reports/{report_id}/download")
@api_operation
def planning_report_download(request: HttpRequest, report_id: int, fmt: str = "xlsx") -> HttpResponse:
    report = selectors.access_report(scope=request.auth.scope, report_id=report_id)  # type: ignore[attr-defined]
    content, content_type, name = report_services.report_file(report=report, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
