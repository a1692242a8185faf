"""The assessment workflow through its services: request → schedule → draft → submit → review → publish."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from eldercare.assessment import selectors, services
from eldercare.assessment.choices import AssessmentStatus, Relation, Requester, RequestStatus, Trigger
from eldercare.assessment.models import Assessment, AssessorAssignment, Instrument
from eldercare.assessment.tests import factories as f
from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import ElderFactory
from eldercare.registry.models import ElderContact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instruments() -> None:
    f.load_instruments()


def test_loading_the_instruments_twice_changes_nothing_and_a_changed_file_needs_a_new_version() -> None:
    # given the shipped instruments already loaded
    assert Instrument.objects.count() == 2
    # when loaded again
    report = services.instruments_load()
    # then nothing is created
    assert report.created == [] and len(report.unchanged) == 2
    # and a definition whose content changed under the same version is refused
    changed = Instrument.objects.get(code="GB/T 42195-2022").definition
    changed["items"][0]["options"][0]["text"] = "改过的文字"
    with pytest.raises(DomainError) as caught:
        services.instruments_load(definitions=[changed])
    assert caught.value.code == "instrument_changed"


def test_a_published_assessment_gives_the_elder_a_level_with_validity_from_policy() -> None:
    # given an elder assessed at a total of 40 (level 3) by two certified assessors
    elder = ElderFactory()
    assessment = f.submitted_assessment(elder, total=40)
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert selectors.current_level(elder) is None  # not before review
    # when a supervisor approves it
    services.assessment_review(assessment=assessment, actor=f.supervisor(), approve=True)
    # then the level is the elder's, valid for the default 12 months
    current = selectors.current_level(elder)
    assert current is not None
    assert (current.level, current.level_name) == (3, "能力重度受损（重度失能）")
    assessment.refresh_from_db()
    assert current.valid_until == date(
        assessment.assessed_on.year + 1, assessment.assessed_on.month, assessment.assessed_on.day
    ) - timedelta(days=1)
    assert assessment.request.status == RequestStatus.COMPLETED
    assert AuditEntry.objects.filter(action="assessment.published", target_id=str(assessment.pk)).exists()


def test_adjustments_are_stored_with_their_reasons_and_the_policy_version() -> None:
    elder = ElderFactory()
    assessment = f.submitted_assessment(elder, total=70, diagnoses=["F03"], risk_events={"fall": 2})
    assert (assessment.preliminary_level, assessment.level) == (1, 2)
    assert [a["rule"] for a in assessment.adjustments] == ["dementia", "risk_events"]
    assert "F00～F03" in assessment.adjustments[0]["reason"]
    assert set(assessment.policy_versions) == {
        "assessment.adjustments",
        "assessment.validity",
        "assessment.quality_control",
    }


def test_a_submitted_assessment_cannot_be_edited() -> None:
    elder = ElderFactory()
    assessment = f.submitted_assessment(elder)
    with pytest.raises(DomainError) as caught:
        services.assessment_save(assessment=assessment, actor=assessment.assessor_1, answers={"eating": 0})
    assert caught.value.code == "assessment_frozen"


def test_a_reassessment_supersedes_the_published_result_which_stays_in_history() -> None:
    # given a published result
    elder = ElderFactory()
    first = f.published_assessment(elder, total=80)
    # when a reassessment with a reason is published
    second = f.published_assessment(elder, total=20, reason="immediate")
    # then the first is superseded and linked, and the elder's level is the new one
    first.refresh_from_db()
    assert first.status == AssessmentStatus.SUPERSEDED
    assert first.superseded_by_id == second.pk
    assert second.supersede_reason.startswith("即时评估") or "Immediate" in second.supersede_reason
    assert selectors.current_level(elder).level == 4  # type: ignore[union-attr]
    assert [a.pk for a in selectors.elder_history(elder=elder)] == [second.pk, first.pk]


def test_items_are_saved_as_drafts_and_each_bad_item_is_named() -> None:
    elder = ElderFactory()
    assessors = f.team()
    request = services.request_create(elder=elder, reason="first", requester=Requester.FAMILY, actor=None)
    services.request_schedule(request=request, visit_at=timezone.now(), assessors=assessors, actor=None)
    draft = services.assessment_start(request=request, actor=assessors[1].assessor)
    services.assessment_save(assessment=draft, actor=assessors[1].assessor, answers={"eating": 3})
    with pytest.raises(DomainError) as caught:
        services.assessment_save(
            assessment=draft, actor=assessors[1].assessor, answers={"stairs": 4, "vision": 9}
        )
    assert {d["item"] for d in caught.value.details} == {"stairs", "vision"}
    with pytest.raises(DomainError) as caught:
        services.assessment_submit(assessment=draft, actor=assessors[1].assessor)
    assert len(caught.value.details) == 25  # every item but eating is missing
    draft.refresh_from_db()
    assert draft.answers == {"eating": 3}


def test_an_assessor_who_declares_a_relation_is_refused_and_nothing_is_assigned() -> None:
    elder = ElderFactory()
    request = services.request_create(elder=elder, reason="first", requester=Requester.ELDER, actor=None)
    son = f.certified_assessor()
    with pytest.raises(DomainError) as caught:
        services.request_schedule(
            request=request,
            visit_at=timezone.now(),
            assessors=[
                services.AssessorDeclaration(son, Relation.CHILD),
                services.AssessorDeclaration(f.certified_assessor()),
            ],
            actor=None,
        )
    assert caught.value.details[0]["problem"] == "relative"
    assert not AssessorAssignment.objects.filter(request=request).exists()


def test_an_assessor_registered_as_the_elders_relative_is_refused_even_without_declaring_it() -> None:
    # given an elder whose registry contacts list the assessor's name as a daughter
    elder = ElderFactory()
    daughter = f.certified_assessor()
    ElderContact.objects.create(
        elder=elder, name=daughter.display_name or daughter.username, relation="child"
    )
    request = services.request_create(elder=elder, reason="first", requester=Requester.ELDER, actor=None)
    # when she is scheduled, declaring no relation
    with pytest.raises(DomainError) as caught:
        services.request_schedule(
            request=request,
            visit_at=timezone.now(),
            assessors=[
                services.AssessorDeclaration(daughter),
                services.AssessorDeclaration(f.certified_assessor()),
            ],
            actor=None,
        )
    # then the registry's record refuses her
    assert caught.value.details[0]["problem"] == "relative"
    assert "registry" in caught.value.details[0]["message"]


def test_an_uncertified_or_revoked_assessor_is_refused() -> None:
    elder = ElderFactory()
    request = services.request_create(elder=elder, reason="first", requester=Requester.ELDER, actor=None)
    revoked = f.certified_assessor()
    services.certification_revoke(certification=revoked.assessor_certifications.get(), actor=None)
    with pytest.raises(DomainError) as caught:
        services.request_schedule(
            request=request,
            visit_at=timezone.now(),
            assessors=[
                services.AssessorDeclaration(revoked),
                services.AssessorDeclaration(f.certified_assessor()),
            ],
            actor=None,
        )
    assert caught.value.details == [{"assessor": revoked.pk, "problem": "not_certified"}]


def test_an_assessor_cannot_review_their_own_assessment() -> None:
    assessment = f.submitted_assessment(ElderFactory())
    with pytest.raises(DomainError) as caught:
        services.assessment_review(assessment=assessment, actor=assessment.assessor_2, approve=True)
    assert caught.value.code == "reviewer_on_team"


def test_a_returned_assessment_stays_on_record_and_a_new_draft_can_be_made() -> None:
    assessment = f.submitted_assessment(ElderFactory())
    services.assessment_review(assessment=assessment, actor=f.supervisor(), approve=False, note="记忆项有误")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    again = services.assessment_start(request=assessment.request, actor=assessment.assessor_1)
    assert again.pk != assessment.pk and again.status == AssessmentStatus.DRAFT


def test_an_appeal_must_be_done_by_a_different_team_and_supersedes_the_disputed_result() -> None:
    # given a published result
    elder = ElderFactory()
    reviewer = f.supervisor()
    disputed = f.published_assessment(elder, total=70, reviewer=reviewer)
    original_team = [
        services.AssessorDeclaration(disputed.assessor_1),
        services.AssessorDeclaration(f.certified_assessor()),
    ]
    # when the family appeals
    appeal = services.appeal_create(
        assessment=disputed, requester=Requester.FAMILY, note="结果偏轻", actor=None
    )
    # then the original team may not take it
    with pytest.raises(DomainError) as caught:
        services.request_schedule(
            request=appeal, visit_at=timezone.now(), assessors=original_team, actor=None
        )
    assert caught.value.details[0]["problem"] == "same_team"
    # and a new team's result, decided by another reviewer, supersedes the disputed one
    new_team = f.team()
    services.request_schedule(request=appeal, visit_at=timezone.now(), assessors=new_team, actor=None)
    draft = services.assessment_start(request=appeal, actor=new_team[0].assessor)
    services.assessment_save(assessment=draft, actor=new_team[0].assessor, answers=f.answers(50))
    services.assessment_submit(assessment=draft, actor=new_team[0].assessor)
    with pytest.raises(DomainError):
        services.assessment_review(assessment=draft, actor=reviewer, approve=True)
    services.assessment_review(assessment=draft, actor=f.supervisor(), approve=True)
    disputed.refresh_from_db()
    assert disputed.status == AssessmentStatus.SUPERSEDED
    assert selectors.current_level(elder).level == 2  # type: ignore[union-attr]


def test_a_quality_sample_is_rechecked_by_a_second_team_and_agreement_is_counted() -> None:
    # given three published assessments
    elders = [ElderFactory() for _ in range(3)]
    originals = [f.published_assessment(e, total=70) for e in elders]
    scope = DataScope.everything()
    # when the sample is drawn (5% of 3 rounds up to one)
    drawn = services.quality_sample_draw(scope=scope, on=timezone.localdate(), actor=None, seed=1)
    assert len(drawn) == 1 and drawn[0].trigger == Trigger.QUALITY_CHECK
    # and a second team re-does it with one item scored differently, same level
    check = drawn[0]
    second = f.team()
    services.request_schedule(request=check, visit_at=timezone.now(), assessors=second, actor=None)
    draft = services.assessment_start(request=check, actor=second[0].assessor)
    redo = f.answers(70)
    redo["stairs"] -= 1
    redo["toileting"] -= 1
    services.assessment_save(assessment=draft, actor=second[0].assessor, answers=redo)
    services.assessment_submit(assessment=draft, actor=second[0].assessor)
    services.assessment_review(assessment=draft, actor=f.supervisor(), approve=True)
    # then the elder's level is untouched by the recheck, and agreement is reported per item and assessor
    original = Assessment.objects.get(pk=check.related_assessment_id)
    assert original.status == AssessmentStatus.PUBLISHED
    report = selectors.agreement_statistics(scope=scope)
    assert report.pairs == 1 and report.level_agreed == 1
    by_item = {a.key: a.agreed for a in report.by_item}
    assert by_item["stairs"] == 0 and by_item["toileting"] == 0 and by_item["eating"] == 1
    assert {a.key for a in report.by_assessor} == {str(original.assessor_1_id), str(original.assessor_2_id)}
    assert all(o.pk for o in originals)


def test_the_api_recording_path_refuses_a_caller_who_is_not_on_the_team() -> None:
    elder = ElderFactory()
    outsider = f.certified_assessor()
    with pytest.raises(DomainError) as caught:
        services.assessment_record(elder=elder, assessors=f.team(), answers=f.answers(), actor=outsider)
    assert caught.value.code == "not_on_team"
