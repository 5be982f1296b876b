"""Rule `home`: the home stage (Plan.home) recomputed from the plan and its inputs: where
the home runs, what it may hold by the home day, the policy's spread and round-trip bounds
there, the dated moves (domain/home.py) and the home's bill (verify/costs.py on the home's
rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from planner.domain import curves
from planner.domain import home as rules
from planner.domain.location import Geography, Place, bounded_pairs, located
from planner.domain.packing import packs, per_host
from planner.domain.refusal import refusal_hour
from planner.verify.context import Context, Violation, close, leq, num, violated
from planner.verify.costs import MissingRate, recompute_costs
from planner.verify.flows import short_footprints


def check_home(ctx: Context) -> Iterator[Violation]:
    """A home only when policy.home_day's hour is past the horizon; then its rows, its
    capacity, its spread, its round trips, its moves and its costs. A plan without one is
    valid: plans saved before the home stage existed have none, and their embedded policy
    reads back with the default home_day."""
    plan, policy = ctx.plan, ctx.plan.inventory.policy
    wanted = policy.home_day is not None and 24 * policy.home_day > plan.horizon_hours
    if plan.home is None:
        return
    if not wanted:
        yield violated("home", "the plan has a home stage the policy does not ask for")
        return
    home = plan.home
    if home.status == "no_solution":
        return
    yield from _rows(ctx)
    yield from _capacity(ctx)
    yield from _spread(ctx)
    yield from _round_trips(ctx)
    yield from _moves(ctx)
    yield from _costs(ctx)


def _rows(ctx: Context) -> Iterator[Violation]:
    """Each row a fitting offering of a provider not excluded, its hosts enough for its
    servers; each group whole at home or whole on the bridge; at most max_providers."""
    plan, home = ctx.plan, ctx.plan.home
    excluded = {e.id for e in plan.excluded}
    count = defaultdict(int)
    for r in home.rows:
        provider = plan.catalog.provider(r.provider)
        offering = provider and next((o for o in provider.offerings if o.id == r.offering), None)
        group = ctx.groups.get(r.group)
        if offering is None or group is None or r.provider in excluded:
            yield violated("home", f"row {r.group} on {r.provider}/{r.offering}: no such "
                           "group or offering, or an excluded provider")
            continue
        refused = refusal_hour(plan.inventory, provider)
        if refused is not None and refused <= 24 * home.day:
            yield violated("home", f"row {r.group} on {r.provider}/{r.offering}: "
                           f"{r.provider} refuses at hour {refused}, before the home hour")
        small = [name for name, have, need in (("vcpu", offering.vcpu.value, group.vcpu),
                                               ("ram_gb", offering.ram_gb.value, group.ram_gb),
                                               ("disk_gb", offering.disk_gb.value,
                                                group.disk_gb)) if have < need]
        if small and not packs(group):
            yield violated("home", f"{r.group} does not fit {r.provider}/{r.offering} "
                           f"({', '.join(small)})")
        most = per_host(plan.inventory, group, provider, offering)
        if most < 1 or r.servers > most * r.hosts or r.hosts > r.servers:
            yield violated("home", f"{r.group} on {r.provider}/{r.offering}: {r.servers} "
                           f"servers on {r.hosts} hosts of at most {most} each")
        count[r.group] += r.servers
    for name, group in ctx.groups.items():
        want = 0 if name in home.staying else group.count
        if count[name] != want:
            yield violated("home", f"{name} has {count[name]} servers at home, not {want}")
    if sorted({r.provider for r in home.rows}) != home.providers:
        yield violated("home", f"providers {home.providers} are not those of its rows")
    if len(home.providers) > plan.inventory.policy.max_providers_home:
        yield violated("home", f"{len(home.providers)} providers, above "
                       f"max_providers_home {plan.inventory.policy.max_providers_home}")


def _capacity(ctx: Context) -> Iterator[Violation]:
    """By the home hour T, at each provider: hosts <= cap_p(T) + negotiated_p; per offering
    hosts <= its stock; per unit quota the units <= its limit at T."""
    plan, home = ctx.plan, ctx.plan.home
    T = 24 * home.day
    if set(home.negotiated) - set(home.providers):
        yield violated("home", "a raise is negotiated at a provider the home does not use")
    for p in home.providers:
        provider = plan.catalog.provider(p)
        at = [r for r in home.rows if r.provider == p]
        hosts = sum(r.hosts for r in at)
        cap = curves.provider_servers(provider, T).values[T] + home.negotiated.get(p, 0)
        if not leq(hosts, cap):
            yield violated("home", f"{p} holds {hosts} hosts at hour {T}, above {num(cap)}")
        offerings = {o.id: o for o in provider.offerings}
        for o in sorted({r.offering for r in at}):
            curve = curves.offering_servers(provider, offerings[o], T)
            used = sum(r.hosts for r in at if r.offering == o)
            if curve is not None and not leq(used, curve.values[T]):
                yield violated("home", f"{p}/{o}: {used} hosts above its stock "
                               f"{num(curve.values[T])}")
        for name, quota in sorted(provider.unit_quotas.items()):
            need = sum(curves.quota_units(offerings[r.offering], quota) * r.hosts for r in at)
            limit = curves.provider_quota(provider, quota, T).values[T]
            if need > 0 and not leq(need, limit):
                yield violated("home", f"{p} quota {name}: {num(need)} above {num(limit)}")


def _spread(ctx: Context) -> Iterator[Violation]:
    """The policy's spread at home, for each homed group with `spread`: x_p <= share X and
    the k largest at most (1 - min_surviving_share) X; and for every group, at least
    min(min_servers_per_provider, count) servers at each provider it is at."""
    policy, home = ctx.plan.inventory.policy, ctx.plan.home
    placed: dict[tuple[str, str], float] = defaultdict(float)
    for r in home.rows:
        placed[(r.group, r.provider)] += r.servers
    yield from short_footprints(ctx, placed, "home", " at home")
    for name, group in ctx.groups.items():
        if not group.spread or name in home.staying:
            continue
        x: dict[str, int] = defaultdict(int)
        for r in home.rows:
            if r.group == name:
                x[r.provider] += r.servers
        X = sum(x.values())
        if any(not leq(v, policy.max_share_per_provider * X) for v in x.values()):
            yield violated("home", f"{name} at home: a provider holds more than "
                           f"{policy.max_share_per_provider:g} of it")
        k = policy.survive_provider_losses
        if k > 0 and not leq(sum(sorted(x.values(), reverse=True)[:k]),
                             (1 - policy.min_surviving_share) * X):
            yield violated("home", f"{name} at home: losing its {k} largest providers loses "
                           f"more than {1 - policy.min_surviving_share:g} of it")


def _round_trips(ctx: Context) -> Iterator[Violation]:
    """Every place holding a group is within each of its dependencies' bounds of every
    place holding the dependency (when the catalog gives regions: else latency is not
    planned, and the plan warns of it)."""
    plan = ctx.plan
    if not located(plan.catalog):
        return
    geo = Geography(plan.catalog)
    places: dict[str, list[Place]] = defaultdict(list)
    for r in plan.home.rows:
        provider = plan.catalog.provider(r.provider)
        region = next((x for x in provider.regions or [] if x.id == r.region), None)
        places[r.group].append(Place(r.provider, region))
    for g, h, bound in bounded_pairs(plan.inventory):
        for a in places[g]:
            for b in places[h]:
                if geo.rtt_ms(a, b) > bound + 1e-9:
                    yield violated("home", f"{g} on {a.provider} and {h} on {b.provider} are "
                                   f"{geo.rtt_ms(a, b):.3g} ms apart, above {bound:g}")
                    return


def _moves(ctx: Context) -> Iterator[Violation]:
    """Kept servers are the bridge's at the same offering; the moves and the hour everything
    is home are those domain/home.py makes of the rows."""
    plan, home, H = ctx.plan, ctx.plan.home, ctx.plan.horizon_hours
    bridge = rules.bridge_servers(plan.schedule, H)
    for r in home.rows:
        if r.kept != min(r.servers, bridge.get((r.group, r.provider, r.offering), 0)):
            yield violated("home", f"{r.group} on {r.provider}/{r.offering} keeps {r.kept}, "
                           "not what the bridge runs there")
    want = rules.moves(plan.inventory, plan.catalog, bridge, home.rows, H, 24 * home.day,
                       home.negotiated, home.staying)
    if want != home.moves:
        yield violated("home", "the moves are not those the rows make (domain/home.moves)")
    served = None if home.staying else max([H, *[m.cutover_hour for m in want]])
    if home.served_by_hour != served:
        yield violated("home", f"served_by_hour {home.served_by_hour}, recomputed {served}")


def _costs(ctx: Context) -> Iterator[Violation]:
    """The home's bill by the bridge's rules on what runs once home, and the move's cost,
    work and the bridge's run-rate until then."""
    plan, home, H = ctx.plan, ctx.plan.home, ctx.plan.horizon_hours
    running = rules.priced_rows(home.rows, plan.schedule, home.staying, H)
    storage = [c for c in plan.copies if c.demand == "object_storage"]
    try:
        want = recompute_costs(plan.model_copy(update={"schedule": running, "copies": storage}))
    except MissingRate as exc:
        yield violated("home", str(exc))
        return
    bridge = rules.bridge_servers(plan.schedule, H)
    figures = {
        "monthly_cost": want.monthly_total,
        "servers": sum(r.up_by_hour[H] for r in running),
        "bridge_monthly_cost": plan.costs.monthly_total,
        "bridge_servers": sum(r.up_by_hour[H] for r in plan.schedule),
        "bridge_monthly_every_server": rules.scaled_monthly(
            plan.costs.monthly, sum(r.up_by_hour[H] for r in plan.schedule),
            sum(r.up_by_hour[H] for r in running)),
        "move_one_time_cost": rules.move_cost(plan.inventory, plan.catalog, bridge, home.rows,
                                              home.moves),
        "bridge_cost_until_home": plan.costs.monthly_total
        * (home.served_by_hour or 24 * home.day) / curves.HOURS_PER_MONTH,
        "engineer_hours": rules.move_hours(plan.inventory, plan.catalog, bridge, home.moves)}
    if set(home.monthly) != set(want.monthly) or any(
            not close(home.monthly[k], want.monthly[k]) for k in want.monthly):
        yield violated("home", f"monthly lines {home.monthly} are not those recomputed")
    for name, value in figures.items():
        if not close(getattr(home, name), value):
            yield violated("home", f"{name} is {num(getattr(home, name))}, recomputed "
                           f"{num(value)}")
