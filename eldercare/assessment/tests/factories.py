"""Factories of the assessment tests: certified assessors, supervisors, answers and published results."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.assessment import rules, services
from eldercare.assessment.choices import AssessmentReason, AssessmentStatus, Requester, RequestStatus
from eldercare.assessment.instruments import GBT_42195
from eldercare.assessment.models import Assessment, AssessmentRequest, Instrument
from eldercare.assessment.selectors import instrument_definition, instrument_row
from eldercare.core.tests.factories import DISTRICT, UserFactory, division
from eldercare.registry.models import Elder

_n = itertools.count(1)


def load_instruments() -> None:
    if not Instrument.objects.exists():
        services.instruments_load()


def certified_assessor(*, division_code: str = DISTRICT, name: str = "") -> User:
    n = next(_n)
    user = UserFactory(
        username=f"assessor{n}",
        role=Role.ASSESSOR,
        division=division(division_code),
        display_name=name or f"评估员{n}",
    )
    services.certification_grant(
        user=user, certificate_no=f"PG-{n:05d}", valid_from=date(2020, 1, 1), issued_by="市民政局", actor=None
    )
    return user


def supervisor(*, division_code: str = DISTRICT) -> User:
    n = next(_n)
    return UserFactory(
        username=f"supervisor{n}",
        role=Role.DISTRICT_OFFICER,
        division=division(division_code),
        display_name=f"审核{n}",
    )


def answers(total: int | None = None) -> dict[str, int]:
    """Complete GB/T 42195 answers; with `total`, item scores lowered in order until they add up to it."""
    inst = instrument_definition(instrument_row(GBT_42195))
    result = {i.code: i.max_score for i in inst.items}
    left = 90 - (90 if total is None else total)
    for item in inst.items:
        take = min(item.max_score, left)
        result[item.code] -= take
        left -= take
    return result


def team(**kwargs: Any) -> list[services.AssessorDeclaration]:
    return [
        services.AssessorDeclaration(certified_assessor(**kwargs)),
        services.AssessorDeclaration(certified_assessor(**kwargs)),
    ]


def submitted_assessment(
    elder: Elder,
    *,
    total: int = 70,
    assessors: list[services.AssessorDeclaration] | None = None,
    reason: str = AssessmentReason.FIRST,
    **facts: Any,
) -> Assessment:
    load_instruments()
    assessors = assessors or team()
    request = services.request_create(
        elder=elder, reason=reason, requester=Requester.COMMUNITY_WORKER, note="家属申请", actor=None
    )
    request = services.request_schedule(
        request=request, visit_at=timezone.now() + timedelta(hours=1), assessors=assessors, actor=None
    )
    actor = assessors[0].assessor
    draft = services.assessment_start(request=request, actor=actor)
    services.assessment_save(assessment=draft, actor=actor, answers=answers(total), **facts)
    return services.assessment_submit(assessment=draft, actor=actor)


def published_assessment(elder: Elder, *, reviewer: User | None = None, **kwargs: Any) -> Assessment:
    assessment = submitted_assessment(elder, **kwargs)
    return services.assessment_review(assessment=assessment, actor=reviewer or supervisor(), approve=True)


def quick_published(elder: Elder) -> Assessment:
    """A published assessment written straight to the tables (fast; for tests that only read it)."""
    load_instruments()
    row = instrument_row(GBT_42195)
    one, two = (UserFactory(role=Role.ASSESSOR, division=division(DISTRICT)) for _ in range(2))
    request = AssessmentRequest.objects.create(
        elder=elder, reason=AssessmentReason.FIRST, requester=Requester.FAMILY, status=RequestStatus.COMPLETED
    )
    result = rules.score(instrument_definition(row), answers(60))
    today = timezone.localdate()
    return Assessment.objects.create(
        elder=elder,
        request=request,
        instrument=row,
        status=AssessmentStatus.PUBLISHED,
        assessor_1=one,
        assessor_2=two,
        answers=answers(60),
        assessed_on=today,
        published_at=timezone.now(),
        valid_until=today + timedelta(days=365),
        **services.result_fields(result),
    )


def matrix_page_sample(url_name: str, elder: Elder) -> tuple[str, dict[str, Any]]:
    """Method and URL arguments for the permission-matrix test's page requests."""
    published = Assessment.objects.filter(elder=elder).first() or quick_published(elder)
    request = published.request
    kwargs: dict[str, Any] = {}
    if url_name in {"assessment:elder_assessments", "assessment:request_create"}:
        kwargs["elder_id"] = elder.pk
    elif url_name.startswith("assessment:request_") or url_name == "assessment:assessment_start":
        kwargs["request_id"] = request.pk  # type: ignore[union-attr]
    elif url_name == "assessment:assessment_fill":
        kwargs = {"assessment_id": published.pk, "step": 0}
    elif url_name != "assessment:assessment_list" and (
        url_name.startswith("assessment:assessment_") or url_name == "assessment:appeal_create"
    ):
        kwargs["assessment_id"] = published.pk
    posts = {
        "assessment:request_schedule",
        "assessment:request_cancel",
        "assessment:assessment_start",
        "assessment:assessment_submit",
        "assessment:assessment_review",
        "assessment:appeal_create",
        "assessment:quality_draw",
    }
    return ("post" if url_name in posts else "get"), kwargs
