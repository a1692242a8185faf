"""Results taken over from the city's previous assessment system (onboarding): `assessment_migrate`."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from eldercare.accounts.roles import Role
from eldercare.assessment import rules, selectors, services
from eldercare.assessment.choices import AssessmentSource, AssessmentStatus
from eldercare.assessment.instruments import GBT_42195, MZT_039
from eldercare.assessment.models import Assessment
from eldercare.assessment.selectors import instrument_definition, instrument_row
from eldercare.assessment.tests import factories as f
from eldercare.benefits.selectors import level_histories
from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import ElderFactory, UserFactory
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instruments() -> None:
    f.load_instruments()


def migrate(elder: Elder, **kwargs: Any) -> Assessment:
    values: dict[str, Any] = {
        "instrument_code": GBT_42195,
        "assessed_on": date(2024, 5, 20),
        "level": 2,
        "assessor_names": "王芳、陈明",
        "organisation_name": "江门市老年人能力评估中心",
        "actor": None,
    }
    return services.assessment_migrate(elder=elder, **(values | kwargs))


def test_a_result_with_all_item_scores_is_rescored_and_becomes_the_elders_current_level() -> None:
    # given an elder never assessed on the platform and the old system's 26 item scores (total 50 → level 2)
    elder = ElderFactory()
    answers = f.answers(50)
    # when the result is taken over
    migrated = migrate(elder, answers=answers, total=50, assessed_on=date(2024, 5, 20))
    # then it is a published, re-scored result with the old system's people kept as text
    assert (migrated.status, migrated.source, migrated.rescored) == (
        AssessmentStatus.PUBLISHED,
        AssessmentSource.MIGRATED,
        True,
    )
    assert migrated.assessor_1 is None and migrated.legacy_assessors == "王芳、陈明"
    assert migrated.total == 50 and migrated.dimension_scores and migrated.preliminary_level == 2
    # with validity from the policy (12 months by default), like a platform result
    assert migrated.valid_until == date(2025, 5, 19)
    # and other modules see it as the elder's level
    current = selectors.current_level(elder, on=date(2025, 1, 1))
    assert current is not None
    assert (current.assessment_id, current.level, current.expired) == (migrated.pk, 2, False)
    assert selectors.current_levels([elder.pk])[elder.pk].level == 2
    assert [fact.level for fact in level_histories([elder.pk])[elder.pk]] == [2]
    entry = AuditEntry.objects.get(action="assessment.migrated", target_id=str(migrated.pk))
    assert entry.changes["rescored"] is True and entry.changes["current"] is True


def test_a_result_with_the_level_only_is_stored_as_given_and_marked_not_rescored() -> None:
    elder = ElderFactory()
    migrated = migrate(elder, instrument_code=MZT_039, level=3, total=40, valid_until=date(2024, 11, 19))
    assert (migrated.level, migrated.level_name, migrated.total) == (3, "重度失能", 40)
    assert migrated.rescored is False and migrated.answers == {} and migrated.preliminary_level is None
    assert migrated.valid_until == date(2024, 11, 19)
    # an expired migrated result is the elder's level all the same, and shows as expired
    current = selectors.current_level(elder, on=date(2025, 1, 1))
    assert current is not None and current.expired and current.instrument == MZT_039


def test_a_stated_level_or_total_that_disagrees_with_the_item_scores_is_refused() -> None:
    elder = ElderFactory()
    with pytest.raises(DomainError) as caught:
        migrate(elder, answers=f.answers(50), level=1)
    assert caught.value.code == "level_disagrees"
    assert caught.value.details["field"] == "level" and caught.value.details["computed"] == 2
    assert "computed from the item scores (total 50)" in caught.value.message
    with pytest.raises(DomainError) as caught:
        migrate(elder, answers=f.answers(50), total=51)
    assert caught.value.code == "total_disagrees"
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"instrument_code": "Barthel"}, "instrument_unknown", "instrument"),
        ({"level": 4, "instrument_code": MZT_039}, "level_invalid", "level"),
        ({"assessed_on": timezone.localdate() + timedelta(days=1)}, "assessed_in_future", "assessed_on"),
        ({"valid_until": date(2024, 1, 1)}, "validity_invalid", "valid_until"),
        ({"total": 91}, "total_invalid", "total"),
        ({"answers": {"eating": 4}}, "items_invalid", "grooming"),
        ({"answers": {"eating": 9}}, "items_invalid", "eating"),
        ({"answers": {"cognition": 1}}, "items_invalid", "cognition"),
    ],
)
def test_bad_input_is_refused_with_the_field_it_concerns(
    kwargs: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        migrate(ElderFactory(), **kwargs)
    assert (caught.value.code, caught.value.details["field"]) == (code, field)
    assert not Assessment.objects.exists()


def test_partial_item_scores_name_the_missing_items() -> None:
    answers = f.answers(50)
    del answers["memory"], answers["stairs"]
    with pytest.raises(DomainError) as caught:
        migrate(ElderFactory(), answers=answers)
    assert "all 26 items" in caught.value.message and "memory" in caught.value.message


def test_a_newer_result_supersedes_the_current_one_and_an_older_one_is_history_only() -> None:
    # given an elder whose platform result of today is current
    elder = ElderFactory()
    platform = f.quick_published(elder)
    # when an older result of the previous system is taken over
    older = migrate(elder, assessed_on=date(2023, 3, 1), level=1)
    # then it is history, linked to the result that followed it, and the platform result stays current
    assert older.status == AssessmentStatus.SUPERSEDED and older.superseded_by_id == platform.pk
    assert selectors.current_level(elder).assessment_id == platform.pk  # type: ignore[union-attr]
    # and one between the two links to the platform result too, the 2023 one keeps its link
    between = migrate(elder, assessed_on=date(2024, 3, 1), level=2)
    assert between.superseded_by_id == platform.pk
    # the elder's history lists them by assessment date, whatever the order they were recorded in
    assert [a.pk for a in selectors.elder_history(elder=elder)] == [platform.pk, between.pk, older.pk]
    # when a result newer than the current one is taken over (a second elder, migrated results only)
    other = ElderFactory()
    first = migrate(other, assessed_on=date(2023, 3, 1), level=1)
    second = migrate(other, assessed_on=date(2024, 3, 1), level=3)
    # then it becomes current and the old one is superseded, with the reason
    first.refresh_from_db()
    assert first.status == AssessmentStatus.SUPERSEDED and first.superseded_by_id == second.pk
    assert second.status == AssessmentStatus.PUBLISHED and "2023-03-01" in second.supersede_reason
    assert selectors.current_level(other).level == 3  # type: ignore[union-attr]
    assert AuditEntry.objects.filter(action="assessment.superseded", target_id=str(first.pk)).exists()
    assert sorted(fact.level for fact in level_histories([other.pk])[other.pk]) == [1, 3]
    # and a later platform publication supersedes a migrated current result like any other
    published = f.published_assessment(other, total=80)
    second.refresh_from_db()
    assert second.status == AssessmentStatus.SUPERSEDED and second.superseded_by_id == published.pk


def test_the_same_result_twice_is_refused() -> None:
    elder = ElderFactory()
    migrate(elder)
    with pytest.raises(DomainError) as caught:
        migrate(elder, level=3)
    assert caught.value.code == "assessment_exists"
    assert Assessment.objects.count() == 1


def test_platform_assessments_still_need_two_different_assessors() -> None:
    elder = ElderFactory()
    platform = f.quick_published(elder)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=platform.pk).update(assessor_2=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=platform.pk).update(assessor_2=platform.assessor_1)


def test_migrated_results_are_not_drawn_for_quality_rechecks() -> None:
    elder = ElderFactory()
    migrate(elder, assessed_on=timezone.localdate())
    drawn = services.quality_sample_draw(scope=DataScope.everything(), on=timezone.localdate(), actor=None)
    assert drawn == []


def test_level_names_are_read_in_full_short_or_as_numbers() -> None:
    gbt = instrument_definition(instrument_row(GBT_42195))
    mzt = instrument_definition(instrument_row(MZT_039))
    assert rules.level_from_text(gbt, "能力中度受损（中度失能）") == 2
    assert rules.level_from_text(gbt, "中度失能") == 2
    assert rules.level_from_text(gbt, " 4 ") == 4
    assert rules.level_from_text(mzt, "重度失能") == 3
    assert rules.level_from_text(mzt, "4") is None
    assert rules.level_from_text(gbt, "很好") is None
    assert (rules.max_total(gbt), rules.max_total(mzt)) == (90, 100)


def test_the_detail_page_the_report_and_the_api_show_a_migrated_result(client: Client) -> None:
    elder = ElderFactory()
    migrated = migrate(elder, level=1)
    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=elder.residence_division))
    page = client.get(f"/assessments/{migrated.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-source="migrated"' in html and "王芳、陈明" in html and "None" not in html
    detail = client.get(f"/api/v1/assessments/{migrated.pk}")
    assert detail.status_code == 200 and detail.json()["assessor_ids"] == []
    level = client.get(f"/api/v1/elders/{elder.pk}/ability-level").json()
    assert (level["assessed"], level["level"], level["assessment_id"]) == (True, 1, migrated.pk)
    report = client.get(f"/assessments/{migrated.pk}/report.pdf")
    assert report.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages)
    assert "王芳、陈明" in text and "原评估系统迁移" in text and "未按条目重新计分" in text
    assert "None" not in text
