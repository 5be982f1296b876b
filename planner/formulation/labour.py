"""The team's work (issue 19): when each provider and vendor opens (its setup done), the
bootstrap of groups at providers, and the engineer-hours all of it takes against the
team's hours. Made only in the model with the team's rows (formulate(..., work=True)),
when the catalog states the effort of tasks and the inventory its team (domain/labour.py
says what each task is and when it is due; solver/work.py when this model is solved).

  x[e,k]  binary  provider or vendor e opens (its setup done) d_k hours after the first
                  hour it could (k over its choices); sum_k x[e,k] = y[e]
  v[g,p,k] in [0,1]  group g is placed at p and p opens at choice k (z[g,p] x[p,k]);
                  its bootstrap is charged b_g hours after that opening

With one choice, x[e,0] is y[e] itself. Accounts are asked for at hour 0 either way (a
sign-up takes minutes); what waits for the team is the work that makes them usable.
"""

from __future__ import annotations

import pulp

from planner.domain import labour
from planner.formulation.model import Model, add_constraint, linear
from planner.formulation.providers import COMPUTE, STORAGE


def start_variables(model: Model) -> None:
    """x[e,k] binary, one opening per provider or vendor e used: sum_k x[e,k] = y[e]. A
    provider's choices are inst.start_delays; a vendor's the same delays after the first
    hour it could carry anything, up to the cut-off."""
    inst = model.instance
    for (e, kind), y in sorted(model.used.items()):
        if kind == COMPUTE:
            if e not in inst.start_delays:
                continue
            choices, first = inst.start_delays[e], inst.first_hour(e)
        else:
            first = _vendor_first_hour(model, e, kind)
            choices = labour.delays_from(inst.inventory, first)
        model.opening[e] = [first + d for d in choices]
        if len(choices) == 1:
            model.start[(e, 0)] = y
            continue
        for k in range(len(choices)):
            model.start[(e, k)] = model.lp.add_variable(f"x_{len(model.start)}", 0, 1,
                                                        pulp.LpInteger)
        starts = [model.start[(e, k)] for k in range(len(choices))]
        add_constraint(model, pulp.lpSum(starts) == y, "start_variables")


def _starts(model: Model, e: str) -> list[tuple[int, pulp.LpVariable]]:
    """(hour e opens, x[e,k]) for each of e's choices."""
    return [(hour, model.start[(e, k)]) for k, hour in enumerate(model.opening.get(e, ()))]


def vendor_start(model: Model) -> None:
    """A vendor carries from the hour it opens (its setup done), which the plan chooses:
    a[s,t] <= ub * sum_{k: open_k <= t} x[v,k] for its service shares, and likewise for
    what is stored at an object-storage vendor."""
    inst = model.instance
    carried = [(inst.service_candidates[si].vendor, t, var) for (si, t), var in model.share.items()]
    carried += [(v, t, var) for (v, t), var in model.store.items()]
    for v, t, var in carried:
        starts = _starts(model, v)
        allowed = [(x, -var.upBound) for hour, x in starts if hour <= t]
        if starts and len(allowed) < len(starts):
            add_constraint(model, linear(allowed, terms={var: 1.0}) <= 0, "vendor_start")


def provider_start(model: Model) -> None:
    """A provider serves from the hour it opens (its setup done), which the plan chooses:
    sum_{c at p} r[c,t] <= cap_p(t) * sum_{k: first_p + d_k <= t} x[p,k]. Its account is
    asked for at hour 0 either way (the sign-up is minutes); only the work waits."""
    inst = model.instance
    if not model.start:
        return
    for (p, t), variables in sorted(model.grouped(lambda c: c.provider).items()):
        cap = inst.provider_curves[p].values[t]
        rhs = [(x, -cap) for hour, x in _starts(model, p) if hour <= t]
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
        wait = inst.wait_hours(c)
        allowed = [(x, -var.upBound) for hour, x in starts if hour + wait <= t]
        if len(allowed) < len(starts):
            add_constraint(model, linear(allowed, terms={var: 1.0}) <= 0, "bootstrap")


def _placements(model: Model) -> dict[tuple[str, str], list[tuple[int, object]]]:
    """(g, p) -> (hour p opens, v[g,p,k]) for each of p's opening choices: v[g,p,k] is
    z[g,p] and x[p,k] together, written disaggregated (sum_k v[g,p,k] = z[g,p],
    v[g,p,k] <= x[p,k]), which is tighter than any big-M; with one choice, z[g,p] itself."""
    out: dict[tuple[str, str], list[tuple[int, object]]] = {}
    for (g, p), z in sorted(model.footprint.items()):
        starts = _starts(model, p)
        if len(starts) == 1:
            out[(g, p)] = [(starts[0][0], z)]
            continue
        pairs = []
        for k, (hour, x) in enumerate(starts):
            v = model.lp.add_variable(f"v_{len(model.bootstrap_work)}", 0, 1)
            model.bootstrap_work[(g, p, k)] = v
            add_constraint(model, v <= x, "team_hours")
            pairs.append((hour, v))
        add_constraint(model, pulp.lpSum(v for _, v in pairs) == z, "team_hours")
        out[(g, p)] = pairs
    return out


def team_hours(model: Model) -> None:
    """The work due by each hour fits the team's hours by then (cumulative):
    sum_{e,k: open_ek <= t} S_e x[e,k] + sum_{g,p,k: open_pk + b_g <= t} E_g v[g,p,k]
    + sum_c e_p r[c,t] <= A(t), where S_e is a provider's or vendor's setup, E_g a group's
    bootstrap at a provider, e_p a server's making at p (a host's, h[c,t] for r[c,t],
    where several servers share one), and A(t) the team's hours by t. Where something
    refuses (domain/refusal.py) a server made stays made work: from the first refusal hour
    on, a candidate at a refused provider or of a group that may stop counts the most it
    has run so far, m[c,t] >= r[c,t] (where r is) and m[c,t] >= m[c,t'] (or r[c,t'])."""
    inst = model.instance
    if not inst.team_planned:
        return
    catalog = inst.catalog
    fixed: list[tuple[int, pulp.LpVariable, float]] = []  # (due, variable, hours)
    for e, kind in sorted(model.used):
        setup = labour.provider_setup_hours(catalog, inst.providers[e]) if kind == COMPUTE \
            else labour.vendor_setup_hours(catalog, inst.vendors[e])
        fixed.extend((hour, x, setup) for hour, x in _starts(model, e))
    for (g, p), pairs in _placements(model).items():
        hours = labour.bootstrap_effort_hours(catalog, inst.groups[g])
        wait = inst.bootstrap_hours(g)
        fixed.extend((hour + wait, v, hours) for hour, v in pairs)
    per_server = [labour.server_hours(catalog, inst.providers[c.provider])
                  for c in inst.candidates]
    servers_at: dict[int, list[tuple[pulp.LpVariable, float]]] = {}
    made = _made_so_far(model)
    for (ci, t) in model.r:  # hosts where several servers share one (model.units)
        if (ci, t) not in made:
            servers_at.setdefault(t, []).append((model.units(ci, t), per_server[ci]))
    for (ci, t), m in made.items():
        servers_at.setdefault(t, []).append((m, per_server[ci]))
    for t in inst.grid:
        pairs = [(var, hours) for due, var, hours in fixed if due <= t]
        pairs += servers_at.get(t, [])
        if pairs:
            add_constraint(model, linear(pairs) <= inst.team_by_hour[t], "team_hours")


def _made_so_far(model: Model) -> dict[tuple[int, int], pulp.LpVariable]:
    """m[c,t] for t from the first refusal hour, for each candidate at a provider that
    refuses or of a group that may stop serving (inst.stopping): the most of c made by
    t (see team_hours); none without a refusal."""
    inst = model.instance
    if not inst.refusal_hours:
        return {}
    first = inst.refusal_hours[0]
    by_candidate: dict[int, list[int]] = {}
    for (ci, t) in model.r:
        by_candidate.setdefault(ci, []).append(t)
    out: dict[tuple[int, int], pulp.LpVariable] = {}
    for ci, hours in by_candidate.items():
        c = inst.candidates[ci]
        if inst.refused_at(c.provider) is None and not inst.stops(c.group):
            continue
        previous = None
        for t in inst.grid:
            if t < first:
                if (ci, t) in model.r:
                    previous = model.units(ci, t)
                continue
            m = out[(ci, t)] = model.lp.add_variable(f"mk_{len(model.lp.rows)}_{ci}_{t}", 0)
            if (ci, t) in model.r:
                add_constraint(model, linear([(model.units(ci, t), 1.0), (m, -1.0)]) <= 0,
                               "team_hours")
            if previous is not None:
                add_constraint(model, linear([(previous, 1.0), (m, -1.0)]) <= 0, "team_hours")
            previous = m
    return out


def _vendor_first_hour(model: Model, v: str, kind: str) -> int:
    """First grid hour at which vendor v carries anything of `kind`."""
    inst = model.instance
    if kind == STORAGE:
        return min((t for w, t in model.store if w == v), default=inst.horizon_hours)
    return min((t for (si, t) in model.share if inst.service_candidates[si].vendor == v),
               default=inst.horizon_hours)
