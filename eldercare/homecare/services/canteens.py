"""Canteens (长者食堂 / 助餐点): menus, meals served at the counter with the subsidy split, inspections."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import normalise_id_number, normalise_phone
from eldercare.core.models import Division, Organisation
from eldercare.core.selectors import policy_value
from eldercare.homecare import rules
from eldercare.homecare.choices import IdentifiedBy, InspectionResult, MealKind, MealMode
from eldercare.homecare.funding import MEAL_KEY, elder_facts
from eldercare.homecare.models import Canteen, FoodSafetyInspection, MealServed, Menu
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder
from eldercare.registry.services.elders import id_number_hash, phone_hash


@transaction.atomic
def canteen_create(
    *,
    name: str,
    operator: Organisation,
    division: Division,
    daily_capacity: int,
    actor: Any,
    delivers: bool = True,
    lon: float | None = None,
    lat: float | None = None,
) -> Canteen:
    canteen = Canteen.objects.create(
        name=name,
        operator=operator,
        division=division,
        daily_capacity=daily_capacity,
        delivers=delivers,
        lon=lon,
        lat=lat,
    )
    audit_record(actor=actor, action="homecare.canteen_created", target=canteen)
    return canteen


@transaction.atomic
def menu_set(*, canteen: Canteen, day: date, meal: str, dishes: str, price_fen: int, actor: Any) -> Menu:
    if meal not in MealKind.values:
        raise DomainError("homecare_meal_kind", "Unknown meal.", status=422)
    menu, _created = Menu.objects.update_or_create(
        canteen=canteen, day=day, meal=meal, defaults={"dishes": dishes[:300], "price_fen": price_fen}
    )
    audit_record(
        actor=actor,
        action="homecare.menu_set",
        target=canteen,
        changes={"day": day.isoformat(), "meal": meal},
    )
    return menu


def identify_elder(*, identifier: str, identified_by: str) -> Elder:
    """The elder at the counter, by resident ID or phone (exact match on the keyed hash; no face
    recognition). Not found → 404-like refusal without saying whether the number exists elsewhere."""
    if identified_by == IdentifiedBy.ID_NUMBER:
        elder = Elder.objects.filter(id_number_hash=id_number_hash(normalise_id_number(identifier))).first()
    elif identified_by in (IdentifiedBy.PHONE, IdentifiedBy.MEAL_CARD):
        # a meal card carries the elder's registered phone number in this version (no separate card table)
        elder = (
            Elder.objects.filter(phone_hash=phone_hash(normalise_phone(identifier))).order_by("id").first()
        )
    else:
        raise DomainError("homecare_identify_how", "Identify by ID number or phone.", status=422)
    if elder is None or elder.status != ElderStatus.ACTIVE:
        raise DomainError("homecare_elder_not_found", "No active elder matches.", status=404)
    return elder


@transaction.atomic
def meal_serve(
    *,
    canteen: Canteen,
    elder: Elder,
    meal: str,
    mode: str,
    identified_by: str,
    actor: Any,
    served_on: date | None = None,
) -> MealServed:
    """One meal for one elder: capacity, one subsidised meal per elder and meal city-wide, the split by
    group."""
    canteen = Canteen.objects.select_for_update().get(pk=canteen.pk)
    day = served_on or timezone.localdate()
    if not canteen.is_active:
        raise ConflictError("homecare_canteen_closed", "This canteen is closed.")
    if mode not in MealMode.values or meal not in MealKind.values:
        raise DomainError("homecare_meal_mode", "Unknown meal or mode.", status=422)
    if mode == MealMode.DELIVERY and not canteen.delivers:
        raise ConflictError("homecare_no_delivery", "This canteen does not deliver.")
    if MealServed.objects.filter(canteen=canteen, served_on=day).count() >= canteen.daily_capacity:
        raise ConflictError("homecare_canteen_full", "Today's capacity is reached.")
    if MealServed.objects.filter(elder=elder, served_on=day, meal=meal).exists():
        raise ConflictError("homecare_meal_twice", "This elder has had this meal today already.")
    policy = policy_value(MEAL_KEY, on=day)
    menu = Menu.objects.filter(canteen=canteen, day=day, meal=meal).first()
    price = menu.price_fen if menu else int(policy.value["reference_price_fen"])
    split = rules.meal_split(price_fen=price, facts=elder_facts(elder, on=day), policy=policy.value)
    try:
        with transaction.atomic():
            served = MealServed.objects.create(
                canteen=canteen,
                elder=elder,
                division_id=elder.residence_division_id,
                served_on=day,
                meal=meal,
                mode=mode,
                group=split.group,
                identified_by=identified_by,
                price_fen=price,
                subsidy_fen=split.subsidy_fen,
                elder_fen=split.elder_fen,
                policy_version_id=policy.version_id,
                reasons=list(split.reasons),
            )
    except IntegrityError as exc:
        raise ConflictError("homecare_meal_twice", "This elder has had this meal today already.") from exc
    audit_record(
        actor=actor,
        action="homecare.meal_served",
        target=canteen,
        changes={"elder": elder.pk, "group": split.group, "subsidy_fen": split.subsidy_fen},
    )
    return served


@transaction.atomic
def inspection_record(
    *,
    canteen: Canteen,
    inspected_on: date,
    inspector: str,
    result: str,
    actor: Any,
    findings: str = "",
    rectify_by: date | None = None,
) -> FoodSafetyInspection:
    """A food-safety inspection; a failed one suspends the canteen until a later pass."""
    if result not in InspectionResult.values:
        raise DomainError("homecare_inspection_result", "Unknown result.", status=422)
    if result == InspectionResult.RECTIFY and rectify_by is None:
        raise DomainError("homecare_rectify_by", "Give a rectification deadline.", status=422)
    inspection = FoodSafetyInspection.objects.create(
        canteen=canteen,
        inspected_on=inspected_on,
        inspector=inspector,
        result=result,
        findings=findings,
        rectify_by=rectify_by,
    )
    active = result != InspectionResult.FAIL
    if canteen.is_active != active:
        Canteen.objects.filter(pk=canteen.pk).update(is_active=active)
    audit_record(
        actor=actor, action="homecare.inspection_recorded", target=canteen, changes={"result": result}
    )
    return inspection
