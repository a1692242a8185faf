"""Load test: locust on loopback against uvicorn serving eldercare.asgi with 2 worker processes
(LOAD_PROCESSES) and a psycopg pool each, a realistic mix (staff pages, staff API reads, public
portal-like reads, signed device alarm posts; see locustfile.py) at 100 and 500 requests per second
offered; reports throughput, p50/p95/p99 and errors, and the CPU of the server and the load generator,
which names the bottleneck. Bounded: `seconds` per rate (10 s in the smoke run, 30 s at scale 1).

    pip install -e ".[load]"         # locust (make load does it)
    python -m bench.load [--scale 0.05] [--rates 100,500] [--seconds 20]

Data: the Jiangmen demo city at 0.05 × scale (built once in its own database).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._protocol import Row
from bench.emergency_alarms import stop_server

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/eldercare_bench_load"
USER_RPS = 2.0  # each simulated user's pace; users = rate / USER_RPS
PROCESSES = int(os.environ.get("LOAD_PROCESSES", "2"))  # server worker processes

STAFF_PAGES = ["home", "registry:elder_list", "homecare:order_list", "emergency:alarm_list"]
STAFF_APIS = [
    "/api/v1/elders?limit=50",
    "/api/v1/homecare/orders?size=50",
    "/api/v1/emergency/alarms",
    "/api/v1/facilities",
]
PUBLIC = ["facilities:public_list", "timebank:public_totals", "/api/v1/public/facilities", "healthz"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (the server's worker processes): utime + stime."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def fixtures(scale: float, out: Path) -> dict[str, Any]:
    """Demo data, two verified staff sessions, 50 devices; every URL checked to answer 200 first."""
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_DB)
    from bench import _django

    _django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from eldercare.accounts.models import User
    from eldercare.core.models import Division
    from eldercare.demo.services import build_demo_city
    from eldercare.emergency.services import device_register
    from eldercare.registry.models import Elder

    settings.ALLOWED_HOSTS = ["*"]
    if not Division.objects.exists():
        call_command("load_divisions", verbosity=0)
        call_command("load_profiles", verbosity=0)
        call_command("load_instruments", verbosity=0)
    demo_scale = max(0.001, 0.05 * scale)
    if (
        Elder.objects.count() < 500 * demo_scale / 0.001 * 0.5
    ):  # roughly: rebuild when a smaller city is loaded
        t = time.perf_counter()
        build_demo_city(city_key="jiangmen", scale=demo_scale, seed=1, today=timezone.localdate(), reset=True)
        print(f"demo city jiangmen at {demo_scale} built in {time.perf_counter() - t:.1f} s", flush=True)

    def url(name: str) -> str:
        return name if name.startswith("/") else reverse(name)

    sessions = []
    district = Division.objects.filter(code__startswith="4407", level=3).order_by("code").first()
    for username, role, division in [
        ("load_city", "city_admin", "4407"),
        ("load_district", "district_officer", district.code if district else "4407"),
    ]:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "division_id": division}
        )
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="load", defaults={"confirmed": True})
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        pages, apis = [], []
        for name in STAFF_PAGES + STAFF_APIS:
            target = url(name)
            status = client.get(target).status_code
            if status == 200:
                (apis if target.startswith("/api/") else pages).append(target)
            else:
                print(f"load: {role} gets {status} from {target}; left out of the mix", flush=True)
        sessions.append(
            {"cookie": client.cookies[settings.SESSION_COOKIE_NAME].value, "pages": pages, "apis": apis}
        )
    anonymous = Client()
    public = [url(n) for n in PUBLIC if anonymous.get(url(n)).status_code == 200]
    elder = Elder.objects.order_by("id").first()
    run_id = str(int(time.time()))
    devices = [
        device_register(elder=elder, kind="call_button", serial=f"LOAD-{run_id}-{n}", actor=None)
        for n in range(50)
    ]
    data = {
        "sessions": sessions,
        "public": public,
        "devices": [{"token": d.token, "secret": d.secret} for d in devices],
    }
    out.write_text(json.dumps(data))
    return data


def _stats(prefix: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"]


def _one_rate(
    port: int, fixtures_path: Path, rate: int, seconds: float, server_pid: int, tmp: Path
) -> dict[str, Any]:
    users = max(1, round(rate / USER_RPS))
    prefix = tmp / f"rate{rate}"
    locust = str(Path(sys.executable).parent / "locust")
    env = {**os.environ, "LOAD_FIXTURES": str(fixtures_path), "LOAD_USER_RPS": str(USER_RPS)}
    cpu0, t0 = _cpu_seconds(server_pid), time.monotonic()
    proc = subprocess.Popen(  # noqa: S603 - our own tool, loopback only
        [
            locust,
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 2)),
            "--run-time",
            f"{int(seconds)}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "5",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    locust_cpu = 0.0
    while proc.poll() is None:
        try:
            locust_cpu = _cpu_seconds(proc.pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.5)
    err = proc.stderr.read() if proc.stderr else ""
    wall = time.monotonic() - t0
    server_cpu = (_cpu_seconds(server_pid) - cpu0) / wall
    total, per_name = _stats(prefix)
    failures_csv = prefix.parent / f"{prefix.name}_failures.csv"
    failures = []
    if failures_csv.exists():
        with failures_csv.open() as handle:
            failures = sorted(csv.DictReader(handle), key=lambda r: -int(r["Occurrences"]))[:5]
    slowest = max(per_name, key=lambda r: float(r["95%"] or 0), default=None)
    health = next((r for r in per_name if r["Name"].endswith("/healthz")), None)
    return {
        "rate_offered": rate,
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "throughput_rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "healthz_p99_ms": float(health["99%"]) if health else None,
        "slowest_p95": {"name": slowest["Name"], "p95_ms": float(slowest["95%"])} if slowest else None,
        "server_cpu_cores": round(server_cpu, 2),
        "locust_cpu_cores": round(locust_cpu / wall, 2),
        "load_average": os.getloadavg()[0],
        "failures": [f"{f['Occurrences']}× {f['Method']} {f['Name']}: {f['Error'][:160]}" for f in failures],
        "locust_stderr_tail": err[-500:],
    }


def measure(
    scale: float = 1.0, rates: tuple[int, ...] = (100, 500), seconds: float | None = None
) -> dict[str, Any]:
    seconds = seconds or (30.0 if scale >= 1 else 10.0)
    tmp = Path(tempfile.mkdtemp(prefix="eldercare-load-"))
    try:
        fixtures_path = tmp / "fixtures.json"
        fixtures(scale, fixtures_path)
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
            "TESTING": "true",  # development keys
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "EMERGENCY_PUSH_INLINE": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # a pool per process: without one every ASGI request connects anew, and with persistent
            # connections 100+ concurrent requests exhaust max_connections (100)
            "DATABASE_POOL": os.environ.get("LOAD_DATABASE_POOL", "8"),
            "DJANGO_SETTINGS_MODULE": "eldercare.settings",
        }
        if (
            shutil.which("redis-cli")
            and subprocess.run(["redis-cli", "ping"], capture_output=True, check=False).returncode == 0  # noqa: S607
        ):
            env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
        uvicorn = str(Path(sys.executable).parent / "uvicorn")
        RESULTS.mkdir(parents=True, exist_ok=True)
        log = (RESULTS / "load_server.log").open("w")
        server = subprocess.Popen(  # noqa: S603 - our own server, loopback only
            [
                uvicorn,
                "eldercare.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(PROCESSES),
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
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            per_rate = [_one_rate(port, fixtures_path, rate, seconds, server.pid, tmp) for rate in rates]
        finally:
            stop_server(server)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = {
        "server": f"uvicorn ({PROCESSES} processes, psycopg pool) + PostgreSQL",
        "cores": os.cpu_count(),
        "rates": per_rate,
    }
    for r in per_rate:
        print(
            f"load {r['rate_offered']:>4} rps offered: {r['throughput_rps']:>6} rps achieved, "
            f"{r['requests']} requests, "
            f"{r['errors']} errors, p50/p95/p99 {r['p50_ms']}/{r['p95_ms']}/{r['p99_ms']} ms; "
            f"server CPU {r['server_cpu_cores']} cores, locust {r['locust_cpu_cores']} cores; "
            f"slowest p95: {r['slowest_p95']}"
        )
        for f in r["failures"]:
            print(f"    {f}")
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def bottleneck(r: dict[str, Any]) -> str:
    if r["server_cpu_cores"] >= 0.85 * PROCESSES:
        return f"server CPU-bound: {PROCESSES} processes at {r['server_cpu_cores']} cores"
    if r["locust_cpu_cores"] >= 0.85:
        return f"the load generator at {r['locust_cpu_cores']} cores on the same 2-core machine"
    slow = r["slowest_p95"] or {}
    return f"slowest: {slow.get('name')} p95 {slow.get('p95_ms')} ms; machine load {r['load_average']:.1f}"


def run(scale: float = 1.0) -> list[Row]:
    """100 and 500 rps offered; goal: p99 < 200 ms and no errors at 500 rps (issue 16)."""
    try:
        import locust  # noqa: F401
    except ImportError:
        return [
            Row("load test: skipped (pip install -e '.[load]' installs locust)", None, None, "", "", None)
        ]
    report = measure(scale)
    rows = []
    for r in report["rates"]:
        rate = r["rate_offered"]
        extra = {
            k: r[k]
            for k in (
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "errors",
                "requests",
                "server_cpu_cores",
                "locust_cpu_cores",
                "slowest_p95",
            )
        }
        rows.append(
            Row(
                f"load {rate} rps offered: throughput",
                r["throughput_rps"],
                float(rate),
                "rps",
                "= offered",
                r["throughput_rps"] >= 0.95 * rate,
                note=bottleneck(r),
                extra=extra,
            )
        )
        rows.append(
            Row(
                f"load {rate} rps: p99 (p50 {r['p50_ms']:.0f}, p95 {r['p95_ms']:.0f}), {r['errors']} errors",
                r["p99_ms"],
                r["healthz_p99_ms"],
                "ms",
                "< 200 ms, 0 errors",
                r["p99_ms"] < 200 and r["errors"] == 0,
                note="baseline: /healthz p99 in the same run",
            )
        )
    return rows
