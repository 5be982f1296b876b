"""Rules 7 and 8 of the greedy baseline (planner/baseline/waves.py). 7: with a stated team
(planner/baseline/labour.py), the greedy plan's work fits the team's hours by every hour, as
the verifier counts it, and the plan is a feasible point of the model with the team's rows,
the second try's start (planner/solver/work.py). 8: it keeps to the policy's
max_providers."""

from __future__ import annotations

import pytest

from bench.generate import generate
from bench.run import greedy_overdue as _late
from planner.baseline.labour import Ledger
from planner.baseline.waves import PLACEMENTS, baseline
from planner.formulation.families import formulate
from planner.formulation.instance import prepare
from planner.formulation.objectives import value_of
from planner.solver import warmstart
from planner.solver.start import complete


@pytest.mark.parametrize("seed", range(3))
def test_the_greedy_plan_keeps_to_the_team(seed):
    """Both placements, on executable synthetic inventories (a team of a few people, setup
    and bootstrap efforts): nothing overdue, yet servers serve; without rule 7 the same
    greedy plans overrun the team."""
    inventory, catalog = generate(50, seed=seed, executable=True)
    inst = prepare(inventory, catalog)
    assert inst.team_planned
    for placement in PLACEMENTS:
        fitted = baseline(inventory, catalog, inst, placement)
        assert _late(inst, fitted) is None
        assert fitted.servers_at_deadline > 0
        assert fitted.opened  # the hour each provider and vendor opens, for the start
        assert _late(inst, baseline(inventory, catalog, inst, placement, team=False))


def test_the_fitted_greedy_plan_is_a_start_of_the_model_with_the_team():
    """Its servers, copies and openings (x[e,k]) complete into a feasible point of the model
    with the team's rows; the greedy plan without rule 7 does not."""
    inventory, catalog = generate(50, seed=1, executable=True)
    inst = prepare(inventory, catalog)
    model = formulate(inst, work=True)
    fitted = warmstart.best_hint(model, [baseline(inventory, catalog, inst, p)
                                         for p in PLACEMENTS])
    point = complete(model.lp, fitted)
    assert point is not None and value_of(model.coverage_objective(), point) > 0
    loose = warmstart.best_hint(model, [baseline(inventory, catalog, inst, p, team=False)
                                        for p in PLACEMENTS])
    assert complete(model.lp, loose) is None


def test_the_ledger_s_room_is_what_any_later_hour_leaves():
    """L(t) = min over t' >= t of A(t') - W(t'): work due by t is due by every later hour."""
    inventory, catalog = generate(50, seed=0, executable=True)
    inst = prepare(inventory, catalog)
    ledger = Ledger(inst)
    had = inst.team_by_hour
    assert ledger.room() == [min(had[t:]) for t in range(len(had))]
    ledger.charge(5.0, 10)
    ledger.charge(-2.0, 12)
    due = [0.0] * 10 + [5.0] * 2 + [3.0] * (len(had) - 12)
    assert ledger.room() == [min(a - w for a, w in zip(had[t:], due[t:]))
                             for t in range(len(had))]
    room = ledger.room()
    assert all(a <= b for a, b in zip(room, room[1:]))  # never falls


@pytest.mark.parametrize("caps", [{"compute": 2}, {"compute": 3, "all": 3}])
def test_the_greedy_plan_keeps_to_the_provider_caps(caps):
    """Both placements, with a team and without: no more compute providers, and providers
    and vendors in all, than the policy allows; without rule 8 the same waves use more."""
    inventory, catalog = generate(50, seed=2, executable=True)
    policy = inventory.policy.model_copy(update={
        "max_providers": inventory.policy.max_providers.model_copy(update=caps)})
    inventory = inventory.model_copy(update={"policy": policy})
    inst = prepare(inventory, catalog)

    def used(plan):
        compute = {r.provider for r in plan.servers if r.up_by_hour[-1] > 0}
        vendors = {r.vendor for r in plan.services} | \
            {c.target for c in plan.copies if c.demand == "object_storage"}
        return compute, compute | vendors

    for placement in PLACEMENTS:
        for team in (True, False):
            compute, every = used(baseline(inventory, catalog, inst, placement, team=team))
            assert len(compute) <= caps["compute"] and len(every) <= caps.get("all", 99)
            assert compute  # still a plan
        compute, every = used(baseline(inventory, catalog, inst, placement, caps=False))
        assert len(compute) > caps["compute"] or len(every) > caps.get("all", 99)
