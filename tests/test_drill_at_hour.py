"""Issue 24: a drill refuses at the hour a provider backs out, after servers exist there
(policy.refused_at_hour, domain/refusal.py), and the re-plan keeps to the base plan before
that hour (formulation/follow.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.cli.main import main
from planner.domain.digest import inputs_digest
from planner.errors import PlannerError
from planner.inputs.overrides import apply, check_against_catalog
from planner.inputs.planfile import load_plan
from planner.models.scenario import Scenario
from planner.report.whatif import drill_lines, render_drill
from planner.verify import verify
from planner.whatif import drills
from tests.builders import catalog_dict, inventory_dict, small_catalog, small_inventory

ROOT = Path(__file__).resolve().parent.parent
HOUR = 12


@pytest.fixture(scope="module")
def small():
    inventory, catalog = small_inventory(horizon=60), small_catalog()
    return inventory, catalog, pipeline.plan(inventory, catalog).plan


@pytest.fixture(scope="module")
def replans(small):
    """Each provider and vendor the base plan uses refusing at hour 12: case -> re-plan."""
    inventory, catalog, base = small
    cases = drills.drill_cases(inventory, catalog, base, 1, at=HOUR)
    return {c.name: (c, pipeline.plan(c.inventory, c.catalog, follow=c.follow).plan)
            for c in cases}


@pytest.fixture(scope="module")
def refused(replans):
    """Provider a, which runs the base plan's database, refuses at hour 12."""
    return replans["a"]


def _servers(plan, key):
    row = next((r for r in plan.schedule if (r.group, r.provider, r.offering) == key), None)
    return row.up_by_hour if row else [0] * (plan.horizon_hours + 1)


def test_the_replan_serves_as_the_base_before_the_hour_and_nothing_at_the_refused_provider_after(
        small, refused):
    _, _, base = small
    case, plan = refused
    assert plan.inventory.policy.refused_at_hour == {"a": HOUR}
    assert case.follow.hour == HOUR and case.follow.plan is base
    assert any(r.provider == "a" and any(r.up_by_hour[:HOUR]) for r in base.schedule)
    keys = {(r.group, r.provider, r.offering) for r in [*base.schedule, *plan.schedule]}
    for key in keys:
        assert _servers(plan, key)[:HOUR] == _servers(base, key)[:HOUR], key
    served = {r.demand: r.served_by_hour for r in plan.coverage}
    for row in base.coverage:
        assert served[row.demand][:HOUR] == pytest.approx(row.served_by_hour[:HOUR], abs=1e-6)
    for row in plan.schedule:
        if row.provider == "a":
            assert not any(row.up_by_hour[HOUR:]) and not any(row.hosts[HOUR:])
    assert verify(plan) == [] and pipeline.audit(plan) == []


def test_what_depends_on_the_refused_provider_stops_at_its_hour(refused):
    """web depends on db, which ran at a alone: web at b stops at hour 12 (the drop the
    verifier allows of a group that depends on what was lost), and the database's
    servers there are gone with it."""
    _, plan = refused
    web_b = _servers(plan, ("web", "b", "m"))
    assert web_b[HOUR - 1] > 0 and web_b[HOUR] < web_b[HOUR - 1]


def test_servers_stay_up_still_rejects_a_drop_at_a_provider_that_did_not_refuse(replans):
    """b refuses at hour 12 and takes two web servers; web at a depends on db at a, which
    b did not run: a drop there is no refusal's, at the refusal hour or any other."""
    _, plan = replans["b"]
    assert verify(plan) == []
    for hour in (HOUR, HOUR + 20):
        rows = [r.model_copy(deep=True) for r in plan.schedule]
        row = next(r for r in rows if (r.group, r.provider) == ("web", "a"))
        assert row.up_by_hour[hour - 1] > 0
        row.up_by_hour[hour:] = [row.up_by_hour[hour - 1] - 1] * (plan.horizon_hours + 1 - hour)
        tampered = plan.model_copy(update={"schedule": rows})
        assert "servers_stay_up" in {v.constraint for v in verify(tampered)}, hour


def test_the_verifier_rejects_servers_left_at_a_provider_after_it_refuses(small):
    """The base plan with the refusal written into its inputs: its servers at a after hour
    12 exceed a's curve, which is 0 from then."""
    _, _, base = small
    policy = base.inventory.policy.model_copy(update={"refused_at_hour": {"a": HOUR}})
    inventory = base.inventory.model_copy(update={"policy": policy})
    lying = base.model_copy(update={"inventory": inventory,
                                    "inputs_digest": inputs_digest(inventory, base.catalog)})
    found = {v.constraint for v in verify(lying)}
    assert "provider_capacity" in found


def test_every_refusal_of_the_small_case_verifies_and_the_drill_says_when(small, replans):
    """Each provider and vendor the base uses, refusing at hour 12: compute, SMS, email,
    DNS (the email goes with the DNS: receivers see its DKIM records through it) and
    object storage (what was stored there is gone)."""
    _, _, base = small
    assert sorted(replans) == base.providers_used
    cases, plans = zip(*replans.values())
    for case, plan in zip(cases, plans):
        assert verify(plan) == [] and pipeline.audit(plan) == [], case.name
    result = drills.drill(base, list(cases), list(plans), 1)
    assert result.refused_at_hour == HOUR and {r.refused_at_hour for r in result.rows} == {HOUR}
    a = next(r for r in result.rows if r.lost == ["a"])
    assert a.servers_gone == sum(r.up_by_hour[HOUR - 1] for r in base.schedule
                                 if r.provider == "a")
    assert a.servers_stopped > 0
    assert a.recovery_hour is None or a.recovery_hour >= HOUR
    store = next(r for r in result.rows if r.lost == ["obj"])
    assert "object_storage" in store.services_lost
    text = render_drill(result)
    assert f"Refuses at hour {HOUR}" in text and "Servers made there, lost" in text
    assert any(f"refuses at hour {HOUR}" in line for line in drill_lines(result, "drill.md"))


def test_at_start_is_the_exclusion_of_before_and_the_cli_default_is_the_deadline(small):
    inventory, catalog, base = small
    [start] = [c for c in drills.drill_cases(inventory, catalog, base, 1) if c.name == "a"]
    assert start.follow is None and "a" in start.inventory.policy.excluded_providers
    [late] = [c for c in drills.drill_cases(inventory, catalog, base, 1, at="deadline")
              if c.name == "a"]
    assert late.follow.hour == base.deadline_hours
    assert late.inventory.policy.refused_at_hour == {"a": base.deadline_hours}
    with pytest.raises(PlannerError, match="--at"):
        drills.refusal_hour(base, base.horizon_hours + 1)
    assert drills.refusal_hour(base, "7") == 7


def test_a_refusal_is_set_by_path_and_checked_against_the_catalog():
    inventory, catalog = small_inventory(), small_catalog()
    inv, cat = apply(inventory, catalog, Scenario(name="s", set={
        "policy.refused_at_hour.b": 30, "policy.refused_at_hour.a": 12}))
    assert inv.policy.refused_at_hour == {"a": 12, "b": 30}
    check_against_catalog(inv, cat)
    bad, _ = apply(inventory, catalog, Scenario(name="s", set={"policy.refused_at_hour.bb": 1}))
    with pytest.raises(PlannerError, match=r"refused_at_hour: .*'bb' \(did you mean 'b'"):
        check_against_catalog(bad, cat)
    with pytest.raises(PlannerError, match="refused_at_hour"):
        apply(inventory, catalog, Scenario(name="s", set={"policy.refused_at_hour.a": -1}))


def test_a_plan_without_refusals_says_nothing_of_them(small):
    """The default is no refusal, left out of the plan's JSON (its digest is unchanged)."""
    _, _, base = small
    assert "refused_at_hour" not in base.inventory.model_dump_json()


def test_2021_drill_at_the_deadline_of_the_largest_provider_verifies():
    """The bundled case's plan (the golden copy), its provider with the most servers up at
    the deadline (the first by name among equals) refusing then."""
    base = load_plan(ROOT / "tests" / "golden" / "plan-parler-2021.json")
    D = base.deadline_hours
    up: dict[str, int] = {}
    for row in base.schedule:
        up[row.provider] = up.get(row.provider, 0) + row.up_by_hour[D]
    largest = min(up, key=lambda p: (-up[p], p))
    [case] = [c for c in drills.drill_cases(base.inventory, base.catalog, base, 1,
                                           at="deadline") if c.name == largest]
    plan = pipeline.plan(case.inventory, case.catalog, follow=case.follow).plan
    assert plan.status == "optimal" and verify(plan) == []
    for key in {(r.group, r.provider, r.offering) for r in base.schedule}:
        assert _servers(plan, key)[:D] == _servers(base, key)[:D], key
    assert not any(sum(r.up_by_hour[D:]) for r in plan.schedule if r.provider == largest)


def test_the_drill_command_refuses_at_the_deadline_unless_told(tmp_path):
    """`planner drill` at the deadline by default, `--at HOUR` at that hour, `--at start`
    as the exclusion of before; anything else is a usage error, an hour past the horizon an
    input error, neither with a traceback nor a file written."""
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))

    def drill(*extra):
        out = tmp_path / "-".join(extra or ("default",))
        result = CliRunner().invoke(main, ["drill", str(inv), "--no-default-catalog", "-c",
                                           str(cat), "-o", str(out), "--workers", "1",
                                           "-q", *extra])
        return result, out

    result, out = drill()
    assert result.exit_code == 0, result.output
    report = json.loads((out / "drill.json").read_text())
    assert {r["refused_at_hour"] for r in report["rows"]} == {report["deadline_hours"]} == {24}
    result, out = drill("--at", "12")
    assert result.exit_code == 0, result.output
    assert {r["refused_at_hour"] for r in
            json.loads((out / "drill.json").read_text())["rows"]} == {12}
    result, out = drill("--at", "start")
    assert result.exit_code == 0, result.output
    assert {r["refused_at_hour"] for r in
            json.loads((out / "drill.json").read_text())["rows"]} == {0}
    result, out = drill("--at", "soon")
    assert result.exit_code == 2 and "start, deadline or an hour" in result.output
    result, out = drill("--at", "999")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--at 999" in result.output and not out.exists()
