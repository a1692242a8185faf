"""Writes of reports: request one (queued as a task), generate it with progress, serve the files."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.planning.choices import ReportKind, ReportStatus
from eldercare.planning.models import Report

DEFAULT_YEARS = {ReportKind.MIDTERM: 2023, ReportKind.FINAL: 2025}


def parse_period(kind: str, text: str) -> date:
    text = text.strip()
    try:
        if kind == ReportKind.MONTHLY:
            return date.fromisoformat(text[:7] + "-01")
        year = int(text[:4]) if text else DEFAULT_YEARS[ReportKind(kind)]
        return date(year, 12, 31)
    except (ValueError, KeyError) as exc:
        raise DomainError(
            "report_period", "Give the month as YYYY-MM or the year as YYYY.", status=422
        ) from exc


@transaction.atomic
def report_request(*, kind: str, period_text: str, division: Division, actor: Any) -> Report:
    """Queue a report; the `generate_report` task builds it and records its progress on the row."""
    if kind not in ReportKind.values:
        raise DomainError("report_kind", "Unknown report.", status=422)
    period = parse_period(kind, period_text)
    if period.replace(day=1) > timezone.localdate():
        raise DomainError("period_future", "A report cannot describe the future.", status=422)
    report = Report.objects.create(
        kind=kind,
        division=division,
        period=period,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="planning.report_requested",
        target=report,
        changes={"kind": kind, "period": period.isoformat()},
    )
    from eldercare.planning.tasks import generate_report

    transaction.on_commit(lambda: generate_report.enqueue(report_id=report.pk))
    return report


def _progress(report: Report, percent: int, step: str) -> None:
    report.progress, report.step = percent, step
    Report.objects.filter(pk=report.pk).update(progress=percent, step=step, status=ReportStatus.RUNNING)


def report_generate(*, report_id: int) -> Report:
    """Build the XLSX and the PDF, saving progress after each step (the list page polls it)."""
    from eldercare.planning import reports

    report = Report.objects.select_related("division").get(pk=report_id)
    if report.status == ReportStatus.DONE:
        return report
    try:
        _progress(report, 10, "collecting the figures")
        data = reports.report_data(
            kind=report.kind, division=report.division, month=reports.month_for(report.kind, report.period)
        )
        _progress(report, 40, "writing the spreadsheet")
        xlsx = reports.xlsx_bytes(data)
        _progress(report, 60, "rendering the PDF")
        pdf = reports.pdf_bytes(data)
        report.xlsx, report.pdf = xlsx, pdf
        report.status, report.progress, report.step = ReportStatus.DONE, 100, "done"
        report.finished_at = timezone.now()
        report.save(update_fields=["xlsx", "pdf", "status", "progress", "step", "finished_at", "updated_at"])
    except Exception as exc:
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=repr(exc)[:2000])
        raise
    return report


def report_file(*, report: Report, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a finished report."""
    if report.status != ReportStatus.DONE:
        raise Http404("The report is not ready.")
    name = f"{report.kind}-{report.division_id}-{report.period:%Y%m}"
    if fmt == "xlsx" and report.xlsx:
        return (
            bytes(report.xlsx),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{name}.xlsx",
        )
    if fmt == "pdf" and report.pdf:
        return bytes(report.pdf), "application/pdf", f"{name}.pdf"
    raise Http404("No such file.")
