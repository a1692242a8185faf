"""Benefits and subsidies (养老补贴): entitlements, applications and review, monthly settlement, payments.

Programmes themselves are policy data (`benefits.programmes`, effective-dated in core.PolicyVersion); rows
here refer to a programme by its code and store the policy version they used.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.benefits.choices import (
    AbsenceKind,
    ApplicationStatus,
    Channel,
    Decision,
    EndReason,
    EntitlementSource,
    EntitlementStatus,
    LineKind,
    LineStatus,
    ObjectionStatus,
    SettlementStatus,
    SuspensionReason,
    SuspensionStatus,
)
from eldercare.core.crypto import EncryptedTextField
from eldercare.core.models import TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.registry.models import Elder


class Entitlement(TimeStampedModel):
    """享受待遇: an elder receives a programme from `start_on` to `end_on` (inclusive; open while NULL).

    `recheck_from` marks the first month a later fact (a death imported late, a backdated status) may have
    changed; the next settlement recomputes those months and books the difference as new lines.
    """

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    programme_code = models.CharField(_("programme"), max_length=40)
    status = models.CharField(
        _("status"), max_length=16, choices=EntitlementStatus.choices, default=EntitlementStatus.ACTIVE
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=16, choices=EndReason.choices, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=EntitlementSource.choices)
    application = models.ForeignKey(
        "Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    monthly_amount_fen = models.BigIntegerField(_("amount at grant (fen)"), default=0)
    policy_version_id = models.PositiveIntegerField(_("policy version at grant"), default=0)
    recheck_from = models.DateField(null=True, blank=True)
    division_code = models.CharField(_("community"), max_length=12, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["id"]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "programme_code"],
                condition=Q(status="active"),
                name="entitlement_one_active_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="entitlement_valid_range",
            ),
        ]
        indexes = [
            models.Index(fields=["programme_code", "status"], name="entitlement_prog_status"),
            models.Index(fields=["elder", "status"], name="entitlement_elder_status"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_code} #{self.pk}"


class BankAccount(TimeStampedModel):
    """收款账户: the account a cash subsidy is paid into (encrypted number, masked for display)."""

    elder = models.OneToOneField(Elder, on_delete=models.CASCADE, related_name="+")
    holder_name = models.CharField(_("account holder"), max_length=64)
    bank_name = models.CharField(_("bank"), max_length=64)
    account_number = EncryptedTextField(_("account number"))
    account_masked = models.CharField(_("account number"), max_length=32)
    division_code = models.CharField(max_length=12, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["id"]
        verbose_name = _("bank account")


class Absence(TimeStampedModel):
    """住院/外出: a hospital stay or absence; long ones suspend home-care subsidies (pre-settlement check)."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=AbsenceKind.choices)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True)
    division_code = models.CharField(max_length=12, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["-start_on", "id"]
        verbose_name = _("absence")


# ---- applications ----------------------------------------------------------------------------------
class Application(TimeStampedModel):
    """补贴申请: one application for one programme, reviewed step by step under the workflow version it
    started with (`workflow` is a frozen copy of that version's steps)."""

    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    programme_code = models.CharField(_("programme"), max_length=40)
    channel = models.CharField(_("filed by"), max_length=16, choices=Channel.choices)
    applicant_name = models.CharField(_("applicant"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proxy_note = models.CharField(_("帮办代办 note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.IN_REVIEW
    )
    step_index = models.PositiveSmallIntegerField(default=0)
    workflow = models.JSONField(default=dict)
    workflow_version_id = models.PositiveIntegerField(default=0)
    programme_version_id = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)  # the rule's answer at submission
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    entitlement = models.ForeignKey(
        Entitlement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=12, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "programme_code"],
                condition=Q(status__in=["in_review", "in_notice"]),
                name="application_one_open_per_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_code} application #{self.pk}"

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.workflow.get("steps", []))

    @property
    def current_step(self) -> dict[str, Any] | None:
        steps = self.steps
        return steps[self.step_index] if self.step_index < len(steps) else None


class ApplicationDocument(TimeStampedModel):
    """申请材料: an uploaded document (type and size checked against policy)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=64)
    file = models.FileField(upload_to="benefits/%Y/%m/")
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["id"]


class InsertOnlyModel(models.Model):
    """Rows that are written once and never changed or deleted (decision records)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are insert-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"{type(self).__name__} rows are insert-only.")


class ReviewDecision(InsertOnlyModel):
    """审核记录: who decided what at which step, when, and why. Insert-only."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    step_index = models.PositiveSmallIntegerField()
    step_code = models.CharField(max_length=32)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "step_index", "reviewer"], name="review_once_per_step_and_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step_code}: {self.decision}"


class Objection(TimeStampedModel):
    """公示异议: an objection raised during the public notice period."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.CharField(_("raised by"), max_length=64)
    text = models.CharField(_("objection"), max_length=500)
    status = models.CharField(max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.CharField(max_length=500, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["id"]


class Notification(models.Model):
    """通知: a plain-words message to the elder (in-app; SMS through the configured sender)."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE)
    channel = models.CharField(max_length=8)  # in_app / sms
    text = models.CharField(max_length=500)
    delivered = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    division_code = models.CharField(max_length=12, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class Budget(TimeStampedModel):
    """预算: the year's budget of one programme in one district (fen)."""

    programme_code = models.CharField(_("programme"), max_length=40)
    district_code = models.CharField(_("district"), max_length=6)
    year = models.PositiveSmallIntegerField(_("year"))
    amount_fen = models.BigIntegerField(_("budget (fen)"))
    note = models.CharField(max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "district_code"

    class Meta:
        ordering = ["year", "programme_code", "district_code"]
        constraints = [
            models.UniqueConstraint(fields=["programme_code", "district_code", "year"], name="budget_once")
        ]


# ---- settlement ------------------------------------------------------------------------------------
class Settlement(TimeStampedModel):
    """月度结算: one run per month; re-runs add only what is missing; locked after review, then exported."""

    period = models.DateField(_("month"), unique=True)  # the first day of the month
    status = models.CharField(max_length=16, choices=SettlementStatus.choices, default=SettlementStatus.DRAFT)
    runs = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    programme_version_id = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    locked_by = models.CharField(max_length=150, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("settlement")

    def __str__(self) -> str:
        return self.period.strftime("%Y-%m")

    @property
    def label(self) -> str:
        return self.period.strftime("%Y-%m")


class PaymentLine(models.Model):
    """结算明细: one line per recipient per programme per month, with the rule version and reasons.

    Lines are never edited in amount: corrections, recoveries and carry-overs are new lines. Only the payment
    status moves (pending → exported → paid / failed → carried).
    """

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="lines")
    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="+")
    elder = models.ForeignKey(Elder, on_delete=models.PROTECT, related_name="+")
    programme_code = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    for_period = models.DateField()  # the month the money is for
    amount_fen = models.BigIntegerField()
    payment_form = models.CharField(max_length=16)
    rule_version_id = models.PositiveIntegerField()
    tier = models.CharField(max_length=40, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=LineStatus.choices, default=LineStatus.PENDING)
    bank_reference = models.CharField(max_length=32, blank=True, db_index=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=12)
    district_code = models.CharField(max_length=6)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "entitlement", "kind", "for_period"], name="payment_line_once"
            )
        ]
        indexes = [
            models.Index(fields=["entitlement", "for_period"], name="line_entitlement_period"),
            models.Index(fields=["settlement", "status"], name="line_settlement_status"),
            models.Index(fields=["elder"], name="line_elder"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_code} {self.kind} {self.amount_fen}"


class Suspension(TimeStampedModel):
    """暂停核查: a pre-settlement finding about one entitlement in one month, for a person to review."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="suspensions")
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=SuspensionReason.choices)
    detail = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=SuspensionStatus.choices, default=SuspensionStatus.OPEN)
    decided_by = models.CharField(max_length=150, blank=True)
    division_code = models.CharField(max_length=12)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division_code"

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "entitlement", "reason"], name="suspension_once")
        ]


class PaymentBatch(models.Model):
    """银行批量代发文件: one export of a locked settlement (CSV and XLSX, with a checksum line)."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="batches")
    rows = models.PositiveIntegerField()
    total_fen = models.BigIntegerField()
    checksum = models.CharField(max_length=64)
    csv_content = models.BinaryField()
    xlsx_content = models.BinaryField()
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.settlement_id}"
