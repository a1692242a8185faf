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
    "elders.edit": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER}),
    "elders.export": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER}),
    "elders.import": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER}),
    "elders.review": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER}),
    "elders.merge": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    # supervision of the platform itself
    "audit.view": frozenset({R.CITY_ADMIN, R.INSPECTOR}),
    "policy.view": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSPECTOR}),
    "policy.edit": frozenset({R.CITY_ADMIN}),
    "permissions.view": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSPECTOR}),
    "users.manage": frozenset({R.CITY_ADMIN}),
    "tokens.manage": frozenset({R.CITY_ADMIN}),
    # the emergency centre (平安通)
    "emergency.view": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.INSPECTOR, R.EMERGENCY_OPERATOR}
    ),
    "emergency.handle": frozenset({R.EMERGENCY_OPERATOR}),
    "emergency.manage": frozenset({R.CITY_ADMIN, R.EMERGENCY_OPERATOR}),
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
    # benefits and subsidies (补贴)
    "benefits.view": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.INSPECTOR}
    ),
    "benefits.apply": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER}),
    "benefits.review": frozenset({R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER}),
    "benefits.settle": frozenset({R.CITY_ADMIN}),
    "benefits.funds": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSPECTOR}),
    "benefits.budget": frozenset({R.CITY_ADMIN}),
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
    "core:division_geojson": "divisions.view",
    "core:audit_list": "audit.view",
    "core:policy_list": "policy.view",
    "core:policy_detail": "policy.view",
    "core:policy_edit": "policy.edit",
    "registry:elder_list": "elders.view",
    "registry:elder_detail": "elders.view",
    "registry:elder_reveal": "elders.reveal_personal",
    "registry:elder_create": "elders.edit",
    "registry:elder_edit": "elders.edit",
    "registry:elder_export": "elders.export",
    "registry:contact_add": "elders.edit",
    "registry:consent_add": "elders.edit",
    "registry:groups_edit": "elders.edit",
    "registry:life_event_add": "elders.edit",
    "registry:import_list": "elders.import",
    "registry:import_detail": "elders.import",
    "registry:import_commit": "elders.import",
    "registry:import_report": "elders.import",
    "registry:review_list": "elders.review",
    "registry:review_resolve": "elders.review",
    "registry:duplicate_list": "elders.merge",
    "registry:duplicate_merge": "elders.merge",
    "registry:duplicate_dismiss": "elders.merge",
    "registry:overpayment_list": "elders.review",
    "emergency:console": "emergency.handle",
    "emergency:console_open": "emergency.handle",
    "emergency:alarm_list": "emergency.view",
    "emergency:alarm_detail": "emergency.view",
    "emergency:alarm_take": "emergency.handle",
    "emergency:alarm_call": "emergency.handle",
    "emergency:alarm_dispatch": "emergency.handle",
    "emergency:alarm_close": "emergency.handle",
    "emergency:alarm_reveal": "emergency.handle",
    "emergency:device_list": "emergency.view",
    "emergency:device_create": "emergency.manage",
    "emergency:stats": "emergency.view",
    "emergency:shift_list": "emergency.view",
    "emergency:shift_create": "emergency.manage",
    "emergency:drill_list": "emergency.view",
    "emergency:drill_create": "emergency.manage",
    "emergency:resource_list": "emergency.view",
    "emergency:resource_create": "emergency.manage",
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
    "benefits:elder_services": "benefits.view",
    "benefits:application_create": "benefits.apply",
    "benefits:application_list": "benefits.view",
    "benefits:application_detail": "benefits.view",
    "benefits:application_decide": "benefits.review",
    "benefits:document_add": "benefits.apply",
    "benefits:objection_add": "benefits.apply",
    "benefits:objection_resolve": "benefits.review",
    "benefits:settlement_list": "benefits.settle",
    "benefits:settlement_run": "benefits.settle",
    "benefits:settlement_detail": "benefits.settle",
    "benefits:settlement_lock": "benefits.settle",
    "benefits:settlement_export": "benefits.settle",
    "benefits:suspension_decide": "benefits.settle",
    "benefits:batch_download": "benefits.settle",
    "benefits:batch_return": "benefits.settle",
    "benefits:funds": "benefits.funds",
    "benefits:budget_set": "benefits.budget",
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
        "benefits:public_list",
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
    "elder_create": "elders.edit",
    "elder_update": "elders.edit",
    "elder_timeline": "elders.view",
    "import_upload": "elders.import",
    "import_detail": "elders.import",
    "import_commit_api": "elders.import",
    "emergency_alarm_list": "emergency.view",
    "emergency_alarm_detail": "emergency.view",
    "emergency_alarm_take": "emergency.handle",
    "emergency_alarm_dispatch": "emergency.handle",
    "emergency_alarm_close": "emergency.handle",
    "emergency_device_list": "emergency.view",
    "assessment_score": "assessments.score",
    "assessment_list": "assessments.view",
    "assessment_detail": "assessments.view",
    "assessment_create": "assessments.conduct",
    "elder_ability_level": "assessments.view",
    "benefit_programme_list": "benefits.view",
    "elder_benefits": "benefits.view",
    "benefit_application_list": "benefits.view",
    "benefit_application_detail": "benefits.view",
    "benefit_application_create": "benefits.apply",
    "benefit_application_decide": "benefits.review",
    "benefit_settlement_list": "benefits.settle",
    "benefit_settlement_run": "benefits.settle",
    "benefit_settlement_lines": "benefits.settle",
    "benefit_funds": "benefits.funds",
}
# Operations called by devices and gateways: authenticated by the device's own token and signed body,
# not by a role (eldercare.emergency.device_auth).
DEVICE_OPERATIONS = frozenset({"device_alarm_post", "device_heartbeat_post"})


def roles_with(capability: str) -> frozenset[str]:
    return CAPABILITIES[capability]


def has_capability(role: str | None, capability: str) -> bool:
    return role is not None and role in CAPABILITIES[capability]


def page_capability(url_name: str) -> str:
    return PAGES[url_name]


__all__ = [
    "API_OPERATIONS",
    "CAPABILITIES",
    "DEVICE_OPERATIONS",
    "PAGES",
    "PERSONAL_ROLES",
    "PUBLIC_PAGES",
    "has_capability",
]
