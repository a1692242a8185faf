"""Star rating (等级评定, GB/T 37276-2018): the sheet as versioned data, the institution's
self-assessment, the inspectors' on-site review, and publication with a validity period."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.facilities import rules
from eldercare.facilities.choices import RatingStatus
from eldercare.facilities.models import Facility, Rating, RatingSheet
from eldercare.facilities.selectors import current_sheet, facility_settings, sheet_definition
from eldercare.registry.services import actor_label

SHEET_FILE = Path(__file__).resolve().parent.parent / "data" / "gbt37276_2018.toml"


def rating_sheets_load(*, path: Path = SHEET_FILE) -> RatingSheet:
    """Load the shipped sheet version if it is not in the database yet (idempotent)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    meta = data["sheet"]
    definition = {"sections": data["sections"], "levels": data["levels"]}
    problems = rules.sheet_problems(rules.sheet_from_definition(meta["code"], meta["version"], definition))
    if problems:
        raise DomainError("rating_sheet_invalid", "The rating sheet is not consistent.", problems, status=422)
    sheet, _ = RatingSheet.objects.get_or_create(
        code=meta["code"],
        version=meta["version"],
        defaults={
            "title": meta["title"],
            "valid_from": meta["valid_from"],
            "source": meta.get("source", ""),
            "definition": definition,
        },
    )
    return sheet


def _score(sheet: RatingSheet, scores: dict[str, Any]) -> rules.RatingResult:
    try:
        return rules.rating_result(sheet_definition(sheet), {k: int(v) for k, v in scores.items()})
    except ValueError as exc:
        raise DomainError("rating_scores_invalid", str(exc), status=422) from exc


@transaction.atomic
def rating_self_assess(
    *, facility: Facility, scores: dict[str, Any], actor: Any, submit: bool = False
) -> Rating:
    """自评: the institution scores itself on the current sheet (saved as it goes); submit asks for review."""
    sheet = current_sheet() or rating_sheets_load()
    rating = (
        Rating.objects.select_for_update()
        .filter(facility=facility, status=RatingStatus.SELF_ASSESSMENT)
        .first()
    )
    if rating is None:
        if Rating.objects.filter(
            facility=facility, status__in=[RatingStatus.SUBMITTED, RatingStatus.REVIEWED]
        ).exists():
            raise ConflictError("rating_in_review", "A rating of this facility is under review.")
        rating = Rating(facility=facility, sheet=sheet)
    result = _score(rating.sheet if rating.pk else sheet, scores)
    rating.self_scores, rating.self_total, rating.self_stars = scores, result.total, result.stars
    if submit:
        rating.status, rating.submitted_at = RatingStatus.SUBMITTED, timezone.now()
    rating.save()
    audit_record(
        actor=actor,
        action="facilities.rating_submitted" if submit else "facilities.rating_self_assessed",
        target=rating,
        changes={"total": result.total, "stars": result.stars},
    )
    return rating


@transaction.atomic
def rating_review(*, rating: Rating, scores: dict[str, Any], actor: Any) -> Rating:
    """现场评审: inspectors score on site; their scores, not the self-assessment, set the level."""
    rating = Rating.objects.select_for_update().select_related("sheet").get(pk=rating.pk)
    if rating.status not in (RatingStatus.SUBMITTED, RatingStatus.REVIEWED):
        raise ConflictError("rating_not_submitted", "Only a submitted rating can be reviewed.")
    result = _score(rating.sheet, scores)
    before = rating.stars
    rating.review_scores, rating.review_total, rating.stars = scores, result.total, result.stars
    rating.reasons = list(result.reasons)
    rating.status, rating.reviewed_by, rating.reviewed_at = (
        RatingStatus.REVIEWED,
        actor_label(actor),
        timezone.now(),
    )
    rating.save()
    audit_record(
        actor=actor,
        action="facilities.rating_reviewed",
        target=rating,
        changes={"stars": [before, result.stars], "total": result.total, "self_total": rating.self_total},
    )
    return rating


@transaction.atomic
def rating_publish(*, rating: Rating, actor: Any, valid_from: date | None = None) -> Rating:
    """公示: the reviewed level is published with its validity; earlier levels end the day before."""
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if rating.status != RatingStatus.REVIEWED:
        raise ConflictError("rating_not_reviewed", "Only a reviewed rating can be published.")
    start = valid_from or timezone.localdate()
    years = int(facility_settings(start)["rating_validity_years"])
    try:
        end = start.replace(year=start.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    earlier = Rating.objects.filter(
        facility_id=rating.facility_id, status=RatingStatus.PUBLISHED, valid_until__gte=start
    ).exclude(pk=rating.pk)
    for old in earlier:
        old.valid_until = max(old.valid_from or start, start - timedelta(days=1))
        old.save(update_fields=["valid_until", "updated_at"])
    rating.status, rating.published_at = RatingStatus.PUBLISHED, timezone.now()
    rating.valid_from, rating.valid_until = start, end
    rating.save()
    audit_record(
        actor=actor,
        action="facilities.rating_published",
        target=rating,
        changes={"stars": rating.stars, "valid_from": start.isoformat(), "valid_until": end.isoformat()},
    )
    return rating
