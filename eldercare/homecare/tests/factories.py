"""Factories of the home-care tests: a provider serving the test district, its catalogue and workers, elders
at known coordinates, and orders driven through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from eldercare.core.models import Division
from eldercare.core.tests.factories import DISTRICT, ElderFactory, first_child
from eldercare.homecare import services
from eldercare.homecare.models import CatalogueItem, Provider, ProviderWorker, ServiceOrder
from eldercare.homecare.sms import OUTBOX
from eldercare.registry.models import Elder

HOME = (113.0800, 22.5800)  # (lon, lat) inside 蓬江区
_n = itertools.count(1)


def home_community() -> Division:
    return first_child(first_child(DISTRICT).code)


def make_provider(*, area: Division | None = None, organisation: Any = None) -> Provider:
    district = Division.objects.get(code=DISTRICT)
    return services.provider_register(
        name=f"颐康服务{next(_n)}",
        kind="enterprise",
        division=first_child(DISTRICT),
        areas=[area or district],
        organisation=organisation,
        actor=None,
    )


def make_item(
    provider: Provider,
    *,
    service_type: str = "cleaning",
    price: int = 5000,
    minutes: int = 60,
    skill: str = "",
) -> CatalogueItem:
    return services.catalogue_item_add(
        provider=provider,
        service_type=service_type,
        name=f"{service_type}-{next(_n)}",
        unit_price_fen=price,
        duration_minutes=minutes,
        required_skill=skill,
        actor=None,
    )


def make_worker(provider: Provider, **fields: Any) -> ProviderWorker:
    fields.setdefault("skills", ["cleaning", "nursing", "bathing", "meal"])
    return services.worker_add(
        provider=provider, name=f"护理员{next(_n)}", phone="13800138000", actor=None, **fields
    )


def make_elder(*, lon: float = HOME[0], lat: float = HOME[1], **fields: Any) -> Elder:
    fields.setdefault("residence_division", home_community())
    elder = ElderFactory(**fields)
    elder.lon, elder.lat = lon, lat
    elder.phone = "13900139000"
    elder.save(update_fields=["lon", "lat", "phone"])
    return elder


def at(hours_ago: float) -> datetime:
    return timezone.now() - timedelta(hours=hours_ago)


def make_order(
    *, item: CatalogueItem | None = None, elder: Elder | None = None, scheduled_at: datetime | None = None
) -> ServiceOrder:
    item = item or make_item(make_provider())
    return services.order_create(
        elder=elder or make_elder(),
        item=item,
        scheduled_at=scheduled_at or at(48),
        source="community",
        actor=None,
    )


def last_code() -> str:
    return OUTBOX[-1].text.split("确认码 ")[1].split("。")[0]


def serve(
    order: ServiceOrder,
    worker: ProviderWorker,
    *,
    start: datetime,
    minutes: int,
    where: tuple[float, float] = HOME,
    confirm: bool = True,
) -> ServiceOrder:
    """Assign, check in at `where`, check out after `minutes`, and confirm with the SMS code."""
    order = services.order_assign(order=order, worker=worker, actor=None)
    order = services.order_check_in(order=order, actor=None, lon=where[0], lat=where[1], at=start)
    order = services.order_check_out(
        order=order, actor=None, lon=where[0], lat=where[1], at=start + timedelta(minutes=minutes)
    )
    if confirm:
        order = services.order_confirm(order=order, actor=None, code=last_code())
    order.refresh_from_db()
    return order
