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
    # the time bank (时间银行)
    "timebank.view": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.INSPECTOR}
    ),
    "timebank.coordinate": frozenset({R.STREET_OFFICER, R.COMMUNITY_WORKER}),
    "timebank.fund": frozenset({R.CITY_ADMIN}),
    "timebank.export": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSPECTOR}),
    "timebank.volunteer": frozenset({R.VOLUNTEER}),
    "timebank.portal": frozenset({R.ELDER, R.FAMILY}),
    # plan monitoring (规划指标与驾驶舱)
    "planning.view": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.INSPECTOR}),
    "planning.enter": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER}),
    "planning.manage": frozenset({R.CITY_ADMIN}),
    "planning.exchange": frozenset({R.CITY_ADMIN}),
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
    "timebank:overview": "timebank.view",
    "timebank:volunteer_list": "timebank.view",
    "timebank:volunteer_register": "timebank.coordinate",
    "timebank:volunteer_detail": "timebank.view",
    "timebank:volunteer_card": "timebank.view",
    "timebank:relative_add": "timebank.coordinate",
    "timebank:proxy_add": "timebank.coordinate",
    "timebank:team_list": "timebank.view",
    "timebank:team_create": "timebank.coordinate",
    "timebank:account_detail": "timebank.view",
    "timebank:request_list": "timebank.view",
    "timebank:request_create": "timebank.coordinate",
    "timebank:request_detail": "timebank.view",
    "timebank:request_action": "timebank.coordinate",
    "timebank:ledger_check": "timebank.view",
    "timebank:export": "timebank.export",
    "timebank:recognition": "timebank.view",
    "timebank:guarantee": "timebank.fund",
    "timebank:reverse": "timebank.fund",
    "timebank:my": "timebank.volunteer",
    "timebank:my_card": "timebank.volunteer",
    "timebank:my_action": "timebank.volunteer",
    "timebank:my_transfer": "timebank.volunteer",
    "timebank:my_donate": "timebank.volunteer",
    "timebank:portal": "timebank.portal",
    "timebank:portal_confirm": "timebank.portal",
    "planning:dashboard_home": "planning.view",
    "planning:dashboard": "planning.view",
    "planning:refresh": "planning.manage",
    "planning:indicator_detail": "planning.view",
    "planning:manual_entry_create": "planning.enter",
    "planning:manual_evidence": "planning.view",
    "planning:project_list": "planning.view",
    "planning:project_detail": "planning.view",
    "planning:project_update": "planning.enter",
    "planning:funding_list": "planning.view",
    "planning:funding_create": "planning.manage",
    "planning:report_list": "planning.view",
    "planning:report_create": "planning.view",
    "planning:report_status": "planning.view",
    "planning:report_download": "planning.view",
    "planning:exchange": "planning.exchange",
    "planning:exchange_send": "planning.exchange",
    "planning:exchange_download": "planning.exchange",
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
        "timebank:public_totals",
        "planning:open_data",
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
    "timebank_me": "timebank.volunteer",
    "timebank_statement": "timebank.volunteer",
    "timebank_request_list": "timebank.volunteer",
    "timebank_request_take": "timebank.volunteer",
    "timebank_request_check_in": "timebank.volunteer",
    "timebank_request_check_out": "timebank.volunteer",
    "planning_indicator_values": "planning.view",
    "planning_indicator_series": "planning.view",
    "planning_key_counts": "planning.view",
    "planning_report_download": "planning.view",
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
