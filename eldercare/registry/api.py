from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.core.pagination import PagePagination
from eldercare.registry import selectors, services
from eldercare.registry.schemas import (
    ElderFilterIn,
    ElderIn,
    ElderOut,
    ElderPatch,
    ImportBatchOut,
    TimelineEntryOut,
)
from eldercare.registry.selectors import ElderFilter, access_elder
from eldercare.registry.services import privacy
from eldercare.registry.timeline import elder_timeline as build_timeline

router = Router(tags=["registry"])


def _division(code: str | None, field: str) -> Division | None:
    if not code:
        return None
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise DomainError("division_unknown", "No division has this code.", {"field": field}, status=422)
    return division


@router.get("/elders", response=list[ElderOut])
@api_operation
@paginate(PagePagination)
def elder_list(request: HttpRequest, filters: Query[ElderFilterIn]) -> Any:
    return selectors.elder_list(scope=request.auth.scope, filters=ElderFilter(**filters.dict()))  # type: ignore[attr-defined]


@router.post("/elders", response={201: ElderOut})
@api_operation
def elder_create(request: HttpRequest, payload: ElderIn) -> Any:
    data = payload.dict()
    division = _division(data.pop("residence_division"), "residence_division")
    if division is None:
        raise DomainError(
            "division_required", "The community is required.", {"field": "residence_division"}, status=422
        )
    hukou = _division(data.pop("hukou_division"), "hukou_division")
    elder = services.elder_create(
        residence_division=division,
        hukou_division=hukou,
        actor=request.auth.user,  # type: ignore[attr-defined]
        scope=request.auth.scope,  # type: ignore[attr-defined]
        **data,
    )
    return 201, access_elder(scope=request.auth.scope, elder_id=elder.pk)  # type: ignore[attr-defined]


@router.get("/elders/{elder_id}", response=ElderOut)
@api_operation
def elder_detail(request: HttpRequest, elder_id: int) -> Any:
    return access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]


@router.patch("/elders/{elder_id}", response=ElderOut)
@api_operation
def elder_update(request: HttpRequest, elder_id: int, payload: ElderPatch) -> Any:
    scope = request.auth.scope  # type: ignore[attr-defined]
    elder = access_elder(scope=scope, elder_id=elder_id)
    changes = payload.dict(exclude_unset=True)
    if "residence_division" in changes:
        changes["residence_division"] = _division(changes["residence_division"], "residence_division")
    if "hukou_division" in changes:
        changes["hukou_division"] = _division(changes["hukou_division"], "hukou_division")
    services.elder_update(elder=elder, actor=request.auth.user, scope=scope, **changes)  # type: ignore[attr-defined]
    return access_elder(scope=scope, elder_id=elder_id)


@router.get("/elders/{elder_id}/timeline", response=list[TimelineEntryOut])
@api_operation
def elder_timeline(request: HttpRequest, elder_id: int) -> Any:
    elder = access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]
    return build_timeline(elder=elder, principal=request.auth)  # type: ignore[attr-defined]


@router.get("/elders/{elder_id}/record-export", response={200: None})
@api_operation
def elder_record_export(request: HttpRequest, elder_id: int, fmt: Literal["json", "xlsx"] = "json") -> Any:
    """One elder's complete record from every module (PIPL access right), as JSON or XLSX; audited."""
    elder = access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]
    export = privacy.elder_export(elder=elder, actor=_actor(request), fmt=fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return response


@router.post("/elders/{elder_id}/erase", response=ElderOut)
@api_operation
def elder_erase(request: HttpRequest, elder_id: int) -> Any:
    """Pseudonymise the personal fields of an elder who died or left, once retention has passed; audited."""
    elder = access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]
    privacy.elder_erase(elder=elder, actor=_actor(request))
    return access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]


def _actor(request: HttpRequest) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    return principal.user or f"token {principal.token_id}"


@router.post("/imports", response=ImportBatchOut)
@api_operation
def import_upload(
    request: HttpRequest,
    source: Form[str],
    file: File[UploadedFile],
    commit: Form[bool] = False,
    atomic: Form[bool] = True,
) -> Any:
    """Upload a department file (CSV or XLSX): a preview with per-row errors; `commit=true` also
    commits it (atomic by default: any bad row and nothing is written)."""
    scope = request.auth.scope  # type: ignore[attr-defined]
    actor = request.auth.user or f"token:{request.auth.token_id}"  # type: ignore[attr-defined]
    batch = services.import_preview(
        source=source, file_name=file.name or "upload.csv", content=file.read(), actor=actor, scope=scope
    )
    if commit:
        batch = services.import_commit(batch=batch, actor=actor, scope=scope, atomic=atomic)
    return batch


@router.get("/imports/{batch_id}", response=ImportBatchOut)
@api_operation
def import_detail(request: HttpRequest, batch_id: int) -> Any:
    return selectors.access_import_batch(scope=request.auth.scope, batch_id=batch_id)  # type: ignore[attr-defined]


@router.post("/imports/{batch_id}/commit", response=ImportBatchOut)
@api_operation
def import_commit_api(request: HttpRequest, batch_id: int, atomic: bool = True) -> Any:
    scope = request.auth.scope  # type: ignore[attr-defined]
    batch = selectors.access_import_batch(scope=scope, batch_id=batch_id)
    actor = request.auth.user or f"token:{request.auth.token_id}"  # type: ignore[attr-defined]
    return services.import_commit(batch=batch, actor=actor, scope=scope, atomic=atomic)
