"""Backup and restore of the whole database, with a manifest to prove a restore is complete.

PostgreSQL uses pg_dump / pg_restore (custom format); SQLite uses its online backup API, so both can run
while the platform serves. The manifest holds each table's row count and a checksum of its rows in
primary-key order; `verify_manifest` recomputes it on a restored database.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.db import connections


def fingerprint_tables(cursor: Any, tables: list[str], quote: Any) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": digest}}, hashing every row in primary-key (first column) order."""
    result: dict[str, dict[str, Any]] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # noqa: S608 - names from introspection
        digest = hashlib.sha256()
        rows = 0
        for row in cursor.fetchall():
            digest.update(repr(tuple(str(v) for v in row)).encode())
            rows += 1
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def table_fingerprints(alias: str = "default") -> dict[str, dict[str, Any]]:
    """Fingerprints of every table of the database under `alias`."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]
        return fingerprint_tables(cursor, tables, connection.ops.quote_name)


def url_fingerprints(database_url: str) -> dict[str, dict[str, Any]]:
    """Fingerprints of a database given by URL, read over a plain DB-API connection."""
    url = urlparse(database_url)
    if url.scheme == "sqlite":
        lite = sqlite3.connect(url.path)
        try:
            cursor = lite.cursor()
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            tables = [row[0] for row in cursor.fetchall()]
            return fingerprint_tables(cursor, tables, lambda t: f'"{t}"')
        finally:
            lite.close()
    import psycopg

    with (
        psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as pg,
        pg.cursor() as pg_cursor,
    ):
        pg_cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in pg_cursor.fetchall()]
        return fingerprint_tables(pg_cursor, tables, lambda t: f'"{t}"')


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        settings_dict.get("HOST") or "127.0.0.1",
        "-p",
        str(settings_dict.get("PORT") or 5432),
        "-U",
        settings_dict.get("USER") or "postgres",
    ]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def backup(*, output: Path, alias: str = "default") -> Path:
    """Write the database to `output` and its manifest to `output` + '.manifest.json'."""
    connection = connections[alias]
    output.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        subprocess.run(  # noqa: S603 - fixed executables, arguments from settings
            ["pg_dump", "-Fc", *args, "-f", str(output), connection.settings_dict["NAME"]],  # noqa: S607
            check=True,
            env=env,
        )
    elif connection.vendor == "sqlite":
        if connection.in_atomic_block:  # the online backup waits forever on its own open write transaction
            raise RuntimeError("Run a SQLite backup outside a transaction.")
        connection.ensure_connection()
        target = sqlite3.connect(output)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise ValueError(f"backup does not support {connection.vendor}")
    manifest = {"vendor": connection.vendor, "tables": table_fingerprints(alias)}
    Path(f"{output}.manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return output


def restore(*, source: Path, database_url: str) -> None:
    """Restore a backup into the database at `database_url` (an empty or disposable one)."""
    url = urlparse(database_url)
    if url.scheme.startswith("postgres"):
        settings_dict = {
            "HOST": url.hostname,
            "PORT": url.port,
            "USER": url.username,
            "PASSWORD": url.password,
        }
        args, env = _pg_env(settings_dict)
        subprocess.run(  # noqa: S603 - fixed executables, arguments from settings
            [  # noqa: S607
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                *args,
                "-d",
                url.path.lstrip("/"),
                str(source),
            ],
            check=True,
            env=env,
        )
    elif url.scheme == "sqlite":
        shutil.copyfile(source, url.path)
    else:
        raise ValueError(f"restore does not support {url.scheme}")


def verify_manifest(*, manifest_path: Path, alias: str = "default") -> list[str]:
    """Differences between a manifest and the database under `alias`; empty means identical."""
    expected = json.loads(manifest_path.read_text(encoding="utf-8"))["tables"]
    actual = table_fingerprints(alias)
    problems = [f"{t}: missing" for t in expected if t not in actual]
    problems += [f"{t}: {actual[t]} != {v}" for t, v in expected.items() if t in actual and actual[t] != v]
    return problems
