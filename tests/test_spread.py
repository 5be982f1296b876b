"""The spread policy's arithmetic (domain/spread.py): how many of a group's servers any
placement can hold under max_share_per_provider, survive_provider_losses and
min_servers_per_provider together. A 2-server group under a 0.6 share and 2 servers per
provider can place none: the LP relaxation served it (a fraction of a footprint at each
provider), the plan said its shortfall was the team's hours, quotas and onboarding, and the
400-server executable synthetic case had an LP bound of 1.02 M weighted hours against
plans of 11 M."""

from __future__ import annotations

import itertools

import pulp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner import pipeline
from planner.domain.spread import most_placed, policy_limits, spread_limit
from planner.domain.warnings import plan_warnings
from planner.formulation.families import formulate
from planner.formulation.instance import prepare
from planner.models import Catalog, Inventory
from planner.models.groups import WorkloadGroup
from tests.builders import catalog_dict, inventory_dict


def _holds(parts: tuple[int, ...], m: int, share: float, losses: int, surviving: float) -> bool:
    """The rules as the verifier reads them (verify/flows.py check_policy_share and
    check_min_footprint), on the servers at each provider used."""
    total = sum(parts)
    if any(0 < x < m for x in parts):
        return False
    if share < 1 and any(x > share * total + 1e-9 for x in parts):
        return False
    largest = sum(sorted(parts, reverse=True)[:losses])
    return losses == 0 or largest <= (1 - surviving) * total + 1e-9


def _brute_force(count, least, share, losses, surviving, providers) -> int:
    m = max(1, min(least, count))
    best = 0
    for parts in itertools.product(range(count + 1), repeat=providers):
        total = sum(parts)
        if best < total <= count and _holds(parts, m, share, losses, surviving):
            best = total
    return best


def test_the_small_groups_the_policy_leaves_short():
    # 2 servers, at most 0.6 at a provider (1 server) and 2 wherever placed: none
    assert most_placed(2, least=2, share=0.6, losses=0, surviving=0.5, providers=9) == 0
    # 5 servers, 0.6, 2 per provider, half left after losing one: 2 + 2, not 3 + 2
    assert most_placed(5, least=2, share=0.6, losses=1, surviving=0.5, providers=9) == 4
    assert most_placed(4, least=2, share=0.6, losses=1, surviving=0.5, providers=9) == 4
    # one server can never be at most 0.6 of itself
    assert most_placed(1, least=1, share=0.6, losses=0, surviving=0.5, providers=9) == 0
    # no share rule, no loss to survive: all of it, at one provider
    assert most_placed(3, least=2, share=1.0, losses=0, surviving=0.5, providers=1) == 3
    # the providers there are to spread over: one cannot hold 0.6 of 10; two can (5 + 5)
    assert most_placed(10, least=1, share=0.6, losses=0, surviving=0.5, providers=1) == 0
    assert most_placed(10, least=1, share=0.6, losses=0, surviving=0.5, providers=2) == 10
    # a hostile policy: 2 per provider and 0.0001 at most at one, on 10,000 servers
    assert most_placed(10_000, least=2, share=1e-4, losses=0, surviving=0.5,
                       providers=10_000) == 0
    assert most_placed(100, least=1, share=1.0, losses=1, surviving=0.999,
                       providers=100) == 0


@settings(max_examples=500, deadline=None)
@given(count=st.integers(1, 8), least=st.integers(1, 4),
       share=st.sampled_from([0.3, 0.5, 0.6, 0.75, 1.0]), losses=st.integers(0, 2),
       surviving=st.sampled_from([0.0, 0.34, 0.5, 0.7]), providers=st.integers(1, 4))
@example(count=5, least=2, share=0.6, losses=1, surviving=0.5, providers=4)
def test_most_placed_is_the_most_any_split_holds(count, least, share, losses, surviving,
                                                 providers):
    """Against every split of up to `count` servers over the providers, as the verifier
    checks one: the balanced split is the only one worth trying."""
    assert most_placed(count, least, share, losses, surviving, providers) == \
        _brute_force(count, least, share, losses, surviving, providers)


def _group(name: str, count: int, spread: bool = True) -> dict:
    return {"name": name, "count": count, "vcpu": 4, "ram_gb": 8, "disk_gb": 50, "tier": 1,
            "spread": spread}


def _inventory(*groups: dict) -> Inventory:
    inventory = inventory_dict(horizon=60, survive=0, max_share=0.6,
                               min_servers_per_provider=2)
    inventory["groups"], inventory["services"] = list(groups), {}
    return Inventory.model_validate(inventory)


def test_a_group_held_to_none_is_warned_of_and_named_as_the_cause():
    inventory = _inventory(_group("pair", 2), _group("web", 20),
                           _group("single", 2, spread=False))
    catalog = Catalog.model_validate(catalog_dict())
    assert [(s.group, s.count, s.most) for s in policy_limits(inventory, catalog)] == \
        [("pair", 2, 0)]
    warned = [w for w in plan_warnings(inventory, catalog, True, []) if "spread" in w]
    assert warned == [
        "the spread policy keeps pair short whatever the providers: pair has 2 servers; "
        "with at most 0.6 of it at one provider, at least 2 wherever it is placed (policy), "
        "no placement holds more than 0. Set spread: false on it if it may run at one "
        "provider, or relax the policy"]
    plan = pipeline.plan(inventory, catalog).plan
    assert pipeline.audit(plan) == []
    assert warned[0] in plan.warnings
    causes = {s.demand: s.causes for s in plan.shortfalls}
    # the policy alone: not the quotas, onboarding or room the plan left
    assert [c.code for c in causes["pair"]] == ["spread_policy"]
    assert causes["pair"][0].remedy.startswith("set spread: false on the group")
    assert "single" not in causes and "web" not in causes


def test_the_model_caps_what_no_placement_can_hold():
    """group_demand's cap is the policy's most: its LP relaxation serves none of the pair,
    where with the count as the cap it served it at a fraction of each footprint."""
    inventory = _inventory(_group("pair", 2), _group("web", 20))
    model = formulate(prepare(inventory, Catalog.model_validate(catalog_dict())))
    lp = model.lp
    lp.setObjective(model.coverage_objective())
    for v in lp.variables():
        v.cat = pulp.LpContinuous
    lp.solve(pulp.HiGHS(msg=False))
    last = model.instance.grid[-1]
    assert pulp.value(model.served("pair", last)) <= 1e-9
    assert pulp.value(model.served("web", last)) > 0


def test_the_providers_a_group_fits_bound_it_too():
    group = WorkloadGroup.model_validate(_group("db", 10))
    policy = _inventory(_group("db", 10)).policy
    assert spread_limit(group, policy) is None  # 5 + 5 over two providers
    assert spread_limit(group, policy, providers=1).most == 0
    assert spread_limit(WorkloadGroup.model_validate(_group("db", 10, spread=False)), policy,
                        providers=1) is None
