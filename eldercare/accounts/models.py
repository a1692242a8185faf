"""Accounts: users with one role bound to a division or organisation, and API tokens."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.roles import Role
from eldercare.core.models import Division, Organisation
from eldercare.core.scope import ScopedQuerySet


class User(AbstractUser):
    """用户: a person signing in. Staff accounts are bound to one division or one organisation."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    display_name = models.CharField(_("name"), max_length=64, blank=True)

    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "organisation"

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """接口令牌: a credential for another system or a gateway, with its own role and scope.

    Only a SHA-256 hash of the secret is stored; the secret is shown once, at creation.
    """

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "division"
    scope_organisation_field: ClassVar[str | None] = "organisation"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
