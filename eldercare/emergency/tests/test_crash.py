"""No alarm lost: the server is killed (SIGKILL) after the intake commits and before it answers.

A real server process (manage.py runserver, ASGI through daphne) on a file database. The test hook
`EMERGENCY_TEST_KILL_AFTER_COMMIT` makes the process kill itself right after the alarm's transaction
commits, so the device never gets its acknowledgement. A new server process then finds the alarm,
and the device's retry of the same event is recognised as a duplicate, not a second alarm.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from eldercare.emergency import rules

ROOT = Path(__file__).resolve().parents[3]
MANAGE = [sys.executable, str(ROOT / "manage.py")]

SETUP = """
import json
from datetime import date
from eldercare.core.models import Division
from eldercare.emergency.services import device_register
from eldercare.registry.services import elder_build
from eldercare.core.ids import make_resident_id
CHAIN = [("44", "广东省", 1, None), ("4407", "江门市", 2, "44"), ("440703", "蓬江区", 3, "4407"),
         ("440703001", "街道", 4, "440703"), ("440703001001", "社区", 5, "440703001")]
for code, name, level, parent in CHAIN:
    Division.objects.create(code=code, name=name, level=level, parent_id=parent)
birth = date(1940, 5, 1)
elder = elder_build(name="测试", id_number=make_resident_id("440703", birth, 11), sex="M", birth_date=birth,
                    residence_division_id="440703001001")
elder.save()
creds = device_register(elder=elder, kind="call_button", serial="CRASH-1", actor=None)
print(json.dumps({"token": creds.token, "secret": creds.secret}))
"""

COUNT = (
    "from eldercare.emergency.models import Alarm; print(Alarm.objects.filter(event_id='ev-crash').count())"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [*MANAGE, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _post(port: int, token: str, secret: str, body: bytes) -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {token}",
        "X-Signature": rules.sign(secret, body),
    }
    conn.request("POST", "/api/v1/devices/alarms", body=body, headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def test_an_alarm_committed_before_the_server_dies_is_there_after_restart(tmp_path: Path) -> None:
    # given a fresh database with one device, and a server that dies right after committing an alarm
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "eldercare.settings",
        "REDIS_URL": "",
    }
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    out = subprocess.run(
        [*MANAGE, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    creds = json.loads(out.stdout.strip().splitlines()[-1])
    body = json.dumps({"event_id": "ev-crash", "kind": "fall"}).encode()
    port = _free_port()
    server = _serve({**env, "EMERGENCY_TEST_KILL_AFTER_COMMIT": "1"}, port)
    try:
        # when the device sends its alarm, the server is killed before it can answer
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            _post(port, creds["token"], creds["secret"], body)
        assert server.wait(timeout=10) == -9  # SIGKILL: no shutdown code ran
    finally:
        if server.poll() is None:
            server.kill()
    # then a new process finds the alarm in the database
    count = subprocess.run(
        [*MANAGE, "shell", "-c", COUNT], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert count.stdout.strip().splitlines()[-1] == "1"
    # and the device's retry against the restarted server is acknowledged as the same alarm
    port = _free_port()
    server = _serve(env, port)
    try:
        status, ack = _post(port, creds["token"], creds["secret"], body)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert status == 200
    assert ack["duplicate"] is True
    count = subprocess.run(
        [*MANAGE, "shell", "-c", COUNT], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert count.stdout.strip().splitlines()[-1] == "1"
