"""Writes of accounts: staff accounts bound to a division or organisation, API tokens, 2FA devices."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from eldercare.accounts.models import ApiToken, User
from eldercare.accounts.roles import DIVISION_ROLES, ORGANISATION_ROLES, Role
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, Organisation


def _check_binding(*, role: str, division: Division | None, organisation: Organisation | None) -> None:
    """A division role needs a division at its level; an organisation role needs an organisation."""
    if role not in Role.values:
        raise DomainError("role_unknown", f"Unknown role {role!r}.", status=422)
    if role in DIVISION_ROLES:
        level = DIVISION_ROLES[role]
        if division is None:
            raise DomainError("binding_required", "This role must be bound to a division.", status=422)
        if level is not None and division.level != level:
            raise DomainError(
                "binding_level",
                "The division is not at the level this role works at.",
                {"expected_level": level, "got_level": division.level},
                status=422,
            )
    if role in ORGANISATION_ROLES and organisation is None:
        raise DomainError("binding_required", "This role must be bound to an organisation.", status=422)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    actor: Any,
    display_name: str = "",
    division: Division | None = None,
    organisation: Organisation | None = None,
) -> User:
    _check_binding(role=role, division=division, organisation=organisation)
    if User.objects.filter(username=username).exists():
        raise DomainError("username_taken", "That user name is taken.", status=409)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        division=division,
        organisation=organisation if role in ORGANISATION_ROLES else None,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("password_weak", " ".join(exc.messages), exc.messages, status=422) from exc
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        target=user,
        changes={
            "role": role,
            "division": division.code if division else None,
            "organisation": organisation.pk if organisation else None,
        },
    )
    return user


def hash_token_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    name: str,
    role: str,
    actor: Any,
    division: Division | None = None,
    organisation: Organisation | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and never shown again."""
    _check_binding(role=role, division=division, organisation=organisation)
    secret = "ec_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        prefix=secret[3:11],
        token_hash=hash_token_secret(secret),
        role=role,
        division=division,
        organisation=organisation,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=expires_at,
    )
    audit_record(actor=actor, action="token.created", target=token, changes={"role": role, "name": name})
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoked", target=token)
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record use at most once a minute (not audited: the audited acts are what the token does)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for the user to scan; earlier unconfirmed ones are dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str, actor: User) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=actor, action="user.2fa_enabled", target=actor)
    return True


def totp_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None; both outcomes are audited."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            audit_record(actor=user, action="user.2fa_verified", target=user)
            return device
    audit_record(actor=user, action="user.2fa_failed", target=user)
    return None


def session_event_record(*, user: User, event: str) -> None:
    """Sign-in and sign-out belong in the audit trail (等保 2.0 asks for them)."""
    audit_record(actor=user, action=f"user.{event}", target=user)
