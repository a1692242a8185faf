"""The admission waitlist: priority order, tie-break by time, 特困 bypass, offers that time out and
pass on, and positions that never move backwards without a recorded reason."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.assessment.models import Assessment
from eldercare.assessment.tests.factories import quick_published
from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import ElderFactory
from eldercare.facilities import selectors, services
from eldercare.facilities.models import Bed, WaitlistApplication, WaitlistOffer, WaitlistPositionChange
from eldercare.facilities.tests.factories import admit, load_policies, make_facility, waiting_at
from eldercare.registry.models import ElderGroupMembership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _policies() -> None:
    load_policies()


def applicant(**fields: Any) -> Any:
    """An elder with a valid published assessment (level 1, 轻度: not 失能 unless `level` says so)."""
    groups = fields.pop("groups", ())
    level = fields.pop("level", 1)
    elder = ElderFactory(**fields)
    for group in groups:
        ElderGroupMembership.objects.create(elder=elder, group=group)
    Assessment.objects.filter(pk=quick_published(elder).pk).update(level=level)
    return elder


def full_facility(beds: int = 1, bed_type: str = "nursing") -> Any:
    """A public institution whose beds are all taken, so applicants queue."""
    facility = make_facility(beds={bed_type: beds})
    for bed in facility.beds.all():
        admit(bed)
    return facility


def apply(facility: Any, elder: Any, minutes: int, wanted: str = "any") -> WaitlistApplication:
    return services.application_create(
        facility=facility, elder=elder, wanted_bed=wanted, actor=None, applied_at=waiting_at(minutes)
    )


def queue(facility: Any) -> list[int]:
    return list(
        WaitlistApplication.objects.filter(facility=facility, status__in=["waiting", "offered"])
        .order_by("position")
        .values_list("elder_id", flat=True)
    )


def test_an_application_needs_a_valid_assessment() -> None:
    facility = full_facility()
    with pytest.raises(DomainError) as refused:
        services.application_create(facility=facility, elder=ElderFactory(), wanted_bed="any", actor=None)
    assert refused.value.code == "assessment_required"


def test_priority_groups_come_in_the_policy_order() -> None:
    # given a queue where an ordinary elder applied first, then an 80+ elder, then a 计划生育特殊家庭 elder
    facility = full_facility()
    ordinary = applicant(birth_date=timezone.localdate().replace(year=timezone.localdate().year - 65))
    aged = applicant(birth_date=timezone.localdate().replace(year=timezone.localdate().year - 85))
    special = applicant(groups=["fp_special"])
    for minutes, elder in enumerate([ordinary, aged, special]):
        apply(facility, elder, minutes)
    # then the order follows the groups, not the application time
    assert queue(facility) == [special.pk, aged.pk, ordinary.pk]
    app = WaitlistApplication.objects.get(elder=special)
    assert app.priority_group == "special" and "计划生育特殊家庭" in app.reasons[0]
    assert app.policy_version_id > 0 and app.assessment_id is not None


def test_within_a_group_earlier_applications_come_first() -> None:
    facility = full_facility()
    elders = [applicant(groups=["fp_special"]) for _ in range(3)]
    apply(facility, elders[2], 5)
    apply(facility, elders[0], 1)
    apply(facility, elders[1], 3)
    assert queue(facility) == [elders[0].pk, elders[1].pk, elders[2].pk]
    position = selectors.waitlist_position(WaitlistApplication.objects.get(elder=elders[2]))
    assert position is not None and position.position == 3
    assert "2 applicant(s) of the same group applied earlier" in position.reasons


def test_a_tekun_elder_is_admitted_at_once_when_a_bed_is_free() -> None:
    # given a facility with one free bed (a waiting applicant wants another bed type)
    facility = make_facility(beds={"nursing": 1, "dementia": 1})
    admit(facility.beds.get(bed_type="dementia"))
    tekun = applicant(economic_status="tekun")
    # when a 特困 elder applies
    app = apply(facility, tekun, 0, "nursing")
    # then they are admitted without waiting
    assert app.status == "admitted" and app.bypass
    assert Bed.objects.get(facility=facility, bed_type="nursing").state == "occupied"
    assert AuditEntry.objects.filter(action="facilities.application_admitted_directly").exists()


def test_a_tekun_elder_goes_first_when_no_bed_is_free() -> None:
    facility = full_facility()
    early = applicant(groups=["fp_special"])
    apply(facility, early, 0)
    tekun = applicant(economic_status="tekun")
    apply(facility, tekun, 10)
    assert queue(facility) == [tekun.pk, early.pk]
    moved = WaitlistPositionChange.objects.get(application__elder=early, position_before=1)
    assert (moved.position_after, moved.event) == (2, "joined_ahead")


def test_a_freed_bed_is_offered_to_the_next_applicant_for_that_bed_type() -> None:
    # given a full facility with a nursing and a dementia bed and two applicants
    facility = make_facility(beds={"nursing": 1, "dementia": 1})
    stays = {b.bed_type: admit(b) for b in facility.beds.all()}
    wants_dementia = applicant(groups=["fp_special"])
    wants_nursing = applicant()
    apply(facility, wants_dementia, 0, "dementia")
    apply(facility, wants_nursing, 1, "nursing")
    # when the nursing bed frees
    services.resident_discharge(residency=stays["nursing"], reason="home", actor=None)
    # then it goes to the first applicant who wants a nursing bed (not the first in line)
    offer = WaitlistOffer.objects.get()
    assert offer.application.elder_id == wants_nursing.pk
    assert offer.bed.state == "reserved"
    assert offer.respond_by - offer.offered_at == timedelta(hours=72)


def test_an_expired_offer_is_recorded_and_passes_to_the_next_applicant() -> None:
    # given a bed offered to the first of two applicants
    facility = full_facility()
    first, second = applicant(groups=["fp_special"]), applicant(groups=["fp_special"])
    apply(facility, first, 0)
    apply(facility, second, 1)
    services.resident_discharge(residency=facility.beds.get().residencies.get(), reason="home", actor=None)
    offer = WaitlistOffer.objects.get()
    assert offer.application.elder_id == first.pk
    # when the deadline passes without an answer and the sweep runs
    expired = services.offers_expire(now=offer.respond_by + timedelta(minutes=1))
    # then the time-out is recorded and the bed is offered to the next applicant
    assert expired == 1
    offer.refresh_from_db()
    assert offer.status == "expired"
    passed = WaitlistOffer.objects.get(status="pending")
    assert passed.application.elder_id == second.pk and passed.bed_id == offer.bed_id
    first_app = WaitlistApplication.objects.get(elder=first)
    assert (first_app.status, first_app.declines, first_app.position) == ("waiting", 1, 1)
    assert AuditEntry.objects.filter(action="facilities.offer_expired").exists()
    # and running the sweep again changes nothing
    assert services.offers_expire(now=offer.respond_by + timedelta(minutes=2)) == 0


def test_accepting_an_offer_admits_and_moves_everyone_up_with_a_reason() -> None:
    facility = full_facility()
    elders = [applicant(groups=["fp_special"]) for _ in range(3)]
    for minutes, elder in enumerate(elders):
        apply(facility, elder, minutes)
    services.resident_discharge(residency=facility.beds.get().residencies.get(), reason="home", actor=None)
    services.offer_respond(offer=WaitlistOffer.objects.get(), accept=True, actor=None)
    assert WaitlistApplication.objects.get(elder=elders[0]).status == "admitted"
    assert queue(facility) == [elders[1].pk, elders[2].pk]
    up = WaitlistPositionChange.objects.get(application__elder=elders[2], position_before=3)
    assert (up.position_after, up.event) == (2, "ahead_left")


def test_two_declines_remove_the_application() -> None:
    facility = full_facility()
    elder = applicant(groups=["fp_special"])
    apply(facility, elder, 0)
    for _ in range(2):
        stay = facility.beds.get().residencies.filter(ended_at__isnull=True).first()
        if stay is not None:
            services.resident_discharge(residency=stay, reason="home", actor=None)
        services.offer_respond(offer=WaitlistOffer.objects.get(status="pending"), accept=False, actor=None)
        bed = facility.beds.get()
        if bed.state == "free":
            admit(Bed.objects.get(pk=bed.pk))
    app = WaitlistApplication.objects.get(elder=elder)
    assert (app.status, app.declines) == ("removed", 2)


# ---- a position never moves backwards without a recorded reason that allows it ----------------------------

ACTIONS = st.lists(
    st.tuples(st.sampled_from(["apply", "free_bed", "decline", "withdraw", "accept"]), st.integers(0, 3)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_a_position_never_moves_backwards_without_a_recorded_reason(actions: list[tuple[str, int]]) -> None:
    # given a full facility with two beds
    facility = full_facility(beds=2)
    groups = [["fp_special"], [], ["fp_special"], []]
    # when applications, freed beds, declines, withdrawals and acceptances happen in any order
    for minutes, (action, n) in enumerate(actions, start=1):
        open_apps = list(
            WaitlistApplication.objects.filter(facility=facility, status__in=["waiting", "offered"])
        )
        pending = list(WaitlistOffer.objects.filter(application__facility=facility, status="pending"))
        if action == "apply":
            apply(facility, applicant(groups=groups[n]), minutes)
        elif action == "free_bed":
            stay = facility.residencys.filter(ended_at__isnull=True).order_by("id").first()
            if stay is not None:
                services.resident_discharge(residency=stay, reason="home", actor=None)
        elif action in ("decline", "accept") and pending:
            services.offer_respond(offer=pending[n % len(pending)], accept=action == "accept", actor=None)
        elif action == "withdraw" and open_apps:
            services.application_withdraw(application=open_apps[n % len(open_apps)], actor=None)
    # then every change of position is recorded, and every backward move has a reason that allows it
    for app in WaitlistApplication.objects.filter(facility=facility):
        history = list(app.changes.order_by("at", "id"))
        previous = None
        for change in history:
            assert change.position_before == previous
            assert change.reason
            if (
                previous is not None
                and change.position_after is not None
                and change.position_after > previous
            ):
                assert change.event in ("joined_ahead", "priority_changed", "other_priority_changed")
            previous = change.position_after
        assert previous == app.position
    # and the stored positions are the live order
    live = list(WaitlistApplication.objects.filter(facility=facility, status__in=["waiting", "offered"]))
    for app in live:
        position = selectors.waitlist_position(app)
        assert position is not None and position.position == app.position
