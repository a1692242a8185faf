"""Writes of the shared kernel: division loading, city profiles and policy versions."""

from __future__ import annotations

import csv
import gzip
import io
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import LEVEL_BY_LENGTH, CityProfile, Division, PolicyVersion
from eldercare.core.policy import policy_key
from eldercare.core.selectors import forget_policy_cache

DATA_DIR = Path(__file__).resolve().parent / "data"
DIVISIONS_DIR = DATA_DIR / "divisions"
PROFILES_DIR = DATA_DIR / "profiles"


# --- divisions ---------------------------------------------------------------------------------------


@dataclass
class DivisionImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8-sig", newline="")


def read_division_rows(path: Path) -> Iterator[dict[str, str]]:
    with _open_text(path) as handle:
        yield from csv.DictReader(handle)


def _check_division_row(row: dict[str, str], known: set[str]) -> str | None:
    """The reason a row cannot be loaded, or None. Codes must nest: a child starts with its parent."""
    code, name, parent = (
        row.get("code", "").strip(),
        row.get("name", "").strip(),
        row.get("parent_code", "").strip(),
    )
    if not code.isdigit() or len(code) not in LEVEL_BY_LENGTH:
        return "code must have 2, 4, 6, 9 or 12 digits"
    if not name:
        return "name is empty"
    if len(code) > 2:
        if not parent:
            return "parent_code is empty"
        if not code.startswith(parent) or LEVEL_BY_LENGTH[len(code)] - 1 != LEVEL_BY_LENGTH.get(len(parent)):
            return f"code {code} does not nest under parent {parent}"
        if parent not in known:
            return f"parent {parent} is unknown"
    for coordinate in ("lon", "lat"):
        value = row.get(coordinate) or ""
        if value:
            try:
                float(value)
            except ValueError:
                return f"{coordinate} is not a number"
    return None


@transaction.atomic
def divisions_import(
    *, rows: Iterable[dict[str, str]], actor: Any = None, source: str = "", partial: bool = False
) -> DivisionImportReport:
    """Load divisions idempotently (insert new, update changed names/coordinates).

    Every bad row is reported with its line number and reason; unless `partial`, nothing is written
    when any row is bad. Rows must come parents first (the shipped files are sorted by code).
    """
    report = DivisionImportReport()
    existing = {
        d.code: d for d in Division.objects.only("code", "name", "parent_id", "lon", "lat", "centroid_source")
    }
    known = set(existing)
    to_create: list[Division] = []
    to_update: list[Division] = []
    for line, row in enumerate(rows, start=2):
        reason = _check_division_row(row, known)
        if reason:
            report.errors.append({"line": line, "code": row.get("code", ""), "reason": reason})
            continue
        code = row["code"].strip()
        lon = float(row["lon"]) if row.get("lon") else None
        lat = float(row["lat"]) if row.get("lat") else None
        values = {
            "name": row["name"].strip(),
            "level": LEVEL_BY_LENGTH[len(code)],
            "parent_id": row.get("parent_code", "").strip() or None,
            "lon": lon,
            "lat": lat,
            "centroid_source": (row.get("centroid_source") or "").strip(),
        }
        known.add(code)
        current = existing.get(code)
        if current is None:
            to_create.append(Division(code=code, **values))
        elif any(getattr(current, k) != v for k, v in values.items() if k != "level"):
            for k, v in values.items():
                setattr(current, k, v)
            to_update.append(current)
        else:
            report.unchanged += 1
    if report.errors and not partial:
        transaction.set_rollback(True)
        return report
    Division.objects.bulk_create(to_create, batch_size=2000)
    Division.objects.bulk_update(
        to_update, ["name", "parent_id", "lon", "lat", "centroid_source"], batch_size=2000
    )
    report.created, report.updated = len(to_create), len(to_update)
    if to_create or to_update:
        audit_record(
            actor=actor,
            action="divisions.imported",
            division_code="",
            changes={
                "source": source,
                "created": report.created,
                "updated": report.updated,
                "rejected": len(report.errors),
            },
        )
    return report


def shipped_division_files(*, cities: Iterable[str] | None = None) -> list[Path]:
    """The national file, then the community files of the given cities (all shipped ones by default)."""
    community_files = sorted(DIVISIONS_DIR.glob("communities_*.csv.gz"))
    if cities is not None:
        wanted = set(cities)
        community_files = [p for p in community_files if p.name.split("_")[1].split(".")[0] in wanted]
    return [DIVISIONS_DIR / "national.csv.gz", *community_files]


# --- policy ------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@transaction.atomic
def policy_set(
    *, profile: CityProfile, key: str, value: Any, valid_from: date, actor: Any, reason: str, source: str = ""
) -> PolicyVersion:
    """Add a version of a policy from `valid_from` on; the version it supersedes ends that day.

    Versions are never edited. A new version may not start before the open version it closes (history
    is not rewritten; a correction of the past is a new version with its own valid_from).
    """
    if not reason.strip():
        raise DomainError("policy_reason_required", "Say why the policy changes.", status=422)
    clean = policy_key(key).validate(_jsonable(value))
    versions = PolicyVersion.objects.select_for_update().filter(profile=profile, key=key).order_by("-version")
    latest = versions.first()
    if latest is not None:
        if valid_from <= latest.valid_from:
            raise DomainError(
                "policy_backdated",
                f"The new version must start after {latest.valid_from}, when the current one starts.",
                {"current_valid_from": latest.valid_from.isoformat()},
                status=409,
            )
        if latest.valid_to is None or latest.valid_to > valid_from:
            latest.valid_to = valid_from
            latest.save(update_fields=["valid_to"])
    created = PolicyVersion.objects.create(
        profile=profile,
        key=key,
        version=(latest.version + 1) if latest else 1,
        value=clean,
        valid_from=valid_from,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason.strip(),
        source=source,
    )
    audit_record(
        actor=actor,
        action="policy.changed",
        target=created,
        division_code=profile.division_id,
        changes={
            "key": key,
            "version": created.version,
            "valid_from": valid_from.isoformat(),
            "before": latest.value if latest else None,
            "after": clean,
            "reason": reason,
        },
    )
    # Forget now (this transaction reads its own write) and again after commit (another process may
    # have cached the old version in between).
    forget_policy_cache(key=key, profile_code=profile.code)
    transaction.on_commit(lambda: forget_policy_cache(key=key, profile_code=profile.code))
    return created


def read_profile_file(code: str) -> dict[str, Any]:
    path = PROFILES_DIR / f"{code}.toml"
    if not path.is_file():
        raise DomainError("profile_unknown", f"No city profile file {path.name}.", status=404)
    with path.open("rb") as handle:
        return tomllib.load(handle)


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.toml"))


@transaction.atomic
def profile_load(*, code: str, actor: Any = None) -> tuple[CityProfile, int]:
    """Create a city profile and seed each policy key that has no version yet (idempotent).

    Keys edited by the bureau are left alone: the seed only fills what is missing.
    """
    data = read_profile_file(code)
    meta = data["profile"]
    if not Division.objects.filter(code=meta["division"]).exists():
        raise DomainError(
            "profile_division_missing",
            f"Load divisions first: {meta['division']} is not in the database.",
            status=409,
        )
    profile, _ = CityProfile.objects.update_or_create(
        code=code,
        defaults={
            "name": meta["name"],
            "division_id": meta["division"],
            "plan_title": meta.get("plan_title", ""),
        },
    )
    seeded = 0
    present = set(PolicyVersion.objects.filter(profile=profile).values_list("key", flat=True))
    for key, entry in data.get("policies", {}).items():
        if key in present:
            continue
        policy_set(
            profile=profile,
            key=key,
            value=entry["value"],
            valid_from=entry["valid_from"],
            actor=actor,
            reason=entry.get("reason", "seeded from the city profile"),
            source=entry.get("source", ""),
        )
        seeded += 1
    return profile, seeded


# --- key rotation ------------------------------------------------------------------------------------


def encrypted_columns() -> list[tuple[type[Any], list[str]]]:
    """Every concrete model with EncryptedTextField columns, and those columns."""
    from django.apps import apps

    from eldercare.core.crypto import EncryptedTextField

    found = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def encrypted_fields_rotate(*, batch_size: int, actor: Any) -> dict[str, int]:
    """Rewrite ciphertexts under the first key (MultiFernet.rotate) without going through the model
    fields. Each batch is its own transaction, so an interrupted run can simply be started again."""
    from django.db import connection

    from eldercare.core.crypto import rotate_token

    qn = connection.ops.quote_name
    counts: dict[str, int] = {}
    for model, columns in encrypted_columns():
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        cols = ", ".join(qn(c) for c in columns)
        update = f"UPDATE {table} SET {', '.join(f'{qn(c)} = %s' for c in columns)} WHERE {pk} = %s"  # noqa: S608
        keys = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        total = 0
        for start in range(0, len(keys), batch_size):
            chunk = keys[start : start + batch_size]
            with transaction.atomic(), connection.cursor() as cursor:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT {pk}, {cols} FROM {table} WHERE {pk} IN ({marks})", chunk)  # noqa: S608
                rows = cursor.fetchall()
                cursor.executemany(
                    update, [[*(rotate_token(v) if v else v for v in row[1:]), row[0]] for row in rows]
                )
                total += sum(1 for row in rows for v in row[1:] if v)
        counts[model._meta.label] = total
    audit_record(actor=actor, action="crypto.keys_rotated", division_code="", changes=counts)
    return counts
