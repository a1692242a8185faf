"""The portal's part of the demo city: sign-in phones for the demo elder and family accounts, linked to an
elder who can apply for a benefit, and a few bureau notices."""

from __future__ import annotations

from eldercare.accounts.models import User
from eldercare.core.models import Division
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.portal.models import Notice, OfflineAction, PortalIdentity
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

DEMO_PHONES = {"elder": "13900000001", "family": "13900000002"}

NOTICES = [
    (
        "高龄津贴、护理补贴可在网上申请",
        "符合条件的老年人可以在“长者服务”网页上申请补贴，也可以到社区办事处由工作人员帮办代办。",
    ),
    ("冬季防寒防滑提醒", "天气转冷，请老年朋友注意保暖，雨天出门注意防滑。需要上门服务请联系社区。"),
    ("长者食堂新菜单", "本月长者食堂推出少盐少油的新菜单，持老年人优待证就餐享受补贴。"),
]


@demo_reset
def reset_portal(city_code: str) -> None:
    for qs in (
        OfflineAction.objects.filter(division__code__startswith=city_code),
        Notice.objects.filter(division__code__startswith=city_code),
        Notice.objects.filter(division__isnull=True),
    ):
        qs._raw_delete(qs.db)


def _applicable_elders(city_code: str, n: int = 2) -> list[Elder]:
    """Active elders with a benefit to apply for, so the demo's first task can be done."""
    from eldercare.benefits.selectors import basic_service_list

    candidates = Elder.objects.filter(
        residence_division__code__startswith=city_code, status=ElderStatus.ACTIVE
    ).order_by("id")[:400]
    found: list[Elder] = []
    for elder in candidates:
        rows = basic_service_list(elder=elder)
        if any(
            r.state == "eligible" and r.open_application is None and r.programme.grant == "application"
            for r in rows
        ):
            found.append(elder)
            if len(found) == n:
                break
    return found


@demo_step(order=95)
def portal_demo(ctx: DemoContext) -> None:
    from eldercare.portal.services import identity_attach
    from eldercare.timebank.models import ProxyLink
    from eldercare.timebank.services import proxy_link_confirm, proxy_link_revoke

    city = Division.objects.filter(code=ctx.city_code).first()
    for title, body in NOTICES:
        Notice.objects.create(title=title, body=body, division=city)
    elders = _applicable_elders(ctx.city_code)
    # the elder account is the first elder; the family member follows both (a family may follow several)
    plan = (("elder", "self", elders[:1]), ("family", "family", elders))
    for username, kind, followed in plan:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        if not PortalIdentity.objects.filter(user=user).exists():
            identity_attach(user=user, phone=DEMO_PHONES[username], actor=ctx.actor)
        if not followed:
            continue
        for old in ProxyLink.objects.filter(user=user, revoked_at__isnull=True).exclude(elder__in=followed):
            proxy_link_revoke(link=old, actor=ctx.actor)
        for elder in followed:
            proxy_link_confirm(elder=elder, user=user, kind=kind, actor=ctx.actor)
    ctx.notes.append(
        "Portal (/portal/signin/): elder phone {elder}, family phone {family}; in development the sign-in "
        "code is shown on the page (no SMS is sent)".format(**DEMO_PHONES)
    )
