"""Reads for onboarding: the batches in scope and the checklist of what a city has loaded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from eldercare.core.scope import DataScope
from eldercare.onboarding.kinds import Kind, ordered_kinds
from eldercare.onboarding.models import BatchStatus, OnboardingBatch
from eldercare.registry.models import Elder


def batches(*, scope: DataScope) -> QuerySet[OnboardingBatch]:
    return OnboardingBatch.objects.for_scope(scope).defer("content").order_by("-id")


def access_batch(*, scope: DataScope, batch_id: int) -> OnboardingBatch:
    batch = OnboardingBatch.objects.for_scope(scope).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    loaded: int
    committed_batches: int
    waiting_for: tuple[str, ...]

    @property
    def done(self) -> bool:
        return self.loaded > 0


def checklist(*, scope: DataScope) -> list[ChecklistItem]:
    """One line per template (plus the elder registry, loaded by the department imports): how many rows
    the city has, how many batches were committed, and which prerequisite is still empty."""
    committed: dict[str, int] = {}
    for kind_key in batches(scope=scope).filter(status=BatchStatus.COMMITTED).values_list("kind", flat=True):
        committed[kind_key] = committed.get(kind_key, 0) + 1
    kinds: list[Kind] = list(ordered_kinds())
    loaded = {k.key: k.loaded(scope) for k in kinds}
    loaded["elders"] = Elder.objects.for_scope(scope).count()
    items = [
        ChecklistItem(
            key="elders",
            title="老年人基础信息（部门数据导入）",
            loaded=loaded["elders"],
            committed_batches=0,
            waiting_for=(),
        )
    ]
    for kind in kinds:
        items.append(
            ChecklistItem(
                key=kind.key,
                title=kind.title,
                loaded=loaded[kind.key],
                committed_batches=committed.get(kind.key, 0),
                waiting_for=tuple(d for d in kind.depends_on if not loaded.get(d)),
            )
        )
    return items
