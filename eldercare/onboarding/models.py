"""Onboarding (数据初始化): spreadsheets of what a city already runs, loaded through each app's services."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.models import Division, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed")
    COMMITTED = "committed", _("committed")
    REJECTED = "rejected", _("rejected (nothing written)")


class OnboardingBatch(TimeStampedModel):
    """初始化批次: one filled-in template, previewed (nothing kept), then committed as a whole."""

    kind = models.CharField(_("template"), max_length=32)
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField(editable=False)
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division of the uploader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.CharField(_("by"), max_length=150, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # rows / created / matched / error_rows
    errors = models.JSONField(default=list, blank=True)  # [{line, column, reason}]
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("onboarding batch")
        verbose_name_plural = _("onboarding batches")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"
