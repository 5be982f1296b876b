"""What a home stage means, shared by its making (results/home.py) and its checking
(verify/home.py): the dated moves from the bridge, what they cost once, the work they take,
and the home's servers as schedule rows (so the home's bill is priced by the same rules as
the bridge's).

A group moves when its home differs from what the bridge runs of it: servers kept at the
same provider and offering stay; new ones are made, bootstrapped and, at a provider where
the bridge holds none of its data, filled by a copy from the bridge. A group moves once its
home providers have the room (their curves, counting every home host there) and the groups
it depends on are home; its bridge servers are switched off a day after its cut-over.
"""

from __future__ import annotations

import math
from collections import defaultdict

from planner.domain import curves, labour
from planner.domain.bill import egress_steps
from planner.models.catalog import Catalog
from planner.models.home import HomeMove, HomeRow, Retired
from planner.models.inventory import Inventory
from planner.models.plan import ScheduleRow

RETIRE_AFTER_HOURS = 24  # the bridge is kept a day after a group's cut-over, to roll back
# A raise beyond the catalog's quota, asked for when the bridge is up, taken to be agreed a
# week later: planner's estimate (no provider publishes one); the runbook says so.
NEGOTIATION_HOURS = 7 * 24


PER_SERVER_LINES = ("servers", "ipv4", "support", "target_egress")


def scaled_monthly(monthly: dict[str, float], servers: int, to: int) -> float:
    """A run-rate with its per-server lines (PER_SERVER_LINES) scaled from `servers` to
    `to` servers and the rest as it is."""
    if servers <= 0:
        return sum(monthly.values())
    return sum(v * (to / servers if k in PER_SERVER_LINES else 1.0) for k, v in monthly.items())


def as_schedule(rows: list[HomeRow], hours: int) -> list[ScheduleRow]:
    """The home's servers as schedule rows over hours 0..`hours`, all up: what the bill's
    rules (costs, support, traffic) read."""
    return [ScheduleRow(group=r.group, provider=r.provider, offering=r.offering,
                        up_by_hour=[r.servers] * (hours + 1),
                        hosts_by_hour=[r.hosts] * (hours + 1), region=r.region,
                        per_host=None if r.hosts == r.servers else
                        max(2, math.ceil(r.servers / r.hosts)))
            for r in rows]


def priced_rows(rows: list[HomeRow], bridge: list[ScheduleRow], staying: list[str],
                hours: int) -> list[ScheduleRow]:
    """What runs once home: the home's rows and the bridge's rows of the groups that stay."""
    return as_schedule(rows, hours) + [r for r in bridge if r.group in staying]


def bridge_servers(schedule: list[ScheduleRow], hour: int) -> dict[tuple[str, str, str], int]:
    """Servers the bridge runs at `hour`, by (group, provider, offering)."""
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in schedule:
        if row.up_by_hour[hour] > 0:
            out[(row.group, row.provider, row.offering)] += row.up_by_hour[hour]
    return dict(out)


def ready_hour(catalog: Catalog, provider_id: str, rows: list[HomeRow], start: int,
               last: int, negotiated: int = 0) -> int | None:
    """The first hour from `start` at which the provider can hold every home host of `rows`
    there: its server curve (plus what is `negotiated` beyond it), its offerings' stock and
    its unit quotas; None by `last`."""
    provider = catalog.provider(provider_id)
    at = [r for r in rows if r.provider == provider_id]
    limits = [(curves.provider_servers(provider, last).values,
               sum(r.hosts for r in at) - negotiated)]
    offerings = {o.id: o for o in provider.offerings}
    for o in sorted({r.offering for r in at}):
        curve = curves.offering_servers(provider, offerings[o], last)
        if curve is not None:
            limits.append((curve.values, sum(r.hosts for r in at if r.offering == o)))
    for quota in provider.unit_quotas.values():
        need = sum(curves.quota_units(offerings[r.offering], quota) * r.hosts for r in at)
        if need > 0:
            limits.append((curves.provider_quota(provider, quota, last).values, need))
    for t in range(start, last + 1):
        if all(values[t] >= need - 1e-9 for values, need in limits):
            return t
    return None


def _order(inventory: Inventory) -> list[str]:
    """Groups with the groups they depend on first (the inventory has no cycle)."""
    done: list[str] = []
    needs = {g.name: g.needs for g in inventory.groups}

    def visit(name: str) -> None:
        if name in done:
            return
        for dep in needs[name]:
            visit(dep)
        done.append(name)

    for group in inventory.groups:
        visit(group.name)
    return done


def _making_hours(catalog: Catalog, row: HomeRow) -> int:
    """Hours to have a row's new servers: ordered at once, each delivered after its model's
    delivery time, made at the provider's provisioning rate."""
    provider = catalog.provider(row.provider)
    offering = next(o for o in provider.offerings if o.id == row.offering)
    delivery = offering.delivery_hours.value if offering.delivery_hours else 0.0
    return math.ceil(delivery + (row.servers - row.kept) / provider.provision_rate_per_hour.value
                     - 1e-9)


def recopy_per_gb(catalog: Catalog, held_at: list[str], plan_currency: str) -> float:
    """The cheapest first egress step among the bridge providers holding a group's data,
    per GB in the plan's currency (0 where none states a price)."""
    prices = [catalog.convert(steps[0][1], catalog.provider(p).currency, plan_currency)
              for p in held_at if catalog.provider(p) is not None
              and (steps := egress_steps(catalog.provider(p)))]
    return min(prices, default=0.0)


def moves(inventory: Inventory, catalog: Catalog, bridge: dict[tuple[str, str, str], int],
          rows: list[HomeRow], bridge_hour: int, home_hour: int,
          negotiated: dict[str, int] | None = None, staying: list[str] = ()
          ) -> list[HomeMove]:
    """The dated moves (module docstring), groups in dependency order; the groups that stay
    on the bridge do not move. Negotiated servers are taken to be agreed by the time a move
    needs them (the runbook says by when)."""
    groups = {g.name: g for g in inventory.groups}
    last = max(home_hour, bridge_hour) + 24 * 365  # room is looked for up to a year on
    negotiated = negotiated or {}
    ready = {p: ready_hour(catalog, p, rows, bridge_hour
                           + (NEGOTIATION_HOURS if negotiated.get(p) else 0),
                           last, negotiated.get(p, 0))
             for p in sorted({r.provider for r in rows})}
    cut: dict[str, int] = {}
    out = []
    for g in _order(inventory):
        if g in staying:
            continue
        mine = [r for r in rows if r.group == g]
        new = defaultdict(int)
        for r in mine:
            if r.servers > r.kept:
                new[r.provider] += r.servers - r.kept
        kept = {(r.provider, r.offering): r.kept for r in mine}
        retired = [Retired(provider=p, offering=o, servers=n - kept.get((p, o), 0))
                   for (bg, p, o), n in sorted(bridge.items())
                   if bg == g and n > kept.get((p, o), 0)]
        if not new and not retired:
            continue
        held = {p for (bg, p, _), n in bridge.items() if bg == g and n > 0}
        group = groups[g]
        fresh = sorted(p for p in new if p not in held) if group.data_gb > 0 else []
        waits = [ready[p] for p in new]
        starts = max([bridge_hour, *[cut[d] for d in group.needs if d in cut],
                      *[w for w in waits if w is not None]])
        copy = max((math.ceil(group.data_gb / (curves.GB_PER_HOUR_PER_GBPS
                                               * catalog.provider(p).ingress_gbps.value))
                    for p in fresh), default=0)
        made = max((_making_hours(catalog, r) for r in mine if r.servers > r.kept), default=0)
        done = starts + (max(copy, made + inventory.bootstrap(group)) if new else 0)
        cut[g] = done
        out.append(HomeMove(group=g, new_servers=dict(sorted(new.items())),
                            data_gb=group.data_gb * len(fresh), starts_hour=starts,
                            ready_hour=done, cutover_hour=done,
                            retire_hour=done + RETIRE_AFTER_HOURS, retired=retired))
    return out


def move_cost(inventory: Inventory, catalog: Catalog, bridge: dict[tuple[str, str, str], int],
              rows: list[HomeRow], moved: list[HomeMove]) -> float:
    """Setup fees of the hosts beyond the bridge's on each (group, provider, offering), and
    the data copied again at the cheapest egress of the bridge providers holding it."""
    cur = inventory.currency
    total = 0.0
    for r in rows:
        provider = catalog.provider(r.provider)
        offering = next(o for o in provider.offerings if o.id == r.offering)
        if offering.setup_fee:
            extra = max(0, r.hosts - bridge.get((r.group, r.provider, r.offering), 0))
            total += extra * catalog.convert(offering.setup_fee.value, provider.currency, cur)
    for move in moved:
        held = sorted({p for (g, p, _), n in bridge.items() if g == move.group and n > 0})
        total += move.data_gb * recopy_per_gb(catalog, held, cur)
    return total


def move_hours(inventory: Inventory, catalog: Catalog, bridge: dict[tuple[str, str, str], int],
               moved: list[HomeMove]) -> float:
    """Engineer-hours of the moves: an account at each home provider the bridge does not
    use, the servers made, each group brought up at each provider it is new to (with its
    copy stream when it has data); 0 when the catalog states no effort."""
    if catalog.effort is None:
        return 0.0
    groups = {g.name: g for g in inventory.groups}
    used = {p for (_, p, _), n in bridge.items() if n > 0}
    new_providers = sorted({p for m in moved for p in m.new_servers} - used)
    hours = sum(labour.provider_setup_hours(catalog, catalog.provider(p))
                for p in new_providers)
    for move in moved:
        held = {p for (g, p, _), n in bridge.items() if g == move.group and n > 0}
        for p, n in move.new_servers.items():
            hours += n * labour.server_hours(catalog, catalog.provider(p))
            if p not in held:
                hours += labour.bootstrap_effort_hours(catalog, groups[move.group])
    return hours
