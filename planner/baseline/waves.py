"""Baseline: what a team does without this tool. Greedy first-fit wave planning, no solver.

It is the yardstick the benchmarks hold the planner against (bench/run.py), built from the
same eligibility and the same capacity curves (planner.formulation.instance, read only), and costed
the
way the Plan is (planner/results/assemble.py `plan_costs`), so the comparison is like for like.

The rules, in order:

1. Waves. Groups go one at a time in priority order: tier, then those with data to copy,
   then size (largest first), with
   each group's dependencies moved ahead of it (a team moves the database before the web
   servers that need it). Object storage is one more wave, after the groups of its tier;
   each of SMS, email and DNS is one, before the groups of its tier (a vendor's setup is
   short and every group of the tier needs it).
2. Where a group goes. Among the group's eligible candidates (prepare(): exclusions,
   jurisdictions, arch, GPU and size fit, dominated offerings dropped), the one that can take
   a server soonest given what earlier waves already hold, ties broken by the cheapest
   (setup fee + one month); it takes as many servers as it can, the rest go to the next
   candidate, and so on. That is `SOONEST`, the yardstick. The planner also starts from
   `MOST_HOURS`: the candidate that could serve the most server-hours of what is left of
   the group within the horizon (sum over hours of min(servers wanted, headroom)), ties
   broken as above. A provider that can take a few servers now and the rest only after a
   quota raise ranks first under SOONEST and behind one that takes them all a little later
   under MOST_HOURS (2,000 synthetic servers: 10% fewer tier-weighted unserved hours).
   Each provider holds at most min(max_share_per_provider, (1 - min_surviving_share) /
   survive_provider_losses) of a spread group, the team's reading of the spread policy;
   a group that lands only partly is then trimmed until the policy holds on what landed
   (as the verifier checks it at the horizon).
3. Hour by hour, first come first served. Servers of a candidate come up as fast as the
   provider's server curve (onboarding, rate, quota and its raise) and the offering's curve
   (delivery, stock) allow, after what earlier waves took. Its data is copied from hour 1
   as fast as the source's egress and the target's ingress left over by earlier waves
   allow, onto the hosts made by then (a host takes capacity from when it is made); a
   server counts once its share of the data has arrived. Nothing is re-planned.
4. Dependencies. A group serves at most the share its dependencies serve (the same rule the
   planner has); servers placed but waiting for a dependency cost money but do not serve.
5. Services. Each of SMS, email and DNS goes whole to the one offering whose curve reaches
   full service soonest (then first serves at all, then is cheapest); none when no offering
   serves within the horizon. Object storage goes to the vendor whose ingest starts
   soonest (then cheapest), copied with the egress left after the groups of higher tiers.
6. Budgets, when set: an allocation is cut to the servers that still fit both budgets;
   a service or the storage copy that would break one is left out.
7. The team, when the inventory states one (and the catalog the efforts): the work of
   each wave must fit the engineer-hours the team has had by each hour, after what earlier
   waves asked of it (planner/baseline/labour.py; the condition the planner and its
   verifier keep, domain/labour.py). A provider or vendor opens at the first of the
   planner's opening choices where its setup fits; a group's servers come up no faster
   than the hours left can make them, after its bootstrap; a service or storage vendor
   whose setup fits no choice is passed over. `team=False` leaves the rule out.
8. The policy's `max_providers`: a wave takes no candidate at a provider, and no vendor,
   that would be one more of its kind, or in all, than the policy allows; the first ones
   used keep their place.

Costs: setup fees and monthly prices of the servers *placed* at the horizon (a team pays
for a server waiting on a dependency), source egress at the source's price for every GB
copied, service setup and monthly fees and per-unit prices at the share carried at the
horizon, object storage at its price per TB; in the inventory currency.

Pure function of the inputs; `baseline(inventory, catalog)` returns a `Baseline`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import accumulate

from planner.baseline.services import (
    baseline_costs,
    choose_service,
    full_hour,
    place_storage,
    serving_counts,
)
from planner.baseline.state import (
    EPS,
    Baseline,
    CopyRow,
    ServerRow,
    ServiceRow,
    State,
    egress_price_of,
    unit_costs,
    within_budget,
)
from planner.formulation.instance import Candidate, Instance, prepare
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory

__all__ = ["MOST_HOURS", "PLACEMENTS", "SOONEST", "Baseline", "CopyRow", "ServerRow",
           "ServiceRow", "baseline"]

# Rule 2's choice of candidate for a group (module docstring).
SOONEST, MOST_HOURS = "soonest", "most_hours"
PLACEMENTS = (SOONEST, MOST_HOURS)


def _wave_key(g) -> tuple:
    """Tier, then groups with data (their copies race the source's cut-off and land only
    on hosts already made: 2,000 synthetic servers, 22.6 M -> 18.7 M weighted unserved
    hours once copies had to wait for hosts), then size, largest first."""
    return (g.tier, 0 if g.data_gb > 0 else 1, -g.count, g.name)


SERVICE_KINDS = ("sms", "email", "dns")


def _priority(inst: Instance) -> list[str | tuple[str] | None]:
    """Group names in wave order (tier, size, dependencies first); None stands for the
    object-storage wave, after the groups of its tier, and (kind,) for each of SMS, email
    and DNS, before the groups of its tier (a vendor's setup is short, and every group
    of the tier needs it: with the team, rule 7, it gets the team's hours first)."""
    key = {g.name: _wave_key(g) for g in inst.groups.values()}
    services = inst.inventory.services
    # (sort key, wave): by tier, then services, groups, storage; within each, their order
    waves: list[tuple[tuple, str | tuple[str] | None]] = \
        [((k[0], 1, k), name) for name, k in key.items()]
    if services.object_storage is not None:
        waves.append(((services.object_storage.tier, 2), None))
    waves += [((getattr(services, kind).tier, 0, i), (kind,))
              for i, kind in enumerate(SERVICE_KINDS) if getattr(services, kind) is not None]
    items = [wave for _, wave in sorted(waves, key=lambda w: w[0])]
    order: list[str | tuple[str] | None] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        seed = inst.groups[name].data_from
        for dep in sorted(inst.groups[name].needs + ([seed] if seed else []),
                          key=key.__getitem__):
            visit(dep)
        order.append(name)

    for item in items:
        if isinstance(item, str):
            visit(item)
        else:  # storage (None) or a service, (kind,)
            order.append(item)
    return order


def _share_cap(inst: Instance, group) -> int:
    """Servers of a spread group any one provider may hold (the team's reading)."""
    if not group.spread:
        return group.count
    policy = inst.inventory.policy
    share = policy.max_share_per_provider
    if policy.survive_provider_losses > 0:
        share = min(share, (1 - policy.min_surviving_share) / policy.survive_provider_losses)
    return math.floor(share * group.count + EPS)


def _policy_holds(inst: Instance, group, placed: dict[str, int]) -> str | None:
    """The provider to trim one server from, or None when the spread policy holds."""
    if not group.spread:
        return None
    X = sum(placed.values())
    if X == 0:
        return None
    policy = inst.inventory.policy
    ranked = sorted(placed.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked[0][1] > policy.max_share_per_provider * X + EPS:
        return ranked[0][0]
    k = policy.survive_provider_losses
    if k > 0 and sum(n for _, n in ranked[:k]) > (1 - policy.min_surviving_share) * X + EPS:
        return ranked[0][0]
    return None


def server_hours(room: list[float], below: list[float], want: int) -> float:
    """sum over hours t = 1..H of min(want, room[t]), for a headroom that never falls
    (a suffix minimum) and `below` its running sums (below[k] = room[1] + ... + room[k]):
    the hours where it is under `want` by one bisection, want for each of the others."""
    if want <= 0:
        return 0.0
    k = bisect_left(room, want, 1)  # room[1..k-1] < want <= room[k..H]
    return below[k - 1] + want * (len(room) - k)


def _place_group(state: State, name: str, pending: list[Candidate], rows: list[ServerRow],
                 copies: dict[tuple[str, str], list[float]], placement: str) -> None:
    """Place group `name` on its candidates `pending` (rules 2 to 4; the list is used up)."""
    inst, H = state.inst, state.H
    group = inst.groups[name]
    per_server = group.data_gb / group.count
    egress_price = egress_price_of(inst) if group.data_from is None else 0.0
    seed_room = None  # seeded (data_from): GB of the seed's data at the targets by hour
    if group.data_from is not None:
        seed = inst.groups[group.data_from]
        landed = [0.0] * (H + 1)
        for (g, _), gb in copies.items():
            if g == group.data_from:
                landed = [a + b for a, b in zip(landed, accumulate(gb))]
        seed_room = [x * group.data_gb / seed.data_gb for x in landed]
    cap = _share_cap(inst, group)
    left = group.count
    placed: dict[str, int] = {}
    mine: list[tuple[ServerRow, list[float]]] = []

    def facts(c: Candidate):
        room = state.headroom(c)
        first = bisect_left(room, 1, 1)  # it never falls: the first hour with room for one
        setup, monthly = unit_costs(inst, c)
        return (first if first <= H else math.inf), setup + monthly, room, \
            [0.0, *accumulate(room[1:])]

    def rank(c: Candidate) -> tuple:
        first, price, room, below = known[c]
        if placement == MOST_HOURS:
            want = min(left, cap - placed.get(c.provider, 0))
            return (-server_hours(room, below, want), first, price, c.provider, c.offering)
        return (first, price, c.provider, c.offering)

    known = {c: facts(c) for c in pending}  # only candidates at a provider just used change
    while left > 0 and pending:
        c = min(pending, key=rank)
        first, _, room, _ = known[c]
        pending.remove(c)
        if first is math.inf:
            break  # nobody can take a server of this group any more
        if not state.may_use(c.provider):
            continue  # rule 8: one provider more than the policy allows
        n = min(left, cap - placed.get(c.provider, 0))
        setup, monthly = unit_costs(inst, c)
        n = within_budget(state, n, setup + per_server * egress_price, monthly)
        if n <= 0:
            continue
        if state.ledger is None:
            up = [0] + [int(min(n, math.floor(room[t] + EPS))) for t in range(1, H + 1)]
        else:  # rule 7: what the team's hours left can open, bring up and make
            up, opening = state.ledger.servers_curve(c, room, n)
        hosts = None
        gb = [0.0] * (H + 1)
        if per_server > 0:  # copied onto hosts as they are made; a server serves with its data
            hosts = list(up)
            room = _room(hosts, per_server, seed_room)
            gb = state.copy_plan(c.provider, up[H] * per_server, room, seed_room is None, name)
            copied = 0.0
            for t in range(1, H + 1):
                copied += gb[t]
                up[t] = min(up[t], math.floor(copied / per_server + EPS))
            hosts = [min(h, up[H]) for h in hosts]  # only hosts that will serve
            gb = state.copy_plan(c.provider, up[H] * per_server,  # copy only what serves
                                 _room(hosts, per_server, seed_room), seed_room is None, name)
        if up[H] == 0:
            continue
        _commit(state, c, name, hosts or up, gb, seed_room is None)
        if state.ledger is not None:
            state.ledger.commit(c, up, opening)
        if seed_room is not None:  # what this candidate took of the seed's data
            taken = list(accumulate(gb))
            seed_room = [r - x for r, x in zip(seed_room, taken)]
        known.update((d, facts(d)) for d in pending if d.provider == c.provider)
        state.one_time += up[H] * (setup + per_server * egress_price)
        state.monthly += up[H] * monthly
        row = ServerRow(name, c.provider, c.offering, tuple(up),
                        tuple(hosts) if hosts is not None else None)
        mine.append((row, gb))
        placed[c.provider] = placed.get(c.provider, 0) + up[H]
        left -= up[H]
    # A group that landed only partly: trim the largest holder until the policy holds.
    while (victim := _policy_holds(inst, group, placed)) is not None:
        i = max(i for i, (r, _) in enumerate(mine)
                if r.provider == victim and r.up_by_hour[H] > 0)
        row, gb = mine[i]
        new_total = row.up_by_hour[H] - 1
        up = tuple(min(u, new_total) for u in row.up_by_hour)
        hosts = tuple(min(h, new_total) for h in row.hosts)
        c = Candidate(name, row.provider, row.offering)
        _release(state, c, row.hosts, hosts)
        if state.ledger is not None:  # the trimmed server's making is given back
            state.ledger.charge_servers(c, [a - b for a, b in zip(up, row.up_by_hour)])
        setup, monthly = unit_costs(inst, c)
        state.one_time -= setup
        state.monthly -= monthly
        placed[victim] -= 1
        mine[i] = (ServerRow(name, row.provider, row.offering, up,
                             hosts if row.hosts_by_hour is not None else None), gb)
    for row, gb in mine:
        if row.up_by_hour[H] > 0:
            rows.append(row)
        if any(gb):  # data copied for a trimmed server stays copied (and paid)
            into = copies.setdefault((name, row.provider), [0.0] * (H + 1))
            for t in range(H + 1):
                into[t] += gb[t]


def _room(hosts: list[int], per_server: float, seed_room: list[float] | None) -> list[float]:
    """GB a copy may have landed by each hour: what its hosts hold, and no more of a
    seeded group's data than its seed's servers hold."""
    room = [h * per_server for h in hosts]
    return room if seed_room is None else [min(a, b) for a, b in zip(room, seed_room)]


def _commit(state: State, c: Candidate, group: str, up: list[int], gb: list[float],
            from_source: bool = True) -> None:
    state.hold(c, up)
    state.take_links(c.provider, group, gb, from_source)


def _release(state: State, c: Candidate, before, after) -> None:
    state.hold(c, [a - b for a, b in zip(after, before)])


def baseline(inventory: Inventory, catalog: Catalog, instance: Instance | None = None,
             placement: str = SOONEST, team: bool = True, caps: bool = True) -> Baseline:
    """Greedy first-fit wave plan of `inventory` onto `catalog` (see the module docstring).
    `instance` may pass an already prepared Instance of the same inputs; `placement` is
    rule 2's choice of candidate (SOONEST, the yardstick, or MOST_HOURS); `team` false
    leaves out rule 7 (the plan then asks for no more of the team than of a plan without
    one: the planner's first try, planner/solver/work.py), `caps` false rule 8 (the
    planner's start ranks the providers of such a plan, solver/warmstart.py
    kept_providers)."""
    if placement not in PLACEMENTS:
        raise ValueError(f"unknown placement {placement!r}")
    inst = instance or prepare(inventory, catalog)
    H, D = inst.horizon_hours, inst.deadline_hours
    state = State(inst, team=team and inst.team_planned, caps=caps)
    by_group: dict[str, list[Candidate]] = {}
    for c in inst.candidates:
        by_group.setdefault(c.group, []).append(c)
    rows: list[ServerRow] = []
    copies: dict[tuple[str, str], list[float]] = {}
    storage_row, services = None, []
    for name in _priority(inst):
        if name is None:
            storage_row = place_storage(state)
        elif isinstance(name, tuple):
            services += choose_service(state, *name)
        else:
            _place_group(state, name, by_group.pop(name, []), rows, copies, placement)
    copy_rows = [CopyRow(g, p, tuple(gb)) for (g, p), gb in copies.items()]
    if storage_row is not None:
        copy_rows.append(storage_row)
    serving = serving_counts(inst, rows)
    total = sum(g.count for g in inst.groups.values())
    at_deadline = sum(s[D] for s in serving.values())
    fulls = [full_hour(s, inst.groups[g].count) for g, s in serving.items()]
    for kind in ("sms", "email", "dns"):
        if getattr(inventory.services, kind) is not None:
            shares = [sum(r.share_by_hour[t] for r in services if r.kind == kind)
                      for t in range(H + 1)]
            fulls.append(full_hour(shares, 1.0))
    if inventory.services.object_storage is not None:
        tb, running = [], 0.0
        for t in range(H + 1):
            running += storage_row.gb_by_hour[t] if storage_row else 0.0
            tb.append(running / 1000)
        fulls.append(full_hour(tb, inventory.services.object_storage.stored_tb))
    one_time, monthly = baseline_costs(inst, rows, copy_rows, services)
    return Baseline(
        servers_total=total, servers_at_deadline=at_deadline,
        coverage_at_deadline=at_deadline / total,
        full_coverage_hour=None if None in fulls else max(fulls, default=0),
        one_time_cost=sum(one_time.values()), monthly_cost=sum(monthly.values()),
        currency=inventory.currency, run_rate_months=inventory.policy.run_rate_months,
        deadline_hours=D, horizon_hours=H, one_time=one_time, monthly=monthly,
        servers=tuple(rows), copies=tuple(copy_rows), services=tuple(services),
        serving={g: tuple(s) for g, s in serving.items()},
        opened=dict(state.ledger.opened) if state.ledger is not None else {})

