"""Operations pages: /metrics, /readyz, the task-queue admin page with retry, and the manuals under /docs/."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.operations import failed_tasks, metrics_text, readiness, task_queues, task_retry


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. With METRICS_TOKEN set, scrapers send `Authorization: Bearer <token>`."""
    token = settings.METRICS_TOKEN
    if token and request.headers.get("Authorization", "") != f"Bearer {token}":
        return HttpResponse("unauthorised\n", status=401, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")


def readyz(request: HttpRequest) -> JsonResponse:
    """For orchestrators: 200 when every database and the cache answer, 503 (with which one) otherwise."""
    checks = readiness()
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


@require_page("core:task_list")
def task_list(request: ScopedRequest) -> HttpResponse:
    return render(request, "core/task_list.html", {"queues": task_queues(), "failed": failed_tasks()})


@require_POST
@require_page("core:task_retry")
def task_retry_view(request: ScopedRequest, task_id: str) -> HttpResponse:
    try:
        task_retry(task_id=task_id, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The task is queued again."))
    return redirect("core:task_list")


def manual(request: HttpRequest, path: str = "") -> FileResponse:
    """The built manuals (`make manuals`): static HTML and PDF under MANUALS_ROOT."""
    root = Path(settings.MANUALS_ROOT).resolve()
    target = (root / (path or "index.html")).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404("No such manual page; build the manuals with `make manuals`.")
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target.open("rb"), content_type=content_type)
