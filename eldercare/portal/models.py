"""The elder and family portal (适老化门户): phone identities, one-time codes, bureau notices and the
receipts of 帮办代办 (a community worker acting for an elder at the office)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.models import Division
from eldercare.core.scope import ScopedQuerySet
from eldercare.registry.models import Elder


class PortalIdentity(models.Model):
    """门户身份: the phone number a personal account (elder or family member) signs in with.

    The phone is encrypted; `phone_hash` is the registry's keyed lookup hash of the same number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="portal_identity",
    )
    phone = EncryptedTextField(_("phone"))
    phone_hash = models.CharField(max_length=64, unique=True)
    phone_masked = models.CharField(_("phone"), max_length=16)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("portal identity")
        verbose_name_plural = _("portal identities")

    def __str__(self) -> str:
        return self.phone_masked


class OneTimeCode(models.Model):
    """短信验证码: a sign-in code sent to a phone. Only a keyed hash of the code is kept."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"code {self.pk}"


class Notice(models.Model):
    """通知公告: news and notices from the civil-affairs bureau, for the whole city or one area."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    division = models.ForeignKey(
        Division, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = None

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.title


class OfflineAction(models.Model):
    """帮办代办: one portal action a community worker did at the office on the elder's behalf; its printed
    receipt is given to the elder."""

    receipt_number = models.CharField(_("receipt number"), max_length=24, unique=True)
    elder = models.ForeignKey(Elder, verbose_name=_("elder"), on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="+"
    )
    worker_name = models.CharField(_("worker"), max_length=64)
    action = models.CharField(_("action"), max_length=64)
    summary = models.CharField(_("what was done"), max_length=300)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("帮办代办 record")
        verbose_name_plural = _("帮办代办 records")

    def __str__(self) -> str:
        return self.receipt_number
