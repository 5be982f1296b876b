"""Drills and readiness: what-ifs built from a base plan.

A drill asks "what if a provider we chose refuses us?": each provider or vendor the base
plan uses (or each set of k) refuses, at the start or at an hour after its servers were
made, and the exit is re-planned; the rows say when it refused, what went with it, what is
lost at the deadline and after, when that much is back, and what it costs, worst first.
Readiness asks "what does arranging X before any crisis buy?": each item is a what-if
measured against the base.
"""

from __future__ import annotations

from itertools import combinations

from planner.domain.curves import full_from
from planner.errors import PlannerError
from planner.formulation.follow import Follow
from planner.inputs.overrides import apply
from planner.models.catalog import Catalog
from planner.models.comparison import (
    Drill,
    DrillRow,
    HorizonLoss,
    Readiness,
    ReadinessRow,
)
from planner.models.inventory import Inventory
from planner.models.plan import Plan
from planner.models.scenario import Scenario
from planner.whatif.cases import Case
from planner.whatif.compare import difference, row

COMPUTE = ("cloud", "bare_metal", "colocation", "self_hosted")


def _no_copy(group) -> dict:
    """Overrides for a group whose data is already out: nothing to copy, replicate or seed."""
    out = {f"groups.{group.name}.data_gb": 0}
    if group.write_gb_per_hour:
        out[f"groups.{group.name}.write_gb_per_hour"] = 0
    for name in ("cutover", "freeze_hours", "data_from"):
        if getattr(group, name) is not None:
            out[f"groups.{group.name}.{name}"] = None
    return out


def chosen_compute(plan: Plan) -> list[str]:
    return sorted({a.provider for a in plan.assignments})


# When the drill's providers refuse (`planner drill --at`): from the start, at the
# deadline, or at an hour
AT_CHOICES = ("start", "deadline")


def refusal_hour(base: Plan, at: str | int) -> int | None:
    """The hour a drill's providers refuse: None for "start" (they refuse before anything
    is made: excluded, as a scenario's `exclude`), the base plan's deadline for "deadline",
    else `at` itself, an hour from 0 to the horizon."""
    if at == "start":
        return None
    if at == "deadline":
        return base.deadline_hours
    if isinstance(at, str) and at.isdigit():
        at = int(at)
    if isinstance(at, bool) or not isinstance(at, int) or not 0 <= at <= base.horizon_hours:
        raise PlannerError(f"--at {at!r}: expected start, deadline or an hour from 0 to the "
                           f"horizon ({base.horizon_hours})")
    return at


def drill_cases(inventory: Inventory, catalog: Catalog, base: Plan, k: int,
                at: str | int = "start") -> list[Case]:
    """One case per set of k chosen providers or vendors (all of `providers_used`),
    refusing `at` (refusal_hour): "start", excluded from hour 0 (they refuse before the
    team starts); "deadline" or an hour h, in policy.refused_at_hour (domain/refusal.py:
    their curves are 0 from h, what ran there stops then, what depends on it may stop too)
    with the base plan to follow before h (formulation/follow.py: what the team did before
    h it did without knowing; the re-plan keeps the base's hub, where it built).

    `planner drill` refuses at the deadline unless told: "at the last minute" is the hour
    the exit depends on what was built, when the source goes dark (the cut-off, by
    default) and users need the new servers. Before it the base plan's servers at the
    provider are made (and paid for), the source can no longer be copied from again after
    it, and a refusal then leaves the least time to recover: the 2021 hosts backed out as
    the move was due. A provider whose servers all come up earlier still serves until then
    (an hour before the cut-off counts 1/100 of one after it), so an earlier hour, such as
    when its servers are all up, asks a milder question; `--at HOUR` asks it. Every row
    of a drill refuses at the same hour, so rows compare."""
    hour = refusal_hour(base, at)
    cases = []
    for lost in combinations(base.providers_used, k):
        if hour is None:
            inv, cat = apply(inventory, catalog, Scenario(name="drill", exclude=list(lost)))
            cases.append(Case(" + ".join(lost), inv, cat))
            continue
        cases.append(refusal_case(" + ".join(lost), inventory, catalog, base,
                                  dict.fromkeys(lost, hour)))
    return cases


def refusal_case(name: str, inventory: Inventory, catalog: Catalog, base: Plan,
                 refusals: dict[str, int], since: int | None = None) -> Case:
    """A re-plan of `base` in which each of `refusals` (entry -> hour) refuses at its hour
    (policy.refused_at_hour), keeping to `base` before `since` (default: the first of them;
    formulation/follow.py) and to its hub, the regions where it built: a drill's row, or a
    sampled scenario re-planned (whatif/stress.py)."""
    sets: dict = {"policy.refused_at_hour": {**inventory.policy.refused_at_hour, **refusals}}
    if base.hub is not None and inventory.policy.near_metro is None:
        sets["policy.near_metro"] = base.hub
    inv, cat = apply(inventory, catalog, Scenario(name=name, set=sets))
    hour = min(refusals.values()) if since is None else since
    return Case(name, inv, cat, follow=Follow(base, hour))


def _gone_and_stopped(base: Plan, plan: Plan, lost: list[str], hour: int | None
                      ) -> tuple[int, int]:
    """(servers the base plan ran at the `lost` providers in the hour before `hour`,
    servers elsewhere that stop serving at `hour` in the re-plan): (0, 0) at the start."""
    if hour is None or hour < 1 or hour > plan.horizon_hours:
        return 0, 0
    gone = sum(r.up_by_hour[hour - 1] for r in base.schedule if r.provider in lost)
    stopped = sum(max(0, r.up_by_hour[hour - 1] - r.up_by_hour[hour])
                  for r in plan.schedule if r.provider not in lost)
    return gone, stopped


def _recovery_hour(base: Plan, plan: Plan, since: int = 0) -> int | None:
    """First hour from `since` (the refusal's) at which `plan` serves as many servers as
    `base` did at the deadline."""
    target = base.servers_at_deadline
    for t in range(since, plan.horizon_hours + 1):
        if sum(r.up_by_hour[t] for r in plan.schedule) >= target:
            return t
    return None


def _later_services(base: Plan, plan: Plan) -> list[str]:
    """Non-server demands fully served later (or never) than in the base plan: from then
    on to the horizon (full_from: one served in full before a refusal and then lost is
    not served)."""
    never = 10 ** 9
    full = {r.demand: _full_hour(r) for r in base.coverage if r.kind != "group"}
    return sorted(r.demand for r in plan.coverage if r.kind != "group"
                  and (_full_hour(r) or never) > (full.get(r.demand) or never))


def _full_hour(row) -> int | None:
    return full_from(row.served_by_hour, row.total)


def served_after_deadline(plan: Plan) -> dict[str, float]:
    """Share of each demand served, averaged over the hours from the deadline to the
    horizon: 'servers' for all groups together, and each service kind."""
    hours = range(plan.deadline_hours, plan.horizon_hours + 1)
    sums: dict[str, list[float]] = {}
    for line in plan.coverage:
        key = "servers" if line.kind == "group" else line.kind
        served, total = sums.setdefault(key, [0.0, 0.0])
        sums[key] = [served + sum(line.served_by_hour[t] for t in hours),
                     total + line.total * len(hours)]
    return {key: served / total for key, (served, total) in sums.items() if total > 0}


def horizon_losses(base: Plan, plan: Plan) -> list[HorizonLoss]:
    """The demands `plan` serves less than `base` from the deadline on, largest loss first
    (a loss below 0.05 points is no loss: solver noise)."""
    before, after = served_after_deadline(base), served_after_deadline(plan)
    out = []
    for demand, was in before.items():
        now = after.get(demand, 0.0)
        points = difference(was * 100, now * 100, 2)
        if points >= 0.05:
            out.append(HorizonLoss(demand=demand, base_share=round(was, 6),
                                   share=round(now, 6), points=points,
                                   relative=round((was - now) / was, 4)))
    return sorted(out, key=lambda loss: (-loss.points, loss.demand))


def drill(base: Plan, cases: list[Case], plans: list[Plan], k: int) -> Drill:
    rows = []
    for case, plan in zip(cases, plans):
        lost = case.name.split(" + ")
        hour = case.follow.hour if case.follow is not None else None
        gone, stopped = _gone_and_stopped(base, plan, lost, hour)
        rows.append(DrillRow(
            lost=lost, refused_at_hour=hour or 0, servers_gone=gone, servers_stopped=stopped,
            status=plan.status, servers_at_deadline=plan.servers_at_deadline,
            coverage_lost_at_deadline=difference(base.coverage_at_deadline,
                                                 plan.coverage_at_deadline, 9),
            services_lost=_later_services(base, plan),
            recovery_hour=_recovery_hour(base, plan, hour or 0),
            extra_one_time=difference(plan.costs.one_time_total, base.costs.one_time_total, 6),
            extra_monthly=difference(plan.costs.monthly_total, base.costs.monthly_total, 6),
            replacements=sorted(set(plan.providers_used) - set(base.providers_used)),
            lost_over_horizon=horizon_losses(base, plan)))
    never = 10 ** 9
    rows.sort(key=lambda r: (-r.coverage_lost_at_deadline, -len(r.services_lost),
                             -(r.recovery_hour if r.recovery_hour is not None else never),
                             -r.extra_one_time - r.extra_monthly, r.lost))
    hours = {r.refused_at_hour for r in rows}
    return Drill(inventory=base.inventory.name, k=k, currency=base.costs.currency,
                 refused_at_hour=hours.pop() if len(hours) == 1 else 0,
                 deadline_hours=base.deadline_hours,
                 base=row(base, "base"), rows=rows)


def raised_in_advance(provider) -> dict[str, float]:
    """The --set paths that make every raise the catalog knows at `provider` the new
    account's own: its server quota and each limit in vCPU, RAM, GPUs or addresses."""
    sets = {}
    if provider.quota_raise_servers is not None:
        sets[f"catalog.{provider.id}.quota_servers"] = provider.quota_raise_servers.value
    for name, quota in sorted(provider.unit_quotas.items()):
        if quota.raise_to is not None:
            sets[f"catalog.{provider.id}.quotas.{name}.new_account"] = quota.raise_to.value
    return sets


def readiness_items(inventory: Inventory, catalog: Catalog) -> list[tuple[str, str, Scenario]]:
    """(item, what it means, the what-if) for each thing a team can arrange in advance."""
    excluded = set(inventory.policy.excluded_providers) | {inventory.source.provider}

    def eligible(entries):
        return [e for e in entries if e.id not in excluded
                and (e.organization is None or e.organization not in excluded)]

    compute = eligible(catalog.providers)
    vendors = eligible(catalog.services)
    items = [
        ("accounts", "accounts opened, verified and funded in advance at every eligible "
         "compute provider", {f"catalog.{p.id}.onboarding_hours": 0 for p in compute}),
        ("quotas", "quota raises approved in advance wherever a provider grants them",
         {k: v for p in compute for k, v in raised_in_advance(p).items()}),
        ("data", "data already copied out of the source (replicas or backups elsewhere)",
         {k: v for g in inventory.groups if g.data_gb > 0 for k, v in _no_copy(g).items()}),
    ]
    services = inventory.services
    if services.dns is not None:
        items.append(("ns-ttl", "the zone's own NS TTL lowered to 300 s in advance (the "
                      "parent's, e.g. 48 h for .com, cannot be: parent-centric resolvers "
                      "keep it)",
                      {"services.dns.current_ns_ttl_seconds": 300,
                       "services.dns.parent_ns_ttl_seconds": services.dns.parent_ttl}))
        items.append(("second-dns", "a second DNS provider already delegated (NS at both): "
                      "no delegation change to wait for",
                      {"services.dns.current_ns_ttl_seconds": 0,
                       "services.dns.parent_ns_ttl_seconds": 0,
                       **{f"catalog.{v.id}.onboarding_hours": 0
                          for v in vendors if v.kind == "dns"}}))
    if services.sms is not None:
        items.append(("sms", "SMS sender registered in advance with a second vendor",
                      {f"catalog.{v.id}.offerings.{o.id}.lead_hours": 0
                       for v in vendors if v.kind == "sms" for o in v.offerings
                       if o.lead_hours is not None}
                      | {f"catalog.{v.id}.onboarding_hours": 0
                         for v in vendors if v.kind == "sms"}))
    if services.email is not None:
        items.append(("email", "sending IPs already warm at a second email vendor",
                      {f"catalog.{v.id}.offerings.{o.id}.capacity.messages_per_day.values":
                       [max(o.capacity["messages_per_day"].values)]
                       for v in vendors if v.kind == "email" for o in v.offerings
                       if "messages_per_day" in o.capacity}
                      | {f"catalog.{v.id}.offerings.{o.id}.lead_hours": 0
                         for v in vendors if v.kind == "email" for o in v.offerings
                         if o.lead_hours is not None}
                      | {f"catalog.{v.id}.onboarding_hours": 0
                         for v in vendors if v.kind == "email"}))
    return [(name, what, Scenario(name=name, description=what, set=sets))
            for name, what, sets in items if sets]


# How many providers a team prepares in advance, in the readiness report: the frontier
PREPARED_COUNTS = (2, 4, 8)


def prepared_items(catalog: Catalog, base: Plan) -> list[tuple[str, str, Scenario]]:
    """For k in PREPARED_COUNTS (below the compute providers `base` uses): accounts open and
    quota raises approved in advance at the k providers `base` leans on most (servers at
    the horizon, then name): what preparing only those buys (issue 19: the same 4
    providers, prepared, reached 400 of 400 servers in 2021, where the plan spread over 16)."""
    servers: dict[str, int] = {}
    for r in base.schedule:
        servers[r.provider] = servers.get(r.provider, 0) + r.up_by_hour[base.horizon_hours]
    ranked = sorted((p for p, n in servers.items() if n > 0), key=lambda p: (-servers[p], p))
    entries = {p.id: p for p in catalog.providers}
    items = []
    for k in (k for k in PREPARED_COUNTS if k < len(ranked)):
        chosen = ranked[:k]
        sets = {f"catalog.{p}.onboarding_hours": 0 for p in chosen}
        sets |= {k: v for p in chosen for k, v in raised_in_advance(entries[p]).items()}
        what = (f"accounts open and quota raises approved in advance at the {k} providers "
                f"the plan leans on most: {', '.join(chosen)}")
        items.append((f"prepare-{k}", what, Scenario(name=f"prepare-{k}", description=what,
                                                    set=sets)))
    return items


def readiness_cases(inventory: Inventory, catalog: Catalog,
                    base: Plan | None = None) -> list[Case]:
    """The readiness items, and with the base plan the `prepared_items` frontier."""
    cases = []
    extra = prepared_items(catalog, base) if base is not None else []
    for name, what, scenario in [*readiness_items(inventory, catalog), *extra]:
        inv, cat = apply(inventory, catalog, scenario)
        cases.append(Case(name, inv, cat, what))
    return cases


def _services_ready(plan: Plan) -> list[str]:
    return sorted(r.demand for r in plan.coverage if r.kind != "group"
                  and r.served_by_hour[plan.deadline_hours] >= r.total - 1e-6 * max(1, r.total))


def readiness(base: Plan, cases: list[Case], plans: list[Plan]) -> Readiness:
    rows = [ReadinessRow(
        item=case.name, what=case.description or case.name, status=plan.status,
        servers_at_deadline_gain=plan.servers_at_deadline - base.servers_at_deadline,
        coverage_gain=difference(plan.coverage_at_deadline, base.coverage_at_deadline, 9),
        full_coverage_hour=plan.full_coverage_hour,
        services_ready_by_deadline=_services_ready(plan),
        one_time_delta=difference(plan.costs.one_time_total, base.costs.one_time_total, 6),
        monthly_delta=difference(plan.costs.monthly_total, base.costs.monthly_total, 6))
        for case, plan in zip(cases, plans)]
    rows.sort(key=lambda r: (-r.servers_at_deadline_gain,
                             -len(r.services_ready_by_deadline), r.item))
    return Readiness(inventory=base.inventory.name, currency=base.costs.currency,
                     base=row(base, "base"), rows=rows)
