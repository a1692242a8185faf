"""Visits to elders in special difficulty (特殊困难老年人探访关爱): who is visited and how often, the monthly
plans, visit records taken on a phone, follow-up of risks, and the pre-aggregated monthly visit rate."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.models import Division, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.registry.models import Elder
from eldercare.visits.choices import (
    ConflictStatus,
    FollowUpKind,
    FollowUpStatus,
    Method,
    Outcome,
    PeriodEnd,
    Severity,
    TaskKind,
    TaskStatus,
    Tier,
    TierSource,
    VisitorKind,
)


class Visitor(TimeStampedModel):
    """探访员: a staff account that carries out visits in an area (a community, or a whole street).

    Plans assign visits to the visitors whose area holds the elder's community, by load; `capacity` is
    how many visits a month the visitor can take on.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("sign-in account", "account"),
        on_delete=models.PROTECT,
        related_name="visitor",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VisitorKind.choices)
    division = models.ForeignKey(Division, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveIntegerField(_("visits a month"), default=60)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["division_id", "id"]
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self) -> str:
        return str(self.user)


class VisitTarget(TimeStampedModel):
    """探访对象: an elder on the visit list, with the tier that sets how often they are visited.

    `rule_tier` is what the rules say; a worker may set `override_tier` with a reason (history in
    `TierChange`), and `tier` is the one in force. `is_active` is False once the elder left the list.
    """

    elder = models.OneToOneField(
        Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="visit_target"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("on the list"), default=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    rule_tier = models.CharField(_("tier by the rules"), max_length=16, choices=Tier.choices)
    rule_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    policy_version_id = models.PositiveIntegerField(_("tier policy version"), default=0)
    override_tier = models.CharField(
        _("tier set by a worker"), max_length=16, choices=Tier.choices, blank=True
    )
    override_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    last_visited_at = models.DateTimeField(_("last visited"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["division_id", "elder_id"]
        verbose_name = _("visit target")
        verbose_name_plural = _("visit targets")
        indexes = [models.Index(fields=["division", "is_active", "tier"], name="target_division_tier")]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.tier}"


class TierChange(models.Model):
    """分级变更记录: every change of an elder's tier, by the rules or by a worker (append-only)."""

    target = models.ForeignKey(VisitTarget, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=16, choices=TierSource.choices)
    from_tier = models.CharField(
        pgettext_lazy("tier change", "from"), max_length=16, choices=Tier.choices, blank=True
    )
    to_tier = models.CharField(pgettext_lazy("tier change", "to"), max_length=16, choices=Tier.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    policy_version_id = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")

    def __str__(self) -> str:
        return f"{self.from_tier or '-'} → {self.to_tier}"


class TargetPeriod(models.Model):
    """在册期间: a period during which an elder was on the visit list in one community.

    The period holds the days [starts_on, ends_on); `ends_on` NULL means it is still running. The
    denominator of the monthly visit rate is read from these rows, so a late death report or a move
    between communities corrects past months when their rates are refreshed.
    """

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (exclusive)"), null=True, blank=True)
    end_reason = models.CharField(_("ended because"), max_length=16, choices=PeriodEnd.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["elder_id", "starts_on"]
        verbose_name = _("period on the visit list")
        verbose_name_plural = _("periods on the visit list")
        constraints = [
            models.UniqueConstraint(
                fields=["elder"], condition=Q(ends_on__isnull=True), name="target_period_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="target_period_range",
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="target_period_range_idx")]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.starts_on}–{self.ends_on or ''}"


class VisitTask(TimeStampedModel):
    """探访任务: one visit due, planned for a month or raised by an event (alarm, elder not found).

    Planned tasks are unique per (elder, month, seq), so generating a month's plan twice adds nothing;
    event tasks are unique per `source_ref` (e.g. `alarm:123`). `due_on` is the day it is on the
    visitor's list; `deadline` is the end of the period the visit counts for (week, month or quarter).
    """

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.PLANNED)
    month = models.DateField(_("month"))
    seq = models.PositiveSmallIntegerField(_("number in the month"), default=1)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    due_on = models.DateField(_("due"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    attempts = models.PositiveSmallIntegerField(_("attempts (not found)"), default=0)
    source_ref = models.CharField(_("raised by"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("visit task")
        verbose_name_plural = _("visit tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "month", "seq"], condition=Q(kind="planned"), name="visit_task_planned_once"
            ),
            models.UniqueConstraint(
                fields=["source_ref"], condition=~Q(source_ref=""), name="visit_task_source_once"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("due_on")), name="visit_task_due_range"
            ),
        ]
        indexes = [
            models.Index(fields=["visitor", "status", "due_on"], name="visit_task_visitor_due"),
            models.Index(fields=["division", "status", "due_on"], name="visit_task_division_due"),
            models.Index(fields=["elder", "status"], name="visit_task_elder_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.elder_id} {self.due_on}"


class VisitRecord(TimeStampedModel):
    """探访记录: one visit (or attempt) as the visitor recorded it.

    `client_uuid` is generated by the visitor's device when the form is opened and sent with every retry,
    so a submission repeated by a flaky network is stored once (unique constraint). `version` grows by
    one on every edit; an edit made against an older version is refused and kept as a `RecordConflict`
    for a person to resolve (never last-write-wins).
    """

    client_uuid = models.UUIDField(_("submission key"), unique=True)
    task = models.ForeignKey(
        VisitTask, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    outcome = models.CharField(
        pgettext_lazy("visit outcome", "outcome"), max_length=16, choices=Outcome.choices
    )
    visited_at = models.DateTimeField(_("visited at"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    location_accuracy_m = models.FloatField(_("location accuracy (m)"), null=True, blank=True)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    actions = models.JSONField(_("follow-up requested"), default=list, blank=True)
    urgent = models.BooleanField(_("needs immediate attention"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    policy_version_id = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("visit record")
        verbose_name_plural = _("visit records")
        indexes = [
            models.Index(fields=["elder", "visited_at"], name="visit_record_elder_time"),
            models.Index(fields=["division", "visited_at"], name="visit_record_division_time"),
            models.Index(fields=["visitor", "visited_at"], name="visit_record_visitor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} {self.get_method_display()} · {self.get_outcome_display()}"


def photo_path(instance: VisitPhoto, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"visits/{instance.record.client_uuid}/{instance.record_id}-{instance.sha256[:16]}.{suffix}"


class VisitPhoto(models.Model):
    """探访照片: an optional photo taken during a visit; served only through a scoped page."""

    record = models.ForeignKey(VisitRecord, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_path)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "record__division"

    class Meta:
        ordering = ["record_id", "id"]
        verbose_name = _("visit photo")
        constraints = [models.UniqueConstraint(fields=["record", "sha256"], name="visit_photo_once")]

    def __str__(self) -> str:
        return str(self.file.name)


class RecordConflict(models.Model):
    """编辑冲突: an edit based on an older version of a record, kept until a person resolves it."""

    record = models.ForeignKey(VisitRecord, on_delete=models.CASCADE, related_name="conflicts")
    base_version = models.PositiveIntegerField(_("edited version"))
    submitted = models.JSONField(_("submitted values"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "record__division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("edit conflict")
        verbose_name_plural = _("edit conflicts")

    def __str__(self) -> str:
        return f"#{self.pk} on record {self.record_id} (v{self.base_version})"


class FollowUp(TimeStampedModel):
    """跟进任务: something a visit found that must be done, tracked until it is closed."""

    record = models.ForeignKey(
        VisitRecord,
        verbose_name=pgettext_lazy("home visit to an elder", "visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.NORMAL
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "kind"], condition=Q(record__isnull=False), name="follow_up_once_per_visit"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="follow_up_closed_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["division", "status", "due_on"], name="follow_up_division_status"),
            models.Index(fields=["elder", "created_at"], name="follow_up_elder_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"


class FollowUpUpdate(models.Model):
    """跟进记录: one step on the way to closing a follow-up (append-only)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status_from = models.CharField(max_length=16, choices=FollowUpStatus.choices, blank=True)
    status_to = models.CharField(_("status"), max_length=16, choices=FollowUpStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up step")

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.status_to}"


class Notification(models.Model):
    """通知: a message to an officer (e.g. a serious finding), also handed to the delivery adapter."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.CASCADE, related_name="+"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=200, blank=True)
    follow_up = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    delivered_via = models.CharField(_("delivered via"), max_length=32, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class MonthlyVisitRate(models.Model):
    """月探访率 (pre-aggregated): one row per division and month, refreshed by a task.

    特殊困难老年人月探访率 = elders in special difficulty visited at least once in the month ÷ all such
    elders at the start of the month (see `rules.monthly_rate`). Dashboards and the indicator module read
    these rows and never scan the visit records.
    """

    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    month = models.DateField(_("month"))
    eligible = models.PositiveIntegerField(_("elders at the start of the month"))
    visited = models.PositiveIntegerField(_("of them visited in the month"))
    visits = models.PositiveIntegerField(_("visits recorded"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["month", "division_id"]
        verbose_name = _("monthly visit rate")
        verbose_name_plural = _("monthly visit rates")
        constraints = [
            models.UniqueConstraint(fields=["division", "month"], name="visit_rate_once"),
            models.CheckConstraint(condition=Q(visited__lte=models.F("eligible")), name="visit_rate_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.month:%Y-%m} {self.visited}/{self.eligible}"

    @property
    def rate(self) -> float | None:
        return 100.0 * self.visited / self.eligible if self.eligible else None
