"""Validity, reminders and automatic reassessment requests, run as Django tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from eldercare.assessment import tasks
from eldercare.assessment.choices import ReminderKind, RequestStatus, Trigger
from eldercare.assessment.models import AssessmentReminder, AssessmentRequest
from eldercare.assessment.tests import factories as f
from eldercare.core.tests.factories import ElderFactory

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_sweep_reminds_before_expiry_and_requests_a_reassessment_after_it_once() -> None:
    # given two published results, one expiring in 10 days and one expired yesterday
    soon, gone = f.published_assessment(ElderFactory()), f.published_assessment(ElderFactory())
    today = timezone.localdate()
    soon.valid_until = today + timedelta(days=10)
    gone.valid_until = today - timedelta(days=1)
    soon.save(update_fields=["valid_until"])
    gone.save(update_fields=["valid_until"])
    # when the daily sweep runs twice
    first = tasks.sweep_expiry.call(on=today.isoformat())
    second = tasks.sweep_expiry.call(on=today.isoformat())
    # then one reminder of each kind exists and one reassessment request was opened, once
    assert first == {"reminded": 1, "expired": 1, "requested": 1}
    assert second == {"reminded": 0, "expired": 0, "requested": 0}
    assert set(AssessmentReminder.objects.values_list("assessment_id", "kind")) == {
        (soon.pk, ReminderKind.EXPIRING),
        (gone.pk, ReminderKind.EXPIRED),
    }
    request = AssessmentRequest.objects.get(elder=gone.elder, status=RequestStatus.OPEN)
    assert request.trigger == Trigger.EXPIRY and request.reason == "regular"


def test_a_fall_alarm_queues_a_reassessment_request(settings: Any) -> None:
    # given an assessed elder
    assessment = f.published_assessment(ElderFactory())
    # when another module enqueues the task twice: stored for the worker by the database backend …
    queued = tasks.request_reassessment.enqueue(elder_id=assessment.elder_id, trigger=Trigger.FALL_ALARM)
    assert (
        queued.status == "READY" and not AssessmentRequest.objects.filter(status=RequestStatus.OPEN).exists()
    )
    # … and run as a worker runs it (the immediate backend: `db_worker` closes the test's connection)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    for note in ("跌倒报警", "再次报警"):
        tasks.request_reassessment.enqueue(
            elder_id=assessment.elder_id, trigger=Trigger.FALL_ALARM, note=note
        )
    # then exactly one immediate reassessment request is open
    requests = AssessmentRequest.objects.filter(elder_id=assessment.elder_id, status=RequestStatus.OPEN)
    assert [(r.reason, r.trigger) for r in requests] == [("immediate", Trigger.FALL_ALARM)]


def test_a_change_of_condition_is_ignored_for_an_elder_never_assessed() -> None:
    elder = ElderFactory()
    assert tasks.request_reassessment.call(elder_id=elder.pk, trigger=Trigger.HOSPITAL_DISCHARGE) is None
    assert not AssessmentRequest.objects.filter(elder=elder).exists()
