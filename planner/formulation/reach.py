"""What a group counts as served: shards that serve only together, and users who can reach
the front ends only through a DNS delegation their resolvers already see.

For most groups the objective counts served_g(t) = sum_c of g r[c,t]. For a group that is
sharded (every server its own part of the data) or user-facing (reached through DNS), it
counts q[g,t] in [0, count_g] instead, with q[g,t] <= served_g(t) and the rows below; the
unserved hours (objectives.unserved) and phase 2's hold (objectives.coverage_holds) read
q through `counted`.

The DNS vendors are a set chosen once (u[s] binary: delegated or not); the share of users
whose resolvers see the new delegation by t is R[t], at most every chosen vendor's reach
curve (curves.service_share, from the catalog's resolvers). Before the hour the old DNS
stops answering (dns.old_answers_until_hour) every user reaches the new servers; from it
on, E(t) = R[t]. Users reach a user-facing group, and receivers' resolvers see the new
DKIM and SPF records, only within E(t).

Variables:
  q[g,t]  >= 0     servers of g counted as serving users at t (sharded or user-facing g)
  s[g,t]  binary   every shard of g serves at t (sharded g)
  R[t]    in [0,1] share of users whose resolvers see the new delegation at t
"""

from __future__ import annotations

import pulp

from planner.formulation.model import Expr, Model, add_constraint, linear, period_starts


def special(model: Model) -> list[str]:
    """The groups counted through q: sharded ones, and user-facing ones where users find
    them through DNS."""
    services = model.instance.inventory.services
    gated = services.dns is not None or services.edge is not None
    return [g for g, group in model.instance.groups.items()
            if group.shards or (group.user_facing and gated)]


def old_dns_until(model: Model) -> int:
    """The first hour the old DNS no longer answers (0: it is not counted on)."""
    dns = model.instance.inventory.services.dns
    return (dns.old_answers_until_hour or 0) if dns is not None else 0


def reach_variables(model: Model) -> None:
    """R[t] in [0, 1] at every grid point, when the inventory has a DNS demand."""
    if model.instance.inventory.services.dns is None:
        return
    for t in period_starts(model.instance):
        model.reach[t] = model.lp.add_variable(f"R_{t}", 0, 1)


def reached(model: Model, t: int):
    """E(t): 1 while the old DNS answers (or with no DNS demand), else R[t]."""
    if model.instance.inventory.services.dns is None or t < old_dns_until(model):
        return None
    return model.reach.get(t)


def dns_reach(model: Model) -> None:
    """The delegation is one set of vendors: a[s,t] <= R[t], a[s,t] >= R[t] - (1 - u[s])
    for each DNS candidate s (a chosen vendor answers for every user who sees the
    delegation, an unchosen one for none: a[s,t] <= share_s(t) u[s]), and R[t] <= sum_s
    a[s,t] (no vendor chosen, no one sees it). So R[t] <= min over chosen s of share_s(t)."""
    inst = model.instance
    for t, r in model.reach.items():
        shares = [(si, model.share[(si, t)]) for si, sc in enumerate(inst.service_candidates)
                  if sc.kind == "dns" and (si, t) in model.share]
        for si, a in shares:
            add_constraint(model, linear([(a, 1.0), (r, -1.0)]) <= 0, "dns_reach")
            add_constraint(model, linear([(a, 1.0), (r, -1.0), (model.use[si], -1.0)])
                           >= -1.0, "dns_reach")
        add_constraint(model, linear([(r, 1.0)] + [(a, -1.0) for _, a in shares]) <= 0,
                       "dns_reach")


def users_reach(model: Model) -> None:
    """Users reach the new servers, and mail receivers the new DKIM records, only through
    a DNS they see: q[g,t] <= count_g E(t) for each user-facing g, and sum_s of email
    a[s,t] <= E(t), for t from the hour the old DNS stops answering (E = R there); and
    through the edge, when the inventory states one: q[g,t] = 0 before it serves."""
    inst = model.instance
    edge = inst.edge  # users come through it once stated: none before its hour
    for t in period_starts(inst):
        if edge is not None and (edge.ready_hour is None or t < edge.ready_hour):
            for g, group in inst.groups.items():
                q = model.counted.get((g, t))
                if group.user_facing and q is not None:
                    add_constraint(model, linear([(q, 1.0)]) <= 0, "users_reach")
        if model.instance.inventory.services.dns is None or t < old_dns_until(model):
            continue
        r = model.reach.get(t)
        for g, group in inst.groups.items():
            q = model.counted.get((g, t))
            if group.user_facing and q is not None:
                add_constraint(model, linear([(q, 1.0), (r, -float(group.count))]) <= 0,
                               "users_reach")
        mail = [a for (si, u), a in model.share.items()
                if u == t and inst.service_candidates[si].kind == "email"]
        if mail:
            add_constraint(model, linear([(a, 1.0) for a in mail] + [(r, -1.0)]) <= 0,
                           "users_reach")


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
    served_f(t) <= count_f s[g,t] for f with g in depends_on(f). Once whole it stays so:
    s[g,t'] <= s[g,t] for t' the period before t, but at an hour t something refuses
    (domain/refusal.py), when a shard may go with its provider."""
    inst = model.instance
    before = dict(zip(inst.grid[1:], inst.grid))
    for (g, t), s in model.whole.items():
        count = float(inst.groups[g].count)
        add_constraint(model, linear([(s, count)] + [(v, -1.0) for v in model.serving(g, t)])
                       <= 0, "shards")
        earlier = model.whole.get((g, before.get(t, -1)))
        if earlier is not None and t not in inst.refusal_hours:
            add_constraint(model, linear([(earlier, 1.0), (s, -1.0)]) <= 0, "shards")
        add_constraint(model, linear([(model.counted[(g, t)], 1.0), (s, -count)]) <= 0,
                       "shards")
    for f, group in inst.groups.items():
        for g in group.needs:
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
