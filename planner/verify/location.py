"""Where the plan's servers are, and how far apart dependent tiers run (domain/location.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from planner.domain import location
from planner.domain.location import Geography
from planner.verify.context import Context, Violation, num, violated


def check_region(ctx: Context) -> Iterator[Violation]:
    """A row at a provider with regions names one of them, which sells its offering; a row
    at a provider without regions names none; the hub is a metro of the catalog's regions
    (the inventory's near_metro when it names one)."""
    hub, wanted = ctx.plan.hub, ctx.plan.inventory.policy.near_metro
    metros = {r.metro for p in ctx.plan.catalog.providers for r in p.regions or []}
    if hub is not None and hub not in metros:
        yield violated("region", f"hub {hub!r} is no metro of the catalog's regions")
    if wanted is not None and hub is not None and hub != wanted:
        yield violated("region", f"hub {hub!r}, but the inventory's near_metro is {wanted!r}")
    for row in ctx.plan.schedule:
        provider = ctx.providers.get(row.provider)
        if provider is None:
            continue  # check_fit says so
        regions = {r.id: r for r in provider.regions or []}
        where = f"{row.group}/{row.provider}/{row.offering}"
        if not regions:
            if row.region is not None:
                yield violated("region", f"{where} is in region {row.region!r}, but "
                               f"{row.provider} has no regions in the catalog")
        elif row.region not in regions:
            yield violated("region", f"{where} is in region {row.region!r}, not one of "
                           f"{row.provider}'s ({', '.join(sorted(regions))})")
        elif not regions[row.region].sells(row.offering):
            yield violated("region", f"{where}: {row.offering} is not sold in {row.region}")


def check_latency(ctx: Context) -> Iterator[Violation]:
    """For each dependency g -> h with bound B (domain/location.bounded_pairs), each set S
    of locations holding servers of g (domain/location.caller_sets: no server of h counted
    for two) and each hour t (exact, in whole numbers): count_h * served_g(S, t) <=
    count_g * served_h(within B of some m in S, t); where h is sharded (called whole), no
    server of h runs beyond B of m while g serves at m."""
    if not location.located(ctx.plan.catalog):
        return
    geo = Geography(ctx.plan.catalog)
    places = location.row_places(ctx.plan.catalog, ctx.plan.schedule)
    up: dict[str, dict[tuple, list[int]]] = defaultdict(dict)  # (provider, region)
    for row in ctx.plan.schedule:
        mine = up[row.group].setdefault((row.provider, row.region), [0] * (ctx.H + 1))
        for t, n in enumerate(row.up_by_hour):
            mine[t] += n
    for g, h, bound in location.bounded_pairs(ctx.plan.inventory):
        n_g, n_h = ctx.groups[g].count, ctx.groups[h].count
        at: dict[str, list[tuple]] = defaultdict(list)
        for where in up[g]:
            at[places[where].key].append(where)
        reach = {key: frozenset(w for w in up[h]
                                if geo.rtt_ms(places[here[0]], places[w]) <= bound + 1e-9)
                 for key, here in at.items()}
        sets = [([key], reach[key]) for key in sorted(at)] if ctx.groups[h].shards \
            else location.caller_sets(reach)
        for keys, near in sets:
            key = " and ".join(keys)
            here = [w for k in keys for w in at[k]]
            lhs = [sum(up[g][p][t] for p in here) for t in range(ctx.H + 1)]
            rhs = [sum(up[h][p][t] for p in near) for t in range(ctx.H + 1)]
            far = [sum(up[h][p][t] for p in up[h] if p not in near) for t in range(ctx.H + 1)]
            if ctx.groups[h].shards:
                bad = [t for t in range(ctx.H + 1) if lhs[t] > 0 and far[t] > 0]
                if bad:
                    t = bad[0]
                    yield violated("latency", f"{g} has {num(lhs[t])} servers at {key} at "
                                   f"hour {t}, but {num(far[t])} of sharded {h} run beyond "
                                   f"{num(bound)} ms of it ({len(bad)} hours)")
                continue
            bad = [t for t in range(ctx.H + 1) if lhs[t] * n_h > rhs[t] * n_g]
            if bad:
                t = bad[0]
                yield violated("latency", f"{g} has {num(lhs[t])}/{n_g} servers at {key} at "
                               f"hour {t}, but only {num(rhs[t])}/{n_h} of {h} are within "
                               f"{num(bound)} ms of it ({len(bad)} hours)")
