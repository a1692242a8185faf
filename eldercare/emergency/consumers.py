"""The console's websocket: pushes alarm changes to signed-in operators, filtered by their data scope."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_otp import DEVICE_ID_SESSION_KEY

from eldercare.accounts.principal import Principal, principal_for_user
from eldercare.emergency.broadcast import GROUP


def _principal_for(user: Any, session: Any) -> Principal | None:
    """The operator behind the socket, or None: needs the console capability and, where the city
    requires it, a session verified with a second factor (as the pages do)."""
    from eldercare.accounts.middleware import two_factor_required

    if user is None or not user.is_authenticated:
        return None
    principal = principal_for_user(user)
    if not principal.can("emergency.handle"):
        return None
    if two_factor_required(user.role) and not (session and session.get(DEVICE_ID_SESSION_KEY)):
        return None
    return principal


class AlarmConsumer(AsyncJsonWebsocketConsumer):
    principal: Principal | None = None

    async def connect(self) -> None:
        self.principal = await database_sync_to_async(_principal_for)(
            self.scope.get("user"), self.scope.get("session")
        )
        if self.principal is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.principal is not None:
            await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "t": content.get("t")})

    async def alarm_update(self, event: dict[str, Any]) -> None:
        alarm = event["alarm"]
        if self.principal is not None and self.principal.scope.covers_division(alarm.get("division", "")):
            await self.send_json({"type": "alarm", "alarm": alarm})
