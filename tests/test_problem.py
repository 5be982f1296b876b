"""Rows kept as arrays (planner/formulation/problem.py) and made into PuLP constraints for other
solvers
describe the same model: HiGHS receives the same matrix, bounds and columns either way."""

import highspy
import numpy as np
import pulp

from planner.formulation.families import formulate
from planner.formulation.instance import prepare
from planner.formulation.problem import Problem, Rows
from planner.solver.highs_arrays import pass_model
from tests.builders import small_catalog, small_inventory


def _handed_over(lp) -> highspy.HighsLp:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    pass_model(lp, highs, mip=True)
    return highs.getLp()


def _same(a: highspy.HighsLp, b: highspy.HighsLp) -> None:
    assert (a.num_col_, a.num_row_) == (b.num_col_, b.num_row_)
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.a_matrix_.start_, b.a_matrix_.start_)
    assert np.array_equal(a.a_matrix_.index_, b.a_matrix_.index_)
    assert np.array_equal(a.a_matrix_.value_, b.a_matrix_.value_)


def test_rows_and_materialized_constraints_are_the_same_model():
    model = formulate(prepare(small_inventory(horizon=60, web=12, db=3, survive=1),
                              small_catalog()))
    model.lp.setObjective(model.unserved)
    rows = len(model.lp.rows)
    assert rows > 0 and model.lp.numConstraints() == rows
    before = _handed_over(model.lp)
    model.lp.materialize()
    assert len(model.lp.rows) == 0 and len(model.lp.constraints()) == rows
    assert model.lp.numConstraints() == rows
    _same(before, _handed_over(model.lp))


def test_a_solver_without_rows_gets_the_constraints():
    model = formulate(prepare(small_inventory(horizon=60), small_catalog()))
    model.lp.setObjective(model.unserved)
    rows = len(model.lp.rows)
    model.lp.solve(pulp.HiGHS(msg=False))
    assert len(model.lp.constraints()) == rows and len(model.lp.rows) == 0


def test_integer_variables_made_in_one_pass_are_pulps_own():
    """Problem.add_integer_variables sets what LpVariable.__init__ sets (so a PuLP upgrade
    that adds an attribute fails here, not in a solve), registers each variable once, and
    cleans names as PuLP does."""
    lp = Problem("p", pulp.LpMinimize)
    made = lp.add_integer_variables(["r_0_1", "r-0 2"], [3, 7])
    reference = pulp.LpVariable("r_0_1", 0, 3, pulp.LpInteger, _skip_v4_deprecation=True)
    strip = lambda v: {k: x for k, x in vars(v).items() if k != "hash"}  # noqa: E731
    assert strip(made[0]) == strip(reference)
    assert list(vars(made[0])) == list(vars(reference))  # same order: shared keys, less memory
    assert made[1].name == "r_0_2" and (made[1].lowBound, made[1].upBound) == (0, 7)
    assert all(v.hash == id(v) for v in made)
    assert [v.name for v in lp.variables()] == ["r_0_1", "r_0_2"]
    lp.add_variable("a", 0, 1)
    assert [v.name for v in lp.variables()] == ["a", "r_0_1", "r_0_2"]


def test_rows_are_matched_to_columns_by_hash_and_a_stranger_is_refused():
    """highs_arrays.row_columns finds each nonzero's column with numpy; a variable the
    problem never registered must not be matched to a neighbour's column."""
    import pytest

    from planner.solver.highs_arrays import columns, row_columns

    lp = Problem("p", pulp.LpMinimize)
    a, b = lp.add_variable("a", 0, 1), lp.add_variable("b", 0, 1)
    lp.rows.add({b: 2.0, a: 1.0}, pulp.LpConstraintLE, 1.0, "r")
    variables = columns(lp)[0]
    assert [variables[j].name for j in row_columns(lp.rows, variables)] == ["b", "a"]
    stranger = pulp.LpVariable("c", 0, 1, _skip_v4_deprecation=True)
    lp.rows.add({stranger: 1.0}, pulp.LpConstraintLE, 1.0, "r")
    with pytest.raises(ValueError, match="does not have"):
        row_columns(lp.rows, variables)


def test_the_objectives_variables_are_registered_once_and_again_when_they_change():
    lp = Problem("p", pulp.LpMinimize)
    mine = lp.add_variable("mine", 0, 1)
    elsewhere = Problem("q", pulp.LpMinimize)  # variables this problem has not registered
    stranger, other, late = (elsewhere.add_variable(name, 0, 1) for name in ("b", "c", "d"))
    lp.setObjective(mine + stranger)
    assert lp.variables() == [stranger, mine]
    calls = []
    lp._add_variables = lambda variables: (calls.append(1), Problem._add_variables(lp, variables))
    assert lp.variables() == [stranger, mine] and not calls  # the same objective: no walk
    lp.setObjective(mine + other)  # a new objective
    assert other in lp.variables() and len(calls) == 1
    lp.objective[late] = 1.0  # the same objective, grown in place
    assert late in lp.variables() and len(calls) == 2


def test_rows_in_a_block_are_the_rows_add_makes():
    lp = Problem("p", pulp.LpMinimize)
    a, b, c = (lp.add_variable(n, 0, 5) for n in "abc")
    one, bulk = lp.rows, Rows(lp._variable_ids)
    for variables, cap in (((a, b), 4.0), ((c,), 2.0), ((b, c, a), 7.0)):
        one.add(dict.fromkeys(variables, 1.0), pulp.LpConstraintLE, cap, "cap")
    bulk.add_block(np.array([v.hash for v in (a, b, c, b, c, a)]), np.ones(6),
                   np.array([2, 1, 3]), -np.inf, np.array([4.0, 2.0, 7.0]), "cap")
    bulk.add_block(np.array([], dtype=np.int64), np.array([]), np.array([], dtype=np.int64),
                   -np.inf, np.array([]), "cap")  # no row at all is no change
    for name in ("hashes", "values", "starts", "lower", "upper", "families"):
        assert list(getattr(one, name)) == list(getattr(bulk, name)), name


def test_rows_still_grow_while_a_numpy_view_reads_them():
    """A view the solver's hand-over made (np.frombuffer) and a reference cycle kept alive
    must not make the next row fail ("cannot resize an array that is exporting buffers",
    seen on a Dask worker in the cost phase); the view keeps what it read."""
    import numpy as np
    import pulp

    from planner.formulation.problem import Rows

    lp = pulp.LpProblem("views")
    rows = Rows({})
    x, y = lp.add_variable("x"), lp.add_variable("y")
    rows.add({x: 1.0}, pulp.LpConstraintLE, 1.0, "a")
    views = [np.frombuffer(getattr(rows, name)) for name in ("values", "lower", "upper")]
    views.append(np.frombuffer(rows.hashes, dtype=np.int64))
    rows.add({x: 2.0, y: 3.0}, pulp.LpConstraintGE, 0.0, "b")
    rows.add_block([x.hash], [4.0], [1], 0.0, 1.0, "c")
    assert list(rows.values) == [1.0, 2.0, 3.0, 4.0] and list(rows.starts) == [0, 1, 3]
    assert views[0].tolist() == [1.0] and views[3].tolist() == [x.hash]
