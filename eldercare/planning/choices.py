"""Choices of the planning module."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    PLAN = "plan", _("plan indicator (规划指标)")
    SUPPLEMENTARY = "supplementary", _("monitoring indicator (监测指标)")


class Direction(models.TextChoices):
    AT_LEAST = ">=", "≥"
    ABOVE = ">", ">"
    AT_MOST = "<=", "≤"
    EQUAL = "=", "="
    ESTABLISHED = "established", _("established (定性)")


class ValueSource(models.TextChoices):
    COMPUTED = "computed", _("computed")
    MANUAL = "manual", _("manual")
    MISSING = "missing", _("no value")


class Rag(models.TextChoices):
    GREEN = "green", _("on track")
    AMBER = "amber", _("slightly behind")
    RED = "red", _("behind")
    NONE = "none", _("no target or no value")


class QualitativeState(models.TextChoices):
    """States of a qualitative indicator (e.g. 居家社区探访制度: 全面建立), stored as 0 / 0.5 / 1."""

    NOT_STARTED = "未建立", _("not established")
    IN_PROGRESS = "建设中", _("being established")
    ESTABLISHED = "全面建立", _("fully established")


QUALITATIVE_VALUES = {
    QualitativeState.NOT_STARTED: 0.0,
    QualitativeState.IN_PROGRESS: 0.5,
    QualitativeState.ESTABLISHED: 1.0,
}


class ProjectKind(models.TextChoices):
    DISTRICT_CENTRE = "district_centre", _("district elderly-care centre (区级养老中心)")
    STREET_COMPLEX = "street_complex", _("street care complexes (街道养老服务综合体)")
    REGIONAL_TEKUN = "regional_tekun", _("regional 特困 care centres (区域性特困人员供养服务中心)")
    COUNTY_TEKUN = "county_tekun", _("county 特困 facilities (县级特困供养服务设施)")
    OTHER = "other", _("other")


class ProjectStage(models.TextChoices):
    PLANNED = "planned", _("planned")
    DESIGN = "design", _("design")
    CONSTRUCTION = "construction", _("under construction")
    OPENED = "opened", _("opened")


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("monthly statistical report (月度统计报表)")
    MIDTERM = "midterm", _("mid-term evaluation (规划中期评估)")
    FINAL = "final", _("final evaluation (规划总结评估)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
