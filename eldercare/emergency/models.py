"""The emergency centre (平安通 / 一键呼救): devices, alarms and their handling, shifts, drills, resources.

An alarm is a person who may be on the floor: it is written here before the device is acknowledged,
it is unique per (device, device event id) so a retried event is recognised, and its escalation
deadline is a column, so timers survive a restart of every process.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.models import Division, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.emergency.choices import (
    AlarmEventKind,
    AlarmKind,
    AlarmSource,
    AlarmStatus,
    Callee,
    CallResult,
    CareRiskKind,
    DeviceKind,
    DeviceStatus,
    DispatchTarget,
    Outcome,
    ResourceKind,
)
from eldercare.registry.models import Elder


class Device(TimeStampedModel):
    """智能终端: a device in an elder's home, with its own credential.

    The bearer token is stored as a SHA-256 hash (like `accounts.ApiToken`); the signing secret is stored
    encrypted because the platform must recompute each payload's HMAC. `division` is the home's community
    (the elder's at binding time) and scopes the device.
    """

    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DeviceKind.choices)
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    token_prefix = models.CharField(_("token prefix"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    secret = EncryptedTextField(_("signing secret"))
    heartbeat_interval_s = models.PositiveIntegerField(_("heartbeat interval (s)"), default=3600)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    battery_pct = models.PositiveSmallIntegerField(_("battery (%)"), null=True, blank=True)
    last_test_call_at = models.DateTimeField(_("last test call"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["id"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [models.Index(fields=["status", "last_heartbeat_at"], name="device_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class Shift(TimeStampedModel):
    """值班班次: a period when named operators and a shift lead (值班长) staff the centre."""

    name = models.CharField(_("name"), max_length=64)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shift lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("operators"), related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="shift_period")]

    def __str__(self) -> str:
        return self.name


class Alarm(TimeStampedModel):
    """警情: one alarm from a device (or a phone call, or the platform itself for a technical alarm).

    State machine new → taken → dispatched → closed (dispatch optional), each step time-stamped.
    `next_escalation_at` is the persisted timer that `alarm_escalate` acts on; NULL once nothing is due.
    """

    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alarms",
    )
    event_id = models.CharField(_("device event id"), max_length=64)
    elder = models.ForeignKey(
        Elder, verbose_name=_("elder"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AlarmKind.choices)
    source = models.CharField(_("source"), max_length=8, choices=AlarmSource.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.NEW
    )
    occurred_at = models.DateTimeField(_("occurred at (device clock)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    dispatch_target = models.CharField(
        _("dispatched to"), max_length=20, choices=DispatchTarget.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    next_escalation_at = models.DateTimeField(_("next escalation due"), null=True, blank=True)
    policy_version_id = models.PositiveIntegerField(_("escalation policy version"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "event_id"],
                condition=Q(device__isnull=False),
                name="alarm_device_event_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="new") | Q(taken_at__isnull=False), name="alarm_taken_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="alarm_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_escalation_at"], name="alarm_status_escalation"),
            models.Index(fields=["elder", "received_at"], name="alarm_elder_received"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"


class AlarmEvent(models.Model):
    """警情处置记录: one time-stamped step in handling an alarm (append-only)."""

    alarm = models.ForeignKey(Alarm, verbose_name=_("alarm"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=16, choices=AlarmEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("alarm step")
        verbose_name_plural = _("alarm steps")

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.kind}"


class CallLog(models.Model):
    """通话记录: a call the operator placed while handling an alarm (through the telephony adapter)."""

    alarm = models.ForeignKey(Alarm, verbose_name=_("alarm"), on_delete=models.CASCADE, related_name="calls")
    callee = models.CharField(_("callee"), max_length=20, choices=Callee.choices)
    number_masked = models.CharField(_("number"), max_length=20, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=CallResult.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    adapter_ref = models.CharField(_("telephony reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.callee} {self.result}"


class CareRiskEvent(models.Model):
    """照护风险事件 (GB/T 42195-2022 A.2.14): read by the assessment module for its 30-day count.

    Keyed by elder, kind and date; `alarm` says where it came from (one event per alarm).
    """

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=CareRiskKind.choices)
    occurred_on = models.DateField(_("date"))
    alarm = models.OneToOneField(
        Alarm,
        verbose_name=_("alarm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_event",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("care-risk event")
        verbose_name_plural = _("care-risk events")
        indexes = [models.Index(fields=["elder", "kind", "occurred_on"], name="riskevent_elder_kind_date")]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class Drill(TimeStampedModel):
    """应急演练: an emergency drill with its participants and findings."""

    title = models.CharField(_("title"), max_length=120)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    scenario = models.TextField(_("scenario"), blank=True)
    participants = models.TextField(_("participants"), blank=True)
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("drill")
        verbose_name_plural = _("drills")

    def __str__(self) -> str:
        return self.title


class Resource(TimeStampedModel):
    """应急资源: a response team, vehicle or stock of supplies held by a division."""

    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    contact = models.CharField(_("contact"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["division_id", "kind", "name"]
        verbose_name = _("emergency resource")
        verbose_name_plural = _("emergency resources")

    def __str__(self) -> str:
        return self.name
