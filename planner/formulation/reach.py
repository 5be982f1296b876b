"""What a group counts as served: shards that serve only together, and users who can reach
the front ends only through a DNS delegation their resolvers already see.

For most groups the objective counts served_g(t) = sum_c of g r[c,t]. For a group that is
sharded (every server its own part of the data) or user-facing (reached through DNS), it
counts q[g,t] in [0, count_g] instead, with q[g,t] <= served_g(t) and the rows below; the
unserved hours (objectives.unserved) and phase 2's hold (objectives.coverage_holds) read
q through `counted`.

Variables:
  q[g,t]  >= 0     servers of g counted as serving users at t (sharded or user-facing g)
  s[g,t]  binary   every shard of g serves at t (sharded g)
"""

from __future__ import annotations

import pulp

from planner.formulation.model import Expr, Model, add_constraint, linear, period_starts


def special(model: Model) -> list[str]:
    """The groups counted through q: sharded ones."""
    return [g for g, group in model.instance.groups.items() if group.shards]


def counted(model: Model, g: str, t: int) -> Expr:
    """What group g counts as serving at grid point t: q[g,t] where it has one, else
    served_g(t)."""
    var = model.counted.get((g, t))
    return linear([(var, 1.0)]) if var is not None else model.served(g, t)


def counted_variables(model: Model) -> None:
    """q[g,t] in [0, count_g] with q[g,t] <= served_g(t), for the groups of `special`; and
    s[g,t] binary for the sharded ones."""
    inst = model.instance
    for g in special(model):
        count = inst.groups[g].count
        for t in period_starts(inst):
            serving = model.serving(g, t)
            if not serving:
                continue
            q = model.lp.add_variable(f"q_{len(model.counted)}", 0, count)
            model.counted[(g, t)] = q
            add_constraint(model, linear([(q, 1.0)] + [(v, -1.0) for v in serving]) <= 0,
                           "counted_variables")
            if inst.groups[g].shards:
                s = model.lp.add_variable(f"s_{len(model.whole)}", 0, 1, pulp.LpInteger)
                model.whole[(g, t)] = s


def shards(model: Model) -> None:
    """A sharded group serves only when every shard does: count_g s[g,t] <= served_g(t)
    and q[g,t] <= count_g s[g,t]; a group depending on it serves only then too:
    served_f(t) <= count_f s[g,t] for f with g in depends_on(f)."""
    inst = model.instance
    for (g, t), s in model.whole.items():
        count = float(inst.groups[g].count)
        add_constraint(model, linear([(s, count)] + [(v, -1.0) for v in model.serving(g, t)])
                       <= 0, "shards")
        add_constraint(model, linear([(model.counted[(g, t)], 1.0), (s, -count)]) <= 0,
                       "shards")
    for f, group in inst.groups.items():
        for g in group.depends_on:
            if not inst.groups[g].shards:
                continue
            for t in period_starts(inst):
                serving = model.serving(f, t)
                if not serving:
                    continue
                s = model.whole.get((g, t))
                pairs = [(v, 1.0) for v in serving] + \
                    ([(s, -float(group.count))] if s is not None else [])
                add_constraint(model, linear(pairs) <= 0, "shards")
