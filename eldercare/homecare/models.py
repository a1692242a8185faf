"""Home and community services (居家和社区养老服务): providers, orders with on-site verification, settlement,
canteens, family care beds and home adaptation.

Scope: rows of a provider declare both a division (the elder's community or the provider's seat, so street
and district officers see what happens in their area) and an organisation (the provider's `Organisation`,
so provider managers and workers see their own provider's rows only).

Money is integer fen. An order is paid only through a settlement line, a line is made only for a verified
order (service check and a CHECK constraint), and a settlement is unique per provider and period.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.ids import mask_name
from eldercare.core.models import Division, Organisation, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.homecare.choices import (
    AdaptationStatus,
    BedStatus,
    ConfirmedBy,
    IdentifiedBy,
    InspectionResult,
    LineKind,
    MealGroup,
    MealKind,
    MealMode,
    OrderSource,
    OrderStatus,
    ProviderKind,
    ServiceType,
)
from eldercare.registry.models import Elder


class Provider(TimeStampedModel):
    """居家养老服务商: an enterprise or social organisation contracted to serve elders at home."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="homecare_provider",
    )
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=32, choices=ProviderKind.choices)
    division = models.ForeignKey(Division, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("service phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "organisation"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("home-care provider")
        verbose_name_plural = _("home-care providers")

    def __str__(self) -> str:
        return self.name


class ProviderArea(models.Model):
    """服务区域: a division (street or community, any level) the provider is contracted to serve."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="areas")
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["provider", "division"]
        verbose_name = _("service area")
        constraints = [models.UniqueConstraint(fields=["provider", "division"], name="homecare_area_once")]

    def __str__(self) -> str:
        return self.division_id


class ProviderContract(TimeStampedModel):
    """服务协议: the government purchase contract under which a provider's orders are subsidised."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contracts")
    number = models.CharField(_("contract number"), max_length=64)
    purchaser = models.ForeignKey(
        Division, verbose_name=_("purchasing office (division)"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    ceiling_fen = models.BigIntegerField(_("annual ceiling (fen)"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "purchaser"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["provider", "-valid_from"]
        verbose_name = _("service contract")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gt=F("valid_from")), name="homecare_contract_range"),
            models.UniqueConstraint(fields=["provider", "number"], name="homecare_contract_number"),
        ]

    def __str__(self) -> str:
        return self.number


class CatalogueItem(TimeStampedModel):
    """服务目录项: one service a provider offers, with its unit price and standard duration."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="catalogue")
    service_type = models.CharField(_("service type"), max_length=16, choices=ServiceType.choices)
    name = models.CharField(_("name"), max_length=64)
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    duration_minutes = models.PositiveIntegerField(_("standard duration (minutes)"))
    required_skill = models.CharField(_("required skill"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "provider__division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["provider", "service_type", "name"]
        verbose_name = _("catalogue item")
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="homecare_catalogue_name"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="homecare_catalogue_duration"),
        ]

    def __str__(self) -> str:
        return self.name


class ProviderWorker(TimeStampedModel):
    """服务人员: a provider's home-care worker.

    Added with a resident ID number, the worker is linked to the workforce registry (从业人员), whose
    joint-punishment list (联合惩戒) `homecare.eligibility.worker_may_be_assigned` reads at each assignment.
    `schedule` holds weekly working hours: {"mon": [["08:00", "12:00"], ["14:00", "18:00"]], …}.
    """

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="workers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homecare_worker",
    )
    name = models.CharField(_("name"), max_length=64)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    schedule = models.JSONField(_("weekly schedule"), default=dict, blank=True)
    service_divisions = models.JSONField(
        _("service areas"),
        default=list,
        blank=True,
        help_text=_("Division codes this worker serves; empty: all of the provider's areas."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    blocked_reason = models.CharField(
        _("blocked (联合惩戒)"),
        max_length=200,
        blank=True,
        help_text=_("Set by hand for a worker not in the workforce registry."),
    )
    registered_worker = models.ForeignKey(
        "workforce.Worker",
        verbose_name=_("workforce registry record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homecare_roles",
        help_text=_(
            "The person in the workforce registry (从业人员); the joint-punishment list is read there."
        ),
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "provider__division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["provider", "name", "id"]
        verbose_name = _("home-care worker")
        verbose_name_plural = _("home-care workers")

    def __str__(self) -> str:
        return mask_name(self.name)


class CarePlan(TimeStampedModel):
    """服务计划: a recurring service for one elder (e.g. cleaning every Tuesday 09:00), from which the
    weekly task generates orders. A family care bed's plan points at the bed."""

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="care_plans")
    item = models.ForeignKey(
        CatalogueItem, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    weekdays = models.JSONField(_("weekdays"), default=list, help_text=_("0 = Monday … 6 = Sunday"))
    start_time = models.TimeField(_("start time"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    worker = models.ForeignKey(
        ProviderWorker, verbose_name=_("preferred worker"), null=True, blank=True, on_delete=models.SET_NULL
    )
    family_bed = models.ForeignKey(
        "FamilyCareBed", null=True, blank=True, on_delete=models.CASCADE, related_name="care_plans"
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["elder", "id"]
        verbose_name = _("care plan")

    def __str__(self) -> str:
        return f"{self.item} / {self.elder}"


class ServiceOrder(TimeStampedModel):
    """服务工单: one home-care service for one elder by one provider.

    States: requested → assigned → on the way → in service → completed → verified → settled, or
    cancelled / failed with a reason (`rules.TRANSITIONS`). Check-in and check-out store time and position
    with the distance to the elder's home; `flags` lists suspicious patterns found (`choices.Flag`). A
    flagged order is not verified until an officer clears it. Amounts: price = subsidy + elder share,
    computed by `funding.subsidy_share` at creation and stored with the policy version.
    """

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    # the provider's organisation, copied so that a provider's scope filters this table's own indexed column
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        CatalogueItem, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.CharField(_("service type"), max_length=16, choices=ServiceType.choices)
    source = models.CharField(_("source"), max_length=16, choices=OrderSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    care_plan = models.ForeignKey(
        CarePlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    worker = models.ForeignKey(
        ProviderWorker,
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    planned_minutes = models.PositiveIntegerField(_("planned minutes"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    departed_at = models.DateTimeField(_("on the way at"), null=True, blank=True)
    check_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_lon = models.FloatField(null=True, blank=True)
    check_in_lat = models.FloatField(null=True, blank=True)
    check_in_distance_m = models.PositiveIntegerField(_("check-in distance (m)"), null=True, blank=True)
    check_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_out_lon = models.FloatField(null=True, blank=True)
    check_out_lat = models.FloatField(null=True, blank=True)
    check_out_distance_m = models.PositiveIntegerField(_("check-out distance (m)"), null=True, blank=True)
    served_minutes = models.PositiveIntegerField(_("served minutes"), null=True, blank=True)
    photo_count = models.PositiveSmallIntegerField(_("photos"), default=0)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(_("code sent at"), null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=8, choices=ConfirmedBy.choices, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_decision = models.CharField(_("flag decision"), max_length=8, blank=True)
    flag_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # the elder's (or family's) own rating of a service that took place, from the portal
    rating = models.PositiveSmallIntegerField(_("elder's rating (1–5)"), null=True, blank=True)
    rating_comment = models.CharField(_("elder's comment"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    subsidy_fen = models.PositiveIntegerField(_("subsidy (fen)"))
    elder_fen = models.PositiveIntegerField(_("elder's share (fen)"))
    funding_source = models.CharField(_("funding source"), max_length=64, blank=True)
    funding_reasons = models.JSONField(_("funding reasons"), default=list, blank=True)
    policy_version_id = models.PositiveIntegerField(_("funding policy version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "organisation"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_fen=F("subsidy_fen") + F("elder_fen")), name="homecare_order_split"
            ),
            # paid only when verified: a settled order carries its verification time
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.SETTLED) | Q(verified_at__isnull=False),
                name="homecare_order_settled_verified",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.VERIFIED) | Q(flagged=False, confirmed_at__isnull=False),
                name="homecare_order_verified_clean",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="homecare_order_rating",
            ),
            # a care plan yields at most one order per slot: the weekly generation is idempotent
            models.UniqueConstraint(
                fields=["care_plan", "scheduled_at"],
                condition=Q(care_plan__isnull=False),
                name="homecare_order_plan_slot",
            ),
        ]
        indexes = [
            # order lists: newest first per provider / per area / city-wide, keyset on (created_at, id);
            # an area is a code prefix (several division values), so it scans the city-wide index newest
            # first and filters, instead of sorting a whole district's orders
            models.Index(F("created_at").desc(), F("id").desc(), name="hc_order_new"),
            models.Index(
                F("organisation"), F("created_at").desc(), F("id").desc(), name="hc_order_organisation_new"
            ),
            models.Index(F("division"), F("created_at").desc(), F("id").desc(), name="hc_order_division_new"),
            # settlement and statement: a provider's verified orders by service date
            models.Index(fields=["provider", "status", "scheduled_at"], name="hc_order_provider_status"),
            # fraud checks: overlapping visits of one worker / one elder
            models.Index(fields=["worker", "check_in_at"], name="hc_order_worker_time"),
            models.Index(fields=["elder", "check_in_at"], name="hc_order_elder_time"),
            models.Index(fields=["worker", "scheduled_at"], name="hc_order_worker_sched"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_service_type_display()}"


class QualityCallback(TimeStampedModel):
    """回访: a call-back to the elder or family after a verified order, with a satisfaction score."""

    order = models.OneToOneField(ServiceOrder, on_delete=models.CASCADE, related_name="callback")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    reached = models.BooleanField(_("reached"), null=True, blank=True)
    service_happened = models.BooleanField(_("service happened"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = None  # call-backs are the government's check

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quality call-back")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="homecare_callback_score",
            )
        ]

    def __str__(self) -> str:
        return f"callback #{self.order_id}"


class Settlement(TimeStampedModel):
    """结算单: one provider's monthly settlement from verified orders. Unique per provider and period:
    running it again returns the same settlement and pays nothing twice."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="settlements")
    period = models.DateField(_("period (first day of the month)"))
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    price_fen = models.BigIntegerField(_("service value (fen)"), default=0)
    subsidy_fen = models.BigIntegerField(_("subsidy payable (fen)"), default=0)
    elder_fen = models.BigIntegerField(_("elders' shares (fen)"), default=0)
    correction_fen = models.BigIntegerField(_("corrections (fen)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "provider__division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["-period", "provider"]
        verbose_name = _("settlement")
        constraints = [
            models.UniqueConstraint(fields=["provider", "period"], name="homecare_settlement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.period:%Y-%m}"


class SettlementLine(models.Model):
    """结算明细: one verified order paid, or a correction (negative or positive) of an earlier line.

    Lines are never edited: a correction is a new line, pending (`settlement` NULL) until the provider's
    next settlement takes it. An order has at most one order line.
    """

    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="settlement_lines")
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    price_fen = models.BigIntegerField(_("service value (fen)"))
    subsidy_fen = models.BigIntegerField(_("subsidy (fen)"))
    elder_fen = models.BigIntegerField(_("elder's share (fen)"))
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "provider__division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["id"]
        verbose_name = _("settlement line")
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind=LineKind.ORDER), name="homecare_line_order_once"
            ),
        ]
        indexes = [models.Index(fields=["provider", "settlement"], name="hc_line_provider_pending")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.order_id}"


# --- canteens (长者食堂 / 助餐点) ----------------------------------------------------------------------


class Canteen(TimeStampedModel):
    """长者食堂 / 助餐点: a canteen serving subsidised meals, run by an organisation."""

    name = models.CharField(_("name"), max_length=128)
    operator = models.ForeignKey(
        Organisation,
        verbose_name=pgettext_lazy("operating organisation", "operator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    daily_capacity = models.PositiveIntegerField(_("daily capacity (meals)"))
    delivers = models.BooleanField(_("delivers meals"), default=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    is_active = models.BooleanField(pgettext_lazy("canteen is operating", "open"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "operator"

    class Meta:
        ordering = ["division", "name"]
        verbose_name = _("canteen")

    def __str__(self) -> str:
        return self.name


class Menu(TimeStampedModel):
    """菜单: what a canteen serves on one day for one meal, and the meal's price."""

    canteen = models.ForeignKey(Canteen, on_delete=models.CASCADE, related_name="menus")
    day = models.DateField(_("day"))
    meal = models.CharField(_("meal"), max_length=12, choices=MealKind.choices)
    dishes = models.CharField(_("dishes"), max_length=300)
    price_fen = models.PositiveIntegerField(_("price (fen)"))

    class Meta:
        ordering = ["canteen", "-day", "meal"]
        verbose_name = _("menu")
        constraints = [models.UniqueConstraint(fields=["canteen", "day", "meal"], name="homecare_menu_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.meal}"


class MealServed(models.Model):
    """助餐记录: one subsidised meal to one elder, identified at the counter by ID or phone (no face
    recognition). One meal per elder per day and meal kind, city-wide (no double subsidy)."""

    canteen = models.ForeignKey(Canteen, on_delete=models.PROTECT, related_name="meals")
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField(_("day"))
    meal = models.CharField(_("meal"), max_length=12, choices=MealKind.choices)
    mode = models.CharField(_("mode"), max_length=12, choices=MealMode.choices)
    group = models.CharField(_("group"), max_length=12, choices=MealGroup.choices)
    identified_by = models.CharField(_("identified by"), max_length=12, choices=IdentifiedBy.choices)
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    subsidy_fen = models.PositiveIntegerField(_("subsidy (fen)"))
    elder_fen = models.PositiveIntegerField(_("elder pays (fen)"))
    policy_version_id = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "canteen__operator"

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("meal served")
        constraints = [
            models.UniqueConstraint(fields=["elder", "served_on", "meal"], name="homecare_meal_once"),
            models.CheckConstraint(
                condition=Q(price_fen=F("subsidy_fen") + F("elder_fen")), name="homecare_meal_split"
            ),
        ]
        indexes = [models.Index(fields=["canteen", "served_on"], name="hc_meal_canteen_day")]

    def __str__(self) -> str:
        return f"{self.served_on} {self.meal}"


class FoodSafetyInspection(TimeStampedModel):
    """食品安全检查: an inspection of a canteen, with findings and a rectification deadline."""

    canteen = models.ForeignKey(Canteen, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.CharField(_("inspector"), max_length=64)
    result = models.CharField(_("result"), max_length=12, choices=InspectionResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("food-safety inspection")

    def __str__(self) -> str:
        return f"{self.canteen} {self.inspected_on}"


# --- family care beds (家庭养老床位) -------------------------------------------------------------------


class FamilyCareBed(TimeStampedModel):
    """家庭养老床位: an elder's home set up with professional services and monitoring devices, under a
    contract with a provider. Devices are the emergency centre's (`emergency.Device`); the service plan is
    one or more `CarePlan` rows whose generated orders are the bed's visits."""

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="family_beds")
    status = models.CharField(
        _("status"), max_length=12, choices=BedStatus.choices, default=BedStatus.APPLIED
    )
    applied_on = models.DateField(_("applied on"))
    assessed_on = models.DateField(_("home assessed on"), null=True, blank=True)
    home_assessment = models.JSONField(_("home assessment"), default=dict, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=64, blank=True)
    contract_from = models.DateField(_("contract from"), null=True, blank=True)
    contract_to = models.DateField(_("contract to"), null=True, blank=True)
    monthly_fee_fen = models.PositiveIntegerField(_("monthly fee (fen)"), default=0)
    devices = models.ManyToManyField("emergency.Device", blank=True, related_name="+")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("family care bed")
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=~Q(status__in=[BedStatus.ENDED, BedStatus.REJECTED]),
                name="homecare_bed_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"bed #{self.pk}"


# --- home adaptation (居家适老化改造) ----------------------------------------------------------------


class HomeAdaptation(TimeStampedModel):
    """居家适老化改造: application → survey → plan with items and costs → works → acceptance → subsidy
    (民发〔2020〕86号). `willing` records that the elder's household wants the adaptation (有意愿);
    `special_difficulty` is the registry's flag when the application was made."""

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("works by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AdaptationStatus.choices, default=AdaptationStatus.APPLIED
    )
    willing = models.BooleanField(_("household wants it (有意愿)"), default=True)
    special_difficulty = models.BooleanField(_("in special difficulty"), default=False)
    applied_on = models.DateField(_("applied on"))
    surveyed_on = models.DateField(_("surveyed on"), null=True, blank=True)
    survey_notes = models.TextField(_("survey notes"), blank=True)
    planned_on = models.DateField(_("plan approved on"), null=True, blank=True)
    works_started_on = models.DateField(_("works started on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    subsidised_on = models.DateField(_("subsidy paid on"), null=True, blank=True)
    total_cost_fen = models.PositiveIntegerField(_("total cost (fen)"), default=0)
    subsidy_fen = models.PositiveIntegerField(_("subsidy (fen)"), default=0)
    policy_version_id = models.PositiveIntegerField(default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "provider__organisation"

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("home adaptation")
        indexes = [models.Index(fields=["division", "status"], name="hc_adaptation_div_status")]

    def __str__(self) -> str:
        return f"adaptation #{self.pk}"


class AdaptationItem(models.Model):
    """改造项目: one item of an adaptation plan (e.g. 如厕洗浴扶手), from the policy's item catalogue."""

    adaptation = models.ForeignKey(HomeAdaptation, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    category = models.CharField(_("category"), max_length=32)
    basic = models.BooleanField(_("basic item (基础类)"), default=False)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_cost_fen = models.PositiveIntegerField(_("unit cost (fen)"))
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["adaptation", "id"]
        verbose_name = _("adaptation item")

    def __str__(self) -> str:
        return self.name

    @property
    def cost_fen(self) -> int:
        return self.quantity * self.unit_cost_fen
