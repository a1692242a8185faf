from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class LivingSituation(models.TextChoices):
    """居住状况."""

    ALONE = "alone", _("living alone (独居)")
    EMPTY_NEST = "empty_nest", _("empty nest (空巢)")
    LEFT_BEHIND = "left_behind", _("left behind (留守)")
    WITH_CHILDREN = "with_children", _("with children (与子女同住)")
    OTHER = "other", _("other")


class EconomicStatus(models.TextChoices):
    """经济状况: 特困 (extreme poverty support), 低保 (minimum living allowance), 低边 (near-poverty)."""

    TEKUN = "tekun", _("extreme-poverty support (特困)")
    DIBAO = "dibao", _("minimum living allowance (低保)")
    DIBIAN = "dibian", _("near-poverty (低边)")
    ORDINARY = "ordinary", _("ordinary")


class ElderStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    IN_INSTITUTION = "in_institution", _("in an institution")
    MOVED_OUT = "moved_out", _("moved out")
    DECEASED = "deceased", _("deceased")
