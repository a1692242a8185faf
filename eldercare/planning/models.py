"""Plan indicators (规划主要指标), their monthly values, key counts, projects, funds, reports and exchange.

Dashboards read `IndicatorValue` and `KeyCount`, pre-aggregated per division × month by
`services.refresh`; a page never scans the elder table.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.models import Division, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.planning.choices import (
    Direction,
    IndicatorKind,
    OutboxStatus,
    ProjectKind,
    ProjectStage,
    ReportKind,
    ReportStatus,
    ValueSource,
)


class Indicator(TimeStampedModel):
    """规划指标: one indicator of the city's plan (or a supplementary monitoring indicator).

    Rows are synced from the policy `plan.indicators` (targets, base, unit, property) and from
    `planning/data/indicators.toml` (the written definition and the computation key) by
    `services.indicators_sync`; nothing here is edited by hand.
    """

    profile_code = models.CharField(_("city profile"), max_length=32)
    code = models.CharField(_("code"), max_length=8)
    kind = models.CharField(
        _("kind"), max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.PLAN
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    binding = models.BooleanField(_("binding (约束性)"), default=False)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    base = models.JSONField(_("base values"), default=dict, blank=True)
    targets = models.JSONField(_("targets by year"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    numerator_label = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=200, blank=True)
    computation_key = models.CharField(_("computation"), max_length=64, blank=True)
    module = models.CharField(_("module that provides it"), max_length=32, blank=True)
    scale = models.FloatField(_("scale"), default=1.0)
    position = models.PositiveSmallIntegerField(default=0)
    policy_version_id = models.PositiveIntegerField(_("policy version"), default=0)

    class Meta:
        ordering = ["profile_code", "kind", "position", "code"]
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")
        constraints = [models.UniqueConstraint(fields=["profile_code", "code"], name="indicator_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ManualEntry(TimeStampedModel):
    """指标人工填报: a value the platform cannot compute (yet), entered with evidence by a named person.

    The latest entry dated on or before a month's end is that month's value for the division, until a
    newer entry replaces it. Entries are never edited: a correction is a new entry.
    """

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("as of"), help_text=_("The date the value describes."))
    value = models.FloatField(_("value"), null=True, blank=True)
    value_text = models.CharField(_("value (text)"), max_length=100, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    evidence = models.TextField(_("evidence"))
    evidence_file_name = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_file = models.BinaryField(null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("manual indicator entry")
        verbose_name_plural = _("manual indicator entries")
        indexes = [models.Index(fields=["indicator", "division", "period"], name="manual_entry_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(value_text=""), name="manual_entry_has_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.division_id} {self.period}"


class IndicatorValue(models.Model):
    """指标月度值 (pre-aggregated): one indicator's value in one division for one month."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    as_of = models.DateField(_("as of"))
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    value_text = models.CharField(_("value (text)"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=ValueSource.choices)
    manual_entry = models.ForeignKey(
        ManualEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["indicator", "division", "month"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "division", "month"], name="indicator_value_once")
        ]
        indexes = [models.Index(fields=["division", "month"], name="indicator_value_division")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.division_id} {self.month:%Y-%m} {self.value}"


class KeyCount(models.Model):
    """关键数据 (pre-aggregated): one key count (elders aged 80–89, alarms, time-bank hours …) per
    division × month. Stock counts are as of the month's end, flow counts sum over the month."""

    key = models.CharField(pgettext_lazy("key count", "key"), max_length=64)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    value = models.FloatField(_("value"))
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["key", "division", "month"]
        verbose_name = _("key count")
        verbose_name_plural = _("key counts")
        constraints = [models.UniqueConstraint(fields=["key", "division", "month"], name="key_count_once")]
        indexes = [models.Index(fields=["division", "month"], name="key_count_division")]

    def __str__(self) -> str:
        return f"{self.key} {self.division_id} {self.month:%Y-%m} {self.value}"


class RefreshRun(models.Model):
    """汇总刷新记录: one run of the aggregate refresh (task, command or page), shown on the dashboards."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    months = models.JSONField(_("months"), default=list)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    trigger = models.CharField(pgettext_lazy("refresh trigger", "trigger"), max_length=16, default="command")
    ok = models.BooleanField(_("succeeded"), default=False)
    error = models.TextField(_("error"), blank=True)
    timings = models.JSONField(_("seconds per step"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("aggregate refresh")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.months}"


class Project(TimeStampedModel):
    """重点建设项目: a project of the plan's project table (附表), seeded from the plan text."""

    profile_code = models.CharField(_("city profile"), max_length=32)
    seq = models.PositiveSmallIntegerField(_("no."))
    kind = models.CharField(_("kind"), max_length=24, choices=ProjectKind.choices)
    name = models.CharField(_("name"), max_length=200)
    content = models.TextField(_("content and scale"), blank=True)
    floor_area_m2 = models.FloatField(_("floor area (m²)"), null=True, blank=True)
    planned_beds = models.PositiveIntegerField(_("planned beds"), null=True, blank=True)
    planned_units = models.PositiveIntegerField(
        _("planned number of sites"),
        null=True,
        blank=True,
        help_text=_("For programmes such as 100 complexes."),
    )
    owner = models.CharField(_("owner (建设单位)"), max_length=100, blank=True)
    site = models.CharField(_("site"), max_length=300, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    start_year = models.PositiveSmallIntegerField(_("planned start"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("planned completion"), null=True, blank=True)
    source = models.CharField(
        pgettext_lazy("basis of a rule or figure", "source"), max_length=300, blank=True
    )
    # current state, from the latest update
    stage = models.CharField(
        _("stage"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.PLANNED
    )
    beds_in_use = models.PositiveIntegerField(_("beds in use"), default=0)
    units_done = models.PositiveIntegerField(_("sites completed"), default=0)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["profile_code", "seq"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [models.UniqueConstraint(fields=["profile_code", "seq"], name="project_seq_once")]

    def __str__(self) -> str:
        return self.name


class ProjectUpdate(models.Model):
    """项目进展: one progress report (stage, beds in use, sites done) with a note and who entered it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates"
    )
    reported_on = models.DateField(_("date"))
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices)
    beds_in_use = models.PositiveIntegerField(_("beds in use"), default=0)
    units_done = models.PositiveIntegerField(_("sites completed"), default=0)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "project__division"

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("project update")

    def __str__(self) -> str:
        return f"{self.project_id} {self.reported_on} {self.stage}"


class FundingEntry(TimeStampedModel):
    """资金指标填报: one year's welfare-lottery fund (福彩公益金) use, entered with evidence.

    share = elderly-care spending ÷ the lottery funds available to civil affairs; the minimum share is
    the policy `plan.funding` of the city.
    """

    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    lottery_fund_fen = models.PositiveBigIntegerField(_("welfare-lottery funds available (fen)"))
    elderly_care_fen = models.PositiveBigIntegerField(_("spent on elderly care (fen)"))
    evidence = models.TextField(_("evidence"))
    evidence_file_name = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_file = models.BinaryField(null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL
    )
    policy_version_id = models.PositiveIntegerField(_("policy version"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-year", "division_id", "-id"]
        verbose_name = _("funding entry")
        verbose_name_plural = _("funding entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(elderly_care_fen__lte=models.F("lottery_fund_fen")),
                name="funding_share_at_most_all",
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.year}"

    @property
    def share_pct(self) -> float | None:
        return 100.0 * self.elderly_care_fen / self.lottery_fund_fen if self.lottery_fund_fen else None


class Report(TimeStampedModel):
    """统计报表 / 规划评估报告: a generated report (XLSX and PDF), kept for download."""

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("period"), help_text=_("The month (monthly report) or the year's end."))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    xlsx = models.BinaryField(null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.kind} {self.division_id} {self.period}"


class OutboxMessage(models.Model):
    """数据报送发件箱: one export data set file sent (or to be sent) to an upper-level system."""

    dataset = models.CharField(_("data set"), max_length=32)
    schema_version = models.CharField(_("schema version"), max_length=8)
    fmt = models.CharField(_("format"), max_length=8)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("period"))
    destination = models.CharField(_("destination"), max_length=64)
    payload = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    adapter = models.CharField(_("adapter"), max_length=100, blank=True)
    remote_ref = models.CharField(_("reference from the receiver"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.CharField(_("by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.dataset} v{self.schema_version} {self.period} → {self.destination}"
