"""The permission matrix (权限矩阵), written down once as data.

`CAPABILITIES` says which roles hold each capability; `PAGES` and `API_OPERATIONS` say which
capability each page and API operation needs. Views and endpoints look their capability up here (by
URL name or operation id), and the tests enumerate these tables, so the matrix cannot drift from
what the code enforces. Data scope (which rows) is separate: see `eldercare.core.scope`.
"""

from __future__ import annotations

from eldercare.accounts.roles import ALL_ROLES, DIVISION_ROLES, PERSONAL_ROLES, Role

R = Role

CAPABILITIES: dict[str, frozenset[str]] = {
    # signed-in basics
    "home": ALL_ROLES,
    "account.self": ALL_ROLES,
    # reference data
    "divisions.view": frozenset(DIVISION_ROLES),
    # the elder registry
    "elders.view": frozenset(
        {
            R.CITY_ADMIN,
            R.DISTRICT_OFFICER,
            R.STREET_OFFICER,
            R.COMMUNITY_WORKER,
            R.ASSESSOR,
            R.INSPECTOR,
            R.EMERGENCY_OPERATOR,
        }
    ),
    "elders.reveal_personal": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.EMERGENCY_OPERATOR}
    ),
    # supervision of the platform itself
    "audit.view": frozenset({R.CITY_ADMIN, R.INSPECTOR}),
    "policy.view": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSPECTOR}),
    "policy.edit": frozenset({R.CITY_ADMIN}),
    "permissions.view": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSPECTOR}),
    "users.manage": frozenset({R.CITY_ADMIN}),
    "tokens.manage": frozenset({R.CITY_ADMIN}),
    # ability assessment (能力评估)
    "assessments.view": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.ASSESSOR, R.INSPECTOR}
    ),
    "assessments.score": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.ASSESSOR}
    ),
    "assessments.request": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.ASSESSOR}
    ),
    "assessments.schedule": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    "assessments.conduct": frozenset({R.ASSESSOR}),
    "assessments.review": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    "assessments.quality": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSPECTOR}),
    "assessments.certify": frozenset({R.CITY_ADMIN}),
    "assessments.statistics": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.INSPECTOR}),
}

# Pages by URL name. Pages not listed here must be in PUBLIC_PAGES; a test checks every URL.
PAGES: dict[str, str] = {
    "home": "home",
    "accounts:profile": "account.self",
    "accounts:otp_setup": "account.self",
    "accounts:otp_verify": "account.self",
    "accounts:user_list": "users.manage",
    "accounts:token_list": "tokens.manage",
    "accounts:permission_matrix": "permissions.view",
    "core:division_list": "divisions.view",
    "core:division_detail": "divisions.view",
    "core:audit_list": "audit.view",
    "core:policy_list": "policy.view",
    "core:policy_detail": "policy.view",
    "core:policy_edit": "policy.edit",
    "registry:elder_list": "elders.view",
    "registry:elder_detail": "elders.view",
    "registry:elder_reveal": "elders.reveal_personal",
    "assessment:assessment_list": "assessments.view",
    "assessment:assessment_detail": "assessments.view",
    "assessment:assessment_report": "assessments.view",
    "assessment:elder_assessments": "assessments.view",
    "assessment:request_detail": "assessments.view",
    "assessment:reminder_list": "assessments.view",
    "assessment:request_create": "assessments.request",
    "assessment:appeal_create": "assessments.request",
    "assessment:request_schedule": "assessments.schedule",
    "assessment:request_cancel": "assessments.schedule",
    "assessment:assessment_start": "assessments.conduct",
    "assessment:assessment_fill": "assessments.conduct",
    "assessment:assessment_submit": "assessments.conduct",
    "assessment:assessment_review": "assessments.review",
    "assessment:quality": "assessments.quality",
    "assessment:quality_draw": "assessments.schedule",
    "assessment:certification_list": "assessments.certify",
    "assessment:statistics": "assessments.statistics",
}
PUBLIC_PAGES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "healthz",
        "set_language",
        "core:elder_mode",
        "api-1.0.0:openapi-json",
        "api-1.0.0:openapi-view",
        "javascript-catalog",
    }
)

# API operations by operation id (the view function name in each router).
API_OPERATIONS: dict[str, str] = {
    "me": "account.self",
    "division_detail": "divisions.view",
    "division_children_list": "divisions.view",
    "audit_list": "audit.view",
    "policy_list": "policy.view",
    "elder_list": "elders.view",
    "elder_detail": "elders.view",
    "assessment_score": "assessments.score",
    "assessment_list": "assessments.view",
    "assessment_detail": "assessments.view",
    "assessment_create": "assessments.conduct",
    "elder_ability_level": "assessments.view",
}


def roles_with(capability: str) -> frozenset[str]:
    return CAPABILITIES[capability]


def has_capability(role: str | None, capability: str) -> bool:
    return role is not None and role in CAPABILITIES[capability]


def page_capability(url_name: str) -> str:
    return PAGES[url_name]


__all__ = ["API_OPERATIONS", "CAPABILITIES", "PAGES", "PERSONAL_ROLES", "PUBLIC_PAGES", "has_capability"]
