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

HOME = (113.0800, 22.5800)


def seed_homecare_policies(code: str = "jiangmen") -> None:
    """Only this module's policy keys of a city profile (not its 2FA or other apps' keys)."""
    from eldercare.core.models import CityProfile, PolicyVersion
    from eldercare.core.services import policy_set, read_profile_file

    data = read_profile_file(code)
    meta = data["profile"]
    profile, _created = CityProfile.objects.get_or_create(
        code=code, defaults={"name": meta["name"], "division_id": meta["division"]}
    )
    present = set(PolicyVersion.objects.filter(profile=profile).values_list("key", flat=True))
    for key, entry in data["policies"].items():
        if key.startswith("homecare.") and key not in present:
            policy_set(
                profile=profile,
                key=key,
                value=entry["value"],
                valid_from=entry["valid_from"],
                actor=None,
                reason="test",
                source=entry.get("source", ""),
            )  # (lon, lat) inside 蓬江区


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
    from eldercare.core.ids import mask_phone
    from eldercare.registry.services.elders import phone_hash

    elder.phone = f"139{next(_n):08d}"
    elder.phone_hash = phone_hash(elder.phone)
    elder.phone_masked = mask_phone(elder.phone)
    elder.save(update_fields=["lon", "lat", "phone", "phone_hash", "phone_masked"])
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


# --- samples for the permission-matrix test (accounts/tests/test_permission_matrix.py) ------------------

POST_PAGES = frozenset(
    {
        "homecare:order_action",
        "homecare:settlement_run",
        "homecare:callback_record",
        "homecare:worker_action",
        "homecare:portal_confirm",
        "homecare:inspection_add",
        "homecare:bed_action",
        "homecare:adaptation_action",
        "homecare:worker_add",
    }
)


def _sample_provider(user: Any) -> Provider:
    """A provider seated in the matrix accounts' home community, serving the test district; bound to the
    account's own organisation when the account is a provider's."""
    seed_homecare_policies()
    organisation = getattr(user, "organisation", None) if user is not None else None
    if organisation is not None:
        existing = Provider.objects.filter(organisation=organisation).first()
        if existing is not None:
            return existing
    else:
        existing = Provider.objects.filter(name="矩阵样本服务商").first()
        if existing is not None:
            return existing
    district = Division.objects.get(code=DISTRICT)
    return services.provider_register(
        name="矩阵样本服务商" if organisation is None else f"矩阵服务商{next(_n)}",
        kind="enterprise",
        division=home_community(),
        areas=[district],
        organisation=organisation,
        actor=None,
    )


def matrix_sample(user: Any, need: str) -> int:
    """The id of one home-care object of kind `need` (order, provider, canteen …) visible to `user`."""
    from eldercare.accounts.roles import Role
    from eldercare.homecare.models import Canteen, QualityCallback, Settlement
    from eldercare.timebank.services import proxy_link_confirm

    provider = _sample_provider(user)
    if need == "provider":
        return provider.pk
    if need == "canteen":
        canteen = Canteen.objects.filter(operator=provider.organisation).first() or services.canteen_create(
            name="样本长者食堂",
            operator=provider.organisation,
            division=home_community(),
            daily_capacity=50,
            actor=None,
        )
        return canteen.pk
    if need == "bed":
        return (
            provider.family_beds.first()
            or services.bed_apply(elder=make_elder(), provider=provider, actor=None)
        ).pk
    if need == "settlement":
        period = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
        return Settlement.objects.get_or_create(provider=provider, period=period)[0].pk
    item = provider.catalogue.first() or make_item(provider)
    order = ServiceOrder.objects.filter(provider=provider).order_by("id").first() or make_order(item=item)
    if need == "adaptation":
        adaptation = services.adaptation_apply(elder=order.elder, actor=None)
        adaptation.provider = provider
        adaptation.save(update_fields=["provider"])
        return adaptation.pk
    if need == "callback":
        return QualityCallback.objects.get_or_create(
            order=order, defaults={"division_id": order.division_id}
        )[0].pk
    if user is not None and user.role == Role.PROVIDER_WORKER:
        worker = ProviderWorker.objects.filter(user=user).first() or make_worker(provider, user=user)
        if order.worker_id != worker.pk:
            order = services.order_assign(order=make_order(item=item), worker=worker, actor=None)
    if user is not None and user.role in (Role.ELDER, Role.FAMILY):
        proxy_link_confirm(elder=order.elder, user=user, kind="family", actor=None)
    return order.pk


PAGE_ARGS = {
    "order_detail": "order_id",
    "order_action": "order_id",
    "worker_order": "order_id",
    "worker_action": "order_id",
    "portal_confirm": "order_id",
    "provider_detail": "provider_id",
    "worker_add": "provider_id",
    "statement": "provider_id",
    "settlement_run": "provider_id",
    "settlement_detail": "settlement_id",
    "callback_record": "callback_id",
    "canteen_detail": "canteen_id",
    "canteen_counter": "canteen_id",
    "inspection_add": "canteen_id",
    "bed_detail": "bed_id",
    "bed_action": "bed_id",
    "adaptation_detail": "adaptation_id",
    "adaptation_action": "adaptation_id",
}


def matrix_page_sample(url_name: str, user: Any) -> tuple[str, dict[str, Any]]:
    """(method, URL kwargs) for a home-care page, with the data the page needs for this user."""
    name = url_name.split(":", 1)[1]
    kwargs: dict[str, Any] = {}
    if name in PAGE_ARGS:
        arg = PAGE_ARGS[name]
        kwargs[arg] = matrix_sample(user, arg.removesuffix("_id"))
    elif name == "worker" and user is not None:
        matrix_sample(user, "order")  # a worker account with its worker record
    return ("post" if url_name in POST_PAGES else "get"), kwargs


def matrix_api_id(operation: str, user: Any) -> int:
    """The id an API sample needs: the provider for the statement, else an order the caller may see."""
    if not operation.startswith("homecare_"):
        return 0
    return matrix_sample(user, "provider" if operation == "homecare_statement" else "order")
