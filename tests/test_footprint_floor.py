"""The floor from the relaxation that keeps only the footprint binaries whole
(planner/solver/footprint_floor.py): under every plan, above the LP-based floors where the
least footprint binds, and the model left as it was."""

from __future__ import annotations

import pulp

from bench.generate import generate
from planner import pipeline
from planner.formulation.families import formulate
from planner.formulation.instance import prepare
from planner.models import Inventory
from planner.solver import phases, work
from planner.solver.footprint_floor import footprint_floor, worth_trying
from planner.solver.period_floor import period_floor
from planner.solver.phases import solve
from tests.test_team import _catalog, inventory_dict


def test_it_lies_under_the_optimum_of_a_small_model():
    """Three servers of a group at least per provider: the floor is under the proven
    optimum of the whole MIP, and the variables keep their types."""
    inventory = inventory_dict(horizon=48, survive=0, max_share=1.0,
                               min_servers_per_provider=3)
    model = formulate(prepare(Inventory.model_validate(inventory), _catalog()))
    assert model.footprint and worth_trying(model, None)
    types = {v.name: v.cat for v in model.lp.variables()}
    floor = footprint_floor(model)
    assert {v.name: v.cat for v in model.lp.variables()} == types
    best = solve(model, gap=1e-6).facts.phases[0]
    assert best.status == "optimal" and floor <= best.objective


def test_it_sees_what_the_lp_misses_on_an_executable_inventory():
    """50 executable synthetic servers (a least footprint of 2): the LP-based floor leaves a
    third of the plan's unserved hours; this one most of them, and never above the plan."""
    inventory, catalog = generate(50, seed=0, executable=True)
    model = formulate(prepare(inventory, catalog))
    lp_floor, floor = period_floor(model), footprint_floor(model, 30)
    plan = pipeline.plan(inventory, catalog, time_limit=30).plan
    assert 2 * lp_floor < floor <= plan.solver.phases[0].objective
    assert plan.solver.phases[0].bound >= floor * (1 - 1e-9)


def test_it_is_tried_only_with_footprints_and_time(monkeypatch):
    """No footprint binaries (a least footprint of 1, no team): not tried; too little time
    for the model's columns, or a model restricted to some candidates: not tried; without
    a time limit phase 1 keeps the solver's own bound and never asks."""
    plain = formulate(prepare(Inventory.model_validate(
        inventory_dict(horizon=48, survive=0, max_share=1.0)), _catalog()))
    assert not plain.footprint and not worth_trying(plain, None)
    inventory, catalog = generate(50, seed=0, executable=True)
    model = formulate(prepare(inventory, catalog))
    assert worth_trying(model, 10.0) and not worth_trying(model, 0.5)
    model.restricted = True  # the team's try on some candidates: its floor is not the plan's
    assert not worth_trying(model, 10.0)
    model.restricted = False
    asked = []
    monkeypatch.setattr(phases, "footprint_floor",
                        lambda m, seconds=None: asked.append(seconds) or -1.0)
    monkeypatch.setattr(work, "WORK_SECONDS", 5.0)  # the team's try: not what is asked here
    pipeline.plan(inventory, catalog)  # no limit: the solver's own bound
    assert asked == []
    assert pulp.LpInteger in {v.cat for v in model.lp.variables()}
