"""Reads of supervision, always given a scope; the draw's eligible lists and conflicts; institution credit
and the risk ranking (重点监管); the WH02 indicator; and the public (no personal data) disclosures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.models import Organisation, OrganisationKind
from eldercare.core.scope import DataScope
from eldercare.supervision import links, rules
from eldercare.supervision.choices import (
    CampaignStatus,
    ComplaintStatus,
    InspectionStatus,
    RectificationStatus,
)
from eldercare.supervision.models import (
    Campaign,
    ChecklistVersion,
    Complaint,
    Finding,
    Inspection,
    InspectorConflict,
    Rectification,
)
from eldercare.supervision.policy_keys import supervision_policy

SUPERVISED_KINDS = (OrganisationKind.INSTITUTION, OrganisationKind.PROVIDER)
BASIC_NORMS_CHECKLIST = "gb38600"


# --- checklists ------------------------------------------------------------------------------------------


def checklist_current(code: str, *, on: date | None = None) -> ChecklistVersion:
    """The newest version of a checklist valid on `on` (today)."""
    on = on or timezone.localdate()
    checklist = ChecklistVersion.objects.filter(code=code, valid_from__lte=on).order_by("-version").first()
    if checklist is None:
        from eldercare.supervision.services import checklists_sync

        checklists_sync()
        checklist = (
            ChecklistVersion.objects.filter(code=code, valid_from__lte=on).order_by("-version").first()
        )
    if checklist is None:
        raise Http404("No such checklist.")
    return checklist


def checklist_codes() -> list[tuple[str, str]]:
    rows = ChecklistVersion.objects.order_by("code", "-version").values_list("code", "title")
    seen: dict[str, str] = {}
    for code, title in rows:
        seen.setdefault(code, title)
    return sorted(seen.items())


# --- campaigns and the draw ------------------------------------------------------------------------------


def campaign_list(*, scope: DataScope) -> QuerySet[Campaign]:
    return Campaign.objects.for_scope(scope).select_related("division").order_by("-created_at", "-id")


def access_campaign(*, scope: DataScope, campaign_id: int) -> Campaign:
    campaign = campaign_list(scope=scope).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def eligible_targets(campaign: Campaign) -> list[int]:
    """Active organisations of the campaign's kinds inside its division, by id."""
    return list(
        Organisation.objects.filter(
            is_active=True,
            kind__in=campaign.target_kinds or list(SUPERVISED_KINDS),
            division__code__startswith=campaign.division_id,
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def eligible_inspectors(campaign: Campaign) -> list[int]:
    """Active inspector accounts bound inside the campaign's division or to an office above it, by id."""
    code = campaign.division_id
    above = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    return list(
        User.objects.filter(role=Role.INSPECTOR, is_active=True)
        .filter(Q(division__code__startswith=code) | Q(division_id__in=above))
        .order_by("id")
        .values_list("id", flat=True)
    )


def draw_conflicts(*, inspectors: list[int], targets: list[int], on: date) -> set[tuple[int, int]]:
    """(inspector, target) pairs an inspector may not inspect: declared conflicts in force, and any
    employment of the inspector's worker record at the target within the lookback (workforce)."""
    from eldercare.workforce.models import Employment

    years = supervision_policy("supervision.draw", on=on).value["conflict_lookback_years"]
    since = on - timedelta(days=365 * years)
    pairs: set[tuple[int, int]] = set(
        InspectorConflict.objects.filter(inspector_id__in=inspectors, organisation_id__in=targets)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .values_list("inspector_id", "organisation_id")
    )
    employed = (
        Employment.objects.filter(worker__user_id__in=inspectors, employer_id__in=targets)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .values_list("worker__user_id", "employer_id")
    )
    pairs |= {(int(i), int(t)) for i, t in employed}
    bound = User.objects.filter(pk__in=inspectors, organisation_id__in=targets).values_list(
        "id", "organisation_id"
    )
    pairs |= {(int(i), int(t)) for i, t in bound}
    return pairs


@dataclass(frozen=True, slots=True)
class DrawCheck:
    """A re-draw from a campaign's published inputs, compared with its published result."""

    fingerprint: str
    fingerprint_matches: bool
    redrawn: list[dict[str, object]]
    result_matches: bool
    conflict_free: bool


def campaign_redraw_check(campaign: Campaign) -> DrawCheck:
    """Re-draw from the recorded seed and lists (what the public page publishes) and compare."""
    conflicts = frozenset((int(i), int(t)) for i, t in campaign.conflicts)
    data = rules.DrawInput(
        seed=campaign.seed,
        targets=tuple(campaign.eligible_targets),
        inspectors=tuple(campaign.eligible_inspectors),
        conflicts=conflicts,
        target_count=campaign.target_count,
        inspectors_per_target=campaign.inspectors_per_target,
    )
    result = rules.draw(data)
    redrawn = rules.result_as_json(result)
    conflict_free = all(
        (int(i), int(row["target"])) not in conflicts for row in campaign.result for i in row["inspectors"]
    )
    return DrawCheck(
        fingerprint=result.fingerprint,
        fingerprint_matches=result.fingerprint == campaign.fingerprint,
        redrawn=redrawn,
        result_matches=redrawn == campaign.result,
        conflict_free=conflict_free,
    )


def public_campaign_list() -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(status__in=[CampaignStatus.PUBLISHED, CampaignStatus.CLOSED])
        .select_related("division")
        .order_by("-published_at", "-id")
    )


def access_public_campaign(campaign_id: int) -> Campaign:
    campaign = public_campaign_list().filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such published campaign.")
    return campaign


def inspector_codes(ids: list[int]) -> dict[int, str]:
    """Published stand-ins for inspectors (执法人员编号): the account id, zero-padded; no names."""
    return {i: f"I{i:05d}" for i in ids}


def organisation_names(ids: list[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("id", "name"))


def conflicts_of(*, inspector: User) -> QuerySet[InspectorConflict]:
    return InspectorConflict.objects.filter(inspector=inspector).select_related("organisation")


# --- inspections and rectification -----------------------------------------------------------------------


def inspection_list(
    *, scope: DataScope, status: str = "", campaign_id: int | None = None, organisation_id: int | None = None
) -> QuerySet[Inspection]:
    qs = (
        Inspection.objects.for_scope(scope)
        .select_related("organisation", "checklist", "campaign")
        .annotate(finding_count=Count("findings"))
    )
    if status:
        qs = qs.filter(status=status)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("-scheduled_on", "-id")


def access_inspection(*, scope: DataScope, inspection_id: int) -> Inspection:
    inspection = (
        Inspection.objects.for_scope(scope)
        .select_related("organisation", "checklist", "campaign", "reinspection_of")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise Http404("No such inspection.")
    return inspection


def access_finding(*, scope: DataScope, finding_id: int) -> Finding:
    finding = Finding.objects.for_scope(scope).select_related("inspection").filter(pk=finding_id).first()
    if finding is None:
        raise Http404("No such finding.")
    return finding


def rectification_list(
    *, scope: DataScope, status: str = "", overdue_on: date | None = None
) -> QuerySet[Rectification]:
    qs = Rectification.objects.for_scope(scope).select_related("organisation", "inspection")
    if status:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(status=RectificationStatus.OPEN, deadline__lt=overdue_on)
    return qs.order_by("deadline", "id")


def access_rectification(*, scope: DataScope, rectification_id: int) -> Rectification:
    rectification = rectification_list(scope=scope).filter(pk=rectification_id).first()
    if rectification is None:
        raise Http404("No such rectification order.")
    return rectification


# --- complaints ------------------------------------------------------------------------------------------


def complaint_list(
    *, scope: DataScope, status: str = "", overdue_at: datetime | None = None
) -> QuerySet[Complaint]:
    qs = Complaint.objects.for_scope(scope).select_related("division", "responsible_office", "organisation")
    if status:
        qs = qs.filter(status=status)
    if overdue_at is not None:
        qs = qs.filter(
            Q(status=ComplaintStatus.RECEIVED, ack_due_at__lt=overdue_at)
            | Q(
                status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED],
                answer_due_at__lt=overdue_at,
            )
        )
    return qs.order_by("-received_at", "-id")


def access_complaint(*, scope: DataScope, complaint_id: int) -> Complaint:
    complaint = complaint_list(scope=scope).filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404("No such complaint.")
    return complaint


# --- credit and risk (重点监管) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreditRow:
    organisation: Organisation
    facts: rules.CreditFacts
    credit: rules.CreditScore
    last_inspected: date | None


def credit_ranking(*, scope: DataScope, on: date | None = None, limit: int = 500) -> list[CreditRow]:
    """Credit of every institution and provider in scope, riskiest first. A fixed number of queries
    (one per fact), whatever the number of organisations."""
    on = on or timezone.localdate()
    weights = supervision_policy("supervision.credit_weights", on=on).value
    since = on - timedelta(days=int(weights["lookback_days"]))
    orgs = list(
        Organisation.objects.for_scope(scope).filter(kind__in=SUPERVISED_KINDS, is_active=True).order_by("id")
    )
    ids = [o.pk for o in orgs]
    findings: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Finding.objects.filter(inspection__organisation_id__in=ids, inspection__conducted_on__gte=since)
        .values("inspection__organisation_id", "severity")
        .annotate(n=Count("id"))
    ):
        findings[row["inspection__organisation_id"]][row["severity"]] = row["n"]
    failed = dict(
        Inspection.objects.filter(
            organisation_id__in=ids, status=InspectionStatus.DONE, passed=False, conducted_on__gte=since
        )
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    last = dict(
        Inspection.objects.filter(organisation_id__in=ids, status=InspectionStatus.DONE)
        .values("organisation_id")
        .annotate(d=Max("conducted_on"))
        .values_list("organisation_id", "d")
    )
    overdue = dict(
        Rectification.objects.filter(
            organisation_id__in=ids, status=RectificationStatus.OPEN, deadline__lt=on
        )
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    complaints: dict[int, tuple[int, int]] = {
        row["organisation_id"]: (row["n"], row["s"])
        for row in Complaint.objects.filter(organisation_id__in=ids, received_at__date__gte=since)
        .values("organisation_id")
        .annotate(n=Count("id"), s=Count("id", filter=Q(substantiated=True)))
    }
    stars = links.organisation_stars(organisation_ids=ids) or {}
    incidents = links.organisation_incidents(organisation_ids=ids, since=since) or {}
    rows = []
    for org in orgs:
        last_date = last.get(org.pk)
        facts = rules.CreditFacts(
            findings=findings.get(org.pk, {}),
            failed_inspections=failed.get(org.pk, 0),
            overdue_rectifications=overdue.get(org.pk, 0),
            complaints=complaints.get(org.pk, (0, 0))[0],
            substantiated_complaints=complaints.get(org.pk, (0, 0))[1],
            incidents=incidents.get(org.pk, 0),
            stars=stars.get(org.pk),
            days_since_inspection=(on - last_date).days if last_date else None,
        )
        rows.append(
            CreditRow(
                organisation=org,
                facts=facts,
                credit=rules.credit_score(facts, weights),
                last_inspected=last_date,
            )
        )
    rows.sort(key=lambda r: (-r.credit.risk, r.credit.score, r.organisation.pk))
    return rows[:limit]


# --- plan indicator WH02 ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BasicNormsCompliance:
    institutions: int
    inspected: int
    meeting: int
    share: float | None  # meeting / institutions, None without institutions


def basic_norms_compliance(*, scope: DataScope, on: date | None = None) -> BasicNormsCompliance:
    """养老机构基本规范达到国家标准 (Wuhan WH02, target 100%): active institutions whose latest GB 38600
    inspection up to `on` passed, over all active institutions in scope."""
    on = on or timezone.localdate()
    institution_ids = list(
        Organisation.objects.for_scope(scope)
        .filter(kind=OrganisationKind.INSTITUTION, is_active=True)
        .values_list("id", flat=True)
    )
    latest: dict[int, bool] = {}
    for org_id, passed in (
        Inspection.objects.filter(
            organisation_id__in=institution_ids,
            status=InspectionStatus.DONE,
            checklist__code=BASIC_NORMS_CHECKLIST,
            conducted_on__lte=on,
        )
        .order_by("organisation_id", "-conducted_on", "-id")
        .values_list("organisation_id", "passed")
    ):
        latest.setdefault(org_id, bool(passed))
    meeting = sum(1 for ok in latest.values() if ok)
    total = len(institution_ids)
    return BasicNormsCompliance(
        institutions=total,
        inspected=len(latest),
        meeting=meeting,
        share=round(meeting / total, 4) if total else None,
    )


# --- public disclosure (no personal data) ----------------------------------------------------------------


def public_inspection_results(*, limit: int = 200) -> QuerySet[Inspection]:
    """Done inspections with organisation, checklist, result and findings by severity."""
    return (
        Inspection.objects.filter(status=InspectionStatus.DONE)
        .select_related("organisation", "checklist")
        .annotate(
            minor=Count("findings", filter=Q(findings__severity="minor")),
            major=Count("findings", filter=Q(findings__severity="major")),
            critical=Count("findings", filter=Q(findings__severity="critical")),
        )
        .order_by("-conducted_on", "-id")[:limit]
    )


def public_sanctions(*, on: date | None = None, limit: int = 200) -> QuerySet[Rectification]:
    """Rectification orders open past their deadline or escalated (责令整改 disclosed)."""
    on = on or timezone.localdate()
    return (
        Rectification.objects.filter(
            Q(status=RectificationStatus.OPEN, deadline__lt=on) | Q(escalation_level__gt=0)
        )
        .select_related("organisation")
        .order_by("-deadline", "-id")[:limit]
    )
