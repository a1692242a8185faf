"""Institutions, facilities and beds (养老服务设施与床位): filing, licences, beds and residents, safety,
star rating and the admission waitlist of public institutions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.models import Division, Organisation, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.facilities.choices import (
    ApplicationStatus,
    BedState,
    BedType,
    DischargeReason,
    FacilityKind,
    FacilityStatus,
    FilingKind,
    FilingStatus,
    IncidentKind,
    LicenceKind,
    MedicalForm,
    OfferStatus,
    Ownership,
    PositionEvent,
    ProfitType,
    RatingStatus,
    Severity,
    WantedBed,
)
from eldercare.registry.models import Elder


class Facility(TimeStampedModel):
    """养老服务设施: an institution, community facility, station or canteen, run by one organisation.

    Scoped by its division (officers) and by its operating organisation (institution operators see
    only their own). Prices are integer fen per month; the contact phone is the facility's own line.
    """

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=24, choices=FacilityKind.choices)
    ownership = models.CharField(_("ownership"), max_length=16, choices=Ownership.choices)
    profit_type = models.CharField(
        _("profit type"), max_length=16, choices=ProfitType.choices, default=ProfitType.NON_PROFIT
    )
    operator = models.ForeignKey(
        Organisation,
        verbose_name=pgettext_lazy("operating organisation", "operator"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("approved capacity (beds or places)"), default=0)
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FacilityStatus.choices, default=FacilityStatus.PLANNED
    )
    medical_form = models.CharField(
        _("medical integration (医养结合)"),
        max_length=24,
        choices=MedicalForm.choices,
        default=MedicalForm.NONE,
    )
    insurance_designated = models.BooleanField(_("designated by medical insurance (医保定点)"), default=False)
    filing_no = models.CharField(_("filing number (备案号)"), max_length=40, blank=True)
    publicly_listed = models.BooleanField(_("listed publicly"), default=False)
    publish_free_beds = models.BooleanField(_("publish free beds"), default=False)
    price_min_fen = models.PositiveIntegerField(_("lowest monthly price (fen)"), null=True, blank=True)
    price_max_fen = models.PositiveIntegerField(_("highest monthly price (fen)"), null=True, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "operator"

    class Meta:
        ordering = ["division_id", "name", "id"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [
            models.Index(fields=["division", "kind", "status"], name="facility_division_kind"),
            models.Index(fields=["operator"], name="facility_operator"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min_fen__isnull=True)
                | Q(price_max_fen__isnull=True)
                | Q(price_max_fen__gte=models.F("price_min_fen")),
                name="facility_price_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FacilityScoped(TimeStampedModel):
    """Rows belonging to one facility, seen with the facility's scope."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="%(class)ss"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "facility__division"
    scope_organisation_field: ClassVar[str | None] = "facility__operator"

    class Meta:
        abstract = True


class Filing(FacilityScoped):
    """备案: an initial filing, a change or a closure, with its documents; acceptance lists it publicly."""

    kind = models.CharField(_("kind"), max_length=16, choices=FilingKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    changes = models.JSONField(_("changes filed"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("filing")
        constraints = [
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(status__in=["draft", "submitted"]),
                name="filing_one_open_per_facility",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class FilingDocument(models.Model):
    """备案材料: one document of a filing (stored in the database; small scans and PDFs)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=120)
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["filing_id", "id"]
        verbose_name = _("filing document")

    def __str__(self) -> str:
        return self.title


class Licence(FacilityScoped):
    """证照: a licence or certificate (fire safety, food, medical …) with its expiry date."""

    kind = models.CharField(_("kind"), max_length=16, choices=LicenceKind.choices)
    number = models.CharField(pgettext_lazy("licence number", "number"), max_length=64)
    issued_by = models.CharField(_("issued by"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["valid_until", "id"]
        verbose_name = _("licence")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="licence_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Bed(FacilityScoped):
    """床位: one bed, by building, floor and room, with its type and state.

    `in_service_from` / `retired_on` date the bed, so counts on a past date are reproducible.
    """

    building = models.CharField(_("building"), max_length=32, default="1")
    floor = models.CharField(_("floor"), max_length=8, default="1")
    room = models.CharField(_("room"), max_length=16)
    number = models.CharField(_("bed"), max_length=8)
    bed_type = models.CharField(_("type"), max_length=16, choices=BedType.choices)
    state = models.CharField(_("state"), max_length=16, choices=BedState.choices, default=BedState.FREE)
    in_service_from = models.DateField(_("in service from"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    class Meta:
        ordering = ["facility_id", "building", "floor", "room", "number"]
        verbose_name = _("bed")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "building", "floor", "room", "number"], name="bed_unique_place"
            )
        ]
        indexes = [models.Index(fields=["facility", "bed_type", "state"], name="bed_facility_type_state")]

    def __str__(self) -> str:
        return f"{self.building}-{self.floor}-{self.room}-{self.number}"


class Residency(FacilityScoped):
    """入住记录: an elder in a bed from `started_at` until `ended_at` (open while NULL).

    The database guarantees that an open residency is unique per bed and per elder: two admissions
    racing for one bed (or one elder) cannot both commit, whatever the application code does.
    """

    bed = models.ForeignKey(Bed, verbose_name=_("bed"), on_delete=models.PROTECT, related_name="residencies")
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("admitted at"))
    ended_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    admission_note = models.CharField(_("admission note"), max_length=200, blank=True)
    discharge_reason = models.CharField(
        _("discharge reason"), max_length=16, choices=DischargeReason.choices, blank=True
    )
    discharge_note = models.CharField(_("discharge note"), max_length=200, blank=True)
    application = models.ForeignKey(
        "WaitlistApplication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [
            models.UniqueConstraint(
                fields=["bed"], condition=Q(ended_at__isnull=True), name="residency_one_open_per_bed"
            ),
            models.UniqueConstraint(
                fields=["elder"], condition=Q(ended_at__isnull=True), name="residency_one_open_per_elder"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="residency_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["facility", "started_at", "ended_at"], name="residency_period")]

    def __str__(self) -> str:
        return f"{self.elder_id}@{self.bed_id}"


class MonthlyReport(FacilityScoped):
    """月报: the facility's monthly figures (beds, occupancy, admissions, incidents), filed once a month."""

    month = models.DateField(_("month"))  # the first day of the month
    figures = models.JSONField(_("figures"), default=dict)
    submitted_by = models.CharField(_("submitted by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-month", "facility_id"]
        verbose_name = _("monthly report")
        constraints = [models.UniqueConstraint(fields=["facility", "month"], name="report_once_per_month")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.month:%Y-%m}"


class RiskAssessment(FacilityScoped):
    """入住服务安全风险评估 (GB 38600-2019 ch. 5): the nine risks, each with a level and measures."""

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(_("assessed on"))
    levels = models.JSONField(_("levels"), default=dict)  # {risk: none|protect|high}
    measures = models.JSONField(_("measures"), default=dict)  # {risk: "protective measures"}
    assessed_by = models.CharField(_("assessed by"), max_length=150, blank=True)
    informed_party = models.CharField(_("result told to (elder or guardian)"), max_length=64, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("safety risk assessment")

    def __str__(self) -> str:
        return f"{self.elder_id} {self.assessed_on}"


class Incident(FacilityScoped):
    """安全事件记录: a fall, choking … in the facility; with an elder it is also a care-risk event."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("elder"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.MINOR
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    description = models.TextField(_("what happened"), blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    reported_by = models.CharField(_("reported by"), max_length=150, blank=True)
    care_risk_event = models.ForeignKey(
        "emergency.CareRiskEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class RatingSheet(models.Model):
    """等级评定评分表 (GB/T 37276-2018): one version of the sheet as data (sections, items, levels)."""

    code = models.CharField(_("code"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(
        pgettext_lazy("basis of a rule or figure", "source"), max_length=300, blank=True
    )
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("rating sheet")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rating_sheet_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Rating(FacilityScoped):
    """等级评定: self-assessment by the institution, on-site review by inspectors, published result."""

    sheet = models.ForeignKey(
        RatingSheet, verbose_name=_("sheet"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RatingStatus.choices, default=RatingStatus.SELF_ASSESSMENT
    )
    self_scores = models.JSONField(_("self-assessment scores"), default=dict, blank=True)
    self_total = models.PositiveIntegerField(_("self-assessment total"), default=0)
    self_stars = models.PositiveSmallIntegerField(_("self-assessed level"), default=0)
    review_scores = models.JSONField(_("review scores"), default=dict, blank=True)
    review_total = models.PositiveIntegerField(_("review total"), default=0)
    stars = models.PositiveSmallIntegerField(_("level (stars)"), default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("rating")
        constraints = [
            models.CheckConstraint(condition=Q(stars__lte=5), name="rating_stars_max_5"),
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(status__in=["self_assessment", "submitted", "reviewed"]),
                name="rating_one_open_per_facility",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.stars}★"


class WaitlistApplication(TimeStampedModel):
    """入住轮候申请: an elder queueing for a public institution, with the priority group and its reasons.

    `position` is the current place in the facility's queue; every change to it is a
    `WaitlistPositionChange` row with its reason, so a position never moves without one.
    """

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="applications"
    )
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    wanted_bed = models.CharField(_("bed wanted"), max_length=16, choices=WantedBed.choices)
    applied_at = models.DateTimeField(_("applied at"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.WAITING
    )
    priority_group = models.CharField(_("priority group"), max_length=32)
    priority_rank = models.PositiveSmallIntegerField(_("priority rank"))
    bypass = models.BooleanField(_("admitted without waiting (特困)"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    policy_version_id = models.PositiveIntegerField(default=0)
    assessment_id = models.PositiveIntegerField(_("assessment"), null=True, blank=True)
    ability_level = models.PositiveSmallIntegerField(_("ability level"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    declines = models.PositiveSmallIntegerField(_("offers declined or timed out"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=200, blank=True)
    created_by = models.CharField(_("registered by"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "elder__residence_division"
    scope_organisation_field: ClassVar[str | None] = "facility__operator"

    class Meta:
        ordering = ["facility_id", "position", "id"]
        verbose_name = _("waitlist application")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "elder"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_open_per_elder_facility",
            )
        ]
        indexes = [
            models.Index(fields=["facility", "status", "priority_rank", "applied_at"], name="waitlist_order")
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}:{self.elder_id} #{self.position}"


class WaitlistPositionChange(models.Model):
    """轮候位次变动: one change of an application's position, with the reason shown to the elder."""

    application = models.ForeignKey(WaitlistApplication, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    position_before = models.PositiveIntegerField(_("before"), null=True, blank=True)
    position_after = models.PositiveIntegerField(_("after"), null=True, blank=True)
    event = models.CharField(_("event"), max_length=32, choices=PositionEvent.choices)
    reason = models.CharField(_("reason"), max_length=300)
    caused_by = models.ForeignKey(
        WaitlistApplication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "application__elder__residence_division"
    scope_organisation_field: ClassVar[str | None] = "application__facility__operator"

    class Meta:
        ordering = ["application_id", "at", "id"]
        verbose_name = _("position change")

    def __str__(self) -> str:
        return f"{self.position_before}→{self.position_after}"


class WaitlistOffer(TimeStampedModel):
    """床位通知: a freed bed offered to the next eligible applicant, with a deadline to answer."""

    application = models.ForeignKey(WaitlistApplication, on_delete=models.PROTECT, related_name="offers")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="offers")
    offered_at = models.DateTimeField(_("offered at"))
    respond_by = models.DateTimeField(_("answer by"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    policy_version_id = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "application__elder__residence_division"
    scope_organisation_field: ClassVar[str | None] = "application__facility__operator"

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name = _("bed offer")
        constraints = [
            models.UniqueConstraint(
                fields=["bed"], condition=Q(status="pending"), name="offer_one_pending_per_bed"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="pending"),
                name="offer_one_pending_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"offer {self.pk} ({self.status})"


__all__ = [
    "ApplicationStatus",
    "Bed",
    "Facility",
    "Filing",
    "FilingDocument",
    "Incident",
    "Licence",
    "MonthlyReport",
    "OfferStatus",
    "Rating",
    "RatingSheet",
    "Residency",
    "RiskAssessment",
    "WaitlistApplication",
    "WaitlistOffer",
    "WaitlistPositionChange",
]
