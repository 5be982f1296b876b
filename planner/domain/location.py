"""Where servers run, and how far apart they are in round-trip time.

One definition for the formulation, the verifier and the runbook. A provider's servers in
a plan are in one of its regions (formulation/location.py chooses it); two regions are
`rtt_ms` apart:

- in the same metro area: INTRA_METRO_RTT_MS;
- else the catalog's measured round trip between the two metros (`latency`), if any;
- else from distance: rtt_ms = ROUTE_FACTOR * km / 100. Light in fibre covers about
  200 km a millisecond (2/3 c), so a round trip over a straight fibre takes km / 100 ms;
  cables do not run straight, and ROUTE_FACTOR 1.33 makes New York-Paris (5,837 km) the
  78 ms measured between them (shared/design.md, "Location").

A provider whose place the catalog does not give (no `regions`) is near only itself. A
catalog that gives no provider's place cannot have latency planned at all: then the bounds
are not applied (`located`), and the plan warns that they were not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.models.catalog import Catalog, Latency
from planner.models.groups import DEFAULT_RTT_MS, TIGHT_RTT_MS
from planner.models.inventory import Inventory
from planner.models.provider_facts import Region

EARTH_RADIUS_KM = 6371.0
ROUTE_FACTOR = 1.33
# ESTIMATE: data centres of one metro area (tens of km of fibre) answer in well under a
# millisecond; 1 ms allows for the switches and firewalls between two providers' networks.
INTRA_METRO_RTT_MS = 1.0


@dataclass(frozen=True)
class Place:
    """Where one provider's servers of a plan are: its region, or None (not known)."""

    provider: str
    region: Region | None

    @property
    def key(self) -> str:
        """Places with the same key are one location: a metro, or an unknown provider."""
        return self.region.metro if self.region else f"{self.provider} (place unknown)"


def distance_km(a: Region, b: Region) -> float:
    """Great-circle distance between two regions' coordinates (haversine)."""
    la, lb = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lb - la, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def row_places(catalog: Catalog, schedule) -> dict[tuple[str, str | None], Place]:
    """(provider, region id) of each schedule row -> its place (region None where the
    catalog does not know the provider or the region): what the verifier checks and the
    runbook shows, read off the plan alone."""
    providers = {p.id: p for p in catalog.providers}
    out = {}
    for row in schedule:
        provider = providers.get(row.provider)
        regions = {r.id: r for r in (provider.regions or [])} if provider else {}
        out[(row.provider, row.region)] = Place(row.provider, regions.get(row.region))
    return out


def located(catalog: Catalog) -> bool:
    """Whether latency is planned: some provider of the catalog has regions."""
    return any(p.regions for p in catalog.providers)


class Geography:
    """Round trips between places, from one catalog. A metro's coordinates are those of its
    first region (by provider id, then region id), so that every place in a metro is as
    far from another metro as the rest of it: the formulation and the verifier, which see
    different providers, compute the same figures."""

    def __init__(self, catalog: Catalog):
        self.table = catalog.latency
        self.sites: dict[str, Region] = {}
        for provider in sorted(catalog.providers, key=lambda p: p.id):
            for region in sorted(provider.regions or [], key=lambda r: r.id):
                self.sites.setdefault(region.metro, region)

    def measured(self, a: str, b: str) -> Latency | None:
        return next((x for x in self.table if {x.a, x.b} == {a, b}), None)

    def rtt_ms(self, a: Place, b: Place) -> float:
        """Round trip between two places (module docstring); inf when either is unknown
        and they are not the same provider."""
        if a.key == b.key:
            return INTRA_METRO_RTT_MS
        if a.region is None or b.region is None:
            return math.inf
        found = self.measured(a.region.metro, b.region.metro)
        if found is not None:
            return found.rtt_ms.value
        one, two = self.sites.get(a.region.metro, a.region), self.sites.get(b.region.metro,
                                                                             b.region)
        return round(ROUTE_FACTOR * distance_km(one, two) / 100, 1)

    def how_known(self, a: Place, b: Place) -> str:
        """Where rtt_ms(a, b) comes from, for the runbook."""
        if a.key == b.key:
            return "same metro" if a.region else "same provider"
        if a.region is None or b.region is None:
            return "place not known"
        found = self.measured(a.region.metro, b.region.metro)
        return f"measured ({found.rtt_ms.source})" if found else "from distance"

    def near(self, of: Place, places: list[Place], bound: float) -> list[str]:
        """The providers among `places` within `bound` ms of `of`."""
        return [p.provider for p in places if self.rtt_ms(of, p) <= bound + 1e-9]


# Beyond this many caller sets, one row per caller place only (a relaxation: the plan may
# count a server of h for two places; domain/location.caller_sets)
MAX_CALLER_SETS = 512


def caller_sets(near: dict[str, frozenset]) -> list[tuple[list[str], frozenset]]:
    """The sets of a caller's places whose calls must fit in what they reach, for the
    latency rule: for each connected union N of near-sets (`near[m]`: what place m reaches
    within the bound), the places whose near-set lies in N. A dependency h can carry caller
    g's shares, each place m sending its share to h within reach of m, exactly when for
    every such set S, count_h x g(S) <= count_g x h(N(S)) (Hall's condition, in its supply
    and demand form): one row per place alone lets two places count the same servers of h.

    Connected: grown one near-set at a time, each meeting the union so far. A union of
    two parts no near-set joins holds the places of each part (and those that reach
    nothing, counted in both), so its row is implied by the parts' rows added: leaving it
    out loses nothing (tests/test_location.py checks it against every subset). Regions
    far apart reach disjoint sets, so the rows grow with the places, not as 2^places
    (50 synthetic servers in 10 regions: 1,022 rows per period for one pair before).
    Sorted; past MAX_CALLER_SETS sets, only the single places (a bound that still holds,
    never a false one)."""
    distinct = sorted(set(near.values()), key=sorted)
    unions, frontier = set(distinct), set(distinct)
    while frontier and len(unions) <= MAX_CALLER_SETS:
        grown = {a | b for a in frontier for b in distinct if a & b} - unions
        unions |= grown
        frontier = grown
    if len(unions) > MAX_CALLER_SETS:
        unions = set(distinct)
    out = []
    for n in sorted(unions, key=lambda u: (len(u), sorted(u))):
        places = sorted(m for m, reach in near.items() if reach <= n)
        out.append((places, n))
    return out


def bound_ms(inventory: Inventory, group: str, dependency: str) -> float:
    """The round trip `group`'s calls to `dependency` may take: stated, else TIGHT_RTT_MS
    for a dependency with data or a cache, else DEFAULT_RTT_MS."""
    return _bound_ms({g.name: g for g in inventory.groups}, group, dependency)


def _bound_ms(groups: dict, group: str, dependency: str) -> float:
    stated = groups[group].stated_rtt_ms(dependency)
    if stated is not None:
        return stated
    dep = groups[dependency]
    return TIGHT_RTT_MS if dep.data_gb > 0 or dep.cache else DEFAULT_RTT_MS


def bounded_pairs(inventory: Inventory) -> list[tuple[str, str, float]]:
    """(group, dependency, bound in ms) for every dependency, in inventory order (the
    groups looked up in one table, not one made per pair: 718 pairs of 500 groups)."""
    groups = {g.name: g for g in inventory.groups}
    return [(g.name, h, _bound_ms(groups, g.name, h)) for g in inventory.groups
            for h in g.needs]
