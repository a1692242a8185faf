"""ASGI entry point: Django for HTTP, Channels for the websockets (the emergency console)."""

import os
from typing import Any

import django
from django.core.handlers.asgi import ASGIHandler, ASGIRequest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eldercare.settings")
django.setup(set_prefix=False)


class EldercareASGIRequest(ASGIRequest):
    """In this project `request.scope` is the caller's data scope (set by the principal middleware), which
    replaces the ASGI scope Django keeps under the same name; the one later read of it, the scheme, is
    kept aside here so `is_secure()` and absolute URLs stay right under ASGI."""

    def __init__(self, scope: dict[str, Any], body_file: Any) -> None:
        self._asgi_scheme = scope.get("scheme")
        super().__init__(scope, body_file)

    def _get_scheme(self) -> str:
        return self._asgi_scheme or "http"


class EldercareASGIHandler(ASGIHandler):
    request_class = EldercareASGIRequest


django_asgi_app = EldercareASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - after django.setup()
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from eldercare.emergency.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
