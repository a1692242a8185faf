"""Scaling out: two ASGI web processes and a task worker against PostgreSQL and Redis.

An alarm a device posts to web process A reaches an operator's console connected by websocket to web
process B, through the Redis channel layer. Runs only when the suite runs on PostgreSQL and a Redis
server answers (REDIS_URL, default redis://127.0.0.1:6379/11); skipped otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import CITY, ElderFactory, UserFactory, division, sign_in_verified
from eldercare.emergency.rules import sign
from eldercare.emergency.services import device_register

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.skipif(not _redis_answers(), reason="needs a Redis server (REDIS_URL)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"{base} exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1)  # noqa: S310 - local test server
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


@pytest.fixture
def cluster() -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    """Two uvicorn web processes and one task worker sharing the test database and Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "eldercare.settings",
        "EMERGENCY_PUSH_INLINE": "true",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "eldercare.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.5"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, process in zip(bases, processes, strict=True):
            _wait_until_up(base, process)
        yield bases[0], bases[1], worker
    finally:
        for process in [*processes, worker]:
            process.terminate()
        for process in [*processes, worker]:
            process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_an_alarm_posted_to_one_web_process_appears_on_a_console_connected_to_the_other(
    cluster: tuple[str, str, subprocess.Popen[bytes]],
) -> None:
    from websockets.sync.client import connect

    web_a, web_b, worker = cluster
    # given an operator signed in (session in the shared database) and a registered device
    operator = UserFactory(role=Role.EMERGENCY_OPERATOR, division=division(CITY))
    client = Client()
    sign_in_verified(client, operator)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    credentials = device_register(elder=ElderFactory(), kind="call_button", serial="SCALE-1", actor=None)
    # and the operator's console connected to web process B
    ws_url = web_b.replace("http", "ws") + "/ws/emergency/alarms/"
    with connect(
        ws_url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_id}", "Origin": web_b},
        open_timeout=10,
    ) as console:
        console.send(json.dumps({"type": "ping", "t": 1}))
        assert json.loads(console.recv(timeout=5))["type"] == "pong"
        # when the device posts an alarm to web process A
        body = json.dumps({"event_id": "scale-out-1", "kind": "sos"}).encode()
        request = urllib.request.Request(  # noqa: S310 - the local test server
            web_a + "/api/v1/devices/alarms",
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {credentials.token}",
                "X-Signature": sign(credentials.secret, body),
            },
            method="POST",
        )
        sent = time.monotonic()
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            ack = json.loads(response.read())
        # then the console on B receives it through the Redis channel layer
        pushed = json.loads(console.recv(timeout=10))
        latency = time.monotonic() - sent
    assert pushed["type"] == "alarm"
    assert pushed["alarm"]["id"] == ack["alarm_id"]
    assert latency < 5, latency
    assert worker.poll() is None, "the task worker runs alongside the web processes"
