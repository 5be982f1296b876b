"""The hedge against refusals (policy.risk.measure: cvar): phase 1 also minimises the CVaR
of what sampled refusals take from the plan, so that the accounts it opens hold up whoever
backs out (Rockafellar and Uryasev, "Optimization of conditional value-at-risk", 2000).

The scenarios are those `planner stress` samples (domain/risk.sample, policy.risk.seed):
in scenario s each refusing entry e stops at hour h_s(e), its servers and its service
shares with it, and nothing is re-planned. What that takes is linear in the plan:

  L_s = sum_{c, t} w_g(c) W_t f_s(c, t) r[c,t]  +  sum_{v, t} w_k(v) W_t f_s(v, t) a[v,t]

with W_t the period's weighted hours (as in objectives.unserved) and f_s(., t) the share
of the period from h_s on (0 before, 1 after). For a sharded or user-facing group the
servers lost stand for what it loses (the exact count, domain/served.counted, can lose
more: `planner stress` reports it); DNS and the edge are left out of L_s.
Nor are dependents: a lost database server stops api servers L_s does not count, where
`planner stress` does (domain/risk.working). Two ways to count them were measured on the
2021 case and dropped: the working servers of each group in each scenario as variables
(50 x 11 x 39) took the hedged solve from 14 s to over 10 minutes; charging a lost server
its dependents' weight as well (an upper bound) made the hedge build less (44 servers at
the deadline, not 71) and serve no users at all.

In scenario s the plan leaves U + L_s unserved, U its unserved hours with no refusal. Its
CVaR at level alpha, the mean of the worst (1 - alpha) of the scenarios, is U + CVaR(L):

  CVaR_alpha(L) = eta + 1 / ((1 - alpha) S) sum_s z_s,   z_s >= L_s - eta,   z_s >= 0

and phase 1 minimises U + lambda (U + CVaR_alpha(L)); phase 2 holds it (risk_holds). A
server always pays (it serves in every scenario its provider has not refused by then);
the hedge leans to the providers that refuse least in the bad scenarios. (Penalising
CVaR(L) alone, the loss against the plan's own coverage, rewards building nothing: a
plan with no server loses nothing. Measured on the 2021 case: P50 users at the deadline
fell from 13.5% to 0.)
"""

from __future__ import annotations

import pulp

from planner.domain import risk
from planner.formulation.model import Model, add_constraint, linear, period_starts
from planner.formulation.objectives import value_of

# phase 2 holds the hedge at phase 1's value, within this share of it (the solver's slack)
HOLD_SLACK = 1e-6


def _after(start: int, hours: int, refusal: int | None) -> float:
    """f: the share of the period [start, start + hours) from `refusal` on."""
    if refusal is None or refusal >= start + hours:
        return 0.0
    return 1.0 if refusal <= start else (start + hours - refusal) / hours


def scenario_losses(model: Model) -> list[pulp.LpAffineExpression]:
    """L_s for each sampled scenario s (see the module's docstring)."""
    inst = model.instance
    policy = inst.inventory.policy.risk
    scenarios = risk.sample(inst.inventory, inst.catalog, policy, range(policy.samples))
    weight, length = inst.period_weight, inst.period_hours
    services = [(var, sc.vendor, inst.weights[sc.kind], t)
                for (si, t), var in model.share.items()
                if (sc := inst.service_candidates[si]).kind in ("sms", "email")
                and sc.kind in inst.weights]
    losses = []
    for s in scenarios:
        gone = {r.entry: r.hour for r in s.refusals}
        pairs = []
        for (ci, t), var in model.r.items():
            c = inst.candidates[ci]
            f = _after(t, length[t], gone.get(c.provider))
            if f:
                pairs.append((var, inst.weights[c.group] * weight[t] * f))
        for var, vendor, w, t in services:
            f = _after(t, length[t], gone.get(vendor))
            if f:
                pairs.append((var, w * weight[t] * f))
        losses.append(linear(pairs))
    return losses


def refusal_cvar(model: Model) -> None:
    """With policy.risk.measure = cvar: z_s >= L_s - eta, z_s >= 0 for each scenario s,
    eta >= 0, and model.risk = lambda (U + eta + sum_s z_s / ((1 - alpha) S)): the CVaR of
    the unserved hours at level alpha, weighted, for phase 1's objective (U: the unserved
    hours with no refusal, objectives.unserved, made before). Nothing otherwise."""
    policy = model.instance.inventory.policy.risk
    if policy.measure != "cvar" or not period_starts(model.instance):
        return
    losses = scenario_losses(model)
    eta = model.lp.add_variable("cvar_eta", 0, None)
    tail = []
    for s, loss in enumerate(losses):
        z = model.lp.add_variable(f"cvar_excess_{s}", 0, None)
        add_constraint(model, linear([(z, 1.0), (eta, 1.0)], terms={
            var: -coef for var, coef in loss.items()}) >= 0, "refusal_cvar")
        tail.append(z)
    share = 1.0 / ((1 - policy.alpha) * len(losses))
    model.risk = policy.weight * (model.unserved
                                  + linear([(eta, 1.0)] + [(z, share) for z in tail]))


def risk_holds(model: Model, values: dict[str, float]) -> list[tuple[object, str]]:
    """Phase 2 keeps phase 1's hedge: lambda CVaR <= its value at phase 1's point x, plus
    HOLD_SLACK of it (none without a hedge)."""
    if not model.risk:
        return []
    held = value_of(model.risk, values)
    return [(model.risk <= held + HOLD_SLACK * max(1.0, held), "refusal_cvar")]
