"""Supervision (监管): 双随机、一公开 campaigns, inspections with versioned checklists, findings,
rectification orders, inspectors' declared conflicts of interest, and complaints (投诉举报).

Targets are organisations (`core.Organisation`: institutions and home-care providers). Inspections and
rectifications are scoped by the target's division, and an organisation sees its own; complaints are
scoped by the division the matter concerns, and routed to a responsible office (a division).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.models import Division, Organisation, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.supervision.choices import (
    CampaignStatus,
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintStatus,
    ComplaintSubject,
    ConflictKind,
    InspectionStatus,
    RectificationStatus,
    Severity,
)


class ChecklistVersion(models.Model):
    """检查表: one version of an inspection checklist (safety, fire, food, service quality, GB 38600).

    Items are data (`data/checklists.toml`, loaded by `load_checklists`): a list of
    {code, text, category, critical}. An inspection stores the version it used, so a later edition of a
    checklist never changes a past result.
    """

    code = models.SlugField(_("code"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(
        pgettext_lazy("basis of a rule or figure", "source"), max_length=300, blank=True
    )
    items = models.JSONField(_("items"))
    pass_share = models.FloatField(_("share of items that must be met"), default=1.0)
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Campaign(TimeStampedModel):
    """双随机、一公开 抽查任务: a random-inspection campaign.

    The draw records its seed, the eligible lists (ordered by id), the conflicts it avoided and their
    fingerprint, and the result; once published, anyone can re-draw from these and compare
    (`rules.draw` with `random.Random(seed)`).
    """

    title = models.CharField(_("title"), max_length=200)
    division = models.ForeignKey(Division, verbose_name=_("organising office"), on_delete=models.PROTECT)
    target_kinds = models.JSONField(_("target kinds"), default=list)
    target_count = models.PositiveIntegerField(_("targets to draw"))
    inspectors_per_target = models.PositiveSmallIntegerField(_("inspectors per target"), default=2)
    checklist_code = models.SlugField(_("checklist"), max_length=32)
    inspect_by = models.DateField(_("inspect by"))
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    algorithm = models.CharField(_("algorithm"), max_length=64, blank=True)
    eligible_targets = models.JSONField(_("eligible targets"), default=list, blank=True)
    eligible_inspectors = models.JSONField(_("eligible inspectors"), default=list, blank=True)
    conflicts = models.JSONField(_("conflicts avoided"), default=list, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    result = models.JSONField(_("result"), default=list, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inspection campaign")
        verbose_name_plural = _("inspection campaigns")

    def __str__(self) -> str:
        return self.title


class InspectorConflict(TimeStampedModel):
    """利益冲突申报: an inspector's declared conflict of interest with an organisation."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspection_conflicts"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ConflictKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "organisation__division"

    class Meta:
        ordering = ["inspector", "organisation", "id"]
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")

    def __str__(self) -> str:
        return f"{self.inspector} × {self.organisation}"


class Inspection(TimeStampedModel):
    """检查: one inspection of an organisation against one checklist version (drawn or ad hoc)."""

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspections")
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="+")
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspections", blank=True)
    reinspection_of = models.ForeignKey(
        "Rectification", null=True, blank=True, on_delete=models.PROTECT, related_name="reinspections"
    )
    scheduled_on = models.DateField(_("scheduled on"))
    conducted_on = models.DateField(_("conducted on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.FloatField(_("share of items met"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "organisation__division"
    scope_organisation_field: ClassVar[str | None] = "organisation"

    class Meta:
        ordering = ["-scheduled_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["organisation", "status", "conducted_on"], name="inspection_org_done")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.scheduled_on}"


class Rectification(TimeStampedModel):
    """整改通知: a rectification order after an inspection, with a deadline; a passed re-inspection
    closes it, and an open order past its deadline escalates."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="rectifications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rectifications")
    required_actions = models.TextField(_("required actions"))
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "organisation__division"
    scope_organisation_field: ClassVar[str | None] = "organisation"

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")

    def __str__(self) -> str:
        return f"{self.organisation} ≤ {self.deadline}"


def finding_photo_path(instance: Finding, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"supervision/findings/{instance.inspection_id}/{instance.item_code}.{suffix}"


class Finding(TimeStampedModel):
    """检查发现: a problem found at an inspection, with severity and an optional photo."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item_code = models.CharField(_("checklist item"), max_length=32)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    photo = models.FileField(_("photo"), upload_to=finding_photo_path, blank=True)
    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "inspection__organisation__division"
    scope_organisation_field: ClassVar[str | None] = "inspection__organisation"

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.item_code} ({self.severity})"


class Complaint(TimeStampedModel):
    """投诉举报: a complaint or report, from the portal, the hotline or the public page.

    Routed to a responsible office (a division) by the matter's division and subject; due times for
    acknowledgement and answer come from policy (the version is stored); a case past a due time is
    escalated to the parent office. The complainant follows the case with the case number and the phone
    number (or, anonymous without a phone, a follow-up code), without an account.
    """

    case_number = models.CharField(_("case number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=ComplaintChannel.choices)
    subject = models.CharField(_("subject"), max_length=16, choices=ComplaintSubject.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("about"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    elder = models.ForeignKey(
        "registry.Elder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = EncryptedTextField(_("complainant"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    follow_up_code_hash = models.CharField(max_length=64, blank=True)
    content = models.TextField(_("content"))
    responsible_office = models.ForeignKey(
        Division, verbose_name=_("responsible office"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    answer_due_at = models.DateTimeField(_("answer by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    substantiated = models.BooleanField(_("substantiated"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    policy_version_id = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "ack_due_at"], name="complaint_ack_due"),
            models.Index(fields=["status", "answer_due_at"], name="complaint_answer_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(complainant_name=""), name="complaint_anonymous_nameless"
            )
        ]

    def __str__(self) -> str:
        return self.case_number


class ComplaintEvent(models.Model):
    """投诉处理记录: one step of a complaint's handling (received, routed, escalated, answered …)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=ComplaintEventKind.choices)
    at = models.DateTimeField(_("at"))
    office = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"
