"""Writes of the portal: sign-in codes, personal accounts, family links, and every portal action, done by
the elder, a linked family member, or a community worker on the elder's behalf (帮办代办, with a receipt).

Each action calls the owning app's service; this module only adds who acted and the 帮办代办 record."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop as _n

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.audit import audit_record
from eldercare.core.crypto import lookup_hash
from eldercare.core.exceptions import DomainError
from eldercare.core.ids import is_valid_phone, mask_phone, normalise_phone
from eldercare.portal import rules
from eldercare.portal.models import OfflineAction, OneTimeCode, PortalIdentity
from eldercare.portal.policy_keys import otp_policy
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder
from eldercare.registry.services.elders import phone_hash
from eldercare.timebank.choices import ProxyKind
from eldercare.timebank.models import ProxyLink
from eldercare.timebank.services.volunteers import proxy_link_confirm, proxy_link_revoke

# Who is acting in the portal for the elder on the page.
SELF, FAMILY, WORKER = "self", "family", "worker"


@dataclass(frozen=True, slots=True)
class Acting:
    """The elder a portal page is about, and how the caller is allowed to act for them."""

    elder: Elder
    mode: str  # SELF / FAMILY / WORKER
    user: Any

    @property
    def on_behalf(self) -> bool:
        return self.mode == WORKER


# --- sign-in codes -----------------------------------------------------------------------------------


def clean_mobile(phone: str) -> str:
    digits = normalise_phone(phone)
    if not (len(digits) == 11 and digits.isdigit() and digits.startswith("1") and is_valid_phone(digits)):
        raise DomainError("phone_invalid", _n("Please type an 11-digit mobile number."), status=422)
    return digits


def _code_hash(phone_key: str, code: str) -> str:
    return lookup_hash(f"otp:{phone_key}:{code}")


def otp_send(*, phone: str, client_ip: str | None = None, now: datetime | None = None) -> str:
    """Send a sign-in code to a mobile number, within the send limits; returns the code (shown on the page
    only in development, where the SMS adapter just logs). The answer does not say whether the number is
    known, so the page cannot be used to find out who has an account."""
    from eldercare.benefits.notify import sms_sender

    now = now or timezone.now()
    digits = clean_mobile(phone)
    key = phone_hash(digits)
    policy = otp_policy()
    hour_ago = now - timedelta(hours=1)
    with transaction.atomic():
        sent = list(
            OneTimeCode.objects.filter(phone_hash=key, created_at__gt=hour_ago).values_list(
                "created_at", flat=True
            )
        )
        ip_count = (
            OneTimeCode.objects.filter(client_ip=client_ip, created_at__gt=hour_ago).count()
            if client_ip
            else 0
        )
        refusal = rules.may_send(
            now=now,
            phone_sent_at=sent,
            ip_sent_count=ip_count,
            min_interval_seconds=policy.min_interval_seconds,
            per_phone_per_hour=policy.per_phone_per_hour,
            per_ip_per_hour=policy.per_ip_per_hour,
        )
        if refusal is not None:
            raise DomainError(
                str(refusal), _n("Too many codes were asked for. Please wait a little."), status=429
            )
        code = f"{secrets.randbelow(10**policy.length):0{policy.length}d}"
        OneTimeCode.objects.create(
            phone_hash=key,
            code_hash=_code_hash(key, code),
            client_ip=client_ip,
            created_at=now,
            expires_at=now + timedelta(seconds=policy.ttl_seconds),
        )
        audit_record(
            actor=None, action="portal.code_sent", changes={"phone": mask_phone(digits)}, division_code=""
        )
    minutes = max(1, policy.ttl_seconds // 60)
    sms_sender().send(digits, f"【养老服务】您的登录验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。")
    return code


def otp_verify(*, phone: str, code: str, now: datetime | None = None) -> User:
    """The personal account of the phone, once its latest code is typed correctly in time. A wrong code
    counts as a try even though the sign-in is refused; after `max_attempts` the code is void."""
    now = now or timezone.now()
    digits = clean_mobile(phone)
    key = phone_hash(digits)
    policy = otp_policy()
    row = OneTimeCode.objects.filter(phone_hash=key).order_by("-created_at", "-id").first()
    if row is None:
        raise DomainError("otp_missing", _n("Please ask for a code first."), status=400)
    matches = hmac.compare_digest(row.code_hash, _code_hash(key, code.strip()))
    state = rules.code_state(
        now=now,
        expires_at=row.expires_at,
        attempts=row.attempts,
        max_attempts=policy.max_attempts,
        used=row.used_at is not None,
        matches=matches,
    )
    if state is rules.CodeState.WRONG:
        OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        audit_record(
            actor=None, action="portal.code_wrong", changes={"phone": mask_phone(digits)}, division_code=""
        )
    if state is not rules.CodeState.OK:
        messages = {
            rules.CodeState.WRONG: _n("The code is not right. Please check it and type it again."),
            rules.CodeState.EXPIRED: _n("The code has expired. Please ask for a new one."),
            rules.CodeState.LOCKED: _n("Too many wrong tries. Please ask for a new code."),
            rules.CodeState.USED: _n("This code was already used. Please ask for a new one."),
        }
        raise DomainError(str(state), messages[state], status=400)
    with transaction.atomic():
        claimed = OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        if not claimed:
            raise DomainError(
                "otp_used", _n("This code was already used. Please ask for a new one."), status=400
            )
        user = _personal_account(digits, key)
        audit_record(
            actor=user, action="portal.signed_in", target=user, changes={"phone": mask_phone(digits)}
        )
    return user


def _personal_account(digits: str, key: str) -> User:
    """The account of the phone: an existing portal identity; else a new elder account when exactly one
    active elder in the registry has this phone (linked to that elder); else a new family account, which
    sees nothing until an elder or a worker confirms a link."""
    identity = PortalIdentity.objects.select_related("user").filter(phone_hash=key).first()
    if identity is not None:
        if not identity.user.is_active:
            raise DomainError("account_inactive", _n("This account is closed."), status=403)
        return identity.user
    elders = list(Elder.objects.filter(phone_hash=key, status=ElderStatus.ACTIVE)[:2])
    elder = elders[0] if len(elders) == 1 else None
    user = User.objects.create(
        username=f"portal-{key[:16]}",
        role=Role.ELDER if elder else Role.FAMILY,
        display_name=elder.masked_name if elder else mask_phone(digits),
        password=make_password(None),
    )
    PortalIdentity.objects.create(user=user, phone=digits, phone_hash=key, phone_masked=mask_phone(digits))
    audit_record(actor=user, action="user.created", target=user, changes={"role": user.role, "via": "portal"})
    if elder is not None:
        proxy_link_confirm(elder=elder, user=user, kind=ProxyKind.SELF, actor=user)
    return user


@transaction.atomic
def identity_attach(*, user: User, phone: str, actor: Any) -> PortalIdentity:
    """Give an existing personal account a sign-in phone (the demo accounts; a worker at the office)."""
    digits = clean_mobile(phone)
    key = phone_hash(digits)
    if PortalIdentity.objects.filter(phone_hash=key).exclude(user=user).exists():
        raise DomainError("phone_taken", _n("Another account signs in with this phone."), status=409)
    identity, _ = PortalIdentity.objects.update_or_create(
        user=user, defaults={"phone": digits, "phone_hash": key, "phone_masked": mask_phone(digits)}
    )
    audit_record(
        actor=actor, action="portal.identity_attached", target=user, changes={"phone": mask_phone(digits)}
    )
    return identity


# --- family links ------------------------------------------------------------------------------------


@transaction.atomic
def family_link_request(*, user: User, elder_phone: str) -> ProxyLink | None:
    """A family member asks to follow an elder, named by the elder's phone. The link is pending until the
    elder (in the portal) or a community worker confirms it. The answer is the same whether or not the
    phone is known (None when unknown), so it cannot be used to look people up."""
    if user.role != Role.FAMILY:
        raise DomainError("link_family_only", _n("Only family accounts ask to follow an elder."), status=403)
    key = phone_hash(clean_mobile(elder_phone))
    elder = Elder.objects.filter(phone_hash=key, status=ElderStatus.ACTIVE).first()
    if elder is None:
        audit_record(actor=user, action="portal.link_unmatched", target=user)
        return None
    link = ProxyLink.objects.filter(elder=elder, user=user).first()
    if link is None:
        link = ProxyLink.objects.create(elder=elder, user=user, kind=ProxyKind.FAMILY)
    elif link.revoked_at is not None:
        link.revoked_at = None
        link.confirmed_at = None
        link.confirmed_by = None
        link.save(update_fields=["revoked_at", "confirmed_at", "confirmed_by", "updated_at"])
    audit_record(actor=user, action="portal.link_requested", target=elder, changes={"user": user.pk})
    return link


def _check_link_decider(*, link: ProxyLink, acting: Acting) -> None:
    if link.elder_id != acting.elder.pk or acting.mode not in (SELF, WORKER) or link.kind != ProxyKind.FAMILY:
        raise DomainError(
            "link_not_yours", _n("Only the elder or a community worker decides this link."), status=404
        )


@transaction.atomic
def family_link_decide(*, link: ProxyLink, acting: Acting, confirm: bool) -> OfflineAction | None:
    """The elder (or a worker for the elder) confirms or declines a family member's request."""
    _check_link_decider(link=link, acting=acting)
    if confirm:
        proxy_link_confirm(elder=link.elder, user=link.user, kind=ProxyKind.FAMILY, actor=acting.user)
    else:
        proxy_link_revoke(link=link, actor=acting.user)
    return _on_behalf(
        acting,
        action="link_confirmed" if confirm else "link_declined",
        summary=f"{'确认' if confirm else '拒绝'}家属关注：{link.user}",
        reference=str(link.pk),
    )


# --- actions for the elder -----------------------------------------------------------------------------


def _on_behalf(acting: Acting, *, action: str, summary: str, reference: str = "") -> OfflineAction | None:
    """帮办代办: when a worker acted, the record behind the printed receipt and an audit row with the
    worker's name. Called inside the action's transaction."""
    if not acting.on_behalf:
        return None
    now = timezone.now()
    worker_name = str(acting.user)[:64]
    record = OfflineAction.objects.create(
        receipt_number=f"BB{now:%Y%m%d}{secrets.token_hex(4).upper()}",
        elder=acting.elder,
        worker=acting.user,
        worker_name=worker_name,
        action=action,
        summary=summary[:300],
        reference=reference[:64],
        division_id=acting.elder.residence_division_id,
        created_at=now,
    )
    audit_record(
        actor=acting.user,
        action="portal.on_behalf",
        target=acting.elder,
        changes={"action": action, "worker": worker_name, "receipt": record.receipt_number, "ref": reference},
    )
    return record


@transaction.atomic
def benefit_apply(*, acting: Acting, programme_code: str) -> tuple[Any, OfflineAction | None]:
    from eldercare.benefits.choices import Channel
    from eldercare.benefits.services import application_submit

    channel = {SELF: Channel.ELDER, FAMILY: Channel.FAMILY, WORKER: Channel.PROXY}[acting.mode]
    application = application_submit(
        elder=acting.elder,
        programme_code=programme_code,
        channel=channel,
        actor=acting.user,
        applicant_name=str(acting.user)[:64],
        proxy_note=f"帮办代办：{acting.user}" if acting.on_behalf else "",
    )
    receipt = _on_behalf(
        acting,
        action="benefit_applied",
        summary=f"代为申请补贴：{programme_code}",
        reference=str(application.pk),
    )
    return application, receipt


@transaction.atomic
def reassessment_request(*, acting: Acting, note: str = "") -> tuple[Any, OfflineAction | None]:
    from eldercare.assessment.choices import AssessmentReason, Requester
    from eldercare.assessment.services import request_create

    requester = {SELF: Requester.ELDER, FAMILY: Requester.FAMILY, WORKER: Requester.COMMUNITY_WORKER}[
        acting.mode
    ]
    row = request_create(
        elder=acting.elder,
        reason=AssessmentReason.IMMEDIATE,
        requester=requester,
        actor=acting.user,
        note=note,
    )
    receipt = _on_behalf(
        acting, action="reassessment_requested", summary="代为申请重新评估", reference=str(row.pk)
    )
    return row, receipt


@transaction.atomic
def service_confirm(*, acting: Acting, order: Any) -> OfflineAction | None:
    from eldercare.homecare.choices import ConfirmedBy
    from eldercare.homecare.services import order_confirm

    if order.elder_id != acting.elder.pk:
        raise DomainError("order_not_found", _n("No such order."), status=404)
    order_confirm(order=order, by=ConfirmedBy.PORTAL, actor=acting.user)
    return _on_behalf(
        acting, action="service_confirmed", summary="代为确认上门服务已完成", reference=str(order.pk)
    )


ORDER_LEAD = timedelta(hours=2)  # a provider needs this much notice
ORDER_HORIZON = timedelta(days=30)


@transaction.atomic
def service_order(
    *, acting: Acting, item: Any, scheduled_at: datetime, note: str = "", now: datetime | None = None
) -> tuple[Any, OfflineAction | None]:
    """Order a home-care service or a meal from the providers contracted for the elder's area; the order
    goes to the provider to assign a worker, at the catalogue price split by the funding policy."""
    from eldercare.homecare.choices import OrderSource
    from eldercare.homecare.selectors import catalogue_for_elder
    from eldercare.homecare.services import order_create

    now = now or timezone.now()
    item_id = getattr(item, "pk", None)
    if item_id is None or not catalogue_for_elder(elder=acting.elder).filter(pk=item_id).exists():
        raise DomainError(
            "portal_service_unknown", _n("This service is not offered where you live."), status=422
        )
    if not now + ORDER_LEAD <= scheduled_at <= now + ORDER_HORIZON:
        raise DomainError(
            "portal_service_time", _n("Choose a time from two hours to thirty days from now."), status=422
        )
    order = order_create(
        elder=acting.elder,
        item=item,
        scheduled_at=scheduled_at,
        source=OrderSource.PORTAL,
        note=note,
        actor=acting.user,
    )
    receipt = _on_behalf(
        acting, action="service_ordered", summary=f"代为预约上门服务：{item.name}", reference=str(order.pk)
    )
    return order, receipt


@transaction.atomic
def service_rate(*, acting: Acting, order: Any, stars: int, comment: str = "") -> OfflineAction | None:
    from eldercare.homecare.services import order_rate

    if order.elder_id != acting.elder.pk:
        raise DomainError("order_not_found", _n("No such order."), status=404)
    order_rate(order=order, stars=stars, comment=comment, actor=acting.user)
    return _on_behalf(
        acting, action="service_rated", summary=f"代为评价上门服务：{stars} 星", reference=str(order.pk)
    )


@transaction.atomic
def complaint_make(*, acting: Acting, subject: str, content: str) -> tuple[Any, str, OfflineAction | None]:
    from eldercare.supervision.choices import ComplaintChannel
    from eldercare.supervision.services.complaints import complaint_submit

    complaint, follow_code = complaint_submit(
        channel=ComplaintChannel.HOTLINE if acting.on_behalf else ComplaintChannel.PORTAL,
        subject=subject,
        division=acting.elder.residence_division,
        content=content,
        actor=acting.user,
        elder=acting.elder,
        name=acting.elder.name,
    )
    receipt = _on_behalf(
        acting,
        action="complaint_made",
        summary=f"代为投诉，案件号 {complaint.case_number}",
        reference=complaint.case_number,
    )
    return complaint, follow_code, receipt
