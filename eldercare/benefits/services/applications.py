"""Applications (补贴申请): filing (also 帮办代办), documents, multi-level review, budget check, public notice
(公示) with objections, grant, and plain-words notifications of every decision."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.benefits import rules
from eldercare.benefits.choices import (
    ApplicationStatus,
    Channel,
    Decision,
    EntitlementSource,
    EntitlementStatus,
    ObjectionStatus,
)
from eldercare.benefits.models import (
    Application,
    ApplicationDocument,
    Entitlement,
    Objection,
    ReviewDecision,
)
from eldercare.benefits.notify import notify, yuan
from eldercare.benefits.selectors import (
    benefit_settings,
    budget_position,
    programmes_on,
    snapshots_for,
    workflow_on,
)
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

MAGIC = {"pdf": (b"%PDF",), "png": (b"\x89PNG",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",)}


def _programme(code: str, on: date) -> tuple[rules.Programme, int]:
    found = programmes_on(on)
    programme = found.get(code)
    if programme is None:
        raise DomainError("programme_unknown", f"No programme {code!r} is in force.", status=404)
    return programme, found.version_id


def _label(actor: Any) -> str:
    return str(getattr(actor, "username", actor))[:150]


def preview(*, elder: Elder, programme_code: str, on: date | None = None) -> rules.Decision:
    """What the rule says for this elder this month (or next month when only the age is missing)."""
    on = on or timezone.localdate()
    programme, _ = _programme(programme_code, on)
    settings = benefit_settings(on)
    snapshot = snapshots_for([elder.pk])[elder.pk]
    month = rules.Month.of(on)
    decision = rules.evaluate(snapshot, programme, month, level_change_from=settings["level_change_from"])
    if not decision.eligible and decision.codes == ("age",):
        upcoming = rules.evaluate(
            snapshot, programme, month.next(), level_change_from=settings["level_change_from"]
        )
        return upcoming if upcoming.eligible else decision
    return decision


@transaction.atomic
def application_submit(
    *,
    elder: Elder,
    programme_code: str,
    channel: str,
    actor: Any,
    applicant_name: str = "",
    proxy_note: str = "",
) -> Application:
    """File an application. A community worker filing for the elder is 帮办代办 and is recorded as such;
    the application keeps the workflow version in force today for its whole review."""
    today = timezone.localdate()
    programme, version_id = _programme(programme_code, today)
    if programme.grant != "application":
        raise DomainError(
            "programme_automatic",
            f"{programme.name} is granted automatically; no application is needed.",
            status=422,
        )
    if channel not in Channel.values:
        raise DomainError("channel_invalid", "Unknown channel.", status=422)
    if elder.status != ElderStatus.ACTIVE:
        raise DomainError("elder_not_active", "Only elders living in the city can apply.", status=422)
    if Entitlement.objects.filter(
        elder=elder, programme_code=programme_code, status=EntitlementStatus.ACTIVE
    ).exists():
        raise DomainError("already_receiving", f"The elder already receives {programme.name}.", status=409)
    if Application.objects.filter(
        elder=elder,
        programme_code=programme_code,
        status__in=[ApplicationStatus.IN_REVIEW, ApplicationStatus.IN_NOTICE],
    ).exists():
        raise DomainError(
            "application_open", "An application for this programme is already open.", status=409
        )
    if channel == Channel.PROXY and not isinstance(actor, User):
        raise DomainError("proxy_needs_worker", "帮办代办 is filed by a signed-in worker.", status=422)
    workflow_version, workflow = workflow_on(today)
    decision = preview(elder=elder, programme_code=programme_code, on=today)
    application = Application.objects.create(
        elder=elder,
        programme_code=programme_code,
        channel=channel,
        applicant_name=applicant_name[:64],
        submitted_by=actor if isinstance(actor, User) else None,
        proxy_note=proxy_note[:300],
        workflow=workflow,
        workflow_version_id=workflow_version,
        programme_version_id=version_id,
        preview={
            "eligible": decision.eligible,
            "amount_fen": decision.amount_fen,
            "tier": decision.tier,
            "reasons": list(decision.reasons),
        },
        division_code=elder.residence_division_id,
    )
    audit_record(
        actor=actor,
        action="benefits.application_submitted",
        target=application,
        division_code=application.division_code,
        changes={"programme": programme_code, "channel": channel, "proxy": channel == Channel.PROXY},
    )
    notify(
        elders=[elder],
        texts=[f"您的{programme.name}申请已受理，我们会在每一步审核后通知您。"],
        application=application,
        sms=benefit_settings(today)["sms_enabled"],
    )
    return application


@transaction.atomic
def document_add(
    *, application: Application, kind: str, upload: UploadedFile, actor: Any
) -> ApplicationDocument:
    """Attach a document; the type (by extension and content) and the size are checked against policy."""
    settings = benefit_settings()
    if application.status != ApplicationStatus.IN_REVIEW:
        raise DomainError("application_closed", "Documents can be added only while in review.", status=409)
    name = upload.name or "document"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in settings["document_types"]:
        raise DomainError(
            "document_type", f"Allowed document types: {', '.join(settings['document_types'])}.", status=422
        )
    if (upload.size or 0) > settings["document_max_bytes"]:
        raise DomainError(
            "document_too_large",
            f"A document may be at most {settings['document_max_bytes'] // 1024} KiB.",
            status=422,
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in MAGIC.get(extension, (b"",))):
        raise DomainError("document_content", "The file's content does not match its type.", status=422)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = ApplicationDocument.objects.create(
        application=application,
        kind=kind[:64],
        file=upload,
        original_name=name[:200],
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=_label(actor),
    )
    audit_record(
        actor=actor,
        action="benefits.document_added",
        target=application,
        division_code=application.division_code,
        changes={"kind": kind, "size": document.size},
    )
    return document


def _reviewer_count(step: dict[str, Any], application: Application) -> int:
    return User.objects.filter(
        role__in=step["roles"],
        division_id=application.division_code[: step["division_length"]],
        is_active=True,
    ).count()


def can_review(*, application: Application, user: Any) -> bool:
    step = application.current_step
    return (
        step is not None
        and application.status == ApplicationStatus.IN_REVIEW
        and getattr(user, "role", None) in step["roles"]
        and getattr(user, "division_id", None) == application.division_code[: step["division_length"]]
    )


@transaction.atomic
def application_decide(
    *, application: Application, actor: User, decision: str, reason: str = ""
) -> Application:
    """Record one reviewer's decision at the current step (insert-only) and move the application on.

    A step completes with one approval, all reviewers', or N of them (its mode); any rejection rejects the
    application with the reason, which the elder reads. At the community step every required document
    must be present. The last approval checks the programme's remaining budget in the district, then starts
    the public notice (公示) where the programme needs one, or grants.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    step = application.current_step
    if not can_review(application=application, user=actor) or step is None:
        raise DomainError("not_your_step", "This application is not waiting for your review.", status=409)
    if decision not in Decision.values:
        raise DomainError("decision_invalid", "Approve or reject.", status=422)
    if decision == Decision.REJECT and not reason.strip():
        raise DomainError("reason_required", "Give the reason for a rejection in plain words.", status=422)
    programme, _ = _programme(application.programme_code, timezone.localdate())
    if decision == Decision.APPROVE and application.step_index == 0:
        present = set(application.documents.values_list("kind", flat=True))
        missing = [d for d in programme.required_documents if d not in present]
        if missing:
            raise DomainError(
                "documents_missing",
                "Documents missing: " + "、".join(missing),
                {"missing": missing},
                status=422,
            )
    if ReviewDecision.objects.filter(
        application=application, step_index=application.step_index, reviewer=actor
    ).exists():
        raise DomainError("already_decided", "You have already decided at this step.", status=409)
    ReviewDecision.objects.create(
        application=application,
        step_index=application.step_index,
        step_code=step["code"],
        reviewer=actor,
        decision=decision,
        reason=reason[:500],
    )
    decisions = list(
        ReviewDecision.objects.filter(application=application, step_index=application.step_index).values_list(
            "decision", flat=True
        )
    )
    outcome = rules.step_outcome(
        mode=step.get("mode", "one"),
        n=step.get("n", 1),
        reviewers=_reviewer_count(step, application) if step.get("mode") == "all" else 0,
        approvals=decisions.count(Decision.APPROVE),
        rejections=decisions.count(Decision.REJECT),
    )
    text = ""
    if outcome.rejected:
        application.status = ApplicationStatus.REJECTED
        application.decided_at = timezone.now()
        text = (
            f"很抱歉，您的{programme.name}申请未通过（{step['name']}）。"
            f"原因：{reason.strip()}。如有疑问请联系社区。"
        )
    elif outcome.complete:
        if application.step_index + 1 < len(application.steps):
            application.step_index += 1
            following = application.steps[application.step_index]["name"]
            text = f"您的{programme.name}申请已通过{step['name']}，下一步：{following}。"
        else:
            _check_budget(application, programme)
            if programme.notice_days:
                application.status = ApplicationStatus.IN_NOTICE
                application.notice_until = timezone.localdate() + timedelta(days=programme.notice_days)
                text = (
                    f"您的{programme.name}申请已审核通过，现进行公示至{application.notice_until:%Y年%m月%d日}，"
                    "公示无异议后开始发放。"
                )
            else:
                text = _grant(application, programme, actor)
    application.save()
    audit_record(
        actor=actor,
        action="benefits.application_decided",
        target=application,
        division_code=application.division_code,
        changes={"step": step["code"], "decision": decision, "status": application.status},
    )
    if text:
        notify(
            elders=[application.elder],
            texts=[text],
            application=application,
            sms=benefit_settings()["sms_enabled"],
        )
    return application


def _check_budget(application: Application, programme: rules.Programme) -> None:
    year = timezone.localdate().year
    amount = int(application.preview.get("amount_fen") or 0)
    budget, committed = budget_position(
        programme_code=programme.code, district_code=application.division_code[:6], year=year
    )
    months_left = 12 - timezone.localdate().month
    cost = amount if programme.kind == "one_off" else amount * months_left
    if budget is not None and committed + cost > budget:
        raise DomainError(
            "budget_exhausted",
            f"The {year} budget of {programme.name} in this district would be exceeded "
            f"(budget {yuan(budget)} 元, committed {yuan(committed)} 元, this grant {yuan(cost)} 元).",
            {"budget_fen": budget, "committed_fen": committed, "cost_fen": cost},
            status=409,
        )


def _grant(application: Application, programme: rules.Programme, actor: Any) -> str:
    today = timezone.localdate()
    month = rules.Month.of(today)
    start = month.first if programme.start_rule == "same_month" else month.next().first
    entitlement = Entitlement.objects.create(
        elder=application.elder,
        programme_code=programme.code,
        start_on=start,
        source=EntitlementSource.APPLICATION,
        application=application,
        monthly_amount_fen=int(application.preview.get("amount_fen") or 0),
        policy_version_id=application.programme_version_id,
        division_code=application.division_code,
    )
    application.entitlement = entitlement
    application.status = ApplicationStatus.GRANTED
    application.decided_at = timezone.now()
    amount = yuan(entitlement.monthly_amount_fen)
    unit = {"monthly": "每月", "per_meal": "每餐补贴", "one_off": "一次性补贴（上限）"}[programme.kind]
    return f"您的{programme.name}申请已批准，从{start.year}年{start.month}月起享受，{unit}{amount}元。"


@transaction.atomic
def objection_raise(*, application: Application, raised_by: str, text: str, actor: Any) -> Objection:
    """An objection during the public notice period (公示期内异议)."""
    if application.status != ApplicationStatus.IN_NOTICE:
        raise DomainError("not_in_notice", "Objections are taken only during the public notice.", status=409)
    if not text.strip():
        raise DomainError("objection_empty", "Say what the objection is.", status=422)
    objection = Objection.objects.create(
        application=application, raised_by=raised_by[:64] or "匿名", text=text[:500]
    )
    audit_record(
        actor=actor,
        action="benefits.objection_raised",
        target=application,
        division_code=application.division_code,
        changes={"objection": objection.pk},
    )
    return objection


@transaction.atomic
def objection_resolve(*, objection: Objection, upheld: bool, resolution: str, actor: Any) -> Objection:
    """Uphold (the application is rejected with the resolution as reason) or dismiss an objection."""
    objection = Objection.objects.select_for_update().select_related("application").get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise DomainError("objection_decided", "This objection has already been decided.", status=409)
    if not resolution.strip():
        raise DomainError("resolution_required", "Say how the objection was resolved.", status=422)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = resolution[:500]
    objection.resolved_by = _label(actor)
    objection.save()
    application = objection.application
    if upheld and application.status == ApplicationStatus.IN_NOTICE:
        application.status = ApplicationStatus.REJECTED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at", "updated_at"])
        programme, _ = _programme(application.programme_code, timezone.localdate())
        notify(
            elders=[application.elder],
            texts=[
                f"很抱歉，您的{programme.name}申请在公示期间收到异议，经核实未能通过。原因：{resolution.strip()}。"
            ],
            application=application,
            sms=benefit_settings()["sms_enabled"],
        )
    audit_record(
        actor=actor,
        action="benefits.objection_resolved",
        target=application,
        division_code=application.division_code,
        changes={"objection": objection.pk, "upheld": upheld},
    )
    return objection


@transaction.atomic
def notices_finish(*, on: date, actor: Any) -> int:
    """Grant every application whose public notice ended before `on` with no open or upheld objection."""
    done = 0
    due = (
        Application.objects.select_for_update()
        .filter(status=ApplicationStatus.IN_NOTICE, notice_until__lt=on)
        .select_related("elder")
    )
    for application in due:
        if application.objections.filter(status__in=[ObjectionStatus.OPEN, ObjectionStatus.UPHELD]).exists():
            continue
        programme, _ = _programme(application.programme_code, on)
        text = _grant(application, programme, actor)
        application.save()
        notify(
            elders=[application.elder],
            texts=[text],
            application=application,
            sms=benefit_settings(on)["sms_enabled"],
        )
        audit_record(
            actor=actor,
            action="benefits.application_granted",
            target=application,
            division_code=application.division_code,
            changes={"after_notice": True},
        )
        done += 1
    return done


@transaction.atomic
def application_withdraw(*, application: Application, actor: Any) -> Application:
    if application.status not in (ApplicationStatus.IN_REVIEW, ApplicationStatus.IN_NOTICE):
        raise DomainError("application_closed", "Only an open application can be withdrawn.", status=409)
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="benefits.application_withdrawn",
        target=application,
        division_code=application.division_code,
    )
    return application
