"""`planner stress` end to end (issue 24): the report, the same bytes whatever the workers or
a Dask cluster, the hedged plan's P10 at least the plain one's on the same scenarios, and the
2021 case's figures."""

from __future__ import annotations

import json
from pathlib import Path

import distributed  # the test extra installs it: never skipped
import pytest
import yaml
from click.testing import CliRunner

from planner.cli.main import main
from planner.inputs import loader
from planner.whatif import stress
from planner.whatif.runs import Executor, Settings, run_all, solve_all
from tests.test_risk import hedge_catalog, hedge_inventory


def _inputs(tmp_path):
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(hedge_inventory().model_dump(mode="json")))
    cat.write_text(yaml.safe_dump(hedge_catalog().model_dump(mode="json")))
    return inv, cat


def _stress(tmp_path, out, *extra, samples="300"):
    inv, cat = _inputs(tmp_path)
    result = CliRunner().invoke(main, ["stress", str(inv), "--no-default-catalog", "-c",
                                       str(cat), "--samples", samples, "--hedge", "-o",
                                       str(tmp_path / out), *extra])
    assert result.exit_code == 0, result.output
    return result, tmp_path / out


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address="127.0.0.1:0") as cluster:
        yield cluster.scheduler_address


def test_stress_writes_the_distribution_and_the_cost_of_hedging(tmp_path):
    result, out = _stress(tmp_path, "one", "--workers", "1")
    report = json.loads((out / "stress.json").read_text())
    assert [p["label"] for p in report["plans"]] == ["plain", "hedged"]
    plain, hedged = report["plans"]
    assert hedged["users_over_horizon"]["p10"] >= plain["users_over_horizon"]["p10"]
    assert hedged["servers_over_horizon"]["p10"] > plain["servers_over_horizon"]["p10"]
    assert hedged["monthly_cost"] > plain["monthly_cost"]
    assert sum(b["scenarios"] for b in plain["histogram"]) == 300
    assert plain["worst"][0]["users_at_deadline"] <= plain["users_at_deadline"]["p10"]
    text = (out / "stress.md").read_text()
    assert "## What hedging costs" in text and "+20 EUR per month" not in text
    assert "plain:" in result.output and "hedged:" in result.output
    assert sorted(p.name for p in (out / "plans").iterdir()) == ["hedged.json", "plain.json"]


def test_stress_is_the_same_on_processes_and_on_a_dask_cluster(tmp_path, scheduler):
    _, one = _stress(tmp_path, "one", "--workers", "1", "--png")
    _, two = _stress(tmp_path, "two", "--workers", "2", "--png")
    _, dask = _stress(tmp_path, "dask", "--scheduler", scheduler, "--png")
    assert (one / "stress.png").read_bytes().startswith(b"\x89PNG")
    for name in ("stress.json", "stress.md", "stress.png", "plans/plain.json",
                 "plans/hedged.json"):
        assert (one / name).read_bytes() == (two / name).read_bytes() == \
            (dask / name).read_bytes(), name


def test_2021_stress_on_a_dask_cluster_and_on_processes_agree(scheduler):
    """1,000 samples of the 2021 plan, in chunks on two workers, either way."""
    inventory = loader.load_inventory(Path(__file__).resolve().parent.parent
                                      / "inventories" / "parler-2021.yaml")
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    cases = stress.plan_cases(inventory, catalog, {}, hedge=False)
    plan = solve_all(cases, Settings(), workers=1)[0]
    policy = stress.sampling_policy(plan, None)
    jobs = [(plan, policy, chunk) for chunk in stress.chunks(1000)]
    local = run_all(stress.evaluate, jobs, Executor(workers=2))
    remote = run_all(stress.evaluate, jobs, Executor(scheduler=scheduler))
    assert local == remote
    outcomes = [o for chunk in local for o in chunk]
    assert [o.index for o in outcomes] == list(range(1000))
    report = stress.stress(plan, policy, 1000, "evaluate", [("plan", plan, outcomes)])
    d = report.plans[0]
    assert 0 < report.shocks < 1000
    assert d.users_at_deadline.p10 <= d.users_at_deadline.p50 <= d.users_at_deadline.p90 \
        <= d.nominal_users_at_deadline
    # the sum of the used entries' risks, give or take the sampling: linearity
    risks = {e.id: e.refusal_risk.value for e in [*plan.catalog.providers,
                                                   *plan.catalog.services]}
    used = set(plan.providers_used) | {plan.edge.vendor}
    assert d.expected_refusals == pytest.approx(sum(risks[e] for e in used), rel=0.05)


def test_replanning_each_scenario_keeps_at_least_the_plan_as_it_stands(tmp_path):
    """--mode replan: each scenario with a refusal among the plan's providers re-planned from
    its first refusal (the base kept before it); the plan as it stands with the refusals
    applied is one of the re-plan's choices, so no scenario keeps less servers."""
    _, evaluated = _stress(tmp_path, "evaluated", "--workers", "1", samples="40")
    _, replanned = _stress(tmp_path, "replanned", "--workers", "2", "--mode", "replan",
                           samples="40")
    before = json.loads((evaluated / "stress.json").read_text())
    after = json.loads((replanned / "stress.json").read_text())
    assert after["mode"] == "replan" and "re-planned" in (replanned / "stress.md").read_text()
    for old, new in zip(before["plans"], after["plans"]):
        for measure in ("servers_over_horizon", "users_over_horizon"):
            assert new[measure]["mean"] >= old[measure]["mean"] - 1e-9
        assert new[measure]["p10"] >= old[measure]["p10"] - 1e-9
    plain_before, plain_after = before["plans"][0], after["plans"][0]
    assert plain_after["servers_over_horizon"]["mean"] > \
        plain_before["servers_over_horizon"]["mean"]


def test_2021_hedged_plan_keeps_at_least_the_plain_plans_p10():
    """Issue 24's test on the case itself: the hedged plan (policy.risk.measure: cvar, its
    50 scenarios) against the plain one on the same 1,000 sampled scenarios (on the first
    200 alone, P10 of servers to the horizon is 0.0547 against 0.0548: the hedge does not
    count dependents, which the stress does; see formulation/risk.py)."""
    inventory = loader.load_inventory(Path(__file__).resolve().parent.parent
                                      / "inventories" / "parler-2021.yaml")
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    cases = stress.plan_cases(inventory, catalog, {}, hedge=True)
    plain, hedged = solve_all(cases, Settings(), workers=2)
    assert hedged.status == "optimal"
    policy = stress.sampling_policy(plain, None)
    a, b = (stress.distribution(p.inventory.policy.risk.measure, p,
                                stress.evaluate((p, policy, range(1000))))
            for p in (plain, hedged))
    for measure in ("servers_over_horizon", "users_over_horizon", "users_at_deadline"):
        assert getattr(b, measure).p10 >= getattr(a, measure).p10, measure
    assert b.servers_over_horizon.mean >= a.servers_over_horizon.mean - 0.005
