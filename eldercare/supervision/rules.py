"""Pure decisions of supervision: the reproducible random draw (双随机), checklist scoring, complaint
routing and due times, escalation, institution credit and risk. No Django; plain data in and out."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DRAW_ALGORITHM = "eldercare-draw-v1"

# --- 双随机: the draw ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DrawInput:
    """Everything a draw depends on. Lists are sorted ascending ids; conflicts are (inspector, target)."""

    seed: str
    targets: tuple[int, ...]
    inspectors: tuple[int, ...]
    conflicts: frozenset[tuple[int, int]]
    target_count: int
    inspectors_per_target: int


@dataclass(frozen=True, slots=True)
class Assignment:
    target: int
    inspectors: tuple[int, ...]
    short: bool  # fewer conflict-free inspectors than asked for


@dataclass(frozen=True, slots=True)
class DrawResult:
    assignments: tuple[Assignment, ...]
    fingerprint: str


def fingerprint(
    *, targets: Iterable[int], inspectors: Iterable[int], conflicts: Iterable[tuple[int, int]]
) -> str:
    """SHA-256 of the canonical JSON of the eligible lists and the conflicts: anyone holding the published
    lists can recompute it and see that they re-draw from exactly what the campaign drew from."""
    canonical = json.dumps(
        {
            "algorithm": DRAW_ALGORITHM,
            "targets": sorted(targets),
            "inspectors": sorted(inspectors),
            "conflicts": sorted([list(pair) for pair in conflicts]),
        },
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def draw(data: DrawInput) -> DrawResult:
    """Draw targets, then conflict-free inspectors for each, from `random.Random(seed)`.

    Reproducible: the same seed and lists give the same result on any machine (Python's Mersenne
    Twister seeded from a str is stable across Python 3 versions). Steps, in order:
    1. `rng.sample(sorted targets, min(target_count, len))`: the drawn targets, in drawn order.
    2. For each drawn target: the inspectors without a conflict with it, sorted by id, are shuffled with
       the same `rng`, then stably sorted by how many targets each already has (spreading the load);
       the first `inspectors_per_target` are assigned. An inspector with a conflict is never assigned.
    """
    targets = sorted(set(data.targets))
    inspectors = sorted(set(data.inspectors))
    rng = random.Random(data.seed)  # noqa: S311 - reproducibility is the point; the seed itself is secret-random
    drawn = rng.sample(targets, min(max(data.target_count, 0), len(targets)))
    load = dict.fromkeys(inspectors, 0)
    assignments: list[Assignment] = []
    for target in drawn:
        eligible = [i for i in inspectors if (i, target) not in data.conflicts]
        rng.shuffle(eligible)
        eligible.sort(key=lambda i: load[i])
        chosen = tuple(sorted(eligible[: data.inspectors_per_target]))
        for inspector in chosen:
            load[inspector] += 1
        assignments.append(
            Assignment(target=target, inspectors=chosen, short=len(chosen) < data.inspectors_per_target)
        )
    return DrawResult(
        assignments=tuple(assignments),
        fingerprint=fingerprint(targets=targets, inspectors=inspectors, conflicts=data.conflicts),
    )


def result_as_json(result: DrawResult) -> list[dict[str, object]]:
    return [
        {"target": a.target, "inspectors": list(a.inspectors), "short": a.short} for a in result.assignments
    ]


# --- checklists ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    code: str
    critical: bool


@dataclass(frozen=True, slots=True)
class ChecklistOutcome:
    score: float  # share of applicable items met, 0..1
    passed: bool
    failed: tuple[str, ...]
    failed_critical: tuple[str, ...]
    unanswered: tuple[str, ...]


def score_checklist(
    *, items: Sequence[ChecklistItem], answers: Mapping[str, str], pass_share: float
) -> ChecklistOutcome:
    """Passed when every item is answered, no critical item fails and the share met reaches pass_share.
    'na' items count neither way."""
    unanswered = tuple(i.code for i in items if answers.get(i.code) not in ("pass", "fail", "na"))
    applicable = [i for i in items if answers.get(i.code) in ("pass", "fail")]
    failed = tuple(i.code for i in applicable if answers[i.code] == "fail")
    failed_critical = tuple(i.code for i in applicable if i.critical and answers[i.code] == "fail")
    score = 1.0 if not applicable else (len(applicable) - len(failed)) / len(applicable)
    passed = not unanswered and not failed_critical and score >= pass_share - 1e-9
    return ChecklistOutcome(
        score=round(score, 4),
        passed=passed,
        failed=failed,
        failed_critical=failed_critical,
        unanswered=unanswered,
    )


def rectification_days(severities: Iterable[str], days_by_severity: Mapping[str, int]) -> int | None:
    """Days to rectify: the shortest period among the findings' severities (None without findings)."""
    days = [days_by_severity[s] for s in severities if s in days_by_severity]
    return min(days) if days else None


# --- complaints ------------------------------------------------------------------------------------------

OFFICE_CODE_LENGTH = {"city": 4, "district": 6, "street": 9, "community": 12}


def route_office(*, division_code: str, subject: str, default: str, subjects: Mapping[str, str]) -> str:
    """The responsible office: the ancestor of the matter's division at the level the subject calls for
    (or the division itself when it is above that level)."""
    level = subjects.get(subject, default)
    return division_code[: OFFICE_CODE_LENGTH[level]]


def parent_office(code: str) -> str | None:
    """The next office up (community → street → district → city); None at the city."""
    for length in (9, 6, 4):
        if len(code) > length:
            return code[:length]
    return None


@dataclass(frozen=True, slots=True)
class DueTimes:
    acknowledge_by: datetime
    answer_by: datetime


def due_times(*, received_at: datetime, acknowledge_hours: int, answer_days: int) -> DueTimes:
    return DueTimes(
        acknowledge_by=received_at + timedelta(hours=acknowledge_hours),
        answer_by=received_at + timedelta(days=answer_days),
    )


def overdue_reason(
    *,
    now: datetime,
    status: str,
    ack_due_at: datetime,
    answer_due_at: datetime,
    escalated_at: datetime | None,
    repeat_hours: int,
    at_top: bool,
) -> str | None:
    """Why a complaint must escalate now ('acknowledgement' or 'answer'), or None.

    Escalates when a due time has passed and the step is not done; once escalated, again only after
    `repeat_hours` (so a periodic task running every few minutes escalates once per period); never
    beyond the city office."""
    if at_top or status in ("answered", "closed"):
        return None
    reason = None
    if status == "received" and now > ack_due_at:
        reason = "acknowledgement"
    elif now > answer_due_at:
        reason = "answer"
    if reason is None:
        return None
    if escalated_at is not None and now < escalated_at + timedelta(hours=repeat_hours):
        return None
    return reason


# --- credit and risk of institutions and providers ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreditFacts:
    findings: Mapping[str, int]  # severity -> count within the lookback
    failed_inspections: int
    overdue_rectifications: int
    complaints: int
    substantiated_complaints: int
    incidents: int
    stars: int | None  # star rating 1–5 (GB/T 37276), None if unrated
    days_since_inspection: int | None  # None: never inspected


@dataclass(frozen=True, slots=True)
class CreditScore:
    score: int  # 0..100
    grade: str
    risk: int  # higher means look here first (重点监管)
    reasons: tuple[str, ...]


def credit_score(facts: CreditFacts, weights: Mapping[str, object]) -> CreditScore:
    """Institution/provider credit: base points minus deductions plus a star bonus, clamped to 0..100.

    Risk = (100 - score) + one point per `risk_days_per_point` days since the last inspection (never
    inspected counts as a full year), so poor credit and long-unvisited organisations rank first.
    """
    finding_weights: Mapping[str, int] = weights["finding"]  # type: ignore[assignment]
    deductions: list[tuple[str, int]] = []
    for severity in ("critical", "major", "minor"):
        n = max(0, facts.findings.get(severity, 0))
        if n:
            deductions.append((f"findings:{severity}x{n}", n * int(finding_weights.get(severity, 0))))
    for label, count, key in (
        ("failed_inspections", facts.failed_inspections, "failed_inspection"),
        ("overdue_rectifications", facts.overdue_rectifications, "overdue_rectification"),
        ("complaints", facts.complaints, "complaint"),
        ("substantiated_complaints", facts.substantiated_complaints, "complaint_substantiated"),
        ("incidents", facts.incidents, "incident"),
    ):
        if count > 0:
            deductions.append((f"{label}x{count}", count * int(weights[key])))  # type: ignore[call-overload]
    bonus = 0
    if facts.stars is not None and facts.stars > 3:
        bonus = (facts.stars - 3) * int(weights["per_star_above_three"])  # type: ignore[call-overload]
    raw = int(weights.get("base", 100)) - sum(d for _label, d in deductions) + bonus  # type: ignore[call-overload]
    score = max(0, min(100, raw))
    grades: Mapping[str, int] = weights["grades"]  # type: ignore[assignment]
    grade = next((g for g, low in sorted(grades.items(), key=lambda kv: -kv[1]) if score >= low), "D")
    days = facts.days_since_inspection if facts.days_since_inspection is not None else 365
    risk = (100 - score) + max(0, days) // int(weights["risk_days_per_point"])  # type: ignore[call-overload]
    reasons = tuple(f"-{d} {label}" for label, d in deductions) + ((f"+{bonus} stars",) if bonus else ())
    return CreditScore(score=score, grade=grade, risk=risk, reasons=reasons)
