"""Factories and samples of the portal's tests."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.portal.models import Notice, OfflineAction
from eldercare.registry.models import Elder
from eldercare.timebank.choices import ProxyKind
from eldercare.timebank.models import ProxyLink


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"通知 {n}")
    body = "民政局通知：老年人补贴申请已开放。"


def link(user: User, elder: Elder, *, kind: str | None = None, confirmed: bool = True) -> ProxyLink:
    """A link through which `user` follows `elder` (the time bank's ProxyLink, reused by the portal)."""
    kind = kind or (ProxyKind.SELF if user.role == Role.ELDER else ProxyKind.FAMILY)
    row, _ = ProxyLink.objects.update_or_create(
        elder=elder,
        user=user,
        defaults={"kind": kind, "confirmed_at": timezone.now() if confirmed else None, "revoked_at": None},
    )
    return row


def sample_receipt(elder: Elder) -> OfflineAction:
    worker = User.objects.filter(role=Role.COMMUNITY_WORKER).first() or User.objects.create(
        username="sample-worker", role=Role.COMMUNITY_WORKER
    )
    return OfflineAction.objects.get_or_create(
        receipt_number="BBSAMPLE",
        defaults={
            "elder": elder,
            "worker": worker,
            "worker_name": str(worker),
            "action": "sample",
            "summary": "sample",
            "division_id": elder.residence_division_id,
        },
    )[0]


def pending_family_link(elder: Elder) -> ProxyLink:
    asker = User.objects.filter(username="sample-family").first() or User.objects.create(
        username="sample-family", role=Role.FAMILY
    )
    return link(asker, elder, kind=ProxyKind.FAMILY, confirmed=False)


def matrix_page_sample(url_name: str, user: User | None, elder: Elder) -> tuple[str, dict[str, Any]]:
    """Method and URL arguments for the permission-matrix test's portal pages; an elder or family
    account is linked to the sample elder so that its pages answer."""
    name = url_name.split(":", 1)[1]
    if user is not None and user.role in (Role.ELDER, Role.FAMILY):
        link(user, elder)
    kwargs: dict[str, Any] = {}
    method = "get"
    if name == "receipt":
        return method, {"receipt_id": sample_receipt(elder).pk}
    if name in {"home", "link_request", "notices", "office", "signin", "signin_code"}:
        return method, kwargs
    kwargs["elder_id"] = elder.pk
    if name == "apply":
        from eldercare.benefits.tests.factories import load_city
        from eldercare.core.models import CityProfile
        from eldercare.demo.services import relax_two_factor_for_demo

        load_city()
        relax_two_factor_for_demo(
            profile=CityProfile.objects.get(code="jiangmen"), today=timezone.localdate()
        )
        kwargs["programme_code"] = "care_service_subsidy"
    elif name == "application_detail":
        from eldercare.benefits.tests.factories import _sample_application

        kwargs["application_id"] = _sample_application(elder).pk
    elif name in ("service_confirm", "service_rate"):
        from eldercare.homecare.tests.factories import make_order, seed_homecare_policies

        seed_homecare_policies()
        method = "post"
        kwargs["order_id"] = make_order(elder=elder).pk
    elif name == "link_decide":
        method = "post"
        kwargs["link_id"] = pending_family_link(elder).pk
    return method, kwargs
