"""The workforce registry (养老服务从业人员信息库): workers, certificates, training, employment, rewards,
credit and the joint-punishment list (联合惩戒名单).

A worker is one person across employers: identity is the resident ID number (GB 11643), stored
encrypted with the same keyed hash as the registry's (`registry.services.id_number_hash`), so the
blacklist matches a person whatever record or employer they turn up under.

Scope: officers see workers registered in their division subtree; an institution or provider sees the
workers it currently employs (`current_employer`, kept by the employment services).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.ids import mask_name
from eldercare.core.models import Division, Organisation, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.workforce.choices import (
    AppealStatus,
    CertificateKind,
    CourseKind,
    CreditDirection,
    CreditSource,
    ListingStatus,
    RewardKind,
    SkillLevel,
    StaffCategory,
)


class Worker(TimeStampedModel):
    """养老服务从业人员: a care worker or other staff member, identity verified by resident ID."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = EncryptedTextField(_("resident ID number"))
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=StaffCategory.choices)
    skill_level = models.PositiveSmallIntegerField(
        _("skill level"), choices=SkillLevel.choices, null=True, blank=True
    )
    division = models.ForeignKey(
        Division, verbose_name=_("registered in"), on_delete=models.PROTECT, related_name="+"
    )
    current_employer = models.ForeignKey(
        Organisation,
        verbose_name=_("current employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="current_workers",
    )
    verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "current_employer"

    class Meta:
        ordering = ["id"]
        verbose_name = pgettext_lazy("workforce registry", "worker")
        verbose_name_plural = _("workers")
        constraints = [
            models.CheckConstraint(
                condition=Q(skill_level__isnull=True) | Q(skill_level__gte=1, skill_level__lte=5),
                name="worker_skill_level_range",
            )
        ]
        indexes = [models.Index(fields=["category", "skill_level"], name="worker_category_level")]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class Certificate(TimeStampedModel):
    """资格证书: a qualification or certificate of a worker, with its expiry."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices, null=True, blank=True)
    number = models.CharField(_("certificate number"), max_length=64)
    issuer = models.CharField(_("issued by"), max_length=128)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "worker__division"
    scope_organisation_field: ClassVar[str | None] = "worker__current_employer"

    class Meta:
        ordering = ["worker", "-issued_on", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("issued_on")),
                name="certificate_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class TrainingProvider(TimeStampedModel):
    """培训机构: a training provider; `is_vocational` marks a 养老护理职业技能培训机构 (an indicator)."""

    name = models.CharField(_("name"), max_length=128)
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_vocational = models.BooleanField(_("vocational skill training provider"), default=True)
    accredited_on = models.DateField(_("accredited on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")

    def __str__(self) -> str:
        return self.name


class TrainingCourse(TimeStampedModel):
    """培训课程: a course run by a provider."""

    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices)
    hours = models.PositiveSmallIntegerField(_("hours"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    has_exam = models.BooleanField(_("has an exam"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "provider__division"

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="course_dates"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(TimeStampedModel):
    """培训记录: one worker's attendance of one course (one 培训人次), with hours and exam result."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="trainings")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField(_("completed on"), db_index=True)
    hours = models.PositiveSmallIntegerField(_("hours attended"))
    exam_score = models.PositiveSmallIntegerField(_("exam score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "worker__division"
    scope_organisation_field: ClassVar[str | None] = "worker__current_employer"

    class Meta:
        ordering = ["-completed_on", "id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.UniqueConstraint(fields=["worker", "course"], name="training_once_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} – {self.course}"


class Employment(TimeStampedModel):
    """从业经历: one period of a worker's employment at an employer. The history follows the worker."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="employments")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employments")
    position = models.CharField(
        pgettext_lazy("job", "position"), max_length=16, choices=StaffCategory.choices
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "employer__division"
    scope_organisation_field: ClassVar[str | None] = "employer"

    class Meta:
        ordering = ["worker", "-started_on", "id"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "employer"],
                condition=Q(ended_on__isnull=True),
                name="employment_one_open_per_employer",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="employment_dates",
            ),
        ]
        indexes = [models.Index(fields=["employer", "ended_on"], name="employment_employer_open")]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.employer}"


class Reward(TimeStampedModel):
    """奖励补贴: a subsidy or commendation granted to a certified worker (amount in fen)."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="rewards")
    kind = models.CharField(_("kind"), max_length=16, choices=RewardKind.choices)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"), default=0)
    granted_on = models.DateField(_("granted on"))
    reason = models.CharField(_("reason"), max_length=300)
    policy_version_id = models.PositiveIntegerField(_("policy version"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "worker__division"
    scope_organisation_field: ClassVar[str | None] = "worker__current_employer"

    class Meta:
        ordering = ["-granted_on", "id"]
        verbose_name = _("reward or subsidy")
        verbose_name_plural = _("rewards and subsidies")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.worker}"


class CreditRecord(TimeStampedModel):
    """职业信用记录: a positive or negative credit entry with its source."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="credit_records")
    direction = models.CharField(
        pgettext_lazy("credit record", "direction"), max_length=8, choices=CreditDirection.choices
    )
    points = models.PositiveSmallIntegerField(_("points"))
    summary = models.CharField(pgettext_lazy("credit record", "summary"), max_length=300)
    source = models.CharField(_("source"), max_length=16, choices=CreditSource.choices)
    source_reference = models.CharField(_("source reference"), max_length=100, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "worker__division"
    scope_organisation_field: ClassVar[str | None] = "worker__current_employer"

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self) -> str:
        return f"{self.direction} {self.points}: {self.summary}"


class PunishmentListing(TimeStampedModel):
    """联合惩戒名单: a person on the joint-punishment list, with legal basis and period.

    Matched by `id_number_hash` (copied from the worker), so hiring and order assignment anywhere on the
    platform refuse the person whichever record they appear under. In force on [starts_on, ends_on).
    """

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="listings")
    id_number_hash = models.CharField(max_length=64, db_index=True)
    division = models.ForeignKey(
        Division, verbose_name=_("deciding office"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    reason = models.TextField(_("reason"))
    starts_on = models.DateField(_("listed from"))
    ends_on = models.DateField(_("listed until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ListingStatus.choices, default=ListingStatus.ACTIVE
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("joint-punishment listing")
        verbose_name_plural = _("joint-punishment list")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="listing_period",
            )
        ]
        indexes = [models.Index(fields=["id_number_hash", "status"], name="listing_hash_status")]

    def __str__(self) -> str:
        return f"{self.worker} ({self.starts_on})"


class Appeal(TimeStampedModel):
    """申诉: a listed person's appeal; upholding it removes the listing."""

    listing = models.ForeignKey(PunishmentListing, on_delete=models.CASCADE, related_name="appeals")
    grounds = models.TextField(_("grounds"))
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(
        _("status"), max_length=8, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "listing__division"

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["listing"], condition=Q(status="pending"), name="appeal_one_pending_per_listing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.listing} – {self.get_status_display()}"
