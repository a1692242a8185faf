"""Onboarding (数据初始化): spreadsheets of what a city already runs, loaded through each app's services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.models import UploadBatch


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed")
    COMMITTED = "committed", _("committed")
    REJECTED = "rejected", _("rejected (nothing written)")


class OnboardingBatch(UploadBatch):
    """初始化批次: one filled-in template, previewed (nothing kept), then committed as a whole.
    `counts`: rows / created / matched / error_rows."""

    kind = models.CharField(_("template"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("onboarding batch")
        verbose_name_plural = _("onboarding batches")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"
