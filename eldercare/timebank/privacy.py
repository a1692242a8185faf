"""The time bank's part of one elder's complete record (PIPL export): see `registry/privacy.py`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from eldercare.registry.privacy import model_rows, privacy_source, rows_by_elder


@privacy_source
def timebank_sections(elder: Any) -> dict[str, list[dict[str, Any]]]:
    from eldercare.timebank.models import Account, ProxyLink, ServiceRequest, Transaction, VolunteerRelative

    sections = rows_by_elder(elder, Account, ServiceRequest, VolunteerRelative, ProxyLink)
    sections[Transaction._meta.label] = model_rows(
        Transaction.objects.filter(Q(proxy_for=elder) | Q(service_request__elder=elder)).order_by("pk")
    )
    return sections
