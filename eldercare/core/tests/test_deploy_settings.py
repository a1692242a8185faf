"""Production settings: refuse to start without secrets, and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]
BASE_ENV = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TESTING", "DATABASE_URL"}}


def check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        **BASE_ENV,
        "DJANGO_SETTINGS_MODULE": "eldercare.settings",
        "ELDERCARE_ENV_FILE": "/nonexistent",
        **extra,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_secrets() -> None:
    done = check({"DEBUG": "false"})
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    done = check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + Fernet.generate_key().decode() + "y" * 20,
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "LOOKUP_HASH_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "eldercare.example.gov.cn",
        }
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_environment_file_example_reads_as_systemd_reads_it() -> None:
    # systemd's EnvironmentFile has no inline comments: "KEY=value  # note" makes the note part of the value
    example = ROOT / "deploy" / "eldercare.env.example"
    for number, line in enumerate(example.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            assert key.isupper() and " " not in key, f"line {number}: {line!r}"
            assert " #" not in value and value == value.strip(), f"line {number}: a comment in the value"
