"""The navigation, by role: an entry shows when the caller holds its page's capability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.permissions import PAGES


@dataclass(frozen=True, slots=True)
class NavEntry:
    url_name: str
    label: str | Promise
    icon: str
    section: str = ""


NAVIGATION: list[NavEntry] = [
    NavEntry("home", _("Home"), "house"),
    NavEntry("portal:home", _("Elder and family portal"), "heart"),
    NavEntry("portal:office", _("帮办代办: act for an elder"), "person-raised-hand"),
    NavEntry("registry:elder_list", _("Elders"), "people"),
    NavEntry("registry:import_list", _("Imports"), "upload"),
    NavEntry("registry:review_list", _("Review queue"), "check2-square"),
    NavEntry("registry:duplicate_list", _("Duplicates"), "people-fill"),
    NavEntry("assessment:assessment_list", _("Assessments"), "clipboard2-check"),
    NavEntry("assessment:statistics", _("Assessment statistics"), "bar-chart"),
    NavEntry("core:division_list", _("Divisions"), "diagram-3"),
    NavEntry("timebank:overview", _("Time bank"), "hourglass-split"),
    NavEntry("timebank:my", _("My time bank"), "hourglass-split"),
    NavEntry("timebank:portal", _("Time bank"), "hourglass-split"),
    NavEntry("workforce:worker_list", _("Workforce"), "person-vcard"),
    NavEntry("supervision:inspection_list", _("Inspections"), "clipboard-check"),
    NavEntry("supervision:complaint_list", _("Complaints"), "megaphone"),
    NavEntry("supervision:complaint_portal", _("Complaints"), "megaphone"),
    NavEntry("supervision:credit_ranking", _("Credit and risk"), "speedometer2"),
    NavEntry("core:policy_list", _("Policies"), "sliders"),
    NavEntry("core:audit_list", _("Audit log"), "journal-text"),
    NavEntry("accounts:user_list", _("Accounts"), "person-badge"),
    NavEntry("accounts:token_list", _("API tokens"), "key"),
    NavEntry("accounts:permission_matrix", _("Permissions"), "shield-check"),
    NavEntry("onboarding:checklist", _("Onboarding"), "box-arrow-in-down"),
    NavEntry("core:task_list", _("Task queues"), "list-task"),
    NavEntry("emergency:console", _("Alarm console"), "broadcast"),
    NavEntry("emergency:alarm_list", _("Alarms"), "bell"),
    NavEntry("emergency:device_list", _("Devices"), "smartwatch"),
    NavEntry("emergency:stats", _("Alarm statistics"), "graph-up"),
    NavEntry("facilities:facility_list", _("Facilities"), "building"),
    NavEntry("facilities:waitlist", _("Waitlist"), "hourglass-split"),
    NavEntry("facilities:filing_list", _("Filings"), "folder-check"),
    NavEntry("facilities:statistics", _("Beds and ratings"), "clipboard-data"),
    NavEntry("homecare:overview", _("Home care"), "house-heart"),
    NavEntry("homecare:worker", _("My service orders"), "phone"),
    NavEntry("homecare:portal", _("Home-care services"), "house-heart"),
    NavEntry("homecare:canteen_list", _("Canteens"), "cup-hot"),
    NavEntry("visits:my_visits", _("My visits"), "signpost-split"),
    NavEntry("visits:overview", _("Visits"), "clipboard-check"),
    NavEntry("visits:followup_list", _("Follow-ups"), "flag"),
    NavEntry("benefits:application_list", _("Benefit applications"), "file-earmark-check"),
    NavEntry("benefits:settlement_list", _("Settlements"), "cash-stack"),
    NavEntry("benefits:funds", _("Funds"), "piggy-bank"),
    NavEntry("planning:dashboard_home", _("Plan dashboard"), "speedometer2"),
    NavEntry("planning:project_list", _("Key projects"), "building"),
    NavEntry("planning:report_list", _("Plan reports"), "file-earmark-bar-graph"),
    NavEntry("planning:exchange", _("Data exchange"), "arrow-left-right"),
    NavEntry("spatial:overview", _("15-minute circle"), "geo-alt"),
    NavEntry("spatial:siting", _("Facility siting"), "pin-map"),
    NavEntry("spatial:forecast", _("Ageing forecast"), "graph-up"),
    NavEntry("spatial:developments", _("Facilities in new housing"), "houses"),
]


def navigation_for(principal: Any, resolver_match: Any) -> list[dict[str, Any]]:
    if principal is None or (principal.role is None and principal.user is None):
        return []
    current = resolver_match.view_name if resolver_match else ""
    items = []
    for entry in NAVIGATION:
        if principal.can(PAGES[entry.url_name]):
            items.append(
                {
                    "url": reverse(entry.url_name),
                    "label": entry.label,
                    "icon": entry.icon,
                    "active": current.split("_")[0] == entry.url_name.split("_")[0],
                }
            )
    return items
