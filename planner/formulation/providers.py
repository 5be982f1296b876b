"""Providers used (issue 19): a binary per provider or vendor and kind, the caps on how many
are used, and the least footprint of a group at a provider. Made only when the policy asks
(`max_providers`, `min_servers_per_provider` above 1, `provider_overhead_per_month`): a plan
without them has no such variable or row.

  y[p,k]  binary  provider or vendor p is used for kind k (compute, sms, email, dns,
                  object_storage)
  w[p]    binary  p is used at all (y[p,k] itself when p has one kind)
  z[g,p]  binary  group g is placed at compute provider p
"""

from __future__ import annotations

import pulp

from planner.domain.spread import least_footprint
from planner.formulation.model import Model, add_constraint

COMPUTE, STORAGE = "compute", "object_storage"


def counted(model: Model) -> bool:
    """Whether the plan counts providers: a cap on them, an overhead for each, or the
    team's work, which opening each one takes."""
    policy = model.instance.inventory.policy
    return bool(policy.max_providers.given()) or policy.provider_overhead_per_month > 0 \
        or model.work


def _last(model: Model) -> dict[int, pulp.LpVariable]:
    """Each candidate's server variable in its last period: r never falls (servers_stay_up),
    so it is the most the candidate ever runs."""
    last = model.instance.grid[-1]
    return {ci: var for (ci, t), var in model.r.items() if t == last}


def _peaks(model: Model) -> dict[int, list[pulp.LpVariable]]:
    """Where something refuses (domain/refusal.py), a candidate at a refused provider or of
    a group that may stop serving (inst.stopping) need not run the most in its last period:
    its server variables in the period before each refusal hour, and its last one before
    its provider refuses. Between refusal hours r never falls, so the most it ever runs is
    one of these or r[c,H] (`_last`). None for the other candidates."""
    inst = model.instance
    if not inst.refusal_hours:
        return {}
    last = inst.grid[-1]
    before = {inst.previous_point[h] for h in inst.refusal_hours}
    moving = {ci for ci, c in enumerate(inst.candidates)
              if inst.refused_at(c.provider) is not None or inst.stops(c.group)}
    out: dict[int, list[pulp.LpVariable]] = {}
    final: dict[int, tuple[int, pulp.LpVariable]] = {}
    for (ci, t), var in model.r.items():  # made candidate by candidate, hours ascending
        if ci in moving and t != last:
            if t in before:
                out.setdefault(ci, []).append(var)
            final[ci] = (t, var)
    for ci, (t, var) in final.items():
        if t not in before and inst.refused_at(inst.candidates[ci].provider) is not None:
            out.setdefault(ci, []).append(var)
    return out


def refused_compute(model: Model, p: str) -> bool:
    """Whether p is a compute provider that refuses within the hours planned: it runs
    nothing at the horizon, so it is not one the caps or the overhead count (domain/usage
    reads providers at the horizon), though the team's work there stays done."""
    return p in model.instance.providers and model.instance.refused_at(p) is not None


def _last_stored(model: Model) -> dict[str, pulp.LpVariable]:
    out: dict[str, pulp.LpVariable] = {}
    for (v, _), var in model.store.items():  # made in hour order: the last one stays
        out[v] = var
    return out


def provider_variables(model: Model) -> None:
    """y[p,k] >= what p carries of kind k, scaled: r[c,H] <= ub_c * y[p,compute] for each
    candidate c at p (and r[c,t] at its `_peaks` where something refuses: so y = 0 means
    no server at p at any hour); a[s,t] <= ub_s,t * y[v,kind_s] for each service share;
    S[v,H] <= stored_gb * y[v,object_storage]. w[p] >= y[p,k] for each kind of p."""
    if not counted(model):
        return
    inst = model.instance
    links: list[tuple[pulp.LpVariable, float, tuple[str, str]]] = []
    peaks = [(ci, var) for ci, variables in _peaks(model).items() for var in variables]
    for ci, var in [*_last(model).items(), *peaks]:
        links.append((var, var.upBound, (inst.candidates[ci].provider, COMPUTE)))
    for (si, _), var in model.share.items():
        sc = inst.service_candidates[si]
        links.append((var, var.upBound, (sc.vendor, sc.kind)))
    for v, var in _last_stored(model).items():
        links.append((var, var.upBound, (v, STORAGE)))
    _record_links(model)
    for var, upper, key in links:
        if key not in model.used:
            model.used[key] = model.lp.add_variable(f"y_{len(model.used)}", 0, 1,
                                                    pulp.LpInteger)
        add_constraint(model, var <= upper * model.used[key], "provider_variables")
    if not model.work:  # else labour.provider_start, with the opening hour chosen
        _provider_totals(model)
    kinds: dict[str, list[pulp.LpVariable]] = {}
    for (p, _), y in model.used.items():
        kinds.setdefault(p, []).append(y)
    for p, ys in sorted(kinds.items()):
        if len(ys) == 1:
            model.used_any[p] = ys[0]
            continue
        model.used_any[p] = w = model.lp.add_variable(f"w_{len(model.used_any)}", 0, 1,
                                                      pulp.LpInteger)
        for y in ys:
            add_constraint(model, y <= w, "provider_variables")


def _record_links(model: Model) -> None:
    """model.linked: every variable (all periods) that carries what y[p,kind] switches on,
    so a y the solver leaves near 0 can take them with it (solver.phases.solve)."""
    inst = model.instance
    for (ci, _), var in model.r.items():
        model.linked.setdefault((inst.candidates[ci].provider, COMPUTE), []).append(var)
    for (si, _), var in model.share.items():
        sc = inst.service_candidates[si]
        model.linked.setdefault((sc.vendor, sc.kind), []).append(var)
    for (v, _), var in model.store.items():
        model.linked.setdefault((v, STORAGE), []).append(var)


def _provider_totals(model: Model) -> None:
    """sum_{c at p} r[c,t] <= cap_p(t) * y[p,compute] for every period t (hosts h[c,t] for
    packed candidates: model.units): with the rows per
    candidate, the LP relaxation cannot spread a provider's servers over a fraction of its
    y (provider_capacity's rows, with y in them; a plan without caps keeps those alone)."""
    inst = model.instance
    at: dict[tuple[str, int], list[pulp.LpVariable]] = {}
    for (ci, t) in model.r:
        at.setdefault((inst.candidates[ci].provider, t), []).append(model.units(ci, t))
    for (p, t), variables in at.items():
        cap = inst.provider_curves[p].values[t]
        if sum(v.upBound for v in variables) > cap:
            add_constraint(model, pulp.lpSum(variables) <= cap * model.used[(p, COMPUTE)],
                           "provider_variables")


def provider_count(model: Model) -> None:
    """No more providers of a kind than the policy allows: sum_p y[p,k] <= max_providers_k,
    and sum_p w[p] <= max_providers_all; not counting a compute provider that refuses
    within the hours planned (refused_compute)."""
    caps = model.instance.inventory.policy.max_providers.given()
    for kind, cap in caps.items():
        if kind == "all":
            used = [w for p, w in model.used_any.items() if not refused_compute(model, p)]
        else:
            used = [y for (p, k), y in model.used.items() if k == kind
                    and not refused_compute(model, p)]
        if len(used) > cap:
            add_constraint(model, pulp.lpSum(used) <= cap, "provider_count")


def min_footprint(model: Model) -> None:
    """A group placed at a provider has at least m_g = min(min_servers_per_provider, count_g)
    servers there once placed: with z[g,p] binary, sum_o r[g,p,o,H] >= m_g * z[g,p] and
    r[g,p,o,H] <= ub * z[g,p]. Where a refusal may take servers of g at p before H
    (`_peaks`), z[g,p] is whether g is ever placed there (r[g,p,o,t] <= ub * z[g,p] at its
    peaks too; the team's bootstrap is charged on it) and the footprint at H has a binary
    of its own, f: sum_o r[g,p,o,H] >= m_g * f, r[g,p,o,H] <= ub * f."""
    inst = model.instance
    least = inst.inventory.policy.min_servers_per_provider
    if least <= 1 and not model.work:  # the team's work needs z: a bootstrap per placement
        return
    at: dict[tuple[str, str], list[pulp.LpVariable]] = {}
    for ci, var in _last(model).items():
        c = inst.candidates[ci]
        at.setdefault((c.group, c.provider), []).append(var)
    peaks: dict[tuple[str, str], list[pulp.LpVariable]] = {}
    for ci, variables in _peaks(model).items():
        c = inst.candidates[ci]
        peaks.setdefault((c.group, c.provider), []).extend(variables)
    for (ci, _), var in model.r.items():
        c = inst.candidates[ci]
        model.placed_at.setdefault((c.group, c.provider), []).append(var)
    for g, p in [*at, *(key for key in peaks if key not in at)]:
        m = least_footprint(inst.inventory.policy, inst.groups[g].count)
        if m <= 1 and not model.work:
            continue
        z = model.footprint[(g, p)] = model.lp.add_variable(
            f"z_{len(model.footprint)}", 0, 1, pulp.LpInteger)
        variables = at.get((g, p), [])
        f = z
        if (g, p) in peaks:  # z: ever placed; f: the footprint at H
            for var in [*peaks[(g, p)], *variables]:
                add_constraint(model, var <= var.upBound * z, "min_footprint")
            if not variables or m <= 1:
                continue
            f = model.lp.add_variable(f"zf_{len(model.footprint)}", 0, 1, pulp.LpInteger)
        add_constraint(model, pulp.lpSum(variables) >= m * f, "min_footprint")
        for var in variables:
            add_constraint(model, var <= var.upBound * f, "min_footprint")


def overhead(model: Model) -> pulp.LpAffineExpression:
    """Monthly overhead of the providers and vendors used: overhead * sum_p w[p] (not a
    compute provider that refuses within the hours planned: refused_compute)."""
    per_provider = model.instance.inventory.policy.provider_overhead_per_month
    return per_provider * pulp.lpSum(w for p, w in model.used_any.items()
                                     if not refused_compute(model, p))


def switched_off(model: Model, values: dict[str, float]) -> dict[str, float]:
    """`values` with y, w and z read as the 0 or 1 they stand for: one the solver left
    within its integrality tolerance of 0 takes what it switches on with it (a share of
    1e-6, or 0.08 GB against an 80,000 GB bound, at a vendor the caps leave out), so a
    provider counted out carries nothing."""
    out = dict(values)
    for binaries, carried in ((model.used, model.linked), (model.footprint, model.placed_at)):
        for key, binary in binaries.items():
            on = out.get(binary.name, 0.0) >= 0.5
            out[binary.name] = 1.0 if on else 0.0
            if not on:
                out.update((var.name, 0.0) for var in carried.get(key, ()))
    for w in (*model.used_any.values(), *model.start.values()):
        out[w.name] = 1.0 if out.get(w.name, 0.0) >= 0.5 else 0.0
    return out
