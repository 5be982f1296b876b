"""The rows formulate makes with numpy (demand, provider capacity, stock, data before service,
dependencies, stay-up) and the unserved hours' server terms are what the families made one
by one before: the same variables, coefficients and bounds, in the same order (so HiGHS
gets the same model, and the same plans come out)."""

import numpy as np
from hypothesis import given

from planner.formulation.families import formulate
from planner.formulation.instance import prepare
from tests.builders import small_catalog, small_inventory
from tests.strategies import SMALL_SETTINGS, small_cases


def _rows_of(lp, family: str) -> list:
    """The rows of `family` over server variables alone: the capacity rows over hosts
    (families.hosts_capacity, named for the limit they state) are made one by one and are
    not what this test compares."""
    rows, out = lp.rows, []
    for i, name in enumerate(rows.families):
        if name == family:
            terms, lower, upper = rows.row(i)
            if not any(v.name.startswith("h_") for v in terms):
                out.append(([v.name for v in terms], list(terms.values()), lower, upper))
    return out


def _serving(model, t: int, keep) -> list:
    """The server variables of period t whose candidate `keep` accepts, in r's order."""
    return [v for (ci, s), v in model.r.items() if s == t and keep(model.instance.candidates[ci])]


def _capped(model, key, cap) -> list:
    """sum r <= cap, key by key (first-seen order) and period by period, where some
    variable is and their upper bounds exceed the cap."""
    out = []
    for k in dict.fromkeys(key(c) for c in model.instance.candidates):
        for t in model.instance.grid:
            terms = _serving(model, t, lambda c, k=k: key(c) == k)
            if terms and sum(v.upBound for v in terms) > cap(k, t):
                out.append(([v.name for v in terms], [1.0] * len(terms), -np.inf,
                            float(cap(k, t))))
    return out


def _data(model) -> list:
    """(data_gb / count) * sum r - C[g,p,last copy at or before t] <= 0."""
    inst, out = model.instance, []
    for g, p in dict.fromkeys((c.group, c.provider) for c in inst.candidates):
        group, copied = inst.groups[g], None
        for t in inst.grid if group.data_gb > 0 else ():
            copied = model.copy.get((g, p, t), copied)
            terms = _serving(model, t, lambda c, g=g, p=p: (c.group, c.provider) == (g, p))
            if terms:
                tail = [] if copied is None else [(copied.name, -1.0)]
                out.append(([v.name for v in terms] + [n for n, _ in tail],
                            [group.data_gb / group.count] * len(terms) + [x for _, x in tail],
                            -np.inf, 0.0))
    return out


def _dependencies(model) -> list:
    """count_h * served_g(t) - count_g * served_h(t) <= 0, every pair and period."""
    inst, out = model.instance, []
    for g, group in inst.groups.items():
        for h in group.depends_on:
            for t in inst.grid:
                ours = _serving(model, t, lambda c, g=g: c.group == g)
                theirs = _serving(model, t, lambda c, h=h: c.group == h)
                out.append(([v.name for v in ours + theirs],
                            [float(inst.groups[h].count)] * len(ours)
                            + [-float(group.count)] * len(theirs), -np.inf, 0.0))
    return out


def _stay_up(model) -> list:
    """r[c,t] - r[c,t'] >= 0 for t' the period before t, where both exist."""
    previous = dict(zip(model.instance.grid[1:], model.instance.grid))
    return [([v.name, model.r[(ci, previous[t])].name], [1.0, -1.0], 0.0, np.inf)
            for (ci, t), v in model.r.items() if (ci, previous.get(t)) in model.r]


@SMALL_SETTINGS
@given(*small_cases)
def test_the_rows_are_those_made_one_by_one(catalog_knobs, inventory_knobs):
    inst = prepare(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))
    model = formulate(inst)
    curves = inst.offering_curves
    expected = {
        "group_demand": _capped(model, lambda c: c.group, lambda g, t: inst.groups[g].count),
        "provider_capacity": _capped(model, lambda c: c.provider,
                       lambda p, t: inst.provider_curves[p].values[t]),
        "offering_capacity": _capped(model, lambda c: (c.provider, c.offering),
                         lambda k, t: curves[k].values[t] if k in curves else np.inf),
        "data_before_service": _data(model), "dependency": _dependencies(model),
        "servers_stay_up": _stay_up(model)}
    assert expected["dependency"] and expected["servers_stay_up"]  # the small case has both
    for family, rows in expected.items():
        assert _rows_of(model.lp, family) == rows, family


@SMALL_SETTINGS
@given(*small_cases)
def test_the_unserved_hours_weigh_each_server_by_its_tier_and_period(catalog_knobs,
                                                                     inventory_knobs):
    inst = prepare(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))
    model = formulate(inst)
    servers = [(v, c) for v, c in model.unserved.items() if v.name.startswith("r_")]
    assert servers == [(v, -inst.weights[inst.candidates[ci].group] * inst.period_weight[t])
                       for (ci, t), v in model.r.items()]
