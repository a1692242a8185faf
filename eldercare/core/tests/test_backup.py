"""Backup and restore, end to end through the commands: a restored database has the same rows and checksums,
table by table, as the one backed up (on the engine the suite runs on)."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from eldercare.core.backup import url_fingerprints

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, database_url: str) -> str:
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "eldercare.settings",
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def fresh_database(name: str, tmp_path: Path) -> str:
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


@pytest.mark.django_db
def test_a_backup_restores_into_a_fresh_database_with_the_same_rows(tmp_path: Path) -> None:
    # given a platform database with a small demo city (encrypted columns included)
    suffix = os.environ.get("PYTEST_XDIST_WORKER", "main")
    source = fresh_database(f"backup_source_{suffix}", tmp_path)
    target = fresh_database(f"backup_target_{suffix}", tmp_path)
    manage("migrate", "--noinput", database_url=source)
    manage("load_divisions", "--city", "4407", database_url=source)
    manage("demo_city", "--scale", "0.0003", database_url=source)
    # when it is backed up and restored into an empty database
    dump = tmp_path / "eldercare.dump"
    manage("backup", "--output", str(dump), database_url=source)
    manage("restore", str(dump), "--database-url", target, "--yes", database_url=source)
    # then every table has the same rows and checksums as the source and as the backup's manifest
    restored = url_fingerprints(target)
    assert restored == url_fingerprints(source)
    assert restored["registry_elder"]["rows"] > 200
    assert restored["core_division"]["rows"] > 40_000
    assert Path(f"{dump}.manifest.json").is_file()
