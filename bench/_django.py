"""Django set-up shared by the benchmarks: PostgreSQL from BENCH_DATABASE_URL (a database of its own,
created if missing, never the development one), development keys, DEBUG off (no query log)."""

from __future__ import annotations

import os
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/eldercare_bench"


def setup() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if url.startswith("postgres"):
        _create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TESTING", "true")  # development keys; DEBUG stays off so no query log grows
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eldercare.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url


def _create_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # BENCH_TEMPLATE_DB: an already migrated database to copy (python -m bench migrates one
            # first), so each benchmark's own database does not run every migration again
            template = os.environ.get("BENCH_TEMPLATE_DB", "")
            found = (
                template
                and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
            )
            suffix = f' TEMPLATE "{template}"' if found else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')
