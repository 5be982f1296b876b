"""What-if: scenarios, compare, sweep, drill, readiness."""

import json
import math

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from planner import pipeline
from planner.cli.main import main
from planner.errors import PlannerError
from planner.inputs.overrides import apply, parse_set
from planner.models.scenario import Scenario
from planner.verify import verify
from planner.whatif import drills
from planner.whatif.cases import parse_values, scenario_cases, sweep_cases
from planner.whatif.compare import comparison, difference
from planner.whatif.runs import Settings, solve_all
from tests.builders import catalog_dict, inventory_dict, small_catalog, small_inventory

SETTINGS = Settings()


def test_set_paths_reach_inventory_and_catalog_and_mark_provenance():
    inv, cat = apply(small_inventory(decision_date="2026-11-26"), small_catalog(),
                     Scenario(name="t", deadline_hours=48, exclude=["a"], budget=900,
                              set={"groups.web.count": 30, "catalog.b.quota_servers": 99,
                                   "catalog.b.offerings.ded.stock": 7}))
    assert inv.deadline_hours == 48 and "a" in inv.policy.excluded_providers
    assert inv.policy.one_time_budget == 900 and inv.groups[0].count == 30
    quota = cat.provider("b").quota_servers
    assert (quota.value, quota.estimate, quota.as_of) == (99, True, "2026-11-26")
    assert "scenario 't'" in quota.source
    assert cat.provider("b").offerings[1].stock.value == 7


@pytest.mark.parametrize("path, message", [
    ("groups.nope.count", "groups.nope: no item 'nope'"),
    ("deadline_hour", "no field 'deadline_hour'"),
    ("catalog.zz.quota_servers", "no provider or vendor 'zz'"),
    ("catalog.b.quota", "catalog.b.quota: no field 'quota'"),
    ("groups.web", "names a whole item"),
])
def test_a_path_that_does_not_exist_is_an_error_naming_it(path, message):
    with pytest.raises(PlannerError, match=message.replace("(", r"\(")):
        apply(small_inventory(), small_catalog(), Scenario(name="bad", set={path: 1}))


def test_set_values_are_validated_and_parsed_as_yaml():
    with pytest.raises(PlannerError, match=r"groups\.web\.count"):
        apply(small_inventory(), small_catalog(), Scenario(name="bad",
                                                           set={"groups.web.count": "x"}))
    assert parse_set("policy.survive_provider_losses=2") == ("policy.survive_provider_losses", 2)
    assert parse_set("policy.excluded_providers=[a, b]")[1] == ["a", "b"]
    with pytest.raises(PlannerError):
        parse_set("no-equals-sign")


def test_only_keeps_the_named_entries_of_each_kind_it_mentions():
    inv, _ = apply(small_inventory(), small_catalog(), Scenario(name="o", only=["b"]))
    assert "a" in inv.policy.excluded_providers and "smsco" not in inv.policy.excluded_providers


def _compare(workers):
    inventory, catalog = small_inventory(horizon=60), small_catalog()
    base = pipeline.plan(inventory, catalog).plan
    # sorted: a tie between providers must not be broken by the set's (hash-seeded) order,
    # which differs between the two runs test_results_do_not_depend_on_the_number_of_workers
    # compares
    largest = max(sorted({a.provider for a in base.assignments}),
                  key=lambda p: sum(a.count for a in base.assignments if a.provider == p))
    scenarios = [Scenario(name="48 h", deadline_hours=48),
                 Scenario(name=f"without {largest}", exclude=[largest])]
    cases = scenario_cases(inventory, catalog, scenarios)
    plans = solve_all(cases, SETTINGS, workers)
    return plans, comparison("Comparison", cases, plans)


def test_compare_rows_move_in_the_expected_direction_and_all_verify():
    plans, result = _compare(workers=1)
    assert [r.name for r in result.rows][0] == "base" and len(result.rows) == 3
    assert all(verify(p) == [] for p in plans)
    base, later, without = result.rows
    assert later.servers_at_deadline >= base.servers_at_deadline  # more time never hurts
    assert without.servers_at_deadline <= base.servers_at_deadline
    if without.servers_at_deadline == base.servers_at_deadline:
        assert without.one_time_cost + without.monthly_cost >= \
            base.one_time_cost + base.monthly_cost - 1e-6
    assert result.changes[1].providers_dropped


def test_results_do_not_depend_on_the_number_of_workers():
    _, one = _compare(workers=1)
    _, two = _compare(workers=2)
    assert one.model_dump_json() == two.model_dump_json()


def test_sweep_values_and_rows():
    assert parse_values("12,24") == [12, 24]
    assert parse_values("12:36:12") == [12, 24, 36]
    with pytest.raises(PlannerError):
        parse_values("36:12:12")
    path, cases = sweep_cases(small_inventory(horizon=60), small_catalog(),
                              "deadline_hours=12,24")
    plans = solve_all(cases, SETTINGS, 1)
    result = comparison("Sweep", cases, plans, parameter=path)
    assert [r.parameter for r in result.rows] == [12, 24]


def test_drill_lists_every_chosen_provider_worst_first():
    inventory, catalog = small_inventory(horizon=60), small_catalog()
    base = pipeline.plan(inventory, catalog).plan
    cases = drills.drill_cases(inventory, catalog, base, 1)
    result = drills.drill(base, cases, solve_all(cases, SETTINGS, 1), 1)
    assert sorted(r.lost[0] for r in result.rows) == base.providers_used
    dns = next(r for r in result.rows if r.lost == ["dnsco"])
    # without DNS, receivers cannot see the new DKIM records either: email goes too
    assert dns.services_lost == ["dns", "email"] and dns.coverage_lost_at_deadline == 0
    losses = [r.coverage_lost_at_deadline for r in result.rows]
    assert losses == sorted(losses, reverse=True)


@given(st.floats(-1e9, 1e9), st.floats(-1e-6, 1e-6), st.integers(0, 9))
def test_a_difference_is_rounded_and_never_negative_zero(old, change, digits):
    value = difference(old + change, old, digits)
    assert value == round((old + change) - old, digits)
    assert value != 0 or math.copysign(1.0, value) == 1.0  # the report never says -0.00


def test_readiness_items_never_make_things_worse():
    inventory, catalog = small_inventory(horizon=60), small_catalog()
    base = pipeline.plan(inventory, catalog).plan
    cases = drills.readiness_cases(inventory, catalog)
    result = drills.readiness(base, cases, solve_all(cases, SETTINGS, 1))
    names = {r.item for r in result.rows}
    assert {"accounts", "quotas", "ns-ttl", "second-dns", "sms", "email", "data"} <= names
    assert all(r.servers_at_deadline_gain >= 0 for r in result.rows)
    second_dns = next(r for r in result.rows if r.item == "second-dns")
    assert "dns" in second_dns.services_ready_by_deadline


def test_compare_command_writes_markdown_and_json(tmp_path):
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    later = tmp_path / "later.yaml"
    later.write_text("name: later\ndeadline_hours: 36\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", str(inv), "--no-default-catalog", "-c",
                                       str(cat), "-s", str(later), "--set",
                                       "policy.survive_provider_losses=0", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "comparison.json").read_text())
    assert [r["name"] for r in data["rows"]] == ["base", "later"]
    text = (out / "comparison.md").read_text()
    assert "xychart-beta" in text and "| later |" in text
    assert (out / "plans" / "later.json").is_file()
    bad = CliRunner().invoke(main, ["compare", str(inv), "--no-default-catalog", "-c", str(cat),
                                    "--set", "policy.nope=1", "-o", str(out)])
    assert bad.exit_code == 1 and "policy.nope" in bad.output


def test_scenarios_compose_in_order_then_sets(tmp_path):
    from planner.inputs.overrides import Flags, apply_all

    first = Scenario(name="first", deadline_hours=36, set={"groups.web.count": 10})
    second = Scenario(name="second", set={"groups.web.count": 12})
    inv, _, applied = apply_all(small_inventory(horizon=60), small_catalog(),
                                [("a.yaml", first), ("b.yaml", second)],
                                {"groups.db.count": 2}, Flags())
    assert (inv.deadline_hours, inv.groups[0].count, inv.groups[1].count) == (36, 12, 2)
    assert [(o.source, o.path, o.value) for o in applied] == [
        ("scenario 'first' (a.yaml)", "deadline_hours", 36),
        ("scenario 'first' (a.yaml)", "groups.web.count", 10),
        ("scenario 'second' (b.yaml)", "groups.web.count", 12),
        ("--set", "groups.db.count", 2)]


def test_plan_command_takes_scenarios_and_sets(tmp_path):
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    later = tmp_path / "later.yaml"
    later.write_text("name: later\ndeadline_hours: 36\n")
    result = CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "-s", str(later), "--set", "groups.web.count=5",
                                       "--format", "json", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["deadline_hours"] == 36 and summary["servers_total"] == 5 + 4 + 3


def test_sweep_command_writes_a_chart_of_the_figures_and_a_png(tmp_path):
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sweep", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "--param", "deadline_hours=12:36:12", "--png",
                                       "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    text = (out / "sweep.md").read_text()
    assert "## Figures against deadline_hours" in text
    assert 'x-axis "deadline_hours" [12, 24, 36]' in text
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = json.loads((out / "sweep.json").read_text())["rows"]
    served = [r["servers_at_deadline"] for r in rows]
    assert served == sorted(served)  # more time never serves fewer


def test_changing_highs_threads_between_solves_never_breaks_one():
    """HiGHS refuses a run whose thread count differs from the one its process-wide
    scheduler started with; use_threads resets it, so plans solve alike either way."""
    from planner.solver.highs import use_threads

    inventory, catalog = small_inventory(horizon=60), small_catalog()
    first = pipeline.plan(inventory, catalog).plan
    try:
        use_threads(1)
        one = pipeline.plan(inventory, catalog).plan
    finally:
        use_threads(None)
    again = pipeline.plan(inventory, catalog).plan
    assert first.status == one.status == again.status == "optimal"
    assert first.model_dump_json() == one.model_dump_json() == again.model_dump_json()


def test_drill_shows_the_loss_over_the_whole_horizon_in_points_and_relative():
    """Issue 18, item 10: a refusal that costs nothing at the deadline hour can cost hours
    after it; the drill says how much, in points and as a part of what the base served."""
    from planner.report.whatif import render_drill

    inventory, catalog = small_inventory(horizon=60), small_catalog()
    base = pipeline.plan(inventory, catalog).plan
    cases = drills.drill_cases(inventory, catalog, base, 1)
    result = drills.drill(base, cases, solve_all(cases, SETTINGS, 1), 1)
    dns = next(r for r in result.rows if r.lost == ["dnsco"])
    assert dns.coverage_lost_at_deadline == 0
    [loss] = [x for x in dns.lost_over_horizon if x.demand == "dns"]
    assert loss.points > 0 and 0 < loss.relative <= 1
    assert loss.points == pytest.approx((loss.base_share - loss.share) * 100, abs=0.01)
    assert loss.relative == pytest.approx(1 - loss.share / loss.base_share, abs=1e-4)
    for r in result.rows:
        assert [x.points for x in r.lost_over_horizon] == \
            sorted((x.points for x in r.lost_over_horizon), reverse=True)
    text = render_drill(result)
    assert f"dns {loss.points:.1f} points ({loss.relative:.0%} of it)" in text
    assert "Servers lost at the deadline" in text
