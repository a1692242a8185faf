"""The joint-punishment list (联合惩戒): a listed person is refused at hiring and at order assignment."""

from datetime import date

import pytest

from eldercare.core.exceptions import ConflictError
from eldercare.workforce import selectors, services
from eldercare.workforce.choices import ListingStatus, StaffCategory
from eldercare.workforce.models import Employment, Worker
from eldercare.workforce.tests.factories import make_employer, make_listing, make_worker, new_id_number

pytestmark = pytest.mark.django_db


def test_a_listed_worker_is_refused_at_hiring() -> None:
    # given a worker on the joint-punishment list
    worker = make_worker()
    make_listing(worker)
    employer = make_employer()
    # when an institution tries to hire them
    with pytest.raises(ConflictError) as refused:
        services.employment_start(
            employer=employer,
            worker=worker,
            position=StaffCategory.NURSING_WORKER,
            started_on=date(2025, 3, 1),
            actor=None,
        )
    # then the hiring is refused with the legal basis, and no employment exists
    assert refused.value.code == "workforce_worker_blacklisted"
    assert refused.value.details[0]["legal_basis"] == "《养老机构管理办法》第四十六条"
    assert not Employment.objects.filter(worker=worker).exists()


def test_a_listed_person_hired_by_id_number_is_refused_without_entering_the_registry_again() -> None:
    # given a listed worker, and an employer that only types the ID number
    worker = make_worker()
    make_listing(worker)
    # when another employer hires by ID number
    with pytest.raises(ConflictError):
        services.employment_start(
            employer=make_employer(),
            id_number=worker.id_number,
            name="改名",
            position=StaffCategory.NURSING_WORKER,
            started_on=date(2025, 3, 1),
            actor=None,
        )
    # then nothing was created
    assert Worker.objects.count() == 1
    assert not Employment.objects.exists()


def test_order_assignment_is_refused_by_id_number_hash_anywhere_on_the_platform() -> None:
    # given a listed worker
    worker = make_worker()
    make_listing(worker)
    hashed = selectors.hash_id_number(worker.id_number)
    # then the platform-wide check answers by worker, by plain number and by hash
    assert selectors.worker_is_blacklisted(worker=worker)
    assert selectors.worker_is_blacklisted(id_number=worker.id_number.lower())
    assert selectors.worker_is_blacklisted(id_number_hash=hashed)
    # and the guard home care calls before assigning an order refuses
    with pytest.raises(ConflictError) as refused:
        services.assert_worker_may_work(id_number_hash=hashed)
    assert refused.value.status == 409


def test_an_unlisted_worker_is_hired_and_the_history_follows_them() -> None:
    # given a worker employed by one institution
    worker = make_worker()
    first, second = make_employer(), make_employer()
    job = services.employment_start(
        employer=first,
        worker=worker,
        position=StaffCategory.NURSING_WORKER,
        started_on=date(2023, 1, 1),
        actor=None,
    )
    # when the first employer ends the employment and a second hires them by ID number
    services.employment_end(employment=job, ended_on=date(2024, 6, 30), reason="离职", actor=None)
    services.employment_start(
        employer=second,
        id_number=worker.id_number,
        position=StaffCategory.NURSING_WORKER,
        started_on=date(2024, 7, 1),
        actor=None,
    )
    # then one worker carries both employments, and the current employer is the second
    worker.refresh_from_db()
    assert worker.current_employer == second
    history = selectors.worker_history(worker)
    assert [e.employer for e in history["employments"]] == [second, first]  # type: ignore[attr-defined]
    assert Worker.objects.count() == 1


def test_the_listing_binds_only_during_its_period() -> None:
    # given a listing for 2024
    worker = make_worker()
    make_listing(worker, starts_on=date(2024, 1, 1), ends_on=date(2025, 1, 1))
    # then it binds inside the period and not before or after
    assert not selectors.worker_is_blacklisted(worker=worker, on=date(2023, 12, 31))
    assert selectors.worker_is_blacklisted(worker=worker, on=date(2024, 6, 1))
    assert not selectors.worker_is_blacklisted(worker=worker, on=date(2025, 1, 1))


def test_an_upheld_appeal_removes_the_listing_and_a_rejected_one_keeps_it() -> None:
    # given two listed workers, each appealing
    kept, freed = make_worker(), make_worker()
    kept_listing, freed_listing = make_listing(kept), make_listing(freed)
    a1 = services.appeal_submit(listing=kept_listing, grounds="不服", actor=None)
    a2 = services.appeal_submit(listing=freed_listing, grounds="认定有误", actor=None)
    # then the listing stays in force while the appeal is pending
    assert selectors.worker_is_blacklisted(worker=freed)
    # when one appeal is rejected and the other upheld
    services.appeal_decide(appeal=a1, uphold=False, note="事实清楚", actor=None)
    services.appeal_decide(appeal=a2, uphold=True, note="证据不足", actor=None)
    # then only the upheld one's listing is removed
    freed_listing.refresh_from_db()
    assert freed_listing.status == ListingStatus.REMOVED
    assert not selectors.worker_is_blacklisted(worker=freed)
    assert selectors.worker_is_blacklisted(worker=kept)


def test_a_second_pending_appeal_is_refused() -> None:
    listing = make_listing(make_worker())
    services.appeal_submit(listing=listing, grounds="不服", actor=None)
    with pytest.raises(ConflictError):
        services.appeal_submit(listing=listing, grounds="再次", actor=None)


def test_hiring_a_new_person_registers_them_with_a_masked_encrypted_id() -> None:
    number = new_id_number()
    job = services.employment_start(
        employer=make_employer(),
        id_number=number,
        name="王小红",
        position=StaffCategory.SOCIAL_WORKER,
        started_on=date(2025, 1, 2),
        actor=None,
    )
    worker = job.worker
    assert worker.id_number == number
    assert worker.id_number_masked.startswith(number[:6]) and "*" in worker.id_number_masked
    assert Worker.objects.filter(id_number_hash=selectors.hash_id_number(number)).count() == 1
