"""Ability assessment (老年人能力评估, GB/T 42195-2022): instruments, requests, assessments, reminders."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.assessment.choices import (
    AssessmentReason,
    AssessmentSource,
    AssessmentStatus,
    Purpose,
    Relation,
    ReminderKind,
    Requester,
    RequestStatus,
    Trigger,
)
from eldercare.core.models import TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.registry.models import Elder

CURRENT_PURPOSES = (Purpose.STANDARD, Purpose.APPEAL)  # results that count as the elder's level


class Instrument(TimeStampedModel):
    """评估量表: one version of an instrument definition, loaded from `assessment/data/*.toml`.

    The definition is stored whole (items, options, bands, adjustment rules) and never edited: a corrected
    wording is a new version, so every result can be replayed with the definition it used.
    """

    code = models.CharField(_("standard"), max_length=32)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=100)
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(max_length=64)
    is_current = models.BooleanField(_("used for new assessments"), default=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="instrument_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class AssessorCertification(TimeStampedModel):
    """评估员资质: an assessor's certificate.

    A stand-in until the workforce registry (从业人员) exists; then `selectors.assessor_is_certified`
    should read the workforce record instead and this table can be migrated there.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="assessor_certifications",
    )
    certificate_no = models.CharField(_("certificate number"), max_length=64)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "user__division"

    class Meta:
        ordering = ["user_id", "-valid_from"]
        verbose_name = _("assessor certification")
        verbose_name_plural = _("assessor certifications")

    def __str__(self) -> str:
        return f"{self.certificate_no} ({self.user})"


class AssessmentRequest(TimeStampedModel):
    """评估申请: a request to assess an elder, by a person or raised automatically (expiry, discharge …)."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="assessment_requests"
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.STANDARD)
    reason = models.CharField(_("reason"), max_length=16, choices=AssessmentReason.choices)
    requester = models.CharField(_("requested by"), max_length=20, choices=Requester.choices)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices, default=Trigger.MANUAL)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_assessment = models.ForeignKey(
        "Assessment",
        verbose_name=_("assessment concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_requests",
        help_text=_("The result an appeal disputes or a quality check re-does."),
    )
    visit_at = models.DateTimeField(_("visit"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "elder__residence_division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment request")
        verbose_name_plural = _("assessment requests")
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "purpose"],
                condition=Q(status__in=[RequestStatus.OPEN, RequestStatus.SCHEDULED]),
                name="assessment_request_one_open",
            )
        ]
        indexes = [models.Index(fields=["status", "visit_at"], name="assessment_request_status")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.OPEN, RequestStatus.SCHEDULED)


class AssessorAssignment(models.Model):
    """评估员分派: one of the two assessors sent on a request, with the relation they declared.

    An assessor may not assess a relative: a declared relation other than "none" is refused before the
    row is written, so every stored assignment carries the assessor's declaration of no relation.
    """

    request = models.ForeignKey(
        AssessmentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="assignments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    declared_relation = models.CharField(_("declared relation"), max_length=16, choices=Relation.choices)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        ordering = ["request_id", "id"]
        verbose_name = _("assessor assignment")
        verbose_name_plural = _("assessor assignments")
        constraints = [
            models.UniqueConstraint(fields=["request", "assessor"], name="assignment_unique_assessor"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} → {self.request}"


class Assessment(TimeStampedModel):
    """老年人能力评估: one assessment by two assessors, from draft to published result.

    A draft holds the answers entered so far. Submitting scores it (`rules.score`) and freezes it: a
    submitted assessment is never edited, only reviewed, and a published one is only ever superseded by a
    later published assessment (reassessment or appeal), which stays linked in the history.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="assessments"
    )
    request = models.ForeignKey(
        AssessmentRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    instrument = models.ForeignKey(Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.STANDARD)
    status = models.CharField(
        _("status"), max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # both set and different on every platform assessment (constraint below); a result taken over from
    # the city's previous system names its assessors and organisation as text instead
    assessor_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessor_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second assessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legacy_assessors = models.CharField(_("assessors (previous system)"), max_length=200, blank=True)
    legacy_organisation = models.CharField(
        _("assessment organisation (previous system)"), max_length=200, blank=True
    )
    # answers and the health-record facts (A.5.11 昏迷, A.4.1 疾病诊断, A.2.14 近30天照护风险事件)
    answers = models.JSONField(_("item scores"), default=dict, blank=True)
    coma = models.BooleanField(_("in a coma"), default=False)
    diagnoses = models.JSONField(_("diagnoses (ICD-10)"), default=list, blank=True)
    psychiatrist_diagnosed = models.BooleanField(_("diagnosed by a psychiatrist"), default=False)
    risk_events = models.JSONField(_("care-risk events in the last 30 days"), default=dict, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    # the result, set on submission
    total = models.PositiveSmallIntegerField(_("total score"), null=True, blank=True)
    dimension_scores = models.JSONField(_("dimension scores"), default=dict, blank=True)
    preliminary_level = models.PositiveSmallIntegerField(_("preliminary level"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    level_name = models.CharField(_("level"), max_length=32, blank=True)
    adjustments = models.JSONField(_("adjustments"), default=list, blank=True)
    policy_versions = models.JSONField(_("policy versions used"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    supersede_reason = models.CharField(_("reason for reassessment"), max_length=500, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=AssessmentSource.choices, default=AssessmentSource.PLATFORM
    )
    # False for a migrated result that came with its level only (stored as given, not re-derived)
    rescored = models.BooleanField(_("level computed from the item scores"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "elder__residence_division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ability assessment")
        verbose_name_plural = _("ability assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(status=AssessmentStatus.PUBLISHED, purpose__in=list(CURRENT_PURPOSES)),
                name="assessment_one_current_per_elder",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=4), name="assessment_level_range"
            ),
            models.CheckConstraint(
                condition=Q(source=AssessmentSource.MIGRATED)
                | (
                    Q(assessor_1__isnull=False)
                    & Q(assessor_2__isnull=False)
                    & ~Q(assessor_1=models.F("assessor_2"))
                ),
                name="assessment_two_assessors",
            ),
        ]
        indexes = [
            models.Index(fields=["elder", "status"], name="assessment_elder_status"),
            models.Index(fields=["status", "valid_until"], name="assessment_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code if self.instrument_id else ''} #{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    def team(self) -> frozenset[Any]:
        return frozenset(pk for pk in (self.assessor_1_id, self.assessor_2_id) if pk is not None)

    @property
    def is_migrated(self) -> bool:
        return self.source == AssessmentSource.MIGRATED


class AssessmentReminder(models.Model):
    """复评提醒: a reminder that a result expires soon or has expired (one of each kind per result)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    due_on = models.DateField(_("expires on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "assessment__elder__residence_division"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("reassessment reminder")
        verbose_name_plural = _("reassessment reminders")
        constraints = [models.UniqueConstraint(fields=["assessment", "kind"], name="reminder_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"
