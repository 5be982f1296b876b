"""The model being built: the PuLP problem and an index of what each variable means.

Shared by the constraint families (planner/formulation/families.py) and the objectives
(planner/formulation/objectives.py); it holds no logic of its own beyond look-ups.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
import pulp

from planner.formulation.instance import Instance

Expr = pulp.LpAffineExpression


@dataclass
class Model:
    lp: pulp.LpProblem
    instance: Instance
    work: bool = False  # the team's work is in the model (planner/formulation/labour.py)
    restricted: bool = False  # most candidates fixed at 0 (solver/work.py restrict_to)
    r: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    hosts: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)  # h[c,t]
    # (len(copy), (g, p) -> its copy hours ascending): `copied`'s index
    _copy_hours: tuple | None = field(default=None, repr=False, compare=False)
    counted: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)  # q[g,t]
    whole: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)  # s[g,t]
    reach: dict[int, pulp.LpVariable] = field(default_factory=dict)  # R[t]
    copy: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    store: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    share: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    use: dict[int, pulp.LpVariable] = field(default_factory=dict)
    store_use: dict[str, pulp.LpVariable] = field(default_factory=dict)
    used: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)  # y[p,kind]
    used_any: dict[str, pulp.LpVariable] = field(default_factory=dict)  # w[p]
    footprint: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)  # z[g,p]
    start: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)  # x[e,k]
    opening: dict[str, list[int]] = field(default_factory=dict)  # e -> hour of each x[e,k]
    bootstrap_work: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    # the variables a y[p,kind] or z[g,p] above switches on, every period of them
    linked: dict[tuple[str, str], list[pulp.LpVariable]] = field(default_factory=dict)
    placed_at: dict[tuple[str, str], list[pulp.LpVariable]] = field(default_factory=dict)
    unserved: Expr = field(default_factory=Expr)
    one_time: Expr = field(default_factory=Expr)
    monthly: Expr = field(default_factory=Expr)
    cost: Expr = field(default_factory=Expr)
    risk: Expr = field(default_factory=Expr)  # lambda CVaR of refusals (formulation/risk.py)
    by_group: dict[str, list[int]] = field(default_factory=dict)  # group -> its candidates
    _serving: dict | None = field(default=None, repr=False)  # grouped by group, once r is made
    _server_arrays: tuple | None = field(default=None, repr=False)  # server_arrays(), once

    def __post_init__(self):
        for ci, c in enumerate(self.instance.candidates):
            self.by_group.setdefault(c.group, []).append(ci)

    def coverage_objective(self) -> Expr:
        """Phase 1's objective without its cost tie-break: the unserved hours, plus the
        hedge against refusals when the policy asks for one (formulation/risk.py)."""
        return self.unserved + self.risk if self.risk else self.unserved

    def units(self, ci: int, t: int) -> pulp.LpVariable:
        """What the provider counts and bills of candidate ci at grid point t: its hosts
        h[c,t] where it packs several servers on one (domain/packing.py), else r[c,t]."""
        if self.instance.candidates[ci].per_host > 1:
            return self.hosts[(ci, t)]
        return self.r[(ci, t)]

    def served(self, g: str, t: int) -> Expr:
        """Servers of group g serving at hour t, over all its candidates."""
        return pulp.LpAffineExpression(dict.fromkeys(self.serving(g, t), 1.0))

    def serving(self, g: str, t: int) -> list[pulp.LpVariable]:
        """The variables whose sum is `served(g, t)` (one per candidate, none repeated)."""
        if self._serving is None:
            self._serving = self.grouped(lambda c: c.group)
        return self._serving.get((g, self.instance.period_start[t]), [])

    def grouped(self, key) -> dict[tuple, list[pulp.LpVariable]]:
        """(key(candidate), period start) -> the server variables of the candidates with
        that key in that period, in candidate order: one pass over r, where looking each
        candidate up in each period cost the constraint families seconds at scale."""
        keys = [key(c) for c in self.instance.candidates]
        out: dict[tuple, list[pulp.LpVariable]] = {}
        for (ci, t), var in self.r.items():
            out.setdefault((keys[ci], t), []).append(var)
        return out

    def server_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """r as arrays, in its order: each variable's candidate, period (position in the
        grid), upper bound and PuLP hash; made once, after r is complete."""
        if self._server_arrays is None:
            position = {t: i for i, t in enumerate(self.instance.grid)}
            n = len(self.r)
            self._server_arrays = (
                np.fromiter((ci for ci, _ in self.r), dtype=np.int64, count=n),
                np.fromiter((position[t] for _, t in self.r), dtype=np.int64, count=n),
                np.fromiter((v.upBound for v in self.r.values()), dtype=float, count=n),
                np.fromiter((v.hash for v in self.r.values()), dtype=np.int64, count=n))
        return self._server_arrays

    def drop_server_arrays(self) -> None:
        self._server_arrays = None

    def service_share(self, kind: str, t: int) -> Expr:
        """Share of the `kind` demand carried at hour t, over all its vendors (for DNS, the
        users who see the new delegation, R[t]: formulation/reach.py)."""
        if kind == "dns":
            return pulp.lpSum([self.reach[self.instance.period_start[t]]]) \
                if self.instance.period_start[t] in self.reach else pulp.LpAffineExpression()
        return pulp.lpSum(self.share_at(si, t)
                          for si, sc in enumerate(self.instance.service_candidates)
                          if sc.kind == kind)

    def stored_total(self, t: int) -> Expr:
        """GB of object storage copied by hour t, over all vendors."""
        return pulp.lpSum(self.stored(v, t) for v in sorted({v for v, _ in self.store}))

    def share_at(self, si: int, t: int):
        return self.share.get((si, self.instance.period_start[t]), 0)

    def copied(self, g: str, p: str, t: int):
        """Cumulative GB of g at p by hour t (the last copy variable at or before t)."""
        index = getattr(self, "_copy_hours", None)  # also on a stand-in with `copy` alone
        if index is None or index[0] != len(self.copy):  # made again if copy grew
            hours: dict[tuple[str, str], list[int]] = {}
            for cg, cp, ct in self.copy:
                hours.setdefault((cg, cp), []).append(ct)
            index = (len(self.copy), {k: sorted(v) for k, v in hours.items()})
            self._copy_hours = index
        hours = index[1].get((g, p), ())
        at = bisect.bisect_right(hours, t)  # a walk back hour by hour: 3 s at 10,000 servers
        return self.copy[(g, p, hours[at - 1])] if at else 0

    def stored(self, v: str, t: int):
        """GB of object storage held at vendor v by hour t: what was moved there by then,
        none from the hour v refuses (what was stored there is gone: domain/refusal.py)."""
        refused = self.instance.refused_at(v)
        return 0 if refused is not None and t >= refused else self.moved(v, t)

    def moved(self, v: str, t: int):
        """GB of object storage copied to vendor v by hour t (the last variable at or
        before t), held there or not."""
        while t >= 0 and (v, t) not in self.store:
            t -= 1
        return self.store[(v, t)] if t >= 0 else 0


def linear(pairs, constant: float = 0.0, terms: dict | None = None) -> Expr:
    """sum of coef * var over (var, coef) pairs, repeats added, plus a constant (and plus
    `terms`, a dict var -> coef taken over as it is): built as one dict, where PuLP's
    operators would make an expression per term (quadratic at scale). A number in place of
    a variable (a look-up before anything exists, as `copied`) adds coef * number to the
    constant."""
    terms = {} if terms is None else terms
    for var, coef in pairs:
        if isinstance(var, (int, float)):
            constant += coef * var
        else:
            terms[var] = terms.get(var, 0.0) + coef
    expr = pulp.LpAffineExpression(constant=constant)
    # a dict merged into a dict keeps its keys' hashes: PuLP's constructor hashes every
    # variable again (0.85 s for the 1.5 million terms of 10,000 servers in 500 groups)
    dict.update(expr, terms)
    return expr


def period_starts(inst: Instance) -> list[int]:
    """The hours that start a period (see instance.time_grid); variables live only there."""
    return inst.grid


LE, GE = pulp.LpConstraintLE, pulp.LpConstraintGE


def add_constraint(model: Model, constraint: pulp.LpConstraint, family: str) -> None:
    """A constraint written with PuLP's operators, kept as a row (planner/formulation/problem.py);
    rows are named by family and number only: inventory names never reach the solver."""
    model.lp.rows.add(constraint, constraint.sense, -constraint.constant, family)
