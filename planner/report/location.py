"""Where the plan's servers run: each provider's region, the round trips between dependent
groups, and the private links between providers that dependent tiers need
(domain/location.py gives the figures; templates/partials/location.md.j2 shows them)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain import location
from planner.domain.location import Geography
from planner.models.plan import Plan


@dataclass(frozen=True)
class PlaceRow:
    provider: str
    region: str | None
    metro: str | None
    city: str | None
    country: str | None
    groups: tuple[str, ...]


@dataclass(frozen=True)
class CallRow:
    group: str
    dependency: str
    bound_ms: float
    longest_ms: float | None  # the farthest a server of `group` must call to reach one
    how: str
    caller: str | None = None  # the provider of that server, and of the one it calls
    callee: str | None = None


def _held(plan: Plan) -> list[tuple[str, tuple[str, str | None]]]:
    """(group, (provider, region)) for each row running servers at the horizon, in the
    schedule's order."""
    return [(row.group, (row.provider, row.region)) for row in plan.schedule
            if row.up_by_hour[plan.horizon_hours] > 0]


def _at_horizon(plan: Plan) -> dict[str, set[tuple[str, str | None]]]:
    """Each group's (provider, region) pairs running servers at the horizon."""
    at: dict[str, set[tuple[str, str | None]]] = {}
    for group, place in _held(plan):
        at.setdefault(group, set()).add(place)
    return at


def place_rows(plan: Plan) -> list[PlaceRow]:
    """One row per provider and region holding servers at the horizon, by metro."""
    places = location.row_places(plan.catalog, plan.schedule)
    groups: dict[tuple[str, str | None], list[str]] = {}
    for group, place in _held(plan):
        mine = groups.setdefault(place, [])
        if group not in mine:
            mine.append(group)
    out = []
    for (p, rid), names in groups.items():
        r = places[(p, rid)].region
        out.append(PlaceRow(p, rid, r.metro if r else None, r.city if r else None,
                            r.country if r else None, tuple(names)))
    return sorted(out, key=lambda x: (x.metro or "~", x.provider))


def call_rows(plan: Plan) -> list[CallRow]:
    """Each dependency with its bound and the longest round trip a server of the dependent
    group needs to reach the nearest place holding its dependency, at the horizon."""
    places, geo = location.row_places(plan.catalog, plan.schedule), Geography(plan.catalog)
    at = _at_horizon(plan)
    out = []
    for g, h, bound in location.bounded_pairs(plan.inventory):
        worst, how, ends = None, "", (None, None)
        for here in sorted(at.get(g, ()), key=str):
            there = sorted(at.get(h, ()),
                           key=lambda w: (geo.rtt_ms(places[here], places[w]), str(w)))
            if there:
                rtt = geo.rtt_ms(places[here], places[there[0]])
                if worst is None or rtt > worst:
                    worst, how = rtt, geo.how_known(places[here], places[there[0]])
                    ends = (here[0], there[0][0])
        out.append(CallRow(g, h, bound, worst, how, *ends))
    return out


def round_trip_checks(calls: list[CallRow], hosts: dict[str, list[tuple[str, str]]]
                      ) -> list[tuple[str, str, CallRow]]:
    """(a server of the caller, a server it calls, the call) for each dependency's longest
    call: the pair to measure once both are up, against the bound the plan kept."""
    out = []
    for call in calls:
        mine = [name for name, p in hosts.get(call.group, []) if p == call.caller]
        theirs = [name for name, p in hosts.get(call.dependency, []) if p == call.callee]
        if mine and theirs:
            out.append((mine[0], theirs[0], call))
    return out


def links(plan: Plan) -> list[tuple[str, str, tuple[str, ...]]]:
    """(provider, provider, the dependencies between them): pairs of providers whose
    servers call each other within a bound, over which a private link is built."""
    places, geo = location.row_places(plan.catalog, plan.schedule), Geography(plan.catalog)
    at = _at_horizon(plan)
    found: dict[tuple[str, str], list[str]] = {}
    for g, h, bound in location.bounded_pairs(plan.inventory):
        for a in at.get(g, ()):
            for b in at.get(h, ()):
                if a[0] != b[0] and geo.rtt_ms(places[a], places[b]) <= bound + 1e-9:
                    pair = tuple(sorted((a[0], b[0])))
                    mine = found.setdefault(pair, [])
                    if f"{g} -> {h}" not in mine:
                        mine.append(f"{g} -> {h}")
    return [(a, b, tuple(sorted(calls))) for (a, b), calls in sorted(found.items())]


def location_context(plan: Plan, hosts: dict[str, list[tuple[str, str]]]) -> dict:
    calls = call_rows(plan)
    return {"place_rows": place_rows(plan), "call_rows": calls,
            "rtt_checks": round_trip_checks(calls, hosts),
            "private_links": links(plan), "located": location.located(plan.catalog)}
