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
    most = {g: limit.most for g, limit in inst.spread_limits().items()}  # domain/spread.py
    expected = {
        "group_demand": _capped(model, lambda c: c.group,
                                lambda g, t: most.get(g, inst.groups[g].count)),
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


def _appended(model, family) -> list:
    """The rows `family(model)` adds when run again on a made model, as (names, values,
    lower, upper)."""
    rows = model.lp.rows
    first = len(rows)
    family(model)
    out = []
    for i in range(first, len(rows)):
        terms, lower, upper = rows.row(i)
        out.append(([v.name for v in terms], list(terms.values()), lower, upper))
    return out


def _hosts_before_service(model) -> list:
    """Row by row: r - k h <= 0, h' - h <= 0 for h' the period before, h[H] - r[H] <= 0."""
    inst, out = model.instance, []
    last, before = inst.grid[-1], dict(zip(inst.grid[1:], inst.grid))
    for (ci, t), host in model.hosts.items():
        if (ci, t) in model.r:
            out.append(([model.r[(ci, t)].name, host.name],
                        [1.0, -float(inst.candidates[ci].per_host)], -np.inf, 0.0))
        earlier = model.hosts.get((ci, before.get(t, -1)))
        if earlier is not None:
            out.append(([earlier.name, host.name], [1.0, -1.0], -np.inf, 0.0))
        if t == last and not inst.stops(inst.candidates[ci].group):
            out.append(([host.name, model.r[(ci, last)].name], [1.0, -1.0], -np.inf, 0.0))
    return out


def _hosts_capacity(model) -> list:
    """Row by row, at each (provider, hour) with a host variable: the provider's, each
    offering's and each unit quota's limit over e = h where the candidate has hosts, else
    r, where the variables' upper bounds can pass it (zero coefficients left out)."""
    inst = model.instance
    with_hosts = {ci for ci, _ in model.hosts}
    at: dict = {}
    for (ci, t), var in model.r.items():
        if ci not in with_hosts:
            at.setdefault((inst.candidates[ci].provider, t), []).append((ci, var))
    for (ci, t), var in model.hosts.items():
        at.setdefault((inst.candidates[ci].provider, t), []).append((ci, var))
    hosted = {(inst.candidates[ci].provider, t) for ci, t in model.hosts}
    out = []
    for p, t in sorted(hosted):
        terms = sorted(at[(p, t)], key=lambda pair: pair[0])
        limits = [(inst.provider_curves[p].values[t], {ci: 1.0 for ci, _ in terms})]
        for o in sorted({inst.candidates[ci].offering for ci, _ in terms}):
            if (p, o) in inst.offering_curves:
                limits.append((inst.offering_curves[(p, o)].values[t],
                               {ci: 1.0 for ci, _ in terms if inst.candidates[ci].offering == o}))
        for (q, name), curve in sorted(inst.quota_curves.items()):
            if q == p:
                units = inst.quota_units[(p, name)]
                limits.append((curve.values[t], {ci: units[inst.candidates[ci].offering]
                                                 for ci, _ in terms
                                                 if inst.candidates[ci].offering in units}))
        for cap, coefficient in limits:
            pairs = [(var, coefficient[ci]) for ci, var in terms
                     if coefficient.get(ci, 0.0) != 0]
            if sum(var.upBound * u for var, u in pairs) > cap + 1e-9:
                out.append(([v.name for v, _ in pairs], [u for _, u in pairs], -np.inf, cap))
    return out


def _check_host_rows(inventory, catalog) -> None:
    from planner.formulation import data_rows

    model = formulate(prepare(inventory, catalog))
    assert model.hosts
    assert _appended(model, data_rows.hosts_before_service) == _hosts_before_service(model)
    assert _appended(model, data_rows.hosts_capacity) == _hosts_capacity(model)


@SMALL_SETTINGS
@given(*small_cases)
def test_the_host_rows_are_those_made_one_by_one(catalog_knobs, inventory_knobs):
    """The host rows made in blocks (data_rows.hosts_before_service, hosts_capacity) are
    those the families made one by one before, in the same order."""
    _check_host_rows(small_inventory(**inventory_knobs), small_catalog(**catalog_knobs))


def test_the_host_rows_with_packing_and_unit_quotas_are_those_made_one_by_one():
    """With packed hosts (50 executable synthetic servers) and unit quotas (the 2021 case,
    Azure's vCPU) too."""
    from pathlib import Path

    from bench.generate import generate
    from planner.inputs import loader

    _check_host_rows(*generate(50, executable=True))
    root = Path(__file__).resolve().parent.parent
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    assert catalog  # the 2021 case: unit quotas at some providers with hosts
    _check_host_rows(loader.load_inventory(root / "inventories" / "parler-2021.yaml"), catalog)


def test_copied_is_the_last_copy_variable_at_or_before_the_hour():
    """Model.copied(g, p, t): the copy variable of the latest hour <= t (0 before the
    first), looked up by bisection; made again when a copy variable is added."""
    model = formulate(prepare(small_inventory(), small_catalog()))
    for g, p in dict.fromkeys((g, p) for g, p, _ in model.copy):
        hours = sorted(t for h, q, t in model.copy if (h, q) == (g, p))
        for t in range(-1, model.instance.horizon_hours + 1):
            before = [h for h in hours if h <= t]
            want = model.copy[(g, p, before[-1])] if before else 0
            assert model.copied(g, p, t) is want
    g, p, t = next(iter(model.copy))
    late = model.lp.add_variable("C_test", 0, 1)
    model.copy[(g, p, model.instance.horizon_hours + 5)] = late
    assert model.copied(g, p, model.instance.horizon_hours + 9) is late
