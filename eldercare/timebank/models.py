"""The time bank (时间银行): volunteers, the city-wide double-entry time ledger and service requests.

Ledger: every movement is a `Transaction` whose `Posting` rows sum to zero (checked by the service
that writes them and by `selectors.ledger_invariant`; one CHECK cannot span rows). Postings are never
updated or deleted: a mistake is undone by a reversal transaction. `Account.balance_minutes` is a
cache of the account's postings, written only by `services.ledger` in the same database transaction
as the postings, under row locks taken in primary-key order; the invariant check recomputes it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.ids import mask_name
from eldercare.core.models import Division, Organisation, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.registry.models import Elder
from eldercare.timebank.choices import (
    AccountKind,
    ProxyKind,
    Relation,
    RequestStatus,
    ReservationStatus,
    ServiceType,
    TransactionKind,
    VolunteerStatus,
)


class VolunteerTeam(TimeStampedModel):
    """志愿服务队: a team of volunteers, managed by an organisation (社区, 社会组织 …, "五社联动")."""

    name = models.CharField(_("name"), max_length=128)
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("managing organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["division", "name"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self) -> str:
        return self.name


class Volunteer(TimeStampedModel):
    """志愿者: a person registered to serve, identity verified by resident ID (GB 11643).

    The ID number is stored encrypted with a keyed hash (the same hash as the registry's, so a volunteer
    who is also a registered elder is recognised as the same person) and shown masked.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = EncryptedTextField(_("resident ID number"))
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("home community"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    service_areas = models.JSONField(
        _("service areas"), default=list, blank=True, help_text=_("Division codes the volunteer serves in.")
    )
    availability = models.JSONField(
        _("availability"), default=dict, blank=True, help_text=_('e.g. {"mon": ["am"], "sat": ["am", "pm"]}')
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    card_number = models.CharField(_("card number"), max_length=20, unique=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class Account(TimeStampedModel):
    """时间账户: one account of the city-wide ledger (a volunteer's, an elder's, a pool, or system).

    `balance_minutes` caches the sum of the account's postings (see the module docstring). Holder
    accounts never go below zero: the service refuses, and a CHECK constraint backs it up.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    volunteer = models.OneToOneField(
        Volunteer,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    elder = models.OneToOneField(
        Elder,
        verbose_name=_("elder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="timebank_account",
    )
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=128)
    balance_minutes = models.BigIntegerField(_("balance (minutes)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["id"]
        verbose_name = _("time account")
        verbose_name_plural = _("time accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["issuance", "hold"]) | models.Q(balance_minutes__gte=0),
                name="timebank_account_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="volunteer") | models.Q(volunteer__isnull=False),
                name="timebank_volunteer_account_has_volunteer",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="elder") | models.Q(elder__isnull=False),
                name="timebank_elder_account_has_elder",
            ),
            models.UniqueConstraint(
                fields=["kind", "division"],
                condition=models.Q(
                    kind__in=["community_pool", "city_pool", "guarantee_pool", "issuance", "hold"]
                ),
                name="timebank_one_pool_per_division",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Transaction(models.Model):
    """记账凭证: one movement of units, made of postings that sum to zero. Append-only."""

    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proxy_for = models.ForeignKey(
        Elder,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set when a family member or worker acted for the elder (代办)."),
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    reversal_of = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    service_request = models.ForeignKey(
        "ServiceRequest",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    policy_version_ids = models.JSONField(_("policy versions"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Ledger transactions are append-only; reverse instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Ledger transactions are append-only; reverse instead.")


class Posting(models.Model):
    """分录: a signed amount of minutes on one account within one transaction. Never edited."""

    transaction = models.ForeignKey(
        Transaction, verbose_name=_("transaction"), on_delete=models.PROTECT, related_name="postings"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="postings"
    )
    amount_minutes = models.BigIntegerField(_("amount (minutes)"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_minutes=0), name="timebank_posting_not_zero"),
        ]
        indexes = [models.Index(fields=["account", "id"], name="timebank_posting_account")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_minutes:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Postings are append-only; reverse instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Postings are append-only; reverse instead.")


class ServiceRequest(TimeStampedModel):
    """服务需求: an elder (or a worker/family for them) asks for help; a volunteer takes it, checks in
    and out, the elder confirms, a coordinator approves, and the approved time is deposited."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="timebank_requests"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.CharField(_("service type"), max_length=16, choices=ServiceType.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    planned_minutes = models.PositiveIntegerField(_("planned minutes"))
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_as_proxy = models.BooleanField(_("posted on the elder's behalf"), default=False)
    payer_account = models.ForeignKey(
        Account,
        verbose_name=_("paid from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paid_requests",
        help_text=_("The account whose units are redeemed; empty when the service is not redeemed."),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_in_lon = models.FloatField(null=True, blank=True)
    check_in_lat = models.FloatField(null=True, blank=True)
    served_minutes = models.PositiveIntegerField(_("minutes served"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_as_proxy = models.BooleanField(_("confirmed on the elder's behalf"), default=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    credited_minutes = models.PositiveIntegerField(_("units credited (minutes)"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [models.Index(fields=["division", "status"], name="timebank_request_div_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_service_type_display()}"


class Reservation(TimeStampedModel):
    """预扣: units reserved from the payer when a volunteer accepts a request; settled on completion,
    released on cancel. The units sit in the HOLD account meanwhile, so the payer's balance is what it
    may still spend."""

    service_request = models.OneToOneField(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="reservation",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="reservations"
    )
    amount_minutes = models.PositiveIntegerField(_("amount (minutes)"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.HELD
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minutes__gt=0), name="timebank_reservation_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_minutes} ({self.status})"


class VolunteerRelative(TimeStampedModel):
    """亲属关系: a volunteer's relative who may receive transferred units, confirmed by a worker.

    Stand-in for the registry's contacts/guardians: `selectors.verified_relation` is the one place
    that reads it, so it can be pointed at registry contacts later without touching the rules.
    """

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="relatives"
    )
    elder = models.ForeignKey(Elder, verbose_name=_("relative"), on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True, help_text=_("e.g. 户口簿"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("volunteer's relative")
        verbose_name_plural = _("volunteers' relatives")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "elder"], name="timebank_relative_once"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.elder} ({self.relation})"


class ProxyLink(TimeStampedModel):
    """代理关系: a family member or community worker who may act in the time bank for an elder who cannot
    use a phone; confirmed by the elder or a worker. Every action through it is recorded as a proxy action."""

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acting person"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ProxyKind.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("proxy link")
        verbose_name_plural = _("proxy links")
        constraints = [models.UniqueConstraint(fields=["elder", "user"], name="timebank_proxy_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.elder} ({self.kind})"
