"""Reads of the portal. Which elder a caller may see: their own record or a confirmed family link (the
time bank's `ProxyLink`, the one place links are kept), or any elder in a community worker's scope (帮办代办).
Everything else answers 404, exactly like a missing elder. The pages then call the owning apps' selectors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from eldercare.accounts.principal import Principal
from eldercare.portal.models import Notice, OfflineAction
from eldercare.portal.services import FAMILY, SELF, WORKER, Acting
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder
from eldercare.timebank.choices import ProxyKind
from eldercare.timebank.models import ProxyLink
from eldercare.timebank.selectors import linked_elders, proxy_link_for


def access_acting(*, principal: Principal, elder_id: int) -> Acting:
    """The elder on a portal page and how the caller acts for them, or 404."""
    user = principal.user
    if principal.can("portal.act"):
        elder = (
            Elder.objects.for_scope(principal.scope)
            .exclude(status=ElderStatus.MERGED)
            .select_related("residence_division")
            .filter(pk=elder_id)
            .first()
        )
        if elder is None:
            raise Http404("No such elder.")
        return Acting(elder=elder, mode=WORKER, user=user)
    elder = linked_elders(user=user).filter(pk=elder_id).first()
    if elder is None:
        raise Http404("No such elder.")
    link = proxy_link_for(user=user, elder=elder)
    mode = SELF if link is not None and link.kind == ProxyKind.SELF else FAMILY
    return Acting(elder=elder, mode=mode, user=user)


def followed_elders(*, user: Any) -> QuerySet[Elder]:
    return linked_elders(user=user)


def pending_links_for_elders(*, elders: QuerySet[Elder] | list[Elder]) -> QuerySet[ProxyLink]:
    """Family requests waiting for the elder's (or a worker's) confirmation."""
    return (
        ProxyLink.objects.filter(
            elder__in=elders, kind=ProxyKind.FAMILY, confirmed_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("user", "elder")
        .order_by("id")
    )


def pending_links_in_scope(*, principal: Principal) -> QuerySet[ProxyLink]:
    return pending_links_for_elders(elders=Elder.objects.for_scope(principal.scope))


def my_link_requests(*, user: Any) -> QuerySet[ProxyLink]:
    return ProxyLink.objects.filter(user=user).select_related("elder").order_by("id")


def access_pending_link(*, acting: Acting, link_id: int) -> ProxyLink:
    link = pending_links_for_elders(elders=[acting.elder]).filter(pk=link_id).first()
    if link is None:
        raise Http404("No such request.")
    return link


def notices_for(*, elder: Elder | None, on: date, limit: int = 30) -> list[Notice]:
    """City-wide notices and those of the elder's own area (district, street or community)."""
    q = Q(division__isnull=True)
    if elder is not None:
        code = elder.residence_division_id
        q |= Q(division_id__in=[code[:n] for n in (4, 6, 9, 12) if len(code) >= n])
    return list(Notice.objects.filter(q, published_on__lte=on).order_by("-published_on", "-id")[:limit])


def access_receipt(*, principal: Principal, receipt_id: int) -> OfflineAction:
    row = (
        OfflineAction.objects.for_scope(principal.scope)
        .select_related("elder", "division", "worker")
        .filter(pk=receipt_id)
        .first()
    )
    if row is None:
        raise Http404("No such receipt.")
    return row


def recent_receipts(*, principal: Principal, limit: int = 20) -> list[OfflineAction]:
    return list(
        OfflineAction.objects.for_scope(principal.scope)
        .select_related("elder")
        .order_by("-created_at", "-id")[:limit]
    )


def elder_applications(*, elder: Elder) -> list[Any]:
    from eldercare.benefits.models import Application

    return list(Application.objects.filter(elder=elder).order_by("-created_at", "-id")[:50])


def elder_application(*, elder: Elder, application_id: int) -> Any:
    from eldercare.benefits.models import Application

    row = Application.objects.filter(elder=elder, pk=application_id).first()
    if row is None:
        raise Http404("No such application.")
    return row


def elder_complaints(*, elder: Elder) -> list[Any]:
    from eldercare.supervision.models import Complaint

    return list(Complaint.objects.filter(elder=elder).order_by("-id")[:30])


def timebank_account(*, elder: Elder) -> Any:
    from eldercare.timebank.choices import AccountKind
    from eldercare.timebank.models import Account

    return Account.objects.filter(elder=elder, kind=AccountKind.ELDER).first()
