"""The elder registry (老年人信息档案): one record per elder that every module reads."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.ids import mask_name
from eldercare.core.models import Division, TimeStampedModel, UploadBatch
from eldercare.core.scope import ScopedQuerySet
from eldercare.registry.choices import (
    ChangeKind,
    ConsentScope,
    ContactRelation,
    DuplicateReason,
    EconomicStatus,
    ElderGroup,
    ElderStatus,
    ImportStatus,
    LifeEventKind,
    LivingSituation,
    ReviewStatus,
    Sex,
)


class Elder(TimeStampedModel):
    """老年人: a resident aged 60 or over, placed in the community (社区/村) where they live.

    The resident ID number and phone are stored encrypted with a keyed hash for exact lookup; pages
    show masked forms, and revealing them is an audited action (`elder_reveal_personal`).
    """

    name = models.CharField(_("name"), max_length=64)
    id_number = EncryptedTextField(_("resident ID number"))
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), db_index=True)
    residence_division = models.ForeignKey(
        Division, verbose_name=_("community of residence"), on_delete=models.PROTECT, related_name="+"
    )
    address = EncryptedTextField(_("address"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    living_situation = models.CharField(
        _("living situation"), max_length=16, choices=LivingSituation.choices, default=LivingSituation.OTHER
    )
    economic_status = models.CharField(
        _("economic status"), max_length=16, choices=EconomicStatus.choices, default=EconomicStatus.ORDINARY
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ElderStatus.choices, default=ElderStatus.ACTIVE
    )
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)
    # identity beyond the ID number
    name_initials = models.CharField(_("pinyin initials"), max_length=32, blank=True, db_index=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, blank=True)
    hukou_division = models.ForeignKey(
        Division,
        verbose_name=_("household registration (户籍)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    address_hash = models.CharField(max_length=64, blank=True)
    # economic status: where it comes from and how long it holds
    economic_source = models.CharField(_("economic status source"), max_length=32, blank=True)
    economic_valid_from = models.DateField(_("economic status valid from"), null=True, blank=True)
    economic_valid_to = models.DateField(_("economic status valid to"), null=True, blank=True)
    # health facts relevant to care
    chronic_conditions = models.JSONField(_("chronic conditions"), default=list, blank=True)
    dementia_diagnosed = models.BooleanField(_("dementia diagnosed"), default=False)
    family_doctor_signed = models.BooleanField(_("family doctor signed"), default=False)
    # status events other than death
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 特殊困难老年人, derived by `rules.special_difficulty` at write time
    special_difficulty = models.BooleanField(_("in special difficulty"), default=False)
    special_difficulty_reasons = models.JSONField(default=list, blank=True)
    special_difficulty_policy_version = models.PositiveIntegerField(default=0)
    created_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "residence_division"

    class Meta:
        ordering = ["id"]
        verbose_name = _("elder")
        verbose_name_plural = _("elders")
        indexes = [
            models.Index(fields=["residence_division", "status"], name="elder_division_status"),
            models.Index(fields=["name"], name="elder_name"),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class ElderScoped(TimeStampedModel):
    """Rows that belong to one elder and are seen with the elder's scope."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("elder"), on_delete=models.CASCADE, related_name="%(class)ss"
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "elder__residence_division"

    class Meta:
        abstract = True


class ElderGroupMembership(ElderScoped):
    """特殊群体身份: the elder belongs to a special group (with disability grade where relevant)."""

    group = models.CharField(_("group"), max_length=32, choices=ElderGroup.choices)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)

    class Meta:
        ordering = ["elder_id", "group"]
        verbose_name = _("group membership")
        constraints = [models.UniqueConstraint(fields=["elder", "group"], name="group_once_per_elder")]

    def __str__(self) -> str:
        return self.get_group_display()


class ElderContact(ElderScoped):
    """家属/监护人/紧急联系人: a family member, guardian or emergency contact."""

    name = models.CharField(_("name"), max_length=64)
    relation = models.CharField(_("relation"), max_length=16, choices=ContactRelation.choices)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True)
    is_guardian = models.BooleanField(_("guardian (监护人)"), default=False)
    is_emergency = models.BooleanField(_("emergency contact"), default=False)

    class Meta:
        ordering = ["elder_id", "-is_guardian", "-is_emergency", "id"]
        verbose_name = _("contact")

    def __str__(self) -> str:
        return mask_name(self.name)


class ElderConsent(ElderScoped):
    """知情同意: what the elder agreed to share, from when, recorded by whom."""

    scope = models.CharField(_("scope"), max_length=16, choices=ConsentScope.choices)
    granted = models.BooleanField(_("granted"), default=True)
    given_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["elder_id", "-given_on", "-id"]
        verbose_name = _("consent")

    def __str__(self) -> str:
        return self.get_scope_display()


class ElderChange(models.Model):
    """档案变更记录: one change to an elder's record, kept forever (also after a merge)."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="+")
    original_elder_id = models.BigIntegerField(null=True, blank=True)  # set when moved by a merge
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "elder__residence_division"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("record change")
        indexes = [models.Index(fields=["elder", "at"], name="elder_change_elder_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class ImportBatch(UploadBatch):
    """导入批次: one file from another department, previewed then committed as a whole.
    `counts`: created / updated / unchanged / events / review …"""

    source = models.CharField(_("source"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import batch")

    def __str__(self) -> str:
        return f"{self.source} {self.file_name}"


class ReviewItem(ElderScoped):
    """待核对: an incoming value that contradicts the record; a person decides, nothing is overwritten."""

    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    field = models.CharField(_("field"), max_length=32)
    current_value = models.CharField(_("current value"), max_length=200, blank=True)
    incoming_value = models.CharField(_("incoming value"), max_length=200)
    source = models.CharField(_("source"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    resolved_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["status", "-id"]
        verbose_name = _("review item")
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "field", "incoming_value"],
                condition=models.Q(status="open"),
                name="review_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.current_value} → {self.incoming_value}"


class LifeEvent(ElderScoped):
    """生命事件: death, move-out or admission reported by a department; listeners end entitlements."""

    kind = models.CharField(_("kind"), max_length=16, choices=LifeEventKind.choices)
    occurred_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=32, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.JSONField(default=dict, blank=True)  # {"ended": [...], "overpayments": [...]}
    overpayment_fen = models.PositiveBigIntegerField(_("suspected overpayment (fen)"), default=0)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("life event")
        constraints = [models.UniqueConstraint(fields=["elder", "kind"], name="life_event_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class DuplicateCandidate(TimeStampedModel):
    """疑似重复档案: two records that may be the same person, waiting for an audited merge or dismissal."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=32, choices=DuplicateReason.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    resolved_by = models.CharField(max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "elder__residence_division"

    class Meta:
        ordering = ["status", "-id"]
        verbose_name = _("possible duplicate")
        constraints = [models.UniqueConstraint(fields=["elder", "other"], name="duplicate_pair_once")]

    def __str__(self) -> str:
        return f"{self.elder_id} ~ {self.other_id}"
