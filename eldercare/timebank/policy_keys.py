"""Policy keys of the time bank (时间银行). Seeded in both city profiles; values are city policy."""

from __future__ import annotations

from eldercare.core.policy import register_policy

register_policy(
    "timebank.units_per_hour",
    title="时间银行 每小时服务计入的时间单位 Units per hour by service type",
    description="Minutes of time units credited for one hour of approved service, by service type; "
    "'default' applies to types not listed. 60 means 1 hour of service = 1 time unit.",
    schema=dict[str, int],
)
register_policy(
    "timebank.min_redeeming_age",
    title="时间银行 兑换年龄 Minimum redeeming age",
    description="Holders redeem units for services from this age (60 by default, 65 in some cities).",
    schema=int,
)
register_policy(
    "timebank.cap_minutes",
    title="时间银行 存储上限 Storage cap (minutes)",
    description="The most units one person's account may hold, in minutes (90,000 = 1,500 hours). Units "
    "earned above the cap go to the community pool as a donation. null: no cap.",
    schema=int | None,
)
register_policy(
    "timebank.expiry_months",
    title="时间银行 有效期 Expiry (months)",
    description="Months after which earned units expire; 0 (the default) means units never expire.",
    schema=int,
)
register_policy(
    "timebank.transfer_relations",
    title="时间银行 可转赠的亲属关系 Relations that may receive transfers",
    description="Relations (verified by a worker) to whom a volunteer may transfer units: direct relatives.",
    schema=list[str],
)
