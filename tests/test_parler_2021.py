"""The bundled 2021 case with the shipped catalog: verified, proven optimal, and its summary
matches the reviewed golden copy (tests/golden/parler-2021-summary.json).

When the catalog, the inventory or the model changes on purpose, regenerate the golden file
with `planner plan inventories/parler-2021.yaml --format json > tests/golden/...`, read the
diff, and say in the commit why the plan changed.
"""

import json
from pathlib import Path

import pytest

from planner import pipeline
from planner.formulation.instance import prepare
from planner.inputs import loader
from planner.report.summary import summary_data
from planner.verify import verify

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "parler-2021-summary.json"


@pytest.fixture(scope="module")
def plan():
    inventory = loader.load_inventory(ROOT / "inventories" / "parler-2021.yaml")
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    return pipeline.plan(inventory, catalog).plan


def test_2021_plan_is_proven_optimal_and_verifies(plan):
    assert plan.status == "optimal"
    assert all(p.gap is not None and p.gap <= 1e-4 for p in plan.solver.phases)
    assert verify(plan) == []


def test_2021_summary_matches_the_golden_copy(plan):
    got, want = summary_data(plan), json.loads(GOLDEN.read_text())
    for key in ("one_time_cost", "monthly_cost"):  # optimal within the 0.01% gap
        assert got.pop(key) == pytest.approx(want.pop(key), rel=1e-4), key
    got.pop("gap"), want.pop("gap"), want.pop("seconds", None)  # wall time is not a result
    assert got == want


def test_2021_case_shows_what_binds(plan):
    """The story of 2021 in numbers: new-account quotas cap the first day, DNS waits out
    the .com delegation TTL, and SMS registration takes weeks."""
    short = {s.demand: s for s in plan.shortfalls}
    assert plan.servers_at_deadline < plan.servers_total
    assert any(c.code == "quota" for c in short["api"].causes)
    assert {c.code for c in short["dns"].causes} == {"dns_ttl"}
    assert short["dns"].full_by_hour is not None and short["dns"].full_by_hour > 48
    assert short["sms"].full_by_hour is None
    assert not {"aws-ec2", "twilio-sms", "sendgrid"} & set(plan.providers_used)


def test_a_time_limit_is_reported_as_such_with_its_gap():
    inventory = loader.load_inventory(ROOT / "inventories" / "parler-2021.yaml")
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    limited = pipeline.plan(inventory, catalog, time_limit=0.3).plan
    assert verify(limited) == []
    first = limited.solver.phases[0]
    if first.status != "optimal":  # a fast machine may still prove optimality
        assert limited.status == "time_limit" and first.raw_status.startswith("Time limit")
        assert first.gap is not None and first.gap > 0 and first.bound is not None


def test_2021_under_three_scenarios_moves_in_the_expected_direction(plan):
    """Base, 48 hours, and the largest chosen provider refusing: more time never lowers
    coverage, losing a provider never raises it (nor lowers cost at equal coverage), and
    every plan verifies."""
    from planner.models.scenario import Scenario
    from planner.whatif.cases import scenario_cases
    from planner.whatif.compare import comparison
    from planner.whatif.runs import Settings, solve_all

    inventory = loader.load_inventory(ROOT / "inventories" / "parler-2021.yaml")
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    largest = max(plan.providers_used, key=lambda p: sum(
        a.count for a in plan.assignments if a.provider == p))
    cases = scenario_cases(inventory, catalog, [
        Scenario(name="48 h", deadline_hours=48),
        Scenario(name=f"without {largest}", exclude=[largest])])
    plans = solve_all(cases, Settings())
    assert all(verify(p) == [] for p in plans)
    base, later, without = comparison("2021", cases, plans).rows
    # more time: the base plan is one the 48-hour model allows (its data moves earlier than
    # it must), so the 48-hour plan serves at least as much as it from hour 48 on, as that
    # plan's objective counts it, within what its solve proved (objective - bound)
    coverage = plans[1].solver.phases[0]
    assert _weighted_served_from(plans[1], 48) >= _weighted_served_from(plans[0], 48) \
        - (coverage.objective - coverage.bound)
    assert later.servers_at_deadline >= base.servers_at_deadline
    assert without.servers_at_deadline <= base.servers_at_deadline
    assert all(w <= b + 1e-9 for w, b in zip(without.coverage_by_hour, base.coverage_by_hour)) \
        or without.servers_at_deadline < base.servers_at_deadline


def _weighted_served_from(plan, hour: int) -> float:
    """Tier-weighted demand served from `hour` to the horizon, hour by hour, with the
    model's weights (formulation.instance): a server of a group, the whole of a service."""
    weights = prepare(plan.inventory, plan.catalog).weights
    total = 0.0
    for row in plan.coverage:
        per_unit = 1.0 if row.kind == "group" else 1.0 / row.total
        name = row.demand if row.kind == "group" else row.kind
        total += weights[name] * per_unit * sum(row.served_by_hour[hour:])
    return total


def test_2021_keeps_web_api_database_and_cache_within_their_bounds(plan):
    """Issue 22: web calls the API within 20 ms; the API, the sharded primaries and the
    cache run in one metro (2 ms), Ashburn, where the inventory puts its users."""
    from planner.report.location import call_rows, place_rows
    for call in call_rows(plan):
        if call.longest_ms is not None:
            assert call.longest_ms <= call.bound_ms, call
    metros = {r.metro for r in place_rows(plan)
              if {"api", "database-primary"} & set(r.groups)}
    assert metros == {"ashburn"}
    tight = {(c.group, c.dependency): c.bound_ms for c in call_rows(plan)}
    assert tight[("api", "database-primary")] == 2 and tight[("api", "cache")] == 2
    assert tight[("web", "api")] == 20


def test_2021_home_is_on_three_compute_providers_with_dated_moves(plan):
    """Issue 23: after the bridge, the 2021 network lands on at most three compute providers
    by day 30, with a move schedule in hours (and so dates), for less a server than the
    bridge costs."""
    home = plan.home
    assert home is not None and home.status == "optimal" and not home.staying
    assert 1 <= len(home.providers) <= 3
    assert set(home.providers) <= {p.id for p in plan.catalog.providers}
    assert home.served_by_hour is not None and home.served_by_hour <= 24 * home.day
    cut = {m.group: m.cutover_hour for m in home.moves}
    for move in home.moves:
        assert plan.horizon_hours <= move.starts_hour <= move.cutover_hour < move.retire_hour
        group = next(g for g in plan.inventory.groups if g.name == move.group)
        assert all(cut.get(dep, 0) <= move.starts_hour for dep in group.needs)
    # the bridge's run-rate prices the servers it runs at its horizon (not all of them by
    # then): like for like, a server costs less at home, and so does the whole at the
    # home's size
    bridge_per_server = plan.costs.monthly["servers"] / home.bridge_servers
    assert home.monthly["servers"] / home.servers < bridge_per_server
    assert home.monthly_cost < home.bridge_monthly_every_server
    assert home.servers == plan.servers_total
