"""Home-care workers and the workforce registry: the joint-punishment list (联合惩戒) is checked when a
provider hires a worker and again at every assignment, so a listing made later stops assignments too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import UserFactory
from eldercare.homecare import services
from eldercare.homecare.eligibility import worker_may_be_assigned
from eldercare.homecare.models import ProviderWorker
from eldercare.homecare.tests.factories import make_item, make_order, make_provider, make_worker
from eldercare.workforce.models import Worker
from eldercare.workforce.tests.factories import make_listing, new_id_number
from eldercare.workforce.tests.factories import make_worker as make_registered_worker

pytestmark = pytest.mark.django_db


def test_a_worker_added_with_an_id_number_is_entered_in_the_workforce_registry() -> None:
    provider = make_provider()
    number = new_id_number()
    worker = make_worker(provider, id_number=number)
    assert worker.registered_worker is not None
    assert Worker.objects.get(pk=worker.registered_worker_id).id_number_masked.endswith(number[-4:])
    # the same person hired by a second provider is the same registry record
    again = make_worker(make_provider(), id_number=number)
    assert again.registered_worker_id == worker.registered_worker_id
    assert Worker.objects.count() == 1


def test_a_listed_person_cannot_be_hired() -> None:
    listed = make_registered_worker()
    make_listing(listed)
    provider = make_provider()
    with pytest.raises(DomainError) as refused:
        make_worker(provider, id_number=listed.id_number)
    assert refused.value.code == "workforce_worker_blacklisted" and refused.value.status == 409
    assert not ProviderWorker.objects.filter(provider=provider).exists()


def test_a_listing_made_after_hiring_stops_every_assignment() -> None:
    provider = make_provider()
    worker = make_worker(provider, id_number=new_id_number())
    order = make_order(item=make_item(provider))
    assert worker_may_be_assigned(worker)
    make_listing(worker.registered_worker)
    worker.refresh_from_db()
    assert worker_may_be_assigned(worker).reason == "worker_blacklisted"
    with pytest.raises(DomainError) as refused:
        services.order_assign(order=order, worker=worker, actor=None)
    assert refused.value.code == "worker_blacklisted"


def test_the_provider_manager_hires_from_the_provider_page_and_a_listed_person_is_refused(
    client: Client,
) -> None:
    provider = make_provider()
    manager = UserFactory(role=Role.PROVIDER_MANAGER, division=None, organisation=provider.organisation)
    client.force_login(manager)
    url = reverse("homecare:worker_add", args=[provider.pk])
    page = client.get(reverse("homecare:provider_detail", args=[provider.pk])).content.decode()
    assert url in page
    ok = client.post(url, {"name": "王芳", "id_number": new_id_number(), "skills": ["cleaning", "bogus"]})
    assert ok.status_code == 302
    hired = ProviderWorker.objects.get(provider=provider)
    assert hired.skills == ["cleaning"] and hired.registered_worker_id is not None
    assert AuditEntry.objects.filter(action="homecare.worker_added").exists()
    listed = make_registered_worker()
    make_listing(listed)
    refused = client.post(url, {"name": "李强", "id_number": listed.id_number}, follow=True)
    assert "joint-punishment" in refused.content.decode() or "联合惩戒" in refused.content.decode()
    assert ProviderWorker.objects.filter(provider=provider).count() == 1


def test_staff_without_the_hiring_capability_may_not_add_workers(client: Client) -> None:
    provider = make_provider()
    client.force_login(
        UserFactory(role=Role.PROVIDER_WORKER, division=None, organisation=provider.organisation)
    )
    answer = client.post(reverse("homecare:worker_add", args=[provider.pk]), {"name": "王芳"})
    assert answer.status_code == 403
