"""Rule host_pools: hosts shared by several groups (Plan.host_pools, mixed packing)."""

from __future__ import annotations

from collections.abc import Iterator

from planner.domain import packing
from planner.verify.context import Context, Violation, breach, num, sum_lists, violated


def check_host_pools(ctx: Context) -> Iterator[Violation]:
    """Each pool is at an offering of the catalog and its groups pack, hold no data and have
    a row there; each layout fits one host (domain/packing.overfull) and its hosts never
    drop; every server has a slot, sum_layouts a_g hosts(t) >= up_g(t) each hour; each row
    counts exactly the hosts of the layouts it owns; no more hosts than servers at the
    horizon; and the pool's totals and bound are its layouts'."""
    H = ctx.H
    for pool in ctx.plan.host_pools:
        where = f"host pool {pool.provider}/{pool.offering}"
        provider, offering = ctx.providers.get(pool.provider), \
            ctx.offering(pool.provider, pool.offering)
        if provider is None or offering is None:
            yield violated("host_pools", f"{where}: no such offering in the catalog")
            continue
        rows = {r.group: r for r in ctx.plan.schedule
                if (r.provider, r.offering) == (pool.provider, pool.offering)}
        wrong = [g for g in pool.groups if g not in rows or g not in ctx.groups
                 or not packing.packs(ctx.groups[g]) or ctx.groups[g].data_gb > 0]
        if wrong or len(set(pool.groups)) != len(pool.groups):
            yield violated("host_pools", f"{where}: {', '.join(wrong) or 'a group twice'} "
                           "cannot share its hosts (no row there, does not pack, or has data)")
            continue
        owned = {g: [0] * (H + 1) for g in pool.groups}
        slots = {g: [0] * (H + 1) for g in pool.groups}
        for lay in pool.layouts:
            strangers = sorted(set(lay.servers) - set(pool.groups))
            if strangers or lay.owner not in lay.servers or min(lay.servers.values()) < 1:
                yield violated("host_pools", f"{where}: a layout holds "
                               f"{', '.join(strangers) or 'no server of its owner'}")
                continue
            why = packing.overfull(ctx.plan.inventory, lay.servers, ctx.groups, provider,
                                   offering)
            if why:
                yield violated("host_pools", f"{where}: {why}")
            made = lay.hosts_by_hour
            if any(made[t] < made[t - 1] for t in range(1, H + 1)):
                yield violated("host_pools", f"{where}: hosts of a layout drop")
            owned[lay.owner] = [a + b for a, b in zip(owned[lay.owner], made)]
            for g, n in lay.servers.items():
                slots[g] = [a + n * b for a, b in zip(slots[g], made)]
        for g in pool.groups:
            yield from breach("host_pools", f"{where}: servers of {g} vs their slots",
                              rows[g].up_by_hour, slots[g], exact=True)
            if rows[g].hosts != owned[g]:
                yield violated("host_pools", f"{where}: the row of {g} counts "
                               f"{num(rows[g].hosts[H])} hosts at the horizon, its layouts "
                               f"{num(owned[g][H])}")
        total = sum_lists((lay.hosts_by_hour for lay in pool.layouts), H + 1)
        servers = sum(rows[g].up_by_hour[H] for g in pool.groups)
        if total[H] > servers:
            yield violated("host_pools", f"{where}: {num(total[H])} hosts for {servers} "
                           "servers at the horizon")
        if pool.hosts != total[H] or pool.lower_bound > pool.hosts:
            yield violated("host_pools", f"{where}: hosts {pool.hosts} (layouts "
                           f"{num(total[H])}), lower bound {pool.lower_bound}")
