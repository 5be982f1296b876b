"""Providers used (issue 19, item 3): caps by kind and in all, the least footprint of a
group at a provider, and an overhead per provider in the cost; each held by the model and
checked by the verifier on its own."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import pipeline
from planner.domain.usage import all_used, providers_by_kind
from planner.models import Catalog, Inventory
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict, offering, provider

# three more clouds, so that caps have something to choose from
MORE = tuple(provider(pid, onboarding, 12, 6, [offering("s", 4, 8, 80, price),
                                               offering("l", 16, 64, 320, 4 * price)])
             for pid, onboarding, price in (("c", 1, 12), ("d", 3, 9), ("e", 4, 11)))


def _plan(horizon=48, **policy):
    inventory = inventory_dict(horizon=horizon, survive=0, max_share=1.0, **policy)
    return pipeline.plan(Inventory.model_validate(inventory),
                         Catalog.model_validate(catalog_dict(extra_providers=MORE))).plan


def _used(plan):
    return providers_by_kind(plan.schedule, plan.services, plan.copies, plan.horizon_hours)


@pytest.fixture(scope="module")
def free():
    plan = _plan()
    assert len(_used(plan)["compute"]) >= 3  # the caps below bind
    return plan


def test_caps_by_kind_and_in_all_hold(free):
    capped = _plan(max_providers={"compute": 2, "all": 5})
    used = _used(capped)
    assert len(used["compute"]) <= 2 and len(all_used(used)) <= 5
    assert verify(capped) == []
    assert capped.servers_at_deadline <= free.servers_at_deadline


def test_a_least_footprint_holds():
    plan = _plan(min_servers_per_provider=3)
    placed: dict = {}
    for row in plan.schedule:
        placed[(row.group, row.provider)] = placed.get((row.group, row.provider), 0) + \
            row.up_by_hour[plan.horizon_hours]
    counts = {g.name: g.count for g in plan.inventory.groups}
    assert placed and all(n == 0 or n >= min(3, counts[g]) for (g, _), n in placed.items())
    assert verify(plan) == []


def test_the_overhead_is_a_monthly_cost_per_provider_used(free):
    charged = _plan(provider_overhead_per_month=1000)
    used = all_used(_used(charged))
    assert charged.costs.monthly["provider_overhead"] == 1000 * len(used)
    assert "provider_overhead" not in free.costs.monthly  # no key, no change to saved plans
    assert len(used) <= len(all_used(_used(free)))  # an overhead never adds a provider
    assert verify(charged) == []


def test_the_verifier_rejects_a_plan_over_its_caps_or_below_its_footprint(free):
    used = _used(free)
    policy = free.inventory.policy.model_copy(update={"max_providers": type(
        free.inventory.policy.max_providers)(compute=len(used["compute"]) - 1),
        "min_servers_per_provider": 1000})
    edited = free.model_copy(update={"inventory": free.inventory.model_copy(
        update={"policy": policy})})
    found = {v.constraint for v in verify(edited)}
    assert {"provider_count", "min_footprint"} <= found


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cap=st.integers(1, 3))
def test_raising_a_cap_never_lowers_coverage(cap):
    """The measure optimised (tier-weighted unserved hours, phase 1) never grows when the
    cap does; each within its proven gap."""
    low, high = _plan(max_providers={"compute": cap}), _plan(max_providers={"compute": cap + 1})
    assert low.status == high.status == "optimal"
    unserved = [p.solver.phases[0].objective for p in (low, high)]
    # high's optimum <= low's optimum <= low's objective, and high is within its gap
    assert unserved[1] <= unserved[0] * (1 + high.solver.gap_requested) + 1e-6
    assert verify(low) == [] and verify(high) == []


def test_a_sweep_over_the_provider_cap_prints_the_frontier(tmp_path):
    """`planner sweep --param policy.max_providers.compute=1:3:1` (issue 19, item 5): one
    row per cap, with the providers used, the servers at the deadline and the cost."""
    import json

    import yaml
    from click.testing import CliRunner

    from planner.cli.main import main

    inventory, catalog = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inventory.write_text(yaml.safe_dump(inventory_dict(horizon=48, survive=0, max_share=1.0,
                                                       decision_date="2026-03-02")))
    catalog.write_text(yaml.safe_dump(catalog_dict(extra_providers=MORE)))
    result = CliRunner().invoke(main, [
        "sweep", str(inventory), "--no-default-catalog", "-c", str(catalog),
        "--param", "policy.max_providers.compute=1:3:1", "-o", str(tmp_path / "out"),
        "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "out" / "sweep.json").read_text())["rows"]
    assert [r["parameter"] for r in rows] == [1, 2, 3]
    servers = [r["servers_at_deadline"] for r in rows]
    assert servers == sorted(servers)  # here more providers never serve fewer at the deadline
    assert all("policy.max_providers.compute=" in line for line in result.output.splitlines()
               if line.startswith("  policy"))


def test_readiness_shows_what_preparing_the_leading_providers_buys():
    """Issue 19, item 5: readiness measures preparing only the k providers the plan leans on
    most (accounts open, raises approved), not only "accounts at every provider"."""
    from planner.whatif import drills
    from planner.whatif.runs import Settings, solve_all

    inventory = Inventory.model_validate(inventory_dict(horizon=48, survive=0, max_share=1.0))
    catalog = Catalog.model_validate(catalog_dict(extra_providers=MORE))
    base = pipeline.plan(inventory, catalog).plan
    cases = drills.readiness_cases(inventory, catalog, base)
    prepared = [c for c in cases if c.name.startswith("prepare-")]
    assert [c.name for c in prepared] == ["prepare-2"]  # the plan uses 3 or 4 providers
    leading = prepared[0].description.split(": ")[1].split(", ")
    used = _used(base)["compute"]
    assert len(leading) == 2 and set(leading) <= used
    assert all(p.onboarding_hours.value == 0 for p in prepared[0].catalog.providers
               if p.id in leading)
    result = drills.readiness(base, cases, solve_all(cases, Settings(), 1))
    row = next(r for r in result.rows if r.item == "prepare-2")
    assert row.servers_at_deadline_gain >= 0 and verify(base) == []
