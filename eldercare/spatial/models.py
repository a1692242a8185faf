"""Tables of spatial planning: stored coverage and siting runs, and the 配套建设 register."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.models import Division, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.spatial.choices import AreaType, DevelopmentState, RunStatus


class Run(TimeStampedModel):
    """A computation run over a division (city or district), queued by a page or the API, run as a task."""

    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.CharField(_("requested by"), max_length=150, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class CoverageRun(Run):
    """15分钟养老服务圈覆盖分析: nearest facility of each kind for every elder, summed per area.

    `result` holds the totals, the travel-time source, the policy version and the uncovered-elder grid
    cells (aggregated, never single elders)."""

    class Meta(Run.Meta):
        verbose_name = _("coverage run")
        verbose_name_plural = _("coverage runs")


class CoverageArea(models.Model):
    """One area (community, street, district) × kind of one coverage run; counts are additive."""

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="areas")
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    kind = models.CharField(_("kind"), max_length=24)  # a FacilityKind or "any"
    elders = models.PositiveIntegerField(_("elders"), default=0)
    covered = models.PositiveIntegerField(_("covered"), default=0)
    disabled = models.PositiveIntegerField(_("disabled"), default=0)
    disabled_covered = models.PositiveIntegerField(_("disabled covered"), default=0)
    aged80 = models.PositiveIntegerField(_("80 and over"), default=0)
    aged80_covered = models.PositiveIntegerField(_("80 and over covered"), default=0)
    mean_minutes = models.FloatField(_("mean minutes to the nearest"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["run_id", "division_id", "kind"]
        verbose_name = _("coverage of an area")
        constraints = [models.UniqueConstraint(fields=["run", "division", "kind"], name="coverage_area_once")]

    def __str__(self) -> str:
        return f"{self.division_id} {self.kind}"

    def share(self, part: str = "covered") -> float | None:
        base = {"covered": self.elders, "disabled_covered": self.disabled, "aged80_covered": self.aged80}[
            part
        ]
        return None if not base else getattr(self, part) / base


class SitingRun(Run):
    """养老服务设施选址: K new sites chosen by the MCLP (HiGHS) with the greedy choice beside it."""

    class Meta(Run.Meta):
        verbose_name = _("siting run")
        verbose_name_plural = _("siting runs")


class Development(TimeStampedModel):
    """新建住宅（小）区配套养老服务设施: a residential development and the care facility it must provide."""

    name = models.CharField(_("name"), max_length=128)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    area_type = models.CharField(_("area type"), max_length=8, choices=AreaType.choices, default=AreaType.NEW)
    households = models.PositiveIntegerField(_("households"))
    required_m2 = models.FloatField(_("required floor area (m²)"))
    provided_m2 = models.FloatField(_("provided floor area (m²)"), default=0)
    state = models.CharField(
        _("facility state"), max_length=16, choices=DevelopmentState.choices, default=DevelopmentState.PLANNED
    )
    delivered_on = models.DateField(_("development delivered on (交付)"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["division_id", "name", "id"]
        verbose_name = _("residential development")
        verbose_name_plural = _("residential developments")
        constraints = [
            models.CheckConstraint(condition=models.Q(provided_m2__gte=0), name="development_area_positive")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shortfall_m2(self) -> float:
        return max(0.0, self.required_m2 - self.provided_m2)
