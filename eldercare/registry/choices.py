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
    MERGED = "merged", _("merged into another record")


class ElderGroup(models.TextChoices):
    """特殊群体: groups that drive priority, visits and subsidies."""

    FAMILY_PLANNING_SPECIAL = "fp_special", _("family-planning special family (计划生育特殊家庭)")
    ENTITLED_GROUP = "youfu", _("entitled group (优抚对象)")
    DISABILITY = "disability", _("disability certificate (残疾证; grades 1–2 are 重度残疾)")
    VETERAN = "veteran", _("veteran (退役军人)")
    MAJOR_CONTRIBUTION = "major_contribution", _("major contribution (重大贡献)")


class ContactRelation(models.TextChoices):
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("son or daughter")
    CHILD_IN_LAW = "child_in_law", _("son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("sibling")
    OTHER_RELATIVE = "relative", _("other relative")
    NEIGHBOUR = "neighbour", _("neighbour")
    OTHER = "other", _("other")


class ConsentScope(models.TextChoices):
    """What the elder agreed to share (知情同意)."""

    FAMILY = "family", _("sharing with family")
    PROVIDERS = "providers", _("sharing with service providers")
    DEPARTMENTS = "departments", _("sharing with other departments")


class ChangeKind(models.TextChoices):
    CREATED = "created", _("registered")
    UPDATED = "updated", _("changed")
    IMPORTED = "imported", _("changed by import")
    STATUS = "status", _("status event")
    MERGED = "merged", _("merged")
    CONSENT = "consent", _("consent")
    CONTACT = "contact", _("contacts")


class LifeEventKind(models.TextChoices):
    DEATH = "death", _("death")
    MOVE_OUT = "move_out", _("moved out of the city")
    INSTITUTION = "institution", _("entered an institution")


class DuplicateReason(models.TextChoices):
    SAME_NAME_BIRTH = "same_name_birth", _("same name and birth date, different ID number")
    ID_TYPO = "id_typo", _("ID number differs by one digit or a swap")
    LEGACY_ID = "legacy_id", _("15-digit legacy ID number beside its 18-digit form")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed")
    COMMITTED = "committed", _("committed")
    REJECTED = "rejected", _("rejected (errors, nothing written)")
