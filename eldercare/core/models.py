"""Shared kernel tables: divisions, organisations, the audit trail and effective-dated policy."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.scope import ScopedQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class UploadBatch(TimeStampedModel):
    """A file checked row by row, then written as a whole (department imports, onboarding templates): the
    file itself, who sent it from where, and what the check or the commit found. `status` is the subclass's,
    with its own choices."""

    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField(editable=False)
    division = models.ForeignKey(
        "core.Division",
        verbose_name=_("division of the uploader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.CharField(_("by"), max_length=150, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)  # [{line, column, reason}]
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        abstract = True

    def record_outcome(
        self, *, status: str, counts: dict[str, int], errors: list[dict[str, Any]], committed: bool
    ) -> None:
        """Store what a preview or commit run found (`counts["rows"]` rows read)."""
        self.status = status
        self.rows_total = counts["rows"]
        self.counts = dict(counts)
        self.errors = errors
        if committed:
            self.committed_at = timezone.now()
        self.save()


class DivisionLevel(models.IntegerChoices):
    """Levels of GB/T 2260 and the statistical division codes; the value is the code length rank."""

    PROVINCE = 1, _("province")
    CITY = 2, _("city")
    COUNTY = 3, _("county / district")
    STREET = 4, _("street / town")
    COMMUNITY = 5, _("community / village")


CODE_LENGTH = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.CITY: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.STREET: 9,
    DivisionLevel.COMMUNITY: 12,
}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}


class Division(models.Model):
    """行政区划: an administrative division.

    The code is its own materialised path: GB/T 2260 and the statistical codes are hierarchical by
    construction (2 + 2 + 2 + 3 + 3 digits), and `load_divisions` refuses a child whose code does not
    start with its parent's. So "everything under X" is `code LIKE 'X%'`, served by the primary key's
    pattern index, and any model holding a division foreign key is scoped without a join.
    """

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    centroid_source = models.CharField(
        _("centroid source"),
        max_length=32,
        blank=True,
        help_text=_("Where the coordinates come from, e.g. synthetic_within_district."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "code"

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        indexes = [models.Index(fields=["parent", "code"], name="division_parent_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def path(self) -> str:
        """The materialised path (the code itself), named for readers looking for it."""
        return self.code

    def ancestor_codes(self) -> list[str]:
        """Codes of the ancestors from the province down, derived from the code alone."""
        return [self.code[:n] for n in CODE_LENGTH.values() if n < len(self.code)]


class OrganisationKind(models.TextChoices):
    INSTITUTION = "institution", _("care institution")
    PROVIDER = "provider", _("home-care provider")
    EMERGENCY_CENTRE = "emergency_centre", _("emergency centre")
    SOCIAL_ORGANISATION = "social_organisation", _("social organisation")
    GOVERNMENT = "government", _("government office")


class Organisation(TimeStampedModel):
    """机构/服务商: a legal body staff accounts can be bound to (institution, provider, centre …).

    Facilities, providers and teams of later modules point at their operating organisation here, so
    one account binding and one scope rule serve them all.
    """

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "id"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """审计日志: one append-only row per audited action (writes, and reads of unmasked personal data).

    Rows are never updated or deleted: `save()` refuses an update and database triggers (installed by
    migration 0002 on SQLite and PostgreSQL) refuse UPDATE and DELETE from any client.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    division_code = models.CharField(_("division"), max_length=12, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=256, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    channel = models.CharField(
        _("channel"), max_length=16, blank=True, help_text=_("web, api, task or command")
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Audit entries are append-only.")


class CityProfile(models.Model):
    """城市配置: a city whose policies this installation holds (e.g. wuhan, jiangmen)."""

    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT)
    plan_title = models.CharField(_("plan"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("city profile")
        verbose_name_plural = _("city profiles")

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """政策参数: one effective-dated version of one policy value of a city profile.

    A version is valid on [valid_from, valid_to); valid_to NULL means open-ended. Changing a policy
    closes the open version and adds a new one, so every past decision can be replayed with the
    version it used (decisions store `PolicyVersion.id`).
    """

    profile = models.ForeignKey(CityProfile, verbose_name=_("city profile"), on_delete=models.PROTECT)
    key = models.CharField(_("key"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    value = models.JSONField(pgettext_lazy("policy parameter", "value"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # Text, not a bounded CharField: a source cites documents and their sections, and SQLite would not
    # enforce a length that PostgreSQL then refuses.
    reason = models.TextField(_("reason"))
    source = models.TextField(pgettext_lazy("basis of a rule or figure", "source"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["profile", "key", "-version"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["profile", "key", "version"], name="policy_unique_version"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="policy_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["profile", "key", "valid_from"], name="policy_lookup")]

    def __str__(self) -> str:
        return f"{self.profile_id}:{self.key} v{self.version}"
