"""Roles (角色) and what each is bound to. A staff account has exactly one role."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.models import DivisionLevel


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    STREET_OFFICER = "street_officer", _("Street officer")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    ASSESSOR = "assessor", _("Assessor")
    INSTITUTION_OPERATOR = "institution_operator", _("Institution operator")
    PROVIDER_MANAGER = "provider_manager", _("Home-care provider manager")
    PROVIDER_WORKER = "provider_worker", _("Home-care worker")
    EMERGENCY_OPERATOR = "emergency_operator", _("Emergency operator")
    VOLUNTEER = "volunteer", _("Volunteer")
    INSPECTOR = "inspector", _("Inspector / auditor")
    ELDER = "elder", _("Elder")
    FAMILY = "family", _("Family member")


# Roles bound to a division, with the level they must sit at (None: any level in the city).
DIVISION_ROLES: dict[str, int | None] = {
    Role.CITY_ADMIN: DivisionLevel.CITY,
    Role.DISTRICT_OFFICER: DivisionLevel.COUNTY,
    Role.STREET_OFFICER: DivisionLevel.STREET,
    Role.COMMUNITY_WORKER: DivisionLevel.COMMUNITY,
    Role.ASSESSOR: None,
    Role.EMERGENCY_OPERATOR: None,
    Role.INSPECTOR: None,
}
# Roles bound to one organisation (institution or provider): they see only its data.
ORGANISATION_ROLES = frozenset({Role.INSTITUTION_OPERATOR, Role.PROVIDER_MANAGER, Role.PROVIDER_WORKER})
# Roles of people served or volunteering: they see only their own records, through the portal.
PERSONAL_ROLES = frozenset({Role.VOLUNTEER, Role.ELDER, Role.FAMILY})
STAFF_ROLES = frozenset(DIVISION_ROLES) | ORGANISATION_ROLES
ALL_ROLES = frozenset(Role)
