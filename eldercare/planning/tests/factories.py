"""Test helpers of plan monitoring: hand-made elders at known dates in known divisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from eldercare.core.services import profile_load
from eldercare.core.tests.factories import ElderFactory, first_child
from eldercare.registry.models import Elder

CITY = "4407"
DISTRICT_A = "440703"  # 蓬江区
DISTRICT_B = "440705"  # 新会区


def load_city() -> None:
    profile_load(code="jiangmen")


def community(district: str, n: int = 0) -> Any:
    """The first community of the n-th street of a district (real divisions)."""
    from eldercare.core.models import Division

    street = Division.objects.filter(parent_id=district).order_by("code")[n]
    return first_child(street.code)


def elder(where: Any, born: date, **fields: Any) -> Elder:
    """An elder with fields set straight on the row (status, dates, flags), bypassing the rules."""
    record = ElderFactory(residence_division=where, birth_date=born)
    if fields:
        Elder.objects.filter(pk=record.pk).update(**fields)
        record.refresh_from_db()
    return record


# ---- samples for the permission-matrix test -----------------------------------------------------------
POST_PAGES = {
    "planning:refresh",
    "planning:manual_entry_create",
    "planning:project_update",
    "planning:funding_create",
    "planning:report_create",
    "planning:exchange_send",
}


def home_street() -> Any:
    from eldercare.core.tests.factories import DISTRICT

    return first_child(DISTRICT)


def sample_report() -> Any:
    from eldercare.planning.models import Report

    report = Report.objects.filter(status="done").order_by("id").first()
    if report is None:
        report = Report.objects.create(
            kind="monthly",
            division=home_street(),
            period=date(2024, 6, 1),
            status="done",
            xlsx=b"PK",
            pdf=b"%PDF",
        )
    return report


def matrix_page_sample(url_name: str, user: Any) -> tuple[str, dict[str, Any]]:
    """(method, URL kwargs) for a planning page, with the objects the page needs, inside the user's area."""
    from eldercare.planning import services
    from eldercare.planning.models import ManualEntry, OutboxMessage, Project

    services.indicators_sync()  # without the city profile: loading it would switch on 2FA for these roles
    street = home_street()
    code = (user.division_id if user is not None and user.division_id else CITY)[:9]
    kwargs: dict[str, Any] = {}
    if url_name in {"planning:dashboard"}:
        kwargs["code"] = code
    elif url_name in {"planning:indicator_detail", "planning:manual_entry_create"}:
        kwargs.update(indicator_code="PA01", code=code)
    elif url_name == "planning:manual_evidence":
        from eldercare.planning.models import Indicator

        entry = ManualEntry.objects.order_by("id").first() or ManualEntry.objects.create(
            indicator=Indicator.objects.get(code="PA01"),
            division=street,
            period=date(2024, 6, 30),
            value=50,
            evidence="统计表",
            evidence_file=b"pdf",
            evidence_file_name="x.pdf",
        )
        kwargs["entry_id"] = entry.pk
    elif url_name in {"planning:project_detail", "planning:project_update"}:
        project, _ = Project.objects.get_or_create(
            profile_code="jiangmen",
            seq=99,
            defaults={"kind": "other", "name": "示范项目", "division": street},
        )
        kwargs["project_id"] = project.pk
    elif url_name in {"planning:report_status", "planning:report_download"}:
        kwargs["report_id"] = sample_report().pk
        if url_name == "planning:report_download":
            kwargs["fmt"] = "xlsx"
    elif url_name == "planning:exchange_download":
        message = OutboxMessage.objects.order_by("id").first() or OutboxMessage.objects.create(
            dataset="key_counts",
            schema_version="1.0",
            fmt="csv",
            division_id=CITY,
            period=date(2024, 6, 1),
            destination="province",
            payload=b"a,b\n",
            sha256="0" * 64,
        )
        kwargs["message_id"] = message.pk
    elif url_name == "planning:open_data":
        kwargs["fmt"] = "json"
    return ("post" if url_name in POST_PAGES else "get"), kwargs
