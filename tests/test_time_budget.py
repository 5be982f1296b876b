"""A large model whose time limit cannot be enough is not handed to the solver: the plan is
the completed greedy start, verified, with the floor's gap and the reason in the status (its
cost then searched on its own candidates only)."""

from bench.generate import generate
from planner import pipeline
from planner.solver.backends import LARGE_MODEL_COLUMNS
from planner.solver.budget import SECONDS_PER_COLUMN, worth_running


def test_worth_running_only_with_time_for_the_set_up():
    big = 4 * LARGE_MODEL_COLUMNS
    assert worth_running(big, None)  # no limit: always run
    assert worth_running(LARGE_MODEL_COLUMNS, 0.01)  # small models always run
    assert worth_running(big, big * SECONDS_PER_COLUMN)
    assert not worth_running(big, 0.99 * big * SECONDS_PER_COLUMN)


def test_a_model_too_large_for_its_limit_returns_the_verified_start():
    inventory, catalog = generate(400, 20, 22, 0)
    run = pipeline.plan(inventory, catalog, time_limit=1.0, gap=1e-3)  # 12,789 columns
    coverage, cost = run.plan.solver.phases
    assert run.plan.solver.variables > LARGE_MODEL_COLUMNS
    assert coverage.status == "time_limit" and coverage.raw_status.startswith("not run:")
    assert coverage.objective is not None
    assert coverage.bound is not None and 0 < coverage.gap < 1  # the floor's gap
    # the cost phase runs on the plan's own candidates only (tests/test_search.py)
    assert cost.status in ("feasible", "time_limit")
    assert cost.raw_status.startswith("restricted to the ")
    assert cost.objective is not None and cost.bound is None
    assert run.plan.servers_at_deadline > 0  # the greedy start, verified by pipeline.plan
