"""Why a demand is short at the deadline: the limits that bind, read off the curves and the
solved rows. Each cause names its provider and the numbers, so a person can act on it.

For a group, the limits at each provider that could take one more of its servers
(results/server_causes: quota, creation rate, stock or delivery, the data it needs), the
providers not up yet, a dependency, and why room left at the deadline is not used
(results/held_room). For services and object storage, results/service_causes."""

from __future__ import annotations

from planner.domain.curves import full_from
from planner.domain.spread import SpreadLimit, policy_limits
from planner.domain.usage import providers_by_kind
from planner.formulation.instance import Instance
from planner.models.plan import (
    Cause,
    CopyRow,
    Costs,
    CoverageRow,
    ScheduleRow,
    ServiceRow,
    Shortfall,
)
from planner.results.held_room import room_causes
from planner.results.server_causes import (
    count_cause,
    data_cause,
    no_fit_causes,
    none_by_deadline,
    offering_cause,
    provider_cause,
    quota_room,
    team_cause,
    unit_quota_cause,
)
from planner.results.service_causes import service_causes, storage_causes
from planner.results.solved import TOL, SolvedRows, first_hour, when

DATA_CODES = ("data_copy", "source_egress", "source_cutoff")


def _group_causes(inst: Instance, g: str, rows: SolvedRows, served_share, costs: Costs,
                  used: dict[str, set[str]], team: Cause | None = None,
                  spread: SpreadLimit | None = None) -> list[Cause]:
    """Causes in the order to act on them: the spread policy where it alone holds g below
    its count (alone, when g has all the policy lets it place; where it is the providers
    g fits that leave the policy no room, held_room says so), the cap on providers, the
    limits of the providers that are up, the providers not up by the deadline (one line),
    then a dependency, or why the room left is not used."""
    D, group = inst.deadline_hours, inst.groups[g]
    providers = sorted(rows.providers.get(g, ()))
    if not providers:
        return no_fit_causes(inst, g)
    causes, not_ready, rooms = [], [], []
    if spread is not None:
        causes.append(Cause(code="spread_policy",
                            detail=spread.detail(inst.inventory.policy)))
        if served_share(g) * group.count >= spread.most - TOL:
            return causes
    if team is not None:
        causes.append(team)
    capped = count_cause(inst, used, "compute", providers)
    if capped is not None:
        causes.append(capped)
        providers = [p for p in providers if p in used.get("compute", ())]  # the rest: the cap
    for p in providers:
        curve = inst.provider_curves[p]
        if curve.values[D] <= 0 and curve.binding[D] != "onboarding":
            causes.append(none_by_deadline(inst, p))  # a quota or rate of nothing
            continue
        if curve.values[D] <= 0:
            not_ready.append(f"{p} (onboarding {inst.providers[p].onboarding_hours.value:g} h, "
                             f"first server {when(first_hour(curve, at_least=1))})")
            continue
        up_at_p = rows.used_provider.get(p, 0)
        found = [c for c in (provider_cause(inst, p, up_at_p), unit_quota_cause(inst, g, p, rows),
                             offering_cause(inst, g, p, rows), data_cause(inst, g, p, rows))
                 if c]
        # the data is named beside a quota or stock: it binds even once they are lifted
        causes += found[:1] + [c for c in found[1:] if c.code in DATA_CODES]
        if not found:
            rooms.append((p, min(curve.values[D] - up_at_p, quota_room(inst, g, p, rows)[0])))
    if not_ready:
        causes.append(Cause(code="onboarding", detail=f"not serving by hour {D}: "
                            + ", ".join(not_ready)))
    held = [h for h in group.needs
            if served_share(g) >= served_share(h) - TOL and served_share(h) < 1 - TOL]
    room_text = ", ".join(f"{p} ({free:g})" for p, free in rooms)
    for h in held:  # a dependency holds all of g back: the room is not the limit
        causes.append(Cause(code="dependency", detail=(
            f"{g} depends on {h}, which serves {served_share(h):.0%} at hour {D}"
            + (f"; room left at {room_text} waits for it" if rooms else ""))))
    if rooms and not held:
        causes += room_causes(inst, g, rooms, rows, costs, used.get("compute", set()))
    far = inst.too_far.get(g, [])
    if far:  # providers it would fit, too far from what it calls (formulation/location.py)
        causes.append(Cause(code="latency", detail=f"{g} runs only within its round-trip "
                            "bounds: " + "; ".join(far[:4])
                            + (f"; and {len(far) - 4} more" if len(far) > 4 else "")))
    return causes


REMEDIES = {
    "quota": "have the quota raise at {p} approved before a crisis, or layer a pre-approved "
             "quota into the catalog",
    "provisioning_rate": "ask {p} for a higher creation rate, or create servers ahead",
    "onboarding": "open, verify and fund the accounts in advance",
    "delivery": "order the dedicated models in advance, or pick models delivered in minutes",
    "stock": "reserve stock at {p}, or add providers with stock",
    "data_copy": "seed the data at {p} in advance, or take more ingress (more servers, a "
                 "dedicated link)",
    "source_egress": "copy data out continuously before any crisis (replicas or backups at "
                     "another provider), or raise the source's egress",
    "source_cutoff": "keep a copy of the data outside the source before any crisis",
    "no_fit": "add an offering that fits in a catalog layer, or relax the group's "
              "jurisdictions, architecture or GPU needs",
    "excluded": "reconsider the exclusion",
    "end_of_life": "pick another provider",
    "budget": "raise the budget, or accept the shortfall",
    "policy_share": "add eligible providers, or relax max_share_per_provider or "
                    "survive_provider_losses",
    "dependency": "close the shortfall of the group it depends on first",
    "latency": "add capacity near the hub (policy.near_metro), or allow a longer round trip "
               "(depends_on max_rtt_ms) where the calls can bear it",
    "registration": "register the SMS sender (10DLC campaign, toll-free verification) with a "
                    "second vendor before any crisis; meanwhile use voice or email codes",
    "warm_up": "keep sending IPs warm at a second email vendor before any crisis",
    "dns_ttl": "delegate a second DNS provider now (NS records at both), so no delegation "
               "change has to wait out the TTL in a crisis",
    "capacity": "add providers or vendors with room, or raise the demand's tier",
    "provider_count": "prepare more providers (a larger team), or raise policy.max_providers",
    "team": "more people on the exit (team.people), or fewer providers to open",
    "min_footprint": "lower policy.min_servers_per_provider, or add providers with room",
    "spread_policy": "set spread: false on the group if it may run at one provider, add "
                     "providers it fits, or relax max_share_per_provider, "
                     "survive_provider_losses or min_servers_per_provider",
    "horizon": "plan over a longer horizon",
    "refused": "keep a second provider warm for what runs at {p} (accounts open, quotas "
               "raised, data replicated), so a refusal there is a switch, not a rebuild",
}


def with_remedy(cause: Cause) -> Cause:
    text = REMEDIES[cause.code].format(p=cause.provider or "the provider")
    return cause.model_copy(update={"remedy": text})


def shortfalls(inst: Instance, schedule: list[ScheduleRow], copies: list[CopyRow],
               services: list[ServiceRow], coverage: list[CoverageRow], costs: Costs
               ) -> list[Shortfall]:
    """Each demand short at the deadline, by how much, when it is full, and why. `costs` are
    the plan's (a budget binds against what the plan spends)."""
    D = inst.deadline_hours
    by_demand = {row.demand: row for row in coverage}

    def served_share(name: str) -> float:
        row = by_demand[name]
        return row.served_by_hour[D] / row.total

    rows = SolvedRows(inst, schedule, copies)
    used = providers_by_kind(schedule, services, copies, inst.horizon_hours)
    team = team_cause(inst, schedule, services, copies)
    spread = {limit.group: limit for limit in policy_limits(inst.inventory, inst.catalog)}
    out = []
    for row in coverage:
        missing = row.total - row.served_by_hour[D]
        if missing <= 1e-6 * max(1.0, row.total):
            continue
        if row.kind == "group":
            causes = _group_causes(inst, row.demand, rows, served_share, costs, used, team,
                                   spread.get(row.demand))
        elif row.kind == "object_storage":
            causes = ([team] if team is not None else []) + storage_causes(inst, rows, costs,
                                                                            used)
        else:
            causes = service_causes(inst, row.kind, services, costs, used)
        full = full_from(row.served_by_hour, row.total)
        out.append(Shortfall(demand=row.demand, kind=row.kind, unit=row.unit, total=row.total,
                             missing_at_deadline=round(missing, 9), full_by_hour=full,
                             causes=[with_remedy(c) for c in causes]))
    return out
