"""Who pays for an order: the subsidy share and the elder's share.

`subsidy_share(order)` is the one place the home-care module asks "how much of this order does public money
pay, from which source, and why". Today it reads the home-care policy `homecare.funding` (per service type and
elder group / economic status; 特困 and 低保 fully funded in both seeded profiles) and, for meals,
`homecare.meal_subsidy` (the 12-yuan split of domain.md §2). When the benefits module (vouchers 服务券,
meal credits 助餐额度) is merged, the lead points this function at the elder's entitlements there; callers and
stored orders do not change (they keep `funding_source` and the policy version the decision used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from eldercare.core.selectors import policy_value
from eldercare.homecare import rules

if TYPE_CHECKING:
    from eldercare.homecare.models import ServiceOrder
    from eldercare.registry.models import Elder

FUNDING_KEY = "homecare.funding"
MEAL_KEY = "homecare.meal_subsidy"


def elder_facts(elder: Elder, *, on: object = None) -> rules.ElderFacts:
    """Plain facts about an elder for the funding rules (one query for the group memberships)."""
    from eldercare.registry.models import ElderGroupMembership

    day = on or timezone.localdate()
    groups = frozenset(ElderGroupMembership.objects.filter(elder=elder).values_list("group", flat=True))
    return rules.ElderFacts(
        age=rules.age_on(elder.birth_date, day),  # type: ignore[arg-type]
        economic_status=elder.economic_status,
        groups=groups,
    )


def subsidy_share(order: ServiceOrder) -> tuple[int, str, list[str]]:
    """(subsidy in fen, source, reasons) for an order whose elder, service type and price are set.

    The source names the policy and its version (e.g. ``"policy:homecare.funding#12"``), so a decision can be
    replayed. Meals use the meal split; other services the funding rules.
    """
    day = timezone.localtime(order.scheduled_at).date() if order.scheduled_at else timezone.localdate()
    facts = elder_facts(order.elder, on=day)
    if order.service_type == "meal":
        meal = policy_value(MEAL_KEY, on=day)
        split = rules.meal_split(price_fen=order.price_fen, facts=facts, policy=meal.value)
        order.policy_version_id = meal.version_id
        return split.subsidy_fen, f"policy:{MEAL_KEY}#{meal.version_id}", list(split.reasons)
    funding = policy_value(FUNDING_KEY, on=day)
    decision = rules.order_funding(
        price_fen=order.price_fen, service_type=order.service_type, facts=facts, policy=funding.value
    )
    order.policy_version_id = funding.version_id
    return decision.subsidy_fen, f"policy:{FUNDING_KEY}#{funding.version_id}", list(decision.reasons)
