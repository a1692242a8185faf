from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.pagination import PagePagination
from eldercare.registry.schemas import ElderFilterIn, ElderOut
from eldercare.registry.selectors import ElderFilter, access_elder
from eldercare.registry.selectors import elder_list as select_elders

router = Router(tags=["registry"])


@router.get("/elders", response=list[ElderOut])
@api_operation
@paginate(PagePagination)
def elder_list(request: HttpRequest, filters: Query[ElderFilterIn]) -> Any:
    return select_elders(scope=request.auth.scope, filters=ElderFilter(**filters.dict()))  # type: ignore[attr-defined]


@router.get("/elders/{elder_id}", response=ElderOut)
@api_operation
def elder_detail(request: HttpRequest, elder_id: int) -> Any:
    return access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]
