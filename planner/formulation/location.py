"""Where each provider's servers go: one region per provider, chosen before the model.

The model keeps a provider's servers in one region (its regional quotas are one region's,
and a provider spread over regions is several networks to build at 3 am). Which region is
not a decision of the MILP: choosing it there would multiply every server variable by the
provider's regions, or make latency rows bilinear. It is chosen here, by a stated rule:

1. The hub: `policy.near_metro` when the inventory names one (where the users are), else
   the metro with the most servers to be had by the deadline from providers with a region
   within the inventory's tightest dependency bound of it (ties: the metro's name).
2. Each provider's region: of its regions within that bound of the hub, the one that
   sells the most of the offerings its candidates use (ties: the nearest, then the id);
   when none is within it, the nearest to the hub.

This is a restriction, not a relaxation: a plan on it is executable, and another choice
of regions can only be as good or better (the runbook says which rule chose them). The
latency rows (families.latency) then hold exactly for the places chosen.
"""

from __future__ import annotations

from dataclasses import replace

from planner.domain import location
from planner.domain.location import Geography, Place
from planner.errors import InputError
from planner.models.catalog import Provider
from planner.models.groups import DEFAULT_RTT_MS
from planner.models.inventory import Inventory
from planner.models.provider_facts import Region


def tightest_bound(inventory: Inventory) -> float:
    bounds = [b for _, _, b in location.bounded_pairs(inventory)]
    return min(bounds) if bounds else DEFAULT_RTT_MS


def choose_hub(inventory: Inventory, providers: dict[str, Provider],
               servers_by_deadline: dict[str, float], geo: Geography) -> str | None:
    """Step 1 of the module docstring; None when no provider has regions."""
    metros = sorted({r.metro for p in providers.values() for r in p.regions or []})
    wanted = inventory.policy.near_metro
    if wanted is not None:
        if wanted not in metros:
            raise InputError(f"near_metro {wanted!r} is no metro of the eligible providers' "
                             f"regions (known: {', '.join(metros) or 'none'})",
                             path="policy.near_metro")
        return wanted
    if not metros:
        return None
    bound = tightest_bound(inventory)

    def servers_near(metro: str) -> float:
        hub = Place("hub", geo.sites[metro])
        return sum(servers_by_deadline.get(p, 0.0) for p in sorted(providers)
                   if any(geo.rtt_ms(hub, Place(p, r)) <= bound
                          for r in providers[p].regions or []))
    return max(metros, key=servers_near)


def choose_regions(providers: dict[str, Provider], used_offerings: dict[str, set[str]],
                   hub: str | None, bound: float, geo: Geography) -> dict[str, Place]:
    """Step 2 of the module docstring, for every provider (Place(p, None) where the
    catalog gives no regions)."""
    hub_place = Place("hub", geo.sites[hub]) if hub else None
    out = {}
    for p, provider in sorted(providers.items()):
        regions = provider.regions or []
        if not regions or hub_place is None:
            out[p] = Place(p, regions[0] if regions else None)
            continue
        wanted = used_offerings.get(p, set())

        def rtt(r: Region) -> float:
            return geo.rtt_ms(hub_place, Place(p, r))

        def sold(r: Region) -> int:
            return sum(1 for o in wanted if r.sells(o))
        within = [r for r in regions if rtt(r) <= bound]
        best = min(within, key=lambda r: (-sold(r), rtt(r), r.id)) if within \
            else min(regions, key=lambda r: (rtt(r), -sold(r), r.id))
        out[p] = Place(p, best)
    return out


def sold_in_place(candidates: list, misfits: dict[str, list[str]],
                  places: dict[str, Place]) -> list:
    """The candidates whose offering is sold in their provider's chosen region; the others
    are said in `misfits` (one line per group and provider)."""
    def sold(c) -> bool:
        region = places[c.provider].region
        return region is None or region.sells(c.offering)
    kept = [c for c in candidates if sold(c)]
    placed = {(c.group, c.provider) for c in kept}
    for g, p in dict.fromkeys((c.group, c.provider) for c in candidates):
        if (g, p) not in placed:
            region = places[p].region
            misfits.setdefault(g, []).append(
                f"{p}: what fits is not sold in {region.id} ({region.metro}), the region "
                "chosen for it")
    return kept


def at_hub(inst):
    """The instance with only the candidates placed in the hub's metro, for the greedy
    start: dependent groups there are all INTRA_METRO_RTT_MS apart, so the start keeps
    every bound of at least that (a start that breaks the latency rows is thrown away by
    the solver, and the 2021 case then took 20 s to find its first plan); the instance
    itself where latency is not planned or nothing is at the hub."""
    if not location.located(inst.catalog) or inst.hub is None:
        return inst
    kept = [c for c in inst.candidates if inst.places[c.provider].key == inst.hub]
    return replace(inst, candidates=kept) if kept else inst


def by_stack(inst):
    """The instance with each application's stack (the groups joined by dependencies) kept
    to one metro, for a second greedy start: like `at_hub`, a stack inside one metro keeps
    every latency bound of at least INTRA_METRO_RTT_MS, but stacks may go to different
    metros. Largest stack first (servers, then its first group's name), each to the metro
    with the most capacity left by the deadline (the providers there, servers by their
    curves) among those where every group of the stack has a candidate, else where the
    most do (ties: the hub, then the name); the stack's servers are then taken off that
    metro's capacity. Measured on 2,000 executable synthetic servers: the hub's 4
    providers can have 57 servers by hour 24, so the start at the hub serves 36. The
    instance itself where latency is not planned."""
    if not location.located(inst.catalog) or inst.hub is None:
        return inst
    stack = stacks(inst)
    metros: dict[str, dict[str, set]] = {}  # stack -> metro -> groups with a candidate
    for c in inst.candidates:
        metros.setdefault(stack[c.group], {}).setdefault(
            inst.places[c.provider].key, set()).add(c.group)
    room: dict[str, float] = {}
    for p in {c.provider for c in inst.candidates}:
        key = inst.places[p].key
        room[key] = room.get(key, 0.0) + inst.provider_curves[p].values[inst.deadline_hours]
    size: dict[str, int] = {}
    for g, group in inst.groups.items():
        size[stack[g]] = size.get(stack[g], 0) + group.count
    chosen: dict[str, str] = {}
    for s in sorted(metros, key=lambda s: (-size.get(s, 0), s)):
        most = max(len(groups) for groups in metros[s].values())
        fits = [m for m, groups in metros[s].items() if len(groups) == most]
        chosen[s] = max(fits, key=lambda m: (room[m], m == inst.hub, m))
        room[chosen[s]] -= size.get(s, 0)
    kept = [c for c in inst.candidates if inst.places[c.provider].key == chosen[stack[c.group]]]
    return replace(inst, candidates=kept)


def stacks(inst) -> dict[str, str]:
    """Each group's stack: the name of the first group (in inventory order) of the
    component it is in when dependencies are read as undirected edges."""
    parent = {g: g for g in inst.groups}

    def root(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    order = {g: i for i, g in enumerate(inst.groups)}
    for g, group in inst.groups.items():
        for h in group.needs:
            if h in parent:
                a, b = sorted((root(g), root(h)), key=order.get)
                parent[b] = a
    return {g: root(g) for g in inst.groups}


def within_reach(inventory: Inventory, catalog, candidates: list, too_far: dict,
                 places: dict[str, Place]) -> list:
    """The candidates that can ever serve under the latency bounds: a group's servers at a
    place no candidate of one of its dependencies is within the bound of serve nothing
    (the latency row there has no right-hand side), so they are dropped, and said in
    `misfits`, until no more are (a dropped dependency can strand its dependents). Exact:
    every plan of the model keeps them at 0. Each drop is said in `too_far` (group ->
    lines), which the misfits and the shortfalls' latency cause read."""
    if not location.located(catalog):
        return candidates
    geo, pairs = Geography(catalog), location.bounded_pairs(inventory)
    while True:
        at: dict[str, set[str]] = {}
        for c in candidates:
            at.setdefault(c.group, set()).add(c.provider)
        stranded: dict[tuple[str, str], str] = {}
        for g, h, bound in pairs:
            theirs = [places[p] for p in sorted(at.get(h, ()))]
            for p in sorted(at.get(g, ())):
                if (g, p) not in stranded and not geo.near(places[p], theirs, bound):
                    stranded[(g, p)] = f"{p}: no {h} within {bound:g} ms of it"
        if not stranded:
            return candidates
        for (g, _), why in sorted(stranded.items()):
            too_far.setdefault(g, []).append(why)
        candidates = [c for c in candidates if (c.group, c.provider) not in stranded]


def sharded_at_hub(inventory: Inventory, catalog, candidates: list, too_far: dict,
                   places: dict[str, Place], hub: str | None) -> list:
    """A sharded group that others call within a bound is called whole: each caller needs
    every shard within its bound (formulation/latency.py), so the shards and their callers
    gather in one place. That place is the hub: the shards' candidates are those within
    the tightest bound on them of the hub, their callers' those within each caller's bound
    of all of them. A restriction, like the choice of regions, said in `too_far`; it
    spares the model a binary per caller and place (the 2021 case: 25 s to 2 s)."""
    if not location.located(catalog) or hub is None:
        return candidates
    geo = Geography(catalog)
    hub_place = Place("hub", geo.sites[hub])
    for h in [g.name for g in inventory.groups if g.shards]:
        bounds = {g: b for g, dep, b in location.bounded_pairs(inventory) if dep == h}
        if not bounds:
            continue
        tight = min(bounds.values())
        dropped = sorted({c.provider for c in candidates if c.group == h
                          and geo.rtt_ms(hub_place, places[c.provider]) > tight + 1e-9})
        for p in dropped:
            too_far.setdefault(h, []).append(f"{p}: more than {tight:g} ms from {hub}, "
                                             "where the shards gather")
        candidates = [c for c in candidates if c.group != h or c.provider not in dropped]
        shards = [places[p] for p in sorted({c.provider for c in candidates if c.group == h})]
        for g, bound in sorted(bounds.items()):
            far = sorted({c.provider for c in candidates if c.group == g and any(
                geo.rtt_ms(places[c.provider], s) > bound + 1e-9 for s in shards)})
            for p in far:
                too_far.setdefault(g, []).append(f"{p}: more than {bound:g} ms from a shard "
                                                 f"of {h} (they gather at {hub})")
            candidates = [c for c in candidates if c.group != g or c.provider not in far]
    return candidates
