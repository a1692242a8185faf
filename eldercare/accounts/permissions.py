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
    # institutions, facilities and beds (养老机构与床位)
    "facilities.view": frozenset(
        {
            R.CITY_ADMIN,
            R.DISTRICT_OFFICER,
            R.STREET_OFFICER,
            R.COMMUNITY_WORKER,
            R.INSPECTOR,
            R.INSTITUTION_OPERATOR,
        }
    ),
    "facilities.register": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSTITUTION_OPERATOR}),
    "facilities.operate": frozenset({R.INSTITUTION_OPERATOR}),
    "facilities.file_review": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    "facilities.rate": frozenset({R.CITY_ADMIN, R.INSPECTOR}),
    "facilities.statistics": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.INSPECTOR}),
    "waitlist.view": frozenset(
        {
            R.CITY_ADMIN,
            R.DISTRICT_OFFICER,
            R.STREET_OFFICER,
            R.COMMUNITY_WORKER,
            R.INSPECTOR,
            R.INSTITUTION_OPERATOR,
        }
    ),
    "waitlist.apply": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER}),
    "waitlist.manage": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.INSTITUTION_OPERATOR}
    ),
    # home and community services (居家和社区养老服务)
    "homecare.view": frozenset(
        {
            R.CITY_ADMIN,
            R.DISTRICT_OFFICER,
            R.STREET_OFFICER,
            R.COMMUNITY_WORKER,
            R.INSPECTOR,
            R.PROVIDER_MANAGER,
            R.EMERGENCY_OPERATOR,
        }
    ),
    "homecare.order": frozenset(
        {R.STREET_OFFICER, R.COMMUNITY_WORKER, R.PROVIDER_MANAGER, R.EMERGENCY_OPERATOR}
    ),
    "homecare.dispatch": frozenset({R.PROVIDER_MANAGER}),
    "homecare.review": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER}),
    "homecare.settle": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    "homecare.work": frozenset({R.PROVIDER_WORKER}),
    "homecare.portal": frozenset({R.ELDER, R.FAMILY}),
    "homecare.canteen": frozenset({R.PROVIDER_MANAGER, R.PROVIDER_WORKER, R.COMMUNITY_WORKER}),
    "homecare.inspect": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.INSPECTOR}),
    "homecare.programmes": frozenset(
        {R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.PROVIDER_MANAGER}
    ),
    "homecare.manage": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    # the workforce registry (养老服务从业人员)
    "workforce.view": frozenset(
        {
            R.CITY_ADMIN,
            R.DISTRICT_OFFICER,
            R.STREET_OFFICER,
            R.INSPECTOR,
            R.INSTITUTION_OPERATOR,
            R.PROVIDER_MANAGER,
        }
    ),
    "workforce.staff": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.INSTITUTION_OPERATOR, R.PROVIDER_MANAGER}
    ),
    "workforce.credit": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    "workforce.training": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    "workforce.statistics": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.INSPECTOR}),
    # supervision (双随机、一公开, 投诉举报)
    "supervision.view": frozenset(
        {
            R.CITY_ADMIN,
            R.DISTRICT_OFFICER,
            R.STREET_OFFICER,
            R.INSPECTOR,
            R.INSTITUTION_OPERATOR,
            R.PROVIDER_MANAGER,
        }
    ),
    "supervision.campaigns": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
    "supervision.inspect": frozenset({R.INSPECTOR}),
    "supervision.ranking": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.INSPECTOR}),
    "supervision.complaints": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER}),
    "supervision.intake": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.EMERGENCY_OPERATOR}
    ),
    "supervision.portal": frozenset({R.ELDER, R.FAMILY}),
    # visits to elders in special difficulty (探访关爱): visitors record, officers follow up and watch rates
    "visits.do": frozenset({R.STREET_OFFICER, R.COMMUNITY_WORKER, R.VOLUNTEER}),
    "visits.record_view": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.INSPECTOR, R.VOLUNTEER}
    ),
    "visits.view": frozenset(
        {R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER, R.INSPECTOR}
    ),
    "visits.manage": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER, R.STREET_OFFICER, R.COMMUNITY_WORKER}),
    "visits.plan": frozenset({R.CITY_ADMIN, R.DISTRICT_OFFICER}),
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
    "facilities:facility_list": "facilities.view",
    "facilities:facility_detail": "facilities.view",
    "facilities:facility_create": "facilities.register",
    "facilities:facility_listing": "facilities.operate",
    "facilities:filing_create": "facilities.operate",
    "facilities:filing_list": "facilities.file_review",
    "facilities:filing_decide": "facilities.file_review",
    "facilities:licence_list": "facilities.view",
    "facilities:licence_add": "facilities.operate",
    "facilities:bed_list": "facilities.view",
    "facilities:bed_add": "facilities.operate",
    "facilities:bed_state": "facilities.operate",
    "facilities:resident_admit": "facilities.operate",
    "facilities:resident_discharge": "facilities.operate",
    "facilities:report_submit": "facilities.operate",
    "facilities:incident_list": "facilities.view",
    "facilities:incident_add": "facilities.operate",
    "facilities:risk_assessment_add": "facilities.operate",
    "facilities:rating_list": "facilities.view",
    "facilities:rating_self": "facilities.operate",
    "facilities:rating_review": "facilities.rate",
    "facilities:rating_publish": "facilities.rate",
    "facilities:statistics": "facilities.statistics",
    "facilities:waitlist": "waitlist.view",
    "facilities:application_create": "waitlist.apply",
    "facilities:application_detail": "waitlist.view",
    "facilities:application_withdraw": "waitlist.manage",
    "facilities:offer_respond": "waitlist.manage",
    "homecare:overview": "homecare.view",
    "homecare:indicators": "homecare.view",
    "homecare:order_list": "homecare.view",
    "homecare:order_create": "homecare.order",
    "homecare:order_detail": "homecare.view",
    "homecare:order_action": "homecare.view",
    "homecare:provider_list": "homecare.view",
    "homecare:provider_create": "homecare.manage",
    "homecare:provider_detail": "homecare.view",
    "homecare:statement": "homecare.view",
    "homecare:settlement_list": "homecare.view",
    "homecare:settlement_detail": "homecare.view",
    "homecare:settlement_run": "homecare.settle",
    "homecare:callback_list": "homecare.review",
    "homecare:callback_record": "homecare.review",
    "homecare:worker": "homecare.work",
    "homecare:worker_order": "homecare.work",
    "homecare:worker_action": "homecare.work",
    "homecare:portal": "homecare.portal",
    "homecare:portal_confirm": "homecare.portal",
    "homecare:canteen_list": "homecare.view",
    "homecare:canteen_detail": "homecare.view",
    "homecare:canteen_counter": "homecare.canteen",
    "homecare:inspection_add": "homecare.inspect",
    "homecare:bed_list": "homecare.view",
    "homecare:bed_detail": "homecare.view",
    "homecare:bed_action": "homecare.programmes",
    "homecare:adaptation_list": "homecare.view",
    "homecare:adaptation_create": "homecare.programmes",
    "homecare:adaptation_detail": "homecare.view",
    "homecare:adaptation_action": "homecare.programmes",
    "workforce:worker_list": "workforce.view",
    "workforce:worker_detail": "workforce.view",
    "workforce:hire": "workforce.staff",
    "workforce:worker_staff_action": "workforce.staff",
    "workforce:worker_credit_action": "workforce.credit",
    "workforce:listing_list": "workforce.credit",
    "workforce:listing_action": "workforce.credit",
    "workforce:training": "workforce.view",
    "workforce:provider_create": "workforce.training",
    "workforce:course_create": "workforce.training",
    "workforce:ratios": "workforce.statistics",
    "supervision:campaign_list": "supervision.ranking",
    "supervision:campaign_create": "supervision.campaigns",
    "supervision:campaign_detail": "supervision.ranking",
    "supervision:campaign_action": "supervision.campaigns",
    "supervision:inspection_list": "supervision.view",
    "supervision:inspection_create": "supervision.inspect",
    "supervision:inspection_detail": "supervision.view",
    "supervision:inspection_record": "supervision.inspect",
    "supervision:finding_photo": "supervision.inspect",
    "supervision:finding_photo_view": "supervision.view",
    "supervision:rectification_list": "supervision.view",
    "supervision:reinspection_plan": "supervision.inspect",
    "supervision:conflicts": "supervision.inspect",
    "supervision:complaint_list": "supervision.complaints",
    "supervision:complaint_detail": "supervision.complaints",
    "supervision:complaint_action": "supervision.complaints",
    "supervision:complaint_intake": "supervision.intake",
    "supervision:complaint_portal": "supervision.portal",
    "supervision:credit_ranking": "supervision.ranking",
    "visits:overview": "visits.view",
    "visits:plan_generate": "visits.plan",
    "visits:my_visits": "visits.do",
    "visits:task_list": "visits.view",
    "visits:record_create": "visits.do",
    "visits:task_reveal": "visits.do",
    "visits:record_create_for_elder": "visits.do",
    "visits:record_list": "visits.view",
    "visits:record_detail": "visits.record_view",
    "visits:record_edit": "visits.do",
    "visits:conflict_detail": "visits.do",
    "visits:photo": "visits.record_view",
    "visits:target_list": "visits.view",
    "visits:target_detail": "visits.view",
    "visits:tier_override": "visits.manage",
    "visits:followup_list": "visits.record_view",
    "visits:followup_detail": "visits.record_view",
    "visits:followup_update": "visits.manage",
    "visits:workload": "visits.view",
    "visits:visitor_list": "visits.manage",
    "visits:notification_list": "visits.view",
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
        "facilities:public_list",
        "facilities:public_map",
        "facilities:public_geojson",
        "supervision:public_index",
        "supervision:public_campaign",
        "supervision:public_campaign_json",
        "supervision:complaint_public",
        "supervision:complaint_follow",
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
    "facility_list": "facilities.view",
    "facility_bed_list": "facilities.view",
    "facility_bed_update": "facilities.operate",
    "facility_resident_list": "facilities.view",
    "facility_resident_admit": "facilities.operate",
    "facility_resident_discharge": "facilities.operate",
    "facility_incident_list": "facilities.view",
    "facility_incident_create": "facilities.operate",
    "facility_bed_statistics": "facilities.statistics",
    "waitlist_application_position": "waitlist.view",
    "homecare_order_list": "homecare.view",
    "homecare_order_detail": "homecare.view",
    "homecare_order_create": "homecare.order",
    "homecare_statement": "homecare.view",
    "homecare_indicators": "homecare.view",
    "homecare_worker_orders": "homecare.work",
    "homecare_worker_depart": "homecare.work",
    "homecare_worker_check_in": "homecare.work",
    "homecare_worker_check_out": "homecare.work",
    "homecare_worker_confirm": "homecare.work",
    "homecare_portal_orders": "homecare.portal",
    "homecare_portal_confirm": "homecare.portal",
    "workforce_worker_list": "workforce.view",
    "workforce_worker_detail": "workforce.view",
    "workforce_worker_check": "workforce.staff",
    "workforce_employment_start": "workforce.staff",
    "workforce_employment_end": "workforce.staff",
    "workforce_listing_create": "workforce.credit",
    "workforce_indicators": "workforce.statistics",
    "supervision_campaign_list": "supervision.ranking",
    "supervision_campaign_draw": "supervision.campaigns",
    "supervision_inspection_list": "supervision.view",
    "supervision_inspection_record": "supervision.inspect",
    "supervision_complaint_list": "supervision.complaints",
    "supervision_complaint_create": "supervision.intake",
    "supervision_complaint_answer": "supervision.complaints",
    "supervision_credit_ranking": "supervision.ranking",
    "visits_my_list": "visits.do",
    "visits_record_submit": "visits.do",
    "visits_record_detail": "visits.record_view",
    "visits_record_update": "visits.do",
    "visits_follow_up_list": "visits.record_view",
    "visits_follow_up_update": "visits.manage",
    "visits_task_list": "visits.view",
    "visits_rate_get": "visits.view",
}
# Operations called by devices and gateways: authenticated by the device's own token and signed body,
# not by a role (eldercare.emergency.device_auth).
DEVICE_OPERATIONS = frozenset({"device_alarm_post", "device_heartbeat_post"})
# Operations anyone may call without signing in (public data only, no personal data).
PUBLIC_API_OPERATIONS = frozenset({"public_facility_list"})


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
    "PUBLIC_API_OPERATIONS",
    "PUBLIC_PAGES",
    "has_capability",
]
