"""A re-plan that keeps to a base plan before the hour a provider or vendor refuses
(`planner drill --at`): non-anticipation, as bounds on the model's variables.

A refusal at hour h is news at h. What the team did before h it did without knowing, so
the re-plan may not change it with hindsight. For every grid point t < h:

  r[c,t] = the base's servers of c's (group, provider, offering) at t (0 without a row);
  h[c,t] = the hosts the base had made there by t (its hosts_by_hour, else up_by_hour);
  C[g,p,t], S[v,t] = the GB the base had copied to p (stored at v) by t;
  a[s,t] = the share the base's vendor offering carried at t;

the continuous ones within the solver's tolerances (1e-6 GB and 1e-7 of the value; 1e-7
of a share), the counts exactly. What these imply follows from the rows: the providers and
vendors used before h, the groups placed, the DNS delegation, the shards whole, and with
the team's rows the openings that let those servers serve. Not pinned: accounts. Every
provider's and vendor's sign-up is asked for at hour 0 in any plan (formulation/labour.py:
the lead time of onboarding runs from hour 0, the work waits for the opening), so a
replacement is as ready at h as the base's inputs say; and the team's hours the base left
idle before h may go to a replacement's setup (team_hours counts work by its due hour).

The base before h, then its own rows without the refused entries' from h (what depended
on them stopping at h and staying stopped: domain/refusal.stopping), is a point of the
model, so the re-plan is feasible: the families that read a refusal (servers_stay_up,
hosts_before_service, shards, service_stays_up, latency; policy_share, which does not hold
the groups that could run at the refused provider to the spread) allow what that point
needs. Bounds, not rows, and no rule of the verifier: a plan is checked against its inputs,
which the base plan is not one of.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from planner.errors import PlannerError
from planner.models.plan import Plan

SHARE_SLACK = 1e-7          # of a share
GB_SLACK, GB_RELATIVE = 1e-6, 1e-7


@dataclass(frozen=True)
class Follow:
    """Keep to `plan` (made on the same inputs without the refusal) for every hour before
    `hour`."""

    plan: Plan
    hour: int


def pin(model) -> None:
    """Fix the model's variables (formulation/model.Model, which imports this module's
    Follow through the Instance) before the followed hour to the base plan's values (see
    the module docstring); a PlannerError when the base plan has something before it that
    the model cannot hold (a plan made on other inputs)."""
    inst = model.instance
    follow = inst.follow
    if follow is None:
        return
    base, hour = follow.plan, follow.hour
    if hour <= 0:  # nothing was done before the decision
        return
    _servers(model, base, hour)
    _copies(model, base, hour)
    _shares(model, base, hour)


def _fix(var, value: float, where: str, slack: float = 0.0) -> None:
    """var = value, within `slack` of a value above 0 (none of 0 exactly: a share of 1e-7
    where the base had none would open a vendor, whose setup is then work due)."""
    slack = slack if value > 0 else 0.0
    low, high = max(0.0, value - slack), value + slack
    top = var.upBound if var.upBound is not None else float("inf")
    if low > top + 1e-9:
        raise PlannerError(f"the base plan has {value:g} {where}, above what these inputs "
                           f"allow ({top:g}): it was not made on them")
    var.lowBound, var.upBound = min(low, top), min(high, top)


def _servers(model, base: Plan, hour: int) -> None:
    inst = model.instance
    rows = {(r.group, r.provider, r.offering): r for r in base.schedule}
    index = {(c.group, c.provider, c.offering): ci for ci, c in enumerate(inst.candidates)}
    for key, row in rows.items():
        ci = index.get(key)
        missing = [t for t in inst.grid if t < hour and (
            (row.up_by_hour[t] and (ci, t) not in model.r)
            or (row.hosts[t] > row.up_by_hour[t] and (ci, t) not in model.hosts))]
        if missing:
            raise PlannerError(f"the base plan runs {'/'.join(key)} at hour {missing[0]}, "
                               "which these inputs do not allow: it was not made on them")
    for what, variables in (("servers", model.r), ("hosts", model.hosts)):
        for (ci, t), var in variables.items():
            if t < hour:
                c = inst.candidates[ci]
                row = rows.get((c.group, c.provider, c.offering))
                base_value = (row.up_by_hour if what == "servers" else row.hosts)[t] \
                    if row else 0
                _fix(var, base_value, f"{what} of {c.group} at {c.provider}/{c.offering} "
                     f"at hour {t}")


def _copies(model, base: Plan, hour: int) -> None:
    copied = {(r.demand, r.target): list(accumulate(r.gb_by_hour)) for r in base.copies}
    held = {(g, p) for g, p, _ in model.copy} | {("object_storage", v) for v, _ in model.store}
    for key, running in copied.items():
        if key not in held and running[min(hour, len(running)) - 1] > GB_SLACK:
            raise PlannerError(f"the base plan copies {key[0]} to {key[1]} before hour "
                               f"{hour}, which these inputs do not allow: it was not made "
                               "on them")
    for variables, key_of in ((model.copy, lambda k: (k[0], k[1])),
                              (model.store, lambda k: ("object_storage", k[0]))):
        for key, var in variables.items():
            t = key[-1]
            if t < hour:
                gb = copied.get(key_of(key), [0.0] * (t + 1))[t]
                _fix(var, gb, f"GB of {key_of(key)[0]} copied to {key_of(key)[1]} by hour {t}",
                     GB_SLACK + GB_RELATIVE * gb)


def _shares(model, base: Plan, hour: int) -> None:
    inst = model.instance
    shares = {(r.kind, r.vendor, r.offering): r.share_by_hour for r in base.services}
    held = {(sc.kind, sc.vendor, sc.offering, t) for (si, t) in model.share
            for sc in (inst.service_candidates[si],)}
    for key, by_hour in shares.items():
        late = [t for t in inst.grid if t < hour and by_hour[t] > SHARE_SLACK
                and (*key, t) not in held]
        if late:
            raise PlannerError(f"the base plan has {key[0]} at {key[1]}/{key[2]} at hour "
                               f"{late[0]}, which these inputs do not allow: it was not "
                               "made on them")
    for (si, t), var in model.share.items():
        if t < hour:
            sc = inst.service_candidates[si]
            share = shares.get((sc.kind, sc.vendor, sc.offering), [0.0] * (t + 1))[t]
            _fix(var, share, f"share of {sc.kind} at {sc.vendor}/{sc.offering} at hour {t}",
                 SHARE_SLACK)
