"""Conflicts of interest between an assessor and an elder (回避): an assessor may not assess a relative.

Two kinds of evidence: what the assessor declares on the assignment, and the elder's family contacts in
the registry (亲属联系人) — a relative registered under the assessor's name is a conflict whatever was
declared. Staff accounts carry no ID number, so the registry match is by name; a false match costs only a
reassignment, a missed one is what the rule exists to prevent.
"""

from __future__ import annotations

from typing import Any

from eldercare.assessment.choices import Relation
from eldercare.registry.choices import ContactRelation
from eldercare.registry.models import ElderContact

FAMILY_RELATIONS = frozenset(ContactRelation.values) - {ContactRelation.NEIGHBOUR, ContactRelation.OTHER}


def relation_conflict(*, assessor: Any, elder: Any, declared_relation: str) -> str | None:
    """Why this assessor may not assess this elder, or None when nothing stands in the way."""
    if declared_relation not in Relation.values:
        return f"Unknown relation {declared_relation!r}."
    if declared_relation != Relation.NONE:
        return f"{assessor} declared a relation to the elder ({Relation(declared_relation).label})."
    names = {n for n in (getattr(assessor, "display_name", ""), assessor.get_full_name()) if n}
    relative = (
        ElderContact.objects.filter(elder=elder, relation__in=FAMILY_RELATIONS, name__in=names)
        .defer("phone")
        .first()
        if names
        else None
    )
    if relative is not None:
        return f"{assessor} is registered as the elder's {relative.get_relation_display()} in the registry."
    return None
