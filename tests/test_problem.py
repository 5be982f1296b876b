"""Rows kept as arrays (planner/problem.py) and made into PuLP constraints for other solvers
describe the same model: HiGHS receives the same matrix, bounds and columns either way."""

import highspy
import numpy as np
import pulp
from hypothesis import given

from planner.formulate import formulate
from planner.highs_model import pass_model
from planner.prepare import prepare
from planner.problem import Problem, Rows
from tests.builders import small_catalog, small_inventory
from tests.strategies import SMALL_SETTINGS, small_cases


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
    """highs_model.row_columns finds each nonzero's column with numpy; a variable the
    problem never registered must not be matched to a neighbour's column."""
    import pytest

    from planner.highs_model import columns, row_columns

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


def _rows_of(lp, family: str) -> list:
    rows = lp.rows
    out = []
    for i, name in enumerate(rows.families):
        if name == family:
            terms, lower, upper = rows.row(i)
            out.append(([v.name for v in terms], list(terms.values()), lower, upper))
    return out


def _capped_by_hand(model, key, cap) -> list:
    """The rows sum r <= cap as the families made them one by one before numpy: keys in
    the order candidates first have them, periods ascending, variables in r's order, a row
    only where some variable is and their upper bounds exceed the cap."""
    out, keys = [], list(dict.fromkeys(key(c) for c in model.instance.candidates))
    for k in keys:
        for t in model.instance.grid:
            terms = [v for (ci, s), v in model.r.items()
                     if s == t and key(model.instance.candidates[ci]) == k]
            limit = cap(k, t)
            if terms and sum(v.upBound for v in terms) > limit:
                out.append(([v.name for v in terms], [1.0] * len(terms), -np.inf,
                            float(limit)))
    return out


@SMALL_SETTINGS
@given(*small_cases)
def test_capped_sums_are_the_rows_made_one_by_one(catalog_knobs, inventory_knobs):
    inst = prepare(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))
    model = formulate(inst)
    curves = inst.offering_curves
    expected = {
        "demand": _capped_by_hand(model, lambda c: c.group,
                                  lambda g, t: inst.groups[g].count),
        "cap": _capped_by_hand(model, lambda c: c.provider,
                               lambda p, t: inst.provider_curves[p].values[t]),
        "stock": _capped_by_hand(model, lambda c: (c.provider, c.offering),
                                 lambda k, t: curves[k].values[t] if k in curves
                                 else np.inf)}
    for family, rows in expected.items():
        assert _rows_of(model.lp, family) == rows, family


def _data_rows_by_hand(model) -> list:
    """data_before_service's rows as it made them one by one before numpy."""
    inst, out = model.instance, []
    for g, p in dict.fromkeys((c.group, c.provider) for c in inst.candidates):
        group = inst.groups[g]
        if group.data_gb <= 0:
            continue
        copied = None
        for t in inst.grid:
            copied = model.copy.get((g, p, t), copied)
            terms = [v for (ci, s), v in model.r.items() if s == t
                     and (inst.candidates[ci].group, inst.candidates[ci].provider) == (g, p)]
            if terms:
                names = [v.name for v in terms] + ([copied.name] if copied is not None else [])
                values = [group.data_gb / group.count] * len(terms) \
                    + ([-1.0] if copied is not None else [])
                out.append((names, values, -np.inf, 0.0))
    return out


@SMALL_SETTINGS
@given(*small_cases)
def test_data_rows_are_the_rows_made_one_by_one(catalog_knobs, inventory_knobs):
    inst = prepare(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))
    model = formulate(inst)
    assert _rows_of(model.lp, "data") == _data_rows_by_hand(model)


def _dependency_rows_by_hand(model) -> list:
    """dependencies' rows as it made them one by one before numpy."""
    inst, out = model.instance, []
    for g, group in inst.groups.items():
        for h in group.depends_on:
            for t in inst.grid:
                ours = [v for (ci, s), v in model.r.items()
                        if s == t and inst.candidates[ci].group == g]
                theirs = [v for (ci, s), v in model.r.items()
                          if s == t and inst.candidates[ci].group == h]
                out.append(([v.name for v in ours + theirs],
                            [float(inst.groups[h].count)] * len(ours)
                            + [-float(group.count)] * len(theirs), -np.inf, 0.0))
    return out


@SMALL_SETTINGS
@given(*small_cases)
def test_dependency_rows_are_the_rows_made_one_by_one(catalog_knobs, inventory_knobs):
    inst = prepare(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))
    model = formulate(inst)
    rows = _rows_of(model.lp, "dep")
    assert rows and rows == _dependency_rows_by_hand(model)


def _stay_up_rows_by_hand(model) -> list:
    """servers_stay_up's rows as it made them one by one: r[c,t] - r[c,t'] >= 0 for t' the
    period before t, where both exist, in r's order."""
    previous = dict(zip(model.instance.grid[1:], model.instance.grid))
    return [([v.name, model.r[(ci, previous[t])].name], [1.0, -1.0], 0.0, np.inf)
            for (ci, t), v in model.r.items() if (ci, previous.get(t)) in model.r]


@SMALL_SETTINGS
@given(*small_cases)
def test_stay_up_rows_are_the_rows_made_one_by_one(catalog_knobs, inventory_knobs):
    inst = prepare(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))
    model = formulate(inst)
    rows = _rows_of(model.lp, "up")
    assert rows and rows == _stay_up_rows_by_hand(model)


@SMALL_SETTINGS
@given(*small_cases)
def test_the_unserved_hours_weigh_each_server_by_its_tier_and_period(catalog_knobs,
                                                                     inventory_knobs):
    inst = prepare(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))
    model = formulate(inst)
    servers = [(v, c) for v, c in model.unserved.items() if v.name.startswith("r_")]
    assert servers == [(v, -inst.weights[inst.candidates[ci].group] * inst.period_hours[t])
                       for (ci, t), v in model.r.items()]
