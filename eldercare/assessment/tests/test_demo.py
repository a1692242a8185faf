"""The demo city's assessments: a realistic share assessed, disabled levels near 18.3% of 60+, reset works."""

from __future__ import annotations

from datetime import date

import pytest

from eldercare.assessment.choices import AssessmentStatus, RequestStatus
from eldercare.assessment.models import Assessment, AssessmentRequest
from eldercare.demo.services import build_demo_city
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def test_the_demo_assesses_a_realistic_share_with_a_realistic_level_distribution() -> None:
    # given a small Jiangmen
    build_demo_city(city_key="jiangmen", scale=0.004, seed=3, today=TODAY)
    elders = Elder.objects.count()
    published = Assessment.objects.filter(status=AssessmentStatus.PUBLISHED)
    # then about 0.6 × 18.3% + 0.06 × 81.7% ≈ 16% of elders have a result (wide bounds: small sample)
    share = published.count() / elders
    assert 0.10 < share < 0.23, share
    # and the disabled (levels 1–4) are the majority of those assessed, as the coverage assumption implies
    disabled = published.filter(level__gte=1).count()
    assert 0.55 < disabled / published.count() < 0.85
    # and every stored result is consistent with its answers
    sample = published.first()
    assert sample is not None and sample.total == sum(sample.answers.values())
    assert AssessmentRequest.objects.filter(status=RequestStatus.SCHEDULED).count() == 5
    # when the city is rebuilt with --reset, the assessments go with the elders and come back the same
    before = sorted(published.values_list("level", flat=True))
    build_demo_city(city_key="jiangmen", scale=0.004, seed=3, today=TODAY, reset=True)
    assert (
        sorted(Assessment.objects.filter(status=AssessmentStatus.PUBLISHED).values_list("level", flat=True))
        == before
    )
