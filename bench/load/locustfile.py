"""The traffic mix of the load test (run by `python -m bench.load`, which starts the server and passes the
fixtures in LOAD_FIXTURES). Weights: staff pages 30 %, staff API reads 35 %, public (portal-like) reads 25 %,
device alarm posts 10 % (staff users 9 : device users 1). Each user is paced by `constant_throughput`,
so users × LOAD_USER_RPS is the offered rate; the runner sets both."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import uuid

from locust import HttpUser, constant_throughput, task

FIX = json.loads(open(os.environ["LOAD_FIXTURES"], encoding="utf-8").read())  # noqa: SIM115
_events = itertools.count()
_run = uuid.uuid4().hex[:6]


class StaffUser(HttpUser):
    """A signed-in member of staff: pages, API reads, and the public pages a portal user reads."""

    weight = 9
    wait_time = constant_throughput(float(os.environ.get("LOAD_USER_RPS", "2")))

    def on_start(self) -> None:
        self.rng = random.Random()
        self.staff = self.rng.choice(FIX["sessions"])  # {"cookie": …, "pages": […], "apis": […]}
        self.client.cookies.set("sessionid", self.staff["cookie"])

    @task(30)
    def staff_page(self) -> None:
        url = self.rng.choice(self.staff["pages"])
        self.client.get(url, name=f"page {url}")

    @task(35)
    def staff_api(self) -> None:
        url = self.rng.choice(self.staff["apis"])
        self.client.get(url, name=f"api {url}")

    @task(25)
    def public_read(self) -> None:
        url = self.rng.choice(FIX["public"])
        self.client.get(url, name=f"public {url}")


class DeviceUser(HttpUser):
    """An alarm device (call button): signed alarm posts, no session."""

    weight = 1
    wait_time = constant_throughput(float(os.environ.get("LOAD_USER_RPS", "2")))

    @task
    def device_alarm(self) -> None:
        device = random.choice(FIX["devices"])
        body = json.dumps({"event_id": f"load-{_run}-{next(_events)}", "kind": "sos"}).encode()
        signature = hmac.new(device["secret"].encode(), body, hashlib.sha256).hexdigest()
        self.client.post(
            "/api/v1/devices/alarms",
            data=body,
            name="device POST /api/v1/devices/alarms",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {device['token']}",
                "X-Signature": signature,
            },
        )
