"""Device authentication for the intake API: a per-device bearer token plus an HMAC of the raw body.

`Authorization: Bearer dv_…` names the device (only the token's hash is stored); `X-Signature: <hex
HMAC-SHA256(secret, body)>` proves the body came from the holder of the device's secret and was not
altered on the way (gateways that terminate TLS cannot forge it).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from eldercare.emergency import rules
from eldercare.emergency.models import Device
from eldercare.emergency.selectors import device_by_token

SIGNATURE_HEADER = "X-Signature"


class DeviceAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        if not token.startswith("dv_"):
            return None
        device = device_by_token(token)
        if device is None:
            return None
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not rules.signature_valid(device.secret, request.body, signature):
            return None
        return device
