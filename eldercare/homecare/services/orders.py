"""The order flow: create → assign → on the way → check in → check out (flags, code sent) → confirm →
verified (or flagged for an officer) → settled; or cancelled / failed with a reason.

Every step locks the order row first (`select_for_update`), checks the state machine (`rules.TRANSITIONS`)
and writes one audit entry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.selectors import policy_value
from eldercare.homecare import funding, rules
from eldercare.homecare.choices import (
    ConfirmedBy,
    Flag,
    FlagDecision,
    OrderSource,
    OrderStatus,
)
from eldercare.homecare.eligibility import worker_may_be_assigned
from eldercare.homecare.models import (
    CarePlan,
    CatalogueItem,
    Provider,
    ProviderArea,
    ProviderWorker,
    QualityCallback,
    ServiceOrder,
)
from eldercare.homecare.sms import sms
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

VERIFICATION_KEY = "homecare.verification"
FINISHED_FOR_OVERLAP = (OrderStatus.CANCELLED, OrderStatus.FAILED)


def verification_policy(on: Any = None) -> tuple[rules.VerificationPolicy, int]:
    found = policy_value(VERIFICATION_KEY, on=on)
    return rules.VerificationPolicy.from_value(found.value), found.version_id


def _locked(order: ServiceOrder) -> ServiceOrder:
    return (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("elder", "item", "provider", "worker")
        .get(pk=order.pk)
    )


def _move(order: ServiceOrder, target: str, *, reason: str = "") -> str:
    if not rules.can_transition(order.status, target):
        raise ConflictError(
            "homecare_order_state",
            "The order is not in a state that allows this step.",
            {"status": order.status, "target": target},
        )
    if target in rules.NEEDS_REASON and not reason.strip():
        raise DomainError("homecare_reason_required", "Give a reason.", status=422)
    old = order.status
    order.status = target
    return old


def provider_serves(provider: Provider, division_code: str) -> bool:
    codes = ProviderArea.objects.filter(provider=provider).values_list("division_id", flat=True)
    return any(division_code.startswith(code) for code in codes)


@transaction.atomic
def order_create(
    *,
    elder: Elder,
    item: CatalogueItem,
    scheduled_at: datetime,
    source: str,
    actor: Any,
    planned_minutes: int | None = None,
    note: str = "",
    source_ref: str = "",
    care_plan: CarePlan | None = None,
) -> ServiceOrder:
    """A new order at the catalogue price, split into subsidy and elder's share by `funding.subsidy_share`."""
    if source not in OrderSource.values:
        raise DomainError("homecare_source_unknown", "Unknown order source.", status=422)
    if elder.status != ElderStatus.ACTIVE:
        raise DomainError("homecare_elder_inactive", "Orders are only for active elders.", status=422)
    provider = item.provider
    if not (item.is_active and provider.is_active):
        raise DomainError("homecare_item_inactive", "This service is not offered now.", status=422)
    if not provider_serves(provider, elder.residence_division_id):
        raise DomainError(
            "homecare_outside_area", "The provider is not contracted for the elder's area.", status=422
        )
    order = ServiceOrder(
        provider=provider,
        organisation_id=provider.organisation_id,
        elder=elder,
        division_id=elder.residence_division_id,
        item=item,
        service_type=item.service_type,
        source=source,
        source_ref=source_ref[:64],
        care_plan=care_plan,
        scheduled_at=scheduled_at,
        planned_minutes=planned_minutes or item.duration_minutes,
        note=note[:300],
        price_fen=item.unit_price_fen,
        subsidy_fen=0,
        elder_fen=item.unit_price_fen,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    subsidy, source_label, reasons = funding.subsidy_share(order)
    order.subsidy_fen = min(subsidy, order.price_fen)
    order.elder_fen = order.price_fen - order.subsidy_fen
    order.funding_source = source_label[:64]
    order.funding_reasons = reasons
    order.save()
    audit_record(
        actor=actor,
        action="homecare.order_created",
        target=order,
        changes={"source": source, "subsidy_fen": order.subsidy_fen, "elder_fen": order.elder_fen},
    )
    return order


def next_working_morning(now: datetime | None = None) -> datetime:
    """09:00 of the next day that is a working day (holidays per chinese-calendar)."""
    import chinese_calendar

    day = timezone.localtime(now or timezone.now()).date() + timedelta(days=1)
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def order_create_from_referral(
    *,
    elder: Elder,
    service_type: str,
    referral_ref: str,
    actor: Any,
    scheduled_at: datetime | None = None,
    note: str = "",
) -> ServiceOrder:
    """A visit follow-up "refer to home care" (转介居家服务) becomes an order.

    Picks the cheapest active catalogue item of `service_type` among providers contracted for the elder's
    area. Idempotent per `referral_ref` (e.g. ``"visits.followup:12"``): calling again returns the same order.
    Raises `DomainError("homecare_no_provider")` when no provider serves the area with that service.
    """
    existing = ServiceOrder.objects.filter(source=OrderSource.REFERRAL, source_ref=referral_ref).first()
    if existing is not None:
        return existing
    area_codes = [elder.residence_division_id[:n] for n in (4, 6, 9, 12)]
    providers = ProviderArea.objects.filter(division_id__in=area_codes).values("provider_id")
    item = (
        CatalogueItem.objects.filter(
            provider_id__in=providers, provider__is_active=True, service_type=service_type, is_active=True
        )
        .select_related("provider")
        .order_by("unit_price_fen", "id")
        .first()
    )
    if item is None:
        raise DomainError(
            "homecare_no_provider", "No provider offers this service in the elder's area.", status=422
        )
    return order_create(
        elder=elder,
        item=item,
        scheduled_at=scheduled_at or next_working_morning(),
        source=OrderSource.REFERRAL,
        source_ref=referral_ref,
        note=note,
        actor=actor,
    )


def assignment_refusal(order: ServiceOrder, worker: ProviderWorker) -> str | None:
    """Why this worker cannot take this order (None: they can): provider, eligibility (blacklist), area,
    skill, working hours, and other orders of theirs at that time."""
    if worker.provider_id != order.provider_id:
        return "worker_other_provider"
    eligibility = worker_may_be_assigned(worker)
    if not eligibility:
        return eligibility.reason
    if worker.service_divisions and not any(
        order.division_id.startswith(c) for c in worker.service_divisions
    ):
        return "worker_outside_area"
    if order.item.required_skill and order.item.required_skill not in (worker.skills or []):
        return "worker_lacks_skill"
    start = timezone.localtime(order.scheduled_at)
    if not rules.within_schedule(worker.schedule or {}, start, order.planned_minutes):
        return "worker_off_duty"
    end = order.scheduled_at + timedelta(minutes=order.planned_minutes)
    busy = (
        ServiceOrder.objects.filter(
            worker=worker,
            status__in=[OrderStatus.ASSIGNED, OrderStatus.ON_THE_WAY, OrderStatus.IN_SERVICE],
            scheduled_at__lt=end,
            scheduled_at__gt=order.scheduled_at - timedelta(hours=8),
        )
        .exclude(pk=order.pk)
        .values_list("scheduled_at", "planned_minutes")
    )
    for other_start, minutes in busy:
        if other_start + timedelta(minutes=minutes) > order.scheduled_at:
            return "worker_busy"
    return None


REFUSAL_MESSAGES = {
    "worker_other_provider": "The worker belongs to another provider.",
    "worker_inactive": "The worker is not active.",
    "worker_blacklisted": "The worker is on the joint-punishment list (联合惩戒) and may not be assigned.",
    "provider_inactive": "The provider is not active.",
    "worker_outside_area": "The worker does not serve the elder's area.",
    "worker_lacks_skill": "The worker lacks the skill this service needs.",
    "worker_off_duty": "The order lies outside the worker's working hours.",
    "worker_busy": "The worker has another order at that time.",
}


@transaction.atomic
def order_assign(*, order: ServiceOrder, worker: ProviderWorker, actor: Any) -> ServiceOrder:
    order = _locked(order)
    ProviderWorker.objects.select_for_update().filter(
        pk=worker.pk
    ).first()  # one assignment at a time per worker
    refusal = assignment_refusal(order, worker)
    if refusal is not None:
        raise ConflictError(refusal, REFUSAL_MESSAGES[refusal])
    old = _move(order, OrderStatus.ASSIGNED)
    order.worker = worker
    order.assigned_at = timezone.now()
    order.save(update_fields=["status", "worker", "assigned_at", "updated_at"])
    audit_record(
        actor=actor,
        action="homecare.order_assigned",
        target=order,
        changes={"status": [old, order.status], "worker": worker.pk},
    )
    return order


def order_auto_assign(*, order: ServiceOrder, actor: Any) -> ServiceOrder:
    """Assign the least-busy worker of the provider who may take the order; refuses if nobody can."""
    candidates = ProviderWorker.objects.filter(provider_id=order.provider_id, is_active=True).select_related(
        "provider"
    )
    load = {
        row["worker_id"]: row["n"]
        for row in ServiceOrder.objects.filter(
            worker__in=candidates, scheduled_at__date=timezone.localtime(order.scheduled_at).date()
        )
        .values("worker_id")
        .annotate(n=Count("id"))
    }
    for worker in sorted(candidates, key=lambda w: (load.get(w.pk, 0), w.pk)):
        if assignment_refusal(order, worker) is None:
            return order_assign(order=order, worker=worker, actor=actor)
    raise ConflictError("homecare_no_worker", "No worker of the provider can take this order.")


def _expect_worker(order: ServiceOrder, worker: ProviderWorker | None) -> None:
    if worker is not None and order.worker_id != worker.pk:
        raise ConflictError("homecare_not_your_order", "This order is assigned to another worker.")


@transaction.atomic
def order_depart(*, order: ServiceOrder, actor: Any, worker: ProviderWorker | None = None) -> ServiceOrder:
    order = _locked(order)
    _expect_worker(order, worker)
    old = _move(order, OrderStatus.ON_THE_WAY)
    order.departed_at = timezone.now()
    order.save(update_fields=["status", "departed_at", "updated_at"])
    audit_record(
        actor=actor, action="homecare.order_on_the_way", target=order, changes={"status": [old, order.status]}
    )
    return order


def _home(elder: Elder) -> tuple[float, float] | None:
    return (elder.lon, elder.lat) if elder.lon is not None and elder.lat is not None else None


@transaction.atomic
def order_check_in(
    *,
    order: ServiceOrder,
    actor: Any,
    lon: float | None,
    lat: float | None,
    worker: ProviderWorker | None = None,
    at: datetime | None = None,
) -> ServiceOrder:
    """The worker arrives: time and position, with the distance to the elder's home."""
    order = _locked(order)
    _expect_worker(order, worker)
    old = _move(order, OrderStatus.IN_SERVICE)
    order.check_in_at = at or timezone.now()
    if lon is not None and lat is not None:
        order.check_in_lon, order.check_in_lat = lon, lat
        order.check_in_distance_m = rules.distance_to_home(_home(order.elder), (lon, lat))
    order.save(
        update_fields=[
            "status",
            "check_in_at",
            "check_in_lon",
            "check_in_lat",
            "check_in_distance_m",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="homecare.order_checked_in",
        target=order,
        changes={"status": [old, order.status], "distance_m": order.check_in_distance_m},
    )
    return order


def _visit(order: ServiceOrder, now: datetime) -> rules.Visit:
    return rules.Visit(order.pk, order.check_in_at or order.scheduled_at, order.check_out_at or now)


def _overlaps(order: ServiceOrder, field: str, policy: rules.VerificationPolicy) -> list[int]:
    """Other orders of the same worker (`field="worker"`) or elder whose time on site overlaps this one."""
    now = timezone.now()
    me = _visit(order, now)
    others = (
        ServiceOrder.objects.filter(**{field: getattr(order, f"{field}_id")}, check_in_at__lt=me.end)
        .filter(Q(check_out_at__gt=me.start) | Q(check_out_at__isnull=True))
        .exclude(pk=order.pk)
        .exclude(status__in=FINISHED_FOR_OVERLAP)
        .only("id", "check_in_at", "check_out_at", "scheduled_at")
    )
    return rules.overlapping(me, [_visit(o, now) for o in others], grace_minutes=policy.overlap_grace_minutes)


def evaluate_flags(order: ServiceOrder, policy: rules.VerificationPolicy) -> tuple[list[str], list[int]]:
    """(flags of this order, ids of other orders caught in the same overlap)."""
    worker_overlaps = _overlaps(order, "worker", policy) if order.worker_id else []
    elder_overlaps = _overlaps(order, "elder", policy)
    facts = rules.VisitFacts(
        home=_home(order.elder),
        check_in=(order.check_in_lon, order.check_in_lat) if order.check_in_lon is not None else None,  # type: ignore[arg-type]
        check_out=(order.check_out_lon, order.check_out_lat) if order.check_out_lon is not None else None,  # type: ignore[arg-type]
        served_minutes=order.served_minutes or 0,
        catalogue_minutes=order.item.duration_minutes,
    )
    flags = rules.visit_flags(facts, policy, worker_overlaps=worker_overlaps, elder_overlaps=elder_overlaps)
    others = sorted(set(worker_overlaps) | set(elder_overlaps))
    return flags, others


def _add_flag(order: ServiceOrder, flag: str, *, actor: Any, reason: str) -> None:
    """Flag an order found afterwards: a verified order goes back to completed (not paid); a settled one
    gets a correction line taking its payment back."""
    from eldercare.homecare.services.settlement import settlement_correct

    order = _locked(order)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.FAILED) or flag in order.flags:
        return
    order.flags = [*order.flags, flag]
    if order.status == OrderStatus.SETTLED:
        order.save(update_fields=["flags", "updated_at"])
        settlement_correct(order=order, reason=reason, actor=actor)
        return
    order.flagged = True
    order.flag_decision = ""
    if order.status == OrderStatus.VERIFIED:
        order.status = OrderStatus.COMPLETED
        order.verified_at = None
    order.save(update_fields=["flags", "flagged", "flag_decision", "status", "verified_at", "updated_at"])
    audit_record(actor=actor, action="homecare.order_flagged", target=order, changes={"flags": order.flags})


def _code_hash(order_id: int, code: str) -> str:
    return hmac.new(
        settings.LOOKUP_HASH_KEY.encode(), f"order:{order_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _confirmation_phone(order: ServiceOrder) -> str:
    from eldercare.registry.models import ElderContact

    if order.elder.phone:
        return str(order.elder.phone)
    contact = ElderContact.objects.filter(elder=order.elder).exclude(phone="").first()
    return str(contact.phone) if contact else ""


def _send_code(order: ServiceOrder, policy: rules.VerificationPolicy) -> str:
    code = "".join(secrets.choice("0123456789") for _ in range(policy.code_length))
    order.code_hash = _code_hash(order.pk, code)
    order.code_sent_at = timezone.now()
    order.code_attempts = 0
    sms().send(
        phone=_confirmation_phone(order),
        text=f"【养老服务】{order.item.name}服务已完成，确认码 {code}。"
        "如未接受服务请勿告知，并拨打服务监督电话。",
    )
    return code


@transaction.atomic
def order_check_out(
    *,
    order: ServiceOrder,
    actor: Any,
    lon: float | None,
    lat: float | None,
    worker: ProviderWorker | None = None,
    at: datetime | None = None,
    photo_count: int = 0,
) -> ServiceOrder:
    """The worker leaves: served minutes, fraud patterns checked, a confirmation code sent by SMS to the
    elder (or a family contact). Overlapping orders found now are flagged too."""
    order = _locked(order)
    _expect_worker(order, worker)
    old = _move(order, OrderStatus.COMPLETED)
    policy, _version = verification_policy()
    order.check_out_at = at or timezone.now()
    if lon is not None and lat is not None:
        order.check_out_lon, order.check_out_lat = lon, lat
        order.check_out_distance_m = rules.distance_to_home(_home(order.elder), (lon, lat))
    start = order.check_in_at or order.check_out_at
    order.served_minutes = max(0, int((order.check_out_at - start).total_seconds() // 60))
    order.photo_count = photo_count
    flags, others = evaluate_flags(order, policy)
    order.flags = flags
    order.flagged = bool(flags)
    _send_code(order, policy)
    order.save()
    for other in ServiceOrder.objects.filter(pk__in=others).order_by("pk"):
        other_flag = Flag.WORKER_OVERLAP if other.worker_id == order.worker_id else Flag.ELDER_DOUBLE
        _add_flag(other, other_flag, actor=actor, reason=f"overlaps order #{order.pk}")
    audit_record(
        actor=actor,
        action="homecare.order_checked_out",
        target=order,
        changes={"status": [old, order.status], "served_minutes": order.served_minutes, "flags": flags},
    )
    return order


@transaction.atomic
def order_resend_code(*, order: ServiceOrder, actor: Any) -> ServiceOrder:
    order = _locked(order)
    if order.status != OrderStatus.COMPLETED or order.confirmed_at is not None:
        raise ConflictError("homecare_order_state", "Only a completed, unconfirmed order gets a new code.")
    policy, _version = verification_policy()
    _send_code(order, policy)
    order.save(update_fields=["code_hash", "code_sent_at", "code_attempts", "updated_at"])
    audit_record(actor=actor, action="homecare.order_code_sent", target=order)
    return order


def order_confirm(
    *, order: ServiceOrder, actor: Any, code: str = "", by: str = ConfirmedBy.ELDER
) -> ServiceOrder:
    """The elder or family confirms the service: by the SMS code (given to the worker, or typed on the
    elder's phone), or in the portal (`by="portal"`, no code: the signed-in elder or family is the proof).
    A confirmed order without flags is verified at once. A wrong code counts as an attempt (committed even
    though the confirmation is refused), so codes cannot be guessed."""
    refusal = _check_code(order=order, code=code, by=by)
    if refusal is not None:
        raise refusal
    return _confirm(order=order, by=by, actor=actor)


@transaction.atomic
def _check_code(*, order: ServiceOrder, code: str, by: str) -> DomainError | None:
    order = _locked(order)
    if order.status != OrderStatus.COMPLETED or order.confirmed_at is not None:
        return ConflictError("homecare_order_state", "This order is not waiting for confirmation.")
    if by == ConfirmedBy.PORTAL:
        return None
    policy, _version = verification_policy()
    if order.code_attempts >= policy.code_max_attempts:
        return ConflictError("homecare_code_locked", "Too many wrong codes: send a new one.")
    expired = order.code_sent_at is None or timezone.now() - order.code_sent_at > timedelta(
        minutes=policy.code_valid_minutes
    )
    if expired or not hmac.compare_digest(order.code_hash, _code_hash(order.pk, code.strip())):
        ServiceOrder.objects.filter(pk=order.pk).update(code_attempts=order.code_attempts + 1)
        return DomainError(
            "homecare_code_expired" if expired else "homecare_code_wrong",
            "The confirmation code is wrong or has expired.",
            status=422,
        )
    return None


@transaction.atomic
def _confirm(*, order: ServiceOrder, by: str, actor: Any) -> ServiceOrder:
    order = _locked(order)
    if order.status != OrderStatus.COMPLETED or order.confirmed_at is not None:
        raise ConflictError("homecare_order_state", "This order is not waiting for confirmation.")
    policy, _version = verification_policy()
    order.confirmed_at = timezone.now()
    order.confirmed_by = by
    order.code_hash = ""
    order.save(update_fields=["confirmed_at", "confirmed_by", "code_hash", "updated_at"])
    audit_record(actor=actor, action="homecare.order_confirmed", target=order, changes={"by": by})
    if not order.flagged:
        _verify(order, actor=actor, policy=policy)
    return order


def _verify(order: ServiceOrder, *, actor: Any, policy: rules.VerificationPolicy) -> None:
    """completed + confirmed + no open flags → verified; a random share gets a quality call-back."""
    old = _move(order, OrderStatus.VERIFIED)
    order.verified_at = timezone.now()
    order.save(update_fields=["status", "verified_at", "updated_at"])
    if policy.callback_share > 0 and secrets.randbelow(10_000) < policy.callback_share * 10_000:
        QualityCallback.objects.get_or_create(order=order, defaults={"division_id": order.division_id})
    audit_record(
        actor=actor, action="homecare.order_verified", target=order, changes={"status": [old, order.status]}
    )


@transaction.atomic
def order_flag_review(*, order: ServiceOrder, decision: str, reason: str, actor: Any) -> ServiceOrder:
    """An officer decides on a flagged order: clear (paid once confirmed) or reject (failed, not paid)."""
    order = _locked(order)
    if not order.flagged:
        raise ConflictError("homecare_not_flagged", "This order is not flagged.")
    if not reason.strip():
        raise DomainError("homecare_reason_required", "Give a reason.", status=422)
    if decision == FlagDecision.REJECT:
        old = _move(order, OrderStatus.FAILED, reason=reason)
        order.reason = reason[:300]
        order.closed_at = timezone.now()
    elif decision == FlagDecision.CLEAR:
        old = order.status
    else:
        raise DomainError("homecare_decision_unknown", "Unknown decision.", status=422)
    order.flagged = False
    order.flag_decision = decision
    order.flag_decided_by = actor if getattr(actor, "is_authenticated", False) else None
    order.save()
    audit_record(
        actor=actor,
        action="homecare.order_flag_reviewed",
        target=order,
        changes={"decision": decision, "reason": reason, "flags": order.flags, "status": [old, order.status]},
    )
    if decision == FlagDecision.CLEAR and order.status == OrderStatus.COMPLETED and order.confirmed_at:
        policy, _version = verification_policy()
        _verify(order, actor=actor, policy=policy)
    return order


@transaction.atomic
def order_cancel(*, order: ServiceOrder, reason: str, actor: Any) -> ServiceOrder:
    order = _locked(order)
    old = _move(order, OrderStatus.CANCELLED, reason=reason)
    order.reason = reason[:300]
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "reason", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="homecare.order_cancelled",
        target=order,
        changes={"status": [old, order.status], "reason": reason},
    )
    return order


@transaction.atomic
def order_fail(
    *, order: ServiceOrder, reason: str, actor: Any, worker: ProviderWorker | None = None
) -> ServiceOrder:
    """The service could not be done (elder not at home, refused …): failed with a reason, never paid."""
    order = _locked(order)
    _expect_worker(order, worker)
    old = _move(order, OrderStatus.FAILED, reason=reason)
    order.reason = reason[:300]
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "reason", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="homecare.order_failed",
        target=order,
        changes={"status": [old, order.status], "reason": reason},
    )
    return order


@transaction.atomic
def callback_record(
    *,
    callback: QualityCallback,
    reached: bool,
    actor: Any,
    service_happened: bool | None = None,
    satisfaction: int | None = None,
    note: str = "",
) -> QualityCallback:
    """Record a call-back. If the elder says the service did not happen, the order is flagged: not paid if
    not yet settled, taken back by a correction line if it was."""
    callback = QualityCallback.objects.select_for_update().select_related("order").get(pk=callback.pk)
    if callback.called_at is not None:
        raise ConflictError("homecare_callback_done", "This call-back is already recorded.")
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise DomainError("homecare_satisfaction_range", "Satisfaction is 1 to 5.", status=422)
    callback.called_at = timezone.now()
    callback.reached = reached
    callback.service_happened = service_happened if reached else None
    callback.satisfaction = satisfaction if reached else None
    callback.note = note[:300]
    callback.caller = actor if getattr(actor, "is_authenticated", False) else None
    callback.save()
    audit_record(
        actor=actor,
        action="homecare.callback_recorded",
        target=callback.order,
        changes={"reached": reached, "happened": service_happened, "satisfaction": satisfaction},
    )
    if reached and service_happened is False:
        _add_flag(callback.order, Flag.CALLBACK_DENIED, actor=actor, reason="call-back: service denied")
    return callback


RATEABLE = frozenset({OrderStatus.COMPLETED, OrderStatus.VERIFIED, OrderStatus.SETTLED})


@transaction.atomic
def order_rate(*, order: ServiceOrder, stars: int, actor: Any, comment: str = "") -> ServiceOrder:
    """The elder (or family) rates a service that took place, once, 1 to 5 stars with an optional comment.
    The rating is the elder's own word (the quality call-back is the government's check, kept apart)."""
    order = _locked(order)
    if order.status not in RATEABLE:
        raise ConflictError("homecare_order_state", "Only a service that took place can be rated.")
    if order.rated_at is not None:
        raise ConflictError("homecare_order_rated", "This service is already rated.")
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise DomainError("homecare_rating_range", "Give 1 to 5 stars.", status=422)
    order.rating = stars
    order.rating_comment = comment.strip()[:300]
    order.rated_at = timezone.now()
    order.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    audit_record(
        actor=actor,
        action="homecare.order_rated",
        target=order,
        changes={"rating": stars, "comment": order.rating_comment},
    )
    return order
