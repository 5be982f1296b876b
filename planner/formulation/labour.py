"""The team's work (issue 19): when each provider's onboarding starts, the bootstrap of
groups there, and the engineer-hours all of it takes against the team's hours. Made only
when the catalog states the effort of tasks (domain/labour.py says what each task is).

  x[p,k]  binary  provider p opens (its setup done) d_k hours after the first hour it
                  could (k over inst.start_delays[p]); sum_k x[p,k] = y[p,compute]
  v[g,p,k] in [0,1]  group g is placed at p and p opens at choice k (z[g,p] x[p,k]);
                  its bootstrap is charged b_g hours after that opening

With one start choice, x[p,0] is y[p,compute] itself.
"""

from __future__ import annotations

import pulp

from planner.domain import labour
from planner.formulation.model import Model, add_constraint, linear
from planner.formulation.providers import COMPUTE, STORAGE


def start_variables(model: Model) -> None:
    """x[p,k] binary, one start per provider used: sum_k x[p,k] = y[p,compute]."""
    inst = model.instance
    for p, delays in sorted(inst.start_delays.items()):
        y = model.used.get((p, COMPUTE))
        if y is None:
            continue
        if len(delays) == 1:
            model.start[(p, 0)] = y
            continue
        for k in range(len(delays)):
            model.start[(p, k)] = model.lp.add_variable(f"x_{len(model.start)}", 0, 1,
                                                        pulp.LpInteger)
        starts = [model.start[(p, k)] for k in range(len(delays))]
        add_constraint(model, pulp.lpSum(starts) == y, "start_variables")


def _starts(model: Model, p: str) -> list[tuple[int, pulp.LpVariable]]:
    return [(d, model.start[(p, k)]) for k, d in enumerate(model.instance.start_delays[p])
            if (p, k) in model.start]


def provider_start(model: Model) -> None:
    """A provider serves from the hour it opens (its setup done), which the plan chooses:
    sum_{c at p} r[c,t] <= cap_p(t) * sum_{k: first_p + d_k <= t} x[p,k]. Its account is
    asked for at hour 0 either way (the sign-up is minutes); only the work waits."""
    inst = model.instance
    if not model.start:
        return
    for (p, t), variables in sorted(model.grouped(lambda c: c.provider).items()):
        starts = _starts(model, p)
        first = inst.first_hour(p)
        cap = inst.provider_curves[p].values[t]
        rhs = [(x, -cap) for d, x in starts if first + d <= t]
        add_constraint(model, linear(rhs, terms=dict.fromkeys(variables, 1.0)) <= 0,
                       "provider_start")


def bootstrap(model: Model) -> None:
    """A group serves at p only b_g hours after p's account is ready (its bootstrap):
    r[c,t] <= ub_c * sum_{k: d_k + first_p + b_g <= t} x[p,k]."""
    inst = model.instance
    if not model.start:
        return
    for (ci, t), var in model.r.items():
        c = inst.candidates[ci]
        starts = _starts(model, c.provider)
        ready = inst.first_hour(c.provider) + inst.bootstrap_hours(c.group)
        allowed = [(x, -var.upBound) for d, x in starts if d + ready <= t]
        if len(allowed) < len(starts):
            add_constraint(model, linear(allowed, terms={var: 1.0}) <= 0, "bootstrap")


def _placements(model: Model) -> dict[tuple[str, str], list[tuple[int, object]]]:
    """(g, p) -> (start delay d_k, v[g,p,k]) for each of p's opening choices: v[g,p,k] is
    z[g,p] and x[p,k] together, written disaggregated (sum_k v[g,p,k] = z[g,p],
    v[g,p,k] <= x[p,k]), which is tighter than any big-M; with one choice, z[g,p] itself."""
    out: dict[tuple[str, str], list[tuple[int, object]]] = {}
    for (g, p), z in sorted(model.footprint.items()):
        starts = _starts(model, p)
        if len(starts) == 1:
            out[(g, p)] = [(starts[0][0], z)]
            continue
        pairs = []
        for k, (d, x) in enumerate(starts):
            v = model.lp.add_variable(f"v_{len(model.bootstrap_work)}", 0, 1)
            model.bootstrap_work[(g, p, k)] = v
            add_constraint(model, v <= x, "team_hours")
            pairs.append((d, v))
        add_constraint(model, pulp.lpSum(v for _, v in pairs) == z, "team_hours")
        out[(g, p)] = pairs
    return out


def team_hours(model: Model) -> None:
    """The work due by each hour fits the team's hours by then (cumulative):
    sum_{p,k: d_k + first_p <= t} S_p x[p,k] + bootstrap charges due by t
    + sum_c e_p r[c,t] + sum_{v: first_v <= t} S_v y[v] <= A(t), where S is a provider's
    or vendor's setup, e_p a server's making at p, and A(t) the team's hours by hour t."""
    inst = model.instance
    if not inst.team_planned:
        return
    catalog = inst.catalog
    fixed: list[tuple[int, pulp.LpVariable, float]] = []  # (due, variable, hours)
    for p in sorted(inst.start_delays):
        setup = labour.provider_setup_hours(catalog, inst.providers[p])
        fixed.extend((d + inst.first_hour(p), x, setup) for d, x in _starts(model, p))
    for (g, p), pairs in _placements(model).items():
        hours = labour.bootstrap_effort_hours(catalog, inst.groups[g])
        wait = inst.first_hour(p) + inst.bootstrap_hours(g)
        fixed.extend((d + wait, v, hours) for d, v in pairs)
    for (v, kind), y in sorted(model.used.items()):
        if kind != COMPUTE:
            fixed.append((_vendor_first_hour(model, v, kind), y,
                          labour.vendor_setup_hours(catalog, inst.vendors[v])))
    per_server = [labour.server_hours(catalog, inst.providers[c.provider])
                  for c in inst.candidates]
    servers_at: dict[int, list[tuple[pulp.LpVariable, float]]] = {}
    for (ci, t), var in model.r.items():
        servers_at.setdefault(t, []).append((var, per_server[ci]))
    for t in inst.grid:
        pairs = [(var, hours) for due, var, hours in fixed if due <= t]
        pairs += servers_at.get(t, [])
        if pairs:
            add_constraint(model, linear(pairs) <= inst.team_by_hour[t], "team_hours")


def _vendor_first_hour(model: Model, v: str, kind: str) -> int:
    """First grid hour at which vendor v carries anything of `kind`."""
    inst = model.instance
    if kind == STORAGE:
        return min((t for w, t in model.store if w == v), default=inst.horizon_hours)
    return min((t for (si, t) in model.share if inst.service_candidates[si].vendor == v),
               default=inst.horizon_hours)
