"""Refusal risk: the sampler (marginals kept, shocks and organizations together, hours
after onboarding, reproducible in any chunking), what a fixed plan keeps in a scenario,
and the CVaR hedge (issue 24)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import pipeline
from planner.domain import risk
from planner.models import Catalog, Inventory
from planner.models.risk import Refusal, RefusalScenario, RiskPolicy
from planner.whatif import stress
from tests.builders import SRC, offering, provider, small_catalog, small_inventory


def hedge_catalog(risky=0.9, safe=0.05, **extra) -> Catalog:
    return Catalog.model_validate({"currencies": {"EUR": {"value": 1.08, **SRC}}, "providers": [
        {**provider("src", 0, 1000, 100, [offering("m5", 8, 32, 100, 100)]), "currency": "USD",
         "jurisdiction": "US"},
        provider("risky", 1, 20, 20, [offering("s", 4, 8, 80, 10)], refusal_risk=risky,
                 jurisdiction="US", organization="riskyorg", **extra),
        provider("safe", 1, 20, 20, [offering("s", 4, 8, 80, 11)], refusal_risk=safe,
                 jurisdiction="DE"),
        provider("twin", 1, 20, 20, [offering("s", 4, 8, 80, 12)], refusal_risk=0.5,
                 jurisdiction="US", organization="riskyorg"),
    ]})


def hedge_inventory(**risk_policy) -> Inventory:
    return Inventory.model_validate({
        "name": "hedge", "source": {"provider": "src", "egress_gbps": 1},
        "deadline_hours": 24, "horizon_hours": 48,
        "groups": [{"name": "web", "count": 20, "vcpu": 4, "ram_gb": 8, "disk_gb": 50,
                    "tier": 1}],
        "policy": {"home_day": None, "risk": risk_policy}})


@pytest.mark.parametrize("risk_value", [0.0, 0.05, 0.4, 0.8, 0.95, 1.0])
@pytest.mark.parametrize("q,m", [(0.3, 2.0), (0.5, 5.0), (0.1, 100.0), (0.0, 3.0)])
def test_the_shock_keeps_each_entrys_risk(risk_value, q, m):
    calm, shocked = risk.split(risk_value, q, m)
    assert 0 <= calm <= shocked <= 1
    assert q * shocked + (1 - q) * calm == pytest.approx(risk_value)


def test_sampling_is_the_same_in_any_chunking_and_keeps_the_marginals():
    inventory, catalog = hedge_inventory(), hedge_catalog(risky=0.6)
    policy = RiskPolicy(shock_probability=0.4, shock_multiplier=1.5)
    whole = risk.sample(inventory, catalog, policy, range(2000))
    assert whole[700:900] == risk.sample(inventory, catalog, policy, range(700, 900))
    assert whole != risk.sample(inventory, catalog, policy.model_copy(update={"seed": 1}),
                                range(2000))
    refused = {e: sum(any(r.entry == e for r in s.refusals) for s in whole) / len(whole)
               for e in ("risky", "safe", "twin")}
    assert refused["risky"] == pytest.approx(0.6, abs=0.035)  # 2000 draws: 3 sigma
    assert refused["safe"] == pytest.approx(0.05, abs=0.015)
    assert refused["twin"] == pytest.approx(0.5, abs=0.035)
    shocked = [s for s in whole if s.shock]
    assert len(shocked) / len(whole) == pytest.approx(0.4, abs=0.035)
    # the shock hits the source's jurisdiction (US): risky refuses more often in it
    rate = lambda scenarios: sum(any(r.entry == "risky" for r in s.refusals)  # noqa: E731
                                 for s in scenarios) / len(scenarios)
    assert rate(shocked) > rate([s for s in whole if not s.shock]) + 0.1
    for s in whole:
        hours = {r.entry: r.hour for r in s.refusals}
        assert all(1 <= h <= 24 for h in hours.values())  # onboarding 1, deadline 24
        if "risky" in hours and "twin" in hours:  # one organization: one hour
            assert hours["risky"] == hours["twin"]


def test_an_organization_refuses_together():
    inventory, catalog = hedge_inventory(), hedge_catalog(risky=0.6)
    for s in risk.sample(inventory, catalog, RiskPolicy(), range(500)):
        entries = {r.entry for r in s.refusals}
        assert "risky" in entries or "twin" not in entries  # twin's 0.5 < risky's 0.6


def _plan(**risk_policy):
    return pipeline.plan(hedge_inventory(**risk_policy), hedge_catalog()).plan


def test_a_refusal_stops_the_servers_from_its_hour():
    plan = _plan()
    at = {r.provider for r in plan.schedule if r.up_by_hour[-1]}
    assert at == {"risky"}  # the cheapest, without a hedge
    nominal = stress.nominal(plan)
    kept = risk.outcome(plan, RefusalScenario(index=1, shock=False, refusals=[
        Refusal(entry="risky", hour=30)]), nominal)
    assert kept.users_at_deadline == nominal.users_at_deadline == 1.0
    assert kept.users_over_horizon == pytest.approx(6 / 25)  # hours 24..29 of 24..48
    assert kept.tier1_kept == 1.0
    early = risk.outcome(plan, RefusalScenario(index=2, shock=False, refusals=[
        Refusal(entry="risky", hour=5), Refusal(entry="safe", hour=3)]), nominal)
    assert early.users_at_deadline == 0 and early.tier1_kept == 0
    assert [r.entry for r in early.refused] == ["risky"]  # safe is not the plan's


def test_the_hedge_leans_to_the_provider_that_refuses_least():
    plain, hedged = _plan(), _plan(measure="cvar", samples=40)
    assert {r.provider for r in hedged.schedule if r.up_by_hour[-1]} == {"safe"}
    assert hedged.status == "optimal"
    assert hedged.costs.monthly_total > plain.costs.monthly_total  # hedging costs money
    policy = RiskPolicy()
    a, b = (stress.distribution(name, p, stress.evaluate((p, policy, range(200))))
            for name, p in (("plain", plain), ("hedged", hedged)))
    assert b.servers_over_horizon.p10 > a.servers_over_horizon.p10
    assert b.users_over_horizon.p10 >= a.users_over_horizon.p10


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), start=st.integers(0, 60), size=st.integers(1, 40),
       q=st.floats(0, 1), m=st.floats(1, 100))
def test_a_scenario_is_the_same_whatever_is_drawn_with_it(seed, start, size, q, m):
    """Property: scenario i depends on the seed and i only, so chunks on any worker agree."""
    inventory, catalog = hedge_inventory(), hedge_catalog(risky=0.6)
    policy = RiskPolicy(seed=seed, shock_probability=q, shock_multiplier=m)
    whole = risk.sample(inventory, catalog, policy, range(start + size))
    assert whole[start:] == risk.sample(inventory, catalog, policy,
                                        range(start, start + size))
    assert [s.index for s in whole] == list(range(start + size))


def test_a_group_whose_dependency_refused_serves_no_more_than_it():
    """web (20) needs db (4) (tests/builders.py): web works at most at db's share; with no
    refusal a plan's outcome is its own coverage (it keeps the dependency rule)."""
    inventory = small_inventory(horizon=60)
    able = risk.working(inventory, {"web": [20, 20, 20, 20], "db": [4, 4, 2, 0],
                                    "big": [3, 3, 3, 3]})
    assert able == {"web": [20, 20, 10, 0], "db": [4, 4, 2, 0], "big": [3, 3, 3, 3]}
    plan = pipeline.plan(inventory, small_catalog()).plan
    coverage = {r.demand: r.served_by_hour for r in plan.coverage if r.kind == "group"}
    total, D = sum(g.count for g in plan.inventory.groups), plan.deadline_hours
    assert stress.nominal(plan).servers_at_deadline == pytest.approx(
        sum(c[D] for c in coverage.values()) / total)
