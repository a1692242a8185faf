"""Field encryption (Fernet, rotatable keys) and keyed lookup hashes for personal identifiers.

An ID number is stored twice: encrypted (readable only through an audited reveal) and as an HMAC
under a separate key, so an exact lookup by ID number needs no decryption and no plaintext index.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong or missing key must never pass silently
        raise ValueError("Cannot decrypt a protected field: check FIELD_ENCRYPTION_KEY.") from exc


def rotate_token(token: str) -> str:
    """The same plaintext re-encrypted under the first (current) key."""
    return _fernet().rotate(token.encode()).decode()


def forget_keys() -> None:
    """Drop the cached key set (after settings change, e.g. in a rotation test)."""
    _fernet.cache_clear()


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, for exact-match lookups and uniqueness."""
    return hmac.new(settings.LOOKUP_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python sees the plaintext.

    Not searchable: pair it with a `lookup_hash` column for exact matches.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value in (None, ""):
            return value
        return decrypt(value)
