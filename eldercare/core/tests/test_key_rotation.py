"""Key rotation: every protected value is re-encrypted under the new key and still reads the same."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from eldercare.core import crypto
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import ElderFactory
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db


def test_rotation_moves_every_value_to_the_new_key(settings: object) -> None:
    # given elders encrypted under the old key
    elders = ElderFactory.create_batch(5, phone="13800138000", address="白沙街道1号")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    # when the new key is put first and the command runs
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    crypto.forget_keys()
    try:
        call_command("rotate_keys", "--batch-size", "2")
        # then the stored ciphertexts open with the new key alone, and read as before
        settings.FIELD_ENCRYPTION_KEYS = [new_key]
        crypto.forget_keys()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM registry_elder")
            stored = [row[0] for row in cursor.fetchall()]
        assert all(Fernet(new_key.encode()).decrypt(token.encode()) for token in stored)
        for elder in elders:
            fresh = Elder.objects.get(pk=elder.pk)
            assert (fresh.id_number, fresh.phone, fresh.address) == (
                elder.id_number,
                "13800138000",
                "白沙街道1号",
            )
        entry = AuditEntry.objects.get(action="crypto.keys_rotated")
        assert entry.changes["registry.Elder"] == 15
    finally:
        settings.FIELD_ENCRYPTION_KEYS = [old_key]
        crypto.forget_keys()
