"""The cost phase on the plan's own candidates (planner/solver/search.py), used when the whole model
cannot be solved in the time left: its plan passes the independent verifier, serves what the
coverage phase serves, never costs more than the plan it started from, and says that it ran
on a restriction, with no bound."""

import pytest
from hypothesis import given

from bench.generate import generate
from planner import pipeline
from planner.baseline.waves import SOONEST
from planner.solver import phases, search
from tests.builders import small_catalog, small_inventory
from tests.strategies import SMALL_SETTINGS, small_cases


def _plans(monkeypatch, inventory, catalog, time_limit=30.0):
    """The plan with no phase run on the whole model, first with the cost phase not run at
    all, then with it run on the plan's candidates: the large-model regime, made to happen
    on a small model by calling every model too large until the restriction is made."""
    monkeypatch.setattr(phases, "worth_running", lambda columns, limit: False)
    kept = pipeline.plan(inventory, catalog, time_limit=time_limit)
    made = []

    def neighbourhood(model, values):
        made.append(True)
        return search.neighbourhood(model, values)

    monkeypatch.setattr(phases, "neighbourhood", neighbourhood)
    monkeypatch.setattr(phases, "worth_running", lambda columns, limit: bool(made))
    searched = pipeline.plan(inventory, catalog, time_limit=time_limit)  # verified, or raises
    return kept.plan, searched.plan


def _check(kept, searched):
    cost_kept, cost_searched = kept.solver.phases[1], searched.solver.phases[1]
    assert cost_kept.raw_status.startswith("not run: restricted to the ")  # not the whole
    assert cost_searched.raw_status.startswith("restricted to the ")
    assert cost_searched.status in ("feasible", "time_limit")
    assert cost_searched.bound is None and cost_searched.gap is None
    assert cost_searched.objective <= cost_kept.objective * (1 + 1e-9) + 1e-6
    assert searched.solver.phases[0] == kept.solver.phases[0]  # the same coverage phase
    assert searched.servers_at_deadline >= kept.servers_at_deadline
    return cost_kept.objective, cost_searched.objective


@SMALL_SETTINGS
@given(*small_cases)
def test_the_searched_cost_phase_is_verified_and_never_dearer(cat_knobs, inv_knobs):
    with pytest.MonkeyPatch.context() as monkeypatch:
        kept, searched = _plans(monkeypatch, small_inventory(horizon=60, **inv_knobs),
                                small_catalog(**cat_knobs))
    _check(kept, searched)


def test_the_searched_cost_phase_finds_a_cheaper_plan(monkeypatch):
    """From the yardstick's greedy plan, the start this test was written with. Since phase 2
    holds each tier's servers (issue 19) rather than each group's, the search has more
    room: it finds 2.1% here (per group: 0.02%)."""
    monkeypatch.setattr(pipeline, "PLACEMENTS", (SOONEST,))
    inventory, catalog = generate(400, 20, 22, 0)
    kept, searched = _plans(monkeypatch, inventory, catalog)
    before, after = _check(kept, searched)
    assert after < 0.999 * before
    assert searched.solver.phases[1].status == "feasible"  # solved within the gap
