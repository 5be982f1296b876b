"""The Lagrangian floor (planner/solver/lagrange.py): every value it gives is under phase 1's
optimum, its chains are solved exactly, and at the LP's own duals it is the LP bound."""

import numpy as np
import pulp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.generate import generate
from planner.formulation.families import formulate
from planner.formulation.instance import prepare
from planner.solver.highs import new_highs
from planner.solver.highs_arrays import pass_model
from planner.solver.lagrange import (
    chain_minimum,
    dual_value,
    lagrangian_floor,
    project,
    relaxation,
)
from tests.builders import small_catalog, small_inventory
from tests.strategies import SMALL_SETTINGS, small_cases


def _coverage_optimum(model) -> float:
    """The least unserved hours of any plan: phase 1's objective without its cost
    tie-break, solved to a zero gap (phase 1's own proof is of the objective with it)."""
    model.lp.setObjective(model.coverage_objective())
    model.lp.solve(pulp.HiGHS(msg=False, gapRel=0))
    assert model.lp.status == pulp.LpStatusOptimal
    return pulp.value(model.coverage_objective())


@SMALL_SETTINGS
@given(*small_cases, st.integers(0, 3))
def test_no_multipliers_give_a_floor_above_the_optimum(cat_knobs, inv_knobs, seed):
    """The subgradient's floor, L at the LP's duals (the LP bound: tight) and at those
    duals moved at random (signs kept) all stay under the least unserved hours."""
    inventory, catalog = small_inventory(horizon=60, **inv_knobs), small_catalog(**cat_knobs)
    model = formulate(prepare(inventory, catalog))
    floor = lagrangian_floor(model, steps=40)
    rel = relaxation(model)
    _, duals = _lp_duals(model)
    y = duals[rel.dualised] * rel.scale
    moved = y * np.random.default_rng(seed).uniform(0, 2, len(y)) \
        + np.random.default_rng(seed + 1).normal(0, 1, len(y))
    best = _coverage_optimum(formulate(prepare(inventory, catalog)))
    slack = 1e-6 * max(1.0, abs(best))
    assert floor is not None and floor <= best + slack
    assert dual_value(rel, project(rel, y))[0] <= best + slack
    assert dual_value(rel, project(rel, moved))[0] <= best + slack


@pytest.mark.parametrize("executable", [False, True])
def test_the_floor_holds_on_generated_instances(executable):
    """With the executable model's team, regions, write rates and packing too."""
    inventory, catalog = generate(50, 7, 13, seed=1, executable=executable)
    model = formulate(prepare(inventory, catalog))
    floor = lagrangian_floor(model, steps=60)
    best = _coverage_optimum(formulate(prepare(inventory, catalog)))
    assert floor is not None
    assert floor <= best + 1e-6 * max(1.0, abs(best))


def _lp_duals(model) -> tuple[float, np.ndarray]:
    """The LP relaxation's optimum (with the objective's constant) and its row duals."""
    model.lp.setObjective(model.coverage_objective())
    highs = new_highs()
    pass_model(model.lp, highs, mip=False)
    highs.run()
    constant = model.coverage_objective().constant
    return highs.getInfo().objective_function_value + constant, \
        np.array(highs.getSolution().row_dual)


@pytest.mark.parametrize("executable", [False, True])
def test_at_the_lps_duals_the_floor_is_the_lp_bound(executable):
    """L(y) at HiGHS's optimal duals equals the LP optimum: the signs and the chains are
    right, and the floor is as good as its multipliers."""
    inventory, catalog = generate(50, 7, 13, seed=2, executable=executable)
    model = formulate(prepare(inventory, catalog))
    rel = relaxation(model)
    lp, duals = _lp_duals(model)
    # signs as each row allows (HiGHS leaves some 1e-10 on the other side)
    value, _ = dual_value(rel, project(rel, duals[rel.dualised] * rel.scale))
    assert value == pytest.approx(lp, rel=1e-6)


def _chain_lp(d, up) -> float:
    problem = pulp.LpProblem("chain", pulp.LpMinimize)
    x = [problem.add_variable(f"x{t}", 0, u) for t, u in enumerate(up)]
    problem += pulp.lpSum(c * v for c, v in zip(d, x))
    for earlier, later in zip(x, x[1:]):
        problem += later >= earlier
    problem.solve(pulp.HiGHS(msg=False))
    return pulp.value(problem.objective) or 0.0


@SMALL_SETTINGS
@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(0, 6)), min_size=1, max_size=7))
def test_a_chain_is_solved_exactly(entries):
    d = np.array([[float(a) for a, _ in entries]])
    up = np.array([[float(b) for _, b in entries]])
    value, x = chain_minimum(d, up)
    assert value == pytest.approx(_chain_lp(d[0], up[0]), abs=1e-9)
    assert float(d[0] @ x[0]) == pytest.approx(value, abs=1e-9)
    assert np.all(np.diff(x[0]) >= 0) and np.all(x[0] <= up[0] + 1e-12) and np.all(x[0] >= 0)
