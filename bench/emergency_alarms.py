"""Alarms from a load generator on loopback to a connected console: receipt → console latency and loss,
against the round trip of a bare Redis publish measured in the same run. Prints a table, writes
bench/results/emergency_alarms.json.

    python -m bench.emergency_alarms                         # 200 alarms/s for 60 s (the issue's goal)
    python -m bench.emergency_alarms --rate 50 --duration 5  # a quick run

The server is uvicorn serving eldercare.asgi with `--processes` worker processes (default 2, one per core;
BENCH_ALARM_PROCESSES) behind one address, each with a psycopg connection pool (DATABASE_POOL), sharing the
Redis channel layer (REDIS_URL, default redis://127.0.0.1:6379/15), so an alarm received by one process
reaches a console connected to another. Devices post signed alarms over HTTP keep-alive connections from a
thread pool paced to the rate; one console is a websocket client signed in as an operator. "Receipt" is the
alarm's received_at (set inside the intake transaction); "appearance" is when the console's websocket got
the push. Lost = acknowledged alarms not in the database, and acknowledged alarms never pushed to the
console within the grace period (the console page would still show them on its next re-read).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench._protocol import Row, main_for

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/eldercare_bench_emergency"  # BENCH_DATABASE_URL overrides


def _pct(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(pct * len(ordered)) // 100))  # nearest rank
    return ordered[min(rank, len(ordered)) - 1]


def stop_server(server: subprocess.Popen[Any]) -> None:
    """SIGTERM, then SIGKILL to the whole group if a worker still waits for an open websocket after 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fixtures(devices: int, run_id: str) -> tuple[list[Any], str]:
    """Divisions, one elder, the devices and a signed-in operator session (cookie value)."""
    from datetime import date

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from eldercare.accounts.models import User
    from eldercare.core.ids import make_resident_id
    from eldercare.core.models import Division
    from eldercare.emergency.services import device_register
    from eldercare.registry.models import Elder
    from eldercare.registry.services import elder_build

    for code, level, parent in [
        ("44", 1, None),
        ("4407", 2, "44"),
        ("440703", 3, "4407"),
        ("440703001", 4, "440703"),
        ("440703001001", 5, "440703001"),
    ]:
        Division.objects.get_or_create(
            code=code, defaults={"name": code, "level": level, "parent_id": parent}
        )
    birth = date(1940, 1, 1)
    number = make_resident_id("440703", birth, int(uuid.uuid4().int % 900))
    elder = Elder.objects.filter(name="基准老人").first()
    if elder is None:
        elder = elder_build(
            name="基准老人", id_number=number, sex="M", birth_date=birth, residence_division_id="440703001001"
        )
        elder.save()
    creds = [
        device_register(elder=elder, kind="call_button", serial=f"BENCH-{run_id}-{n}", actor=None)
        for n in range(devices)
    ]
    user, _ = User.objects.get_or_create(
        username="bench_operator", defaults={"role": "emergency_operator", "division_id": "4407"}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return creds, str(session.session_key)


class Console(threading.Thread):
    """A minimal RFC 6455 websocket client (the console) that records when each alarm's push arrives.

    Hand-written on a socket because daphne, an installed app, pins txaio to Twisted in this process."""

    def __init__(self, port: int, cookie: str) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie = port, cookie
        self.seen: dict[int, tuple[float, float]] = {}  # alarm id → (arrival wall time, received_ts)
        self.connected = threading.Event()

    def _read(self, sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _send(self, sock: socket.socket, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        sock.sendall(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def run(self) -> None:
        import base64

        sock = socket.create_connection(("127.0.0.1", self.port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET /ws/emergency/alarms/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://127.0.0.1:{self.port}\r\nCookie: sessionid={self.cookie}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self._read(sock, 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            return
        self.connected.set()
        while True:
            try:
                first, second = self._read(sock, 2)
            except (ConnectionError, OSError):
                return
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(self._read(sock, 2), "big")
            elif length == 127:
                length = int.from_bytes(self._read(sock, 8), "big")
            payload = self._read(sock, length)
            opcode = first & 0x0F
            if opcode == 0x9:
                self._send(sock, 0xA, payload)
            elif opcode == 0x8:
                return
            elif opcode == 0x1:
                now = time.time()
                data = json.loads(payload)
                alarm = data.get("alarm") or {}
                if data.get("type") == "alarm" and alarm.get("event") == "new":
                    self.seen.setdefault(alarm["id"], (now, alarm["received_ts"]))


class ConsoleProcess:
    """The console in a process of its own: in the load generator's process its thread waited for the GIL
    behind 32 busy client threads, and that wait was measured as push latency."""

    def __init__(self, port: int, cookie: str) -> None:
        import multiprocessing

        self._connected = multiprocessing.Event()
        self._stop = multiprocessing.Event()
        self._seen: multiprocessing.Queue[dict[int, tuple[float, float]]] = multiprocessing.Queue()
        self._process = multiprocessing.Process(target=self._run, args=(port, cookie), daemon=True)
        self.seen: dict[int, tuple[float, float]] = {}

    def _run(self, port: int, cookie: str) -> None:
        console = Console(port, cookie)
        console.start()
        if console.connected.wait(10):
            self._connected.set()
        self._stop.wait()
        self._seen.put(dict(console.seen))

    def start(self) -> bool:
        self._process.start()
        return self._connected.wait(12)

    def collect(self) -> dict[int, tuple[float, float]]:
        self._stop.set()
        self.seen = self._seen.get(timeout=30)
        self._process.join(timeout=5)
        return self.seen


def _load(
    port: int, creds: list[Any], rate: float, duration: float, run_id: str, workers: int
) -> list[dict[str, Any]]:
    from eldercare.emergency.rules import sign

    total = int(rate * duration)
    results: list[dict[str, Any]] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))
    start = time.monotonic() + 0.5

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            device = creds[i % len(creds)]
            body = json.dumps({"event_id": f"{run_id}-{i}", "kind": "sos"}).encode()
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {device.token}",
                "X-Signature": sign(device.secret, body),
            }
            sent = time.time()
            try:
                conn.request("POST", "/api/v1/devices/alarms", body=body, headers=headers)
                response = conn.getresponse()
                raw = response.read()
                try:
                    data = json.loads(raw)
                except ValueError:
                    data = {}
                    failures.append(f"{response.status} {raw[:300]!r}")
                row = {
                    "i": i,
                    "status": response.status,
                    "alarm_id": data.get("alarm_id"),
                    "sent": sent,
                    "ack": time.time(),
                }
            except (OSError, http.client.HTTPException, ValueError) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                row = {
                    "i": i,
                    "status": 0,
                    "alarm_id": None,
                    "sent": sent,
                    "ack": time.time(),
                    "error": str(exc),
                }
            with lock:
                results.append(row)
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        print("first failures:", failures[:2])
    return results


def _redis_baseline(url: str, count: int, rate: float) -> list[float]:
    """Round trip of a bare Redis PUBLISH to a subscriber on another connection (seconds)."""
    import redis

    client = redis.Redis.from_url(url)
    pubsub = client.pubsub()
    channel = f"bench-{uuid.uuid4().hex}"
    pubsub.subscribe(channel)
    while pubsub.get_message(timeout=1.0) is None:
        pass  # the subscribe confirmation
    latencies: list[float] = []

    def listen() -> None:
        while len(latencies) < count:
            message = pubsub.get_message(timeout=5.0)
            if message is None:
                return
            if message["type"] == "message":
                latencies.append(time.time() - float(message["data"]))

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    publisher = redis.Redis.from_url(url)
    for i in range(count):
        publisher.publish(channel, repr(time.time()))
        time.sleep(max(0.0, 1 / rate - 0.0001) if i % 10 == 0 else 0)
    listener.join(timeout=10)
    pubsub.close()
    return latencies


def measure(
    rate: float = 200,
    duration: float = 60,
    devices: int = 200,
    workers: int = 32,
    grace: float = 5.0,
    redis_url: str | None = None,
    processes: int | None = None,
) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from bench import _django

    redis_url = redis_url or os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_DB)
    db_url = _django.setup()
    run_id = uuid.uuid4().hex[:8]
    creds, cookie = _fixtures(devices, run_id)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "TESTING": "true",
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        "DATABASE_POOL": "8",
        "EMERGENCY_PUSH_INLINE": "false",  # as in production: the push leaves from a background thread
        "DJANGO_SETTINGS_MODULE": "eldercare.settings",
    }
    processes = processes or int(os.environ.get("BENCH_ALARM_PROCESSES", "2"))
    uvicorn = str(Path(sys.executable).parent / "uvicorn")
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = (RESULTS / "emergency_alarms_server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own server
        [
            uvicorn,
            "eldercare.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(processes),
            "--log-level",
            "warning",
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "3",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # its own process group: stop_server can kill the workers too
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        console = ConsoleProcess(port, cookie)
        if not console.start():
            raise RuntimeError("the console websocket did not connect")
        t0 = time.monotonic()
        results = _load(port, creds, rate, duration, run_id, workers)
        elapsed = time.monotonic() - t0
        deadline = time.monotonic() + grace
        acked = {r["alarm_id"] for r in results if r["status"] in (200, 201)}
        time.sleep(max(0.0, deadline - time.monotonic()))  # the grace period, then what the console saw
        console.collect()
    finally:
        stop_server(server)
    from eldercare.emergency.models import Alarm

    stored = Alarm.objects.filter(event_id__startswith=f"{run_id}-").count()
    latencies = [arrived - received for aid, (arrived, received) in console.seen.items() if aid in acked]
    acks = [r["ack"] - r["sent"] for r in results if r["status"] in (200, 201)]
    baseline = _redis_baseline(redis_url, count=min(2000, int(rate * duration)), rate=rate)
    report = {
        "rate_target": rate,
        "duration_s": duration,
        "sent": len(results),
        "acknowledged": len(acked),
        "errors": sum(1 for r in results if r["status"] not in (200, 201)),  # status 0: no answer
        "error_kinds": sorted({str(r.get("error") or r["status"]) for r in results if r["status"] >= 300})[
            :5
        ],
        "achieved_rate": round(len(results) / elapsed, 1),
        "stored": stored,
        "lost_storage": len(acked) - stored,
        "lost_console": len(acked - set(console.seen)),
        "receipt_to_console_p50_ms": _ms(_pct(latencies, 50)),
        "receipt_to_console_p99_ms": _ms(_pct(latencies, 99)),
        "http_ack_p50_ms": _ms(_pct(acks, 50)),
        "http_ack_p99_ms": _ms(_pct(acks, 99)),
        "redis_publish_p50_ms": _ms(_pct(baseline, 50)),
        "redis_publish_p99_ms": _ms(_pct(baseline, 99)),
        "database": db_url.split("@")[-1],
        "channel_layer": "redis",
        "server": f"uvicorn, {processes} worker processes, psycopg pool of 8 each",
    }
    _print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "emergency_alarms.json").write_text(json.dumps(report, indent=2))
    return report


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def _print(r: dict[str, Any]) -> None:
    print(
        f"alarms: {r['sent']} sent at {r['achieved_rate']}/s (target {r['rate_target']}/s, "
        f"{r['duration_s']} s), {r['acknowledged']} acknowledged, {r['errors']} errors; db {r['database']}"
    )
    rows = [
        ("receipt → console (websocket push)", "receipt_to_console"),
        ("device POST → acknowledgement", "http_ack"),
        ("baseline: bare Redis PUBLISH round trip", "redis_publish"),
    ]
    print(f"{'measure':<42}{'p50 ms':>10}{'p99 ms':>10}")
    for label, key in rows:
        print(f"{label:<42}{r[key + '_p50_ms']!s:>10}{r[key + '_p99_ms']!s:>10}")
    print(f"lost: {r['lost_storage']} not stored, {r['lost_console']} not pushed to the console (goal 0)")


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: 200 alarms/s for 60 s; smoke (< 0.05): 50/s for 3 s. Goal: p99 < 1 s, none lost."""
    rate = 200.0 if scale >= 0.05 else 50.0
    r = measure(rate=rate, duration=max(3.0, 60 * scale), devices=min(200, max(20, round(200 * scale * 10))))
    lost = r["lost_storage"] + r["lost_console"]
    return [
        Row(
            f"alarms receipt → console p99 at {rate:.0f}/s",
            r["receipt_to_console_p99_ms"],
            r["redis_publish_p99_ms"],
            "ms",
            "< 1000 ms, 0 lost",
            lost == 0 and r["errors"] == 0 and (r["receipt_to_console_p99_ms"] or 1e9) < 1000,
            note=f"{r['sent']} sent, {r['errors']} errors, {lost} lost; baseline: bare Redis PUBLISH",
        ),
        Row(
            f"alarms device POST → ack p99 at {rate:.0f}/s",
            r["http_ack_p99_ms"],
            r["redis_publish_p99_ms"],
            "ms",
            "< 1000 ms",
            (r["http_ack_p99_ms"] or 1e9) < 1000,
        ),
    ]


if __name__ == "__main__" and "--scale" in sys.argv:
    main_for(run, sys.argv[1:])
elif __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=float(os.environ.get("BENCH_ALARM_RATE", 200)))
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_ALARM_SECONDS", 60)))
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--workers", type=int, default=32, help="client threads of the load generator")
    parser.add_argument("--processes", type=int, default=None, help="server worker processes (default 2)")
    args = parser.parse_args()
    measure(
        rate=args.rate,
        duration=args.duration,
        devices=args.devices,
        workers=args.workers,
        processes=args.processes,
    )
