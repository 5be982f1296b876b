"""The latency family: dependent tiers stay within their round-trip bound.

Places are fixed before the model (formulation/location.py), so the rows are linear.
"""

from __future__ import annotations

import numpy as np
import pulp

from planner.domain import location
from planner.formulation.model import Model, add_constraint, linear, period_starts
from planner.formulation.problem import INF
from planner.formulation.server_rows import add_rows, server_rows


def latency_rows(inst) -> list[tuple[str, str, list[str], list[str], list[str]]]:
    """(g, h, g's providers at a set S of its locations, h's providers within the bound of
    some location of S, h's providers beyond all of them): for a sharded h one per location
    of g; otherwise one per set of domain/location.caller_sets (Hall's condition: two
    locations of g never count the same servers of h). Sets that reach all of h are left
    out: their row is the dependency row's."""
    if not location.located(inst.catalog):
        return []
    providers: dict[str, list[str]] = {}
    for c in inst.candidates:
        providers.setdefault(c.group, [])
        if c.provider not in providers[c.group]:
            providers[c.group].append(c.provider)
    geo, out = location.Geography(inst.catalog), []
    for g, h, bound in location.bounded_pairs(inst.inventory):
        h_places = [inst.places[p] for p in providers.get(h, [])]
        everything = frozenset(p.provider for p in h_places)
        at: dict[str, list[str]] = {}
        for p in providers.get(g, []):
            at.setdefault(inst.places[p].key, []).append(p)
        near = {key: frozenset(geo.near(inst.places[here[0]], h_places, bound))
                for key, here in at.items()}
        sets = [([key], near[key]) for key in sorted(at)] if inst.groups[h].shards \
            else location.caller_sets(near)
        for keys, reach in sets:
            if reach != everything:
                out.append((g, h, [p for key in keys for p in at[key]],
                            [p.provider for p in h_places if p.provider in reach],
                            [p.provider for p in h_places if p.provider not in reach]))
    return out


def latency(model: Model) -> None:
    """Each location holding a share of g holds that share of each of its dependencies h
    within their bound B (domain/location.py), no server of h counted for two: for each set
    S of g's locations (latency_rows) and hour t, count_h * sum_{c of g at S} r[c,t] <=
    count_g * sum_{c of h at p: rtt(m, p) <= B for some m in S} r[c,t].
    A sharded h is called whole (each of g's servers calls every shard), so g never serves
    at m while a server of h runs beyond B of m: with b[g,h,m] binary,
    sum_{c of h at p: rtt(m, p) > B} r[c,H] <= count_h b and sum_{c of g at m} r[c,H] <=
    count_g (1 - b). At H alone: servers stay up, so two sets that never run together at
    H never do before it; where something refuses (domain/refusal.py) servers stay up
    between refusal hours only, so both rows are written at the period before each refusal
    hour too (the sums are largest there or at H)."""
    inst = model.instance
    periods = len(period_starts(inst))
    keys, row = server_rows(model, lambda c: (c.group, c.provider))
    position = {k: i * periods for i, k in enumerate(keys)}
    rows = latency_rows(inst)
    width = max((len(here) + max(len(near), len(far)) for _, _, here, near, far in rows),
                default=0)
    codes, coefficients, uppers = [], [], []
    for g, h, here, near, far in rows:
        n_g, n_h = float(inst.groups[g].count), float(inst.groups[h].count)
        if inst.groups[h].shards:
            b = None
            peaks = {inst.previous_point[t] for t in inst.refusal_hours} | {inst.grid[-1]}
            for t in sorted(peaks):
                b = _apart(model, [model.r[(ci, t)] for ci, c in enumerate(inst.candidates)
                                   if c.group == g and c.provider in here
                                   and (ci, t) in model.r], n_g,
                           [model.r[(ci, t)] for ci, c in enumerate(inst.candidates)
                            if c.group == h and c.provider in far and (ci, t) in model.r],
                           n_h, b)
            continue
        pairs = [((g, p), n_h) for p in here] + [((h, p), -n_g) for p in near]
        upper = 0.0
        for t in range(periods):
            code = [position[k] + t if k in position else -1 for k, _ in pairs]
            codes.append(code + [-1] * (width - len(code)))
            coefficients.append([a for _, a in pairs] + [0.0] * (width - len(pairs)))
            uppers.append(upper)
    if codes:
        add_rows(model, row, np.array(codes, dtype=np.int64), np.array(coefficients), -INF,
                 np.array(uppers), "latency")


def _apart(model: Model, mine: list, n_g: float, far: list, n_h: float, b=None):
    """sum far <= n_h b, sum mine <= n_g (1 - b), b binary (the sharded rows of `latency`;
    `b` made once, and returned, for the rows of several periods)."""
    if not mine or not far:
        return b
    if b is None:
        b = model.lp.add_variable(f"lb_{len(model.lp.rows)}", 0, 1, pulp.LpInteger)
    add_constraint(model, linear([(v, 1.0) for v in far], terms={b: -n_h}) <= 0, "latency")
    add_constraint(model, linear([(v, 1.0) for v in mine], terms={b: n_g}) <= n_g, "latency")
    return b
