"""Conflicts of interest between an assessor and an elder (回避): an assessor may not assess a relative.

Today the only evidence is what the assessor declares on the assignment. When the registry's family
contacts (亲属联系人) exist, `relation_conflict` should also look the assessor up there (by resident ID
hash or phone hash) and refuse a match whatever was declared; callers need not change.
"""

from __future__ import annotations

from typing import Any

from eldercare.assessment.choices import Relation


def relation_conflict(*, assessor: Any, elder: Any, declared_relation: str) -> str | None:
    """Why this assessor may not assess this elder, or None when nothing stands in the way."""
    if declared_relation not in Relation.values:
        return f"Unknown relation {declared_relation!r}."
    if declared_relation != Relation.NONE:
        return f"{assessor} declared a relation to the elder ({Relation(declared_relation).label})."
    return None
