"""双随机: the draw is reproducible from its published seed and never picks an inspector with a conflict."""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.core.exceptions import ConflictError
from eldercare.supervision import rules, selectors, services
from eldercare.supervision.choices import ConflictKind
from eldercare.supervision.models import Inspection
from eldercare.supervision.tests.factories import make_campaign, make_inspector, make_target
from eldercare.workforce import services as workforce_services
from eldercare.workforce.choices import StaffCategory
from eldercare.workforce.tests.factories import make_worker

# --- the pure rule ---------------------------------------------------------------------------------------

ids = st.lists(st.integers(min_value=1, max_value=200), min_size=0, max_size=25, unique=True)

# input generation is cheap; only a loaded CI machine makes it look slow
LOADED_MACHINE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def draw_inputs(draw: st.DrawFn) -> rules.DrawInput:
    targets = draw(ids)
    inspectors = draw(ids)
    pairs = [(i, t) for i in inspectors for t in targets]
    conflicts = draw(st.lists(st.sampled_from(pairs), max_size=40)) if pairs else []
    return rules.DrawInput(
        seed=draw(st.text(min_size=1, max_size=32)),
        targets=tuple(targets),
        inspectors=tuple(inspectors),
        conflicts=frozenset(conflicts),
        target_count=draw(st.integers(min_value=0, max_value=30)),
        inspectors_per_target=draw(st.integers(min_value=1, max_value=4)),
    )


@given(draw_inputs())
@settings(LOADED_MACHINE, max_examples=200)
def test_the_draw_never_assigns_an_inspector_with_a_conflict(data: rules.DrawInput) -> None:
    result = rules.draw(data)
    for assignment in result.assignments:
        assert all((i, assignment.target) not in data.conflicts for i in assignment.inspectors)
        assert len(set(assignment.inspectors)) == len(assignment.inspectors)
        assert assignment.short == (len(assignment.inspectors) < data.inspectors_per_target)


@given(draw_inputs())
@settings(LOADED_MACHINE, max_examples=200)
def test_the_draw_is_reproducible_and_independent_of_list_order(data: rules.DrawInput) -> None:
    shuffled = rules.DrawInput(
        seed=data.seed,
        targets=tuple(reversed(data.targets)),
        inspectors=tuple(reversed(data.inspectors)),
        conflicts=data.conflicts,
        target_count=data.target_count,
        inspectors_per_target=data.inspectors_per_target,
    )
    assert rules.draw(data) == rules.draw(data) == rules.draw(shuffled)
    drawn = [a.target for a in rules.draw(data).assignments]
    assert len(drawn) == min(data.target_count, len(data.targets)) == len(set(drawn))


def test_a_known_seed_gives_a_known_result() -> None:
    # a fixed vector: if this changes, published draws can no longer be re-drawn (bump DRAW_ALGORITHM)
    data = rules.DrawInput(
        seed="2025-双随机-001",
        targets=tuple(range(1, 11)),
        inspectors=(101, 102, 103, 104),
        conflicts=frozenset({(101, 3)}),
        target_count=3,
        inspectors_per_target=2,
    )
    first = rules.draw(data)
    assert first == rules.draw(data)
    assert rules.result_as_json(first) == rules.result_as_json(rules.draw(data))
    assert first.fingerprint == rules.fingerprint(
        targets=range(1, 11), inspectors=[101, 102, 103, 104], conflicts=[(101, 3)]
    )


def test_a_different_seed_usually_gives_a_different_draw() -> None:
    def drawn(seed: str) -> tuple[int, ...]:
        data = rules.DrawInput(
            seed=seed,
            targets=tuple(range(1, 51)),
            inspectors=tuple(range(100, 120)),
            conflicts=frozenset(),
            target_count=5,
            inspectors_per_target=2,
        )
        return tuple(a.target for a in rules.draw(data).assignments)

    assert len({drawn(str(s)) for s in range(10)}) > 1


# --- the campaign ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_campaign_draw_avoids_employment_and_declared_conflicts_and_can_be_redrawn(client: Client) -> None:
    # given targets A, B and three inspectors: one worked at A (workforce), one declared a conflict with B
    a, b = make_target(), make_target()
    former_employee, declarer, neutral = make_inspector(), make_inspector(), make_inspector()
    worker = make_worker(category=StaffCategory.MANAGER, user=former_employee)
    job = workforce_services.employment_start(
        employer=a, worker=worker, position=StaffCategory.MANAGER, started_on=date(2020, 1, 1), actor=None
    )
    workforce_services.employment_end(employment=job, ended_on=date(2024, 1, 1), reason="调任", actor=None)
    services.conflict_declare(inspector=declarer, organisation=b, kind=ConflictKind.RELATIVE, actor=declarer)
    campaign = make_campaign(target_count=2, per_target=2)
    # when the campaign is drawn and published
    campaign = services.campaign_draw(campaign=campaign, actor=None)
    campaign = services.campaign_publish(campaign=campaign, actor=None)
    # then the conflicts were recorded, and no drawn inspection pairs a conflicted inspector with that target
    assert [former_employee.pk, a.pk] in campaign.conflicts
    assert [declarer.pk, b.pk] in campaign.conflicts
    for inspection in Inspection.objects.filter(campaign=campaign):
        inspector_ids = set(inspection.inspectors.values_list("id", flat=True))
        if inspection.organisation_id == a.pk:
            assert former_employee.pk not in inspector_ids
        if inspection.organisation_id == b.pk:
            assert declarer.pk not in inspector_ids
        assert neutral.pk in inspector_ids
    # and the published seed and lists re-draw exactly the published result
    check = selectors.campaign_redraw_check(campaign)
    assert check.fingerprint_matches and check.result_matches and check.conflict_free
    # and the public page shows the seed, the fingerprint and the check, without inspector names
    page = client.get(reverse("supervision:public_campaign", args=[campaign.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert campaign.seed in html and campaign.fingerprint in html
    assert former_employee.username not in html
    data = client.get(reverse("supervision:public_campaign_json", args=[campaign.pk])).json()
    assert data["seed"] == campaign.seed
    redrawn = rules.draw(
        rules.DrawInput(
            seed=data["seed"],
            targets=tuple(data["eligible_targets"]),
            inspectors=tuple(data["eligible_inspectors"]),
            conflicts=frozenset(tuple(p) for p in data["conflicts"]),
            target_count=data["target_count"],
            inspectors_per_target=data["inspectors_per_target"],
        )
    )
    assert rules.result_as_json(redrawn) == data["result"]


@pytest.mark.django_db
def test_a_tampered_result_fails_the_redraw_check_and_a_campaign_is_drawn_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_target(), make_target(), make_inspector(), make_inspector()
    campaign = services.campaign_draw(
        campaign=make_campaign(target_count=1, per_target=1), actor=None, seed="public-lottery-42"
    )
    assert campaign.seed == "public-lottery-42"
    with pytest.raises(ConflictError):
        services.campaign_draw(campaign=campaign, actor=None)
    call_command("supervision_redraw", str(campaign.pk))
    assert "MATCH" in capsys.readouterr().out
    campaign.result = [{"target": campaign.result[0]["target"], "inspectors": [999], "short": False}]
    campaign.save()
    assert not selectors.campaign_redraw_check(campaign).result_matches
