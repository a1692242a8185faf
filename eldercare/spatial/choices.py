"""Choices of spatial planning; Chinese terms kept so that users recognise them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class AreaType(models.TextChoices):
    NEW = "new", _("new area (新建城区)")
    OLD = "old", _("old area (老城区/已建成居住区)")


class DevelopmentState(models.TextChoices):
    """State of the care facility a development must provide (配套养老服务设施)."""

    PLANNED = "planned", _("planned (规划)")
    BUILT = "built", _("built (建成)")
    HANDED_OVER = "handed_over", _("handed over (移交)")
    IN_USE = "in_use", _("in use (投入使用)")


ACCEPTED_STATES = (DevelopmentState.HANDED_OVER, DevelopmentState.IN_USE)

ANY_KIND = "any"
