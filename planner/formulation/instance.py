"""First half of formulate: from validated inputs to the constants the model is built on.

Decides who is eligible (exclusions, end of life, the source itself), which offerings fit
which group, drops dominated offerings, and precomputes every capacity curve. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain import curves, gates, labour, refusal
from planner.domain.calendar import timed
from planner.domain.curves import Curve
from planner.domain.eligibility import exclusions, ready_wait
from planner.domain.location import Geography, Place
from planner.domain.spread import SpreadLimit, spread_limit
from planner.formulation import location
from planner.formulation.candidates import (
    Candidate,
    ServiceCandidate,
    compute_candidates,
    compute_services,
    service_demands,
)
from planner.formulation.follow import Follow
from planner.models.catalog import Catalog, Provider, ServiceOffering, ServiceVendor
from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory
from planner.models.plan import Exclusion, LeadTimeStep, VendorChoice
from planner.models.provider_facts import Offering

# Each tier counts ten of the next (tier 1 = 1000 per server-hour).
TIER_WEIGHT = {1: 1000.0, 2: 100.0, 3: 10.0, 4: 1.0}
# An unserved hour before the cut-off, while the source still serves users, weighs this
# much of one after it: a tie-break for margin, not a goal (shared/design.md)
BEFORE_CUTOFF = 0.01


@dataclass
class Instance:
    """Everything the formulation, the diagnosis and the Plan need, computed once."""

    inventory: Inventory
    catalog: Catalog
    horizon_hours: int
    deadline_hours: int
    exclusions: list[Exclusion]
    providers: dict[str, Provider]          # eligible compute providers
    vendors: dict[str, ServiceVendor]       # eligible service vendors
    groups: dict[str, WorkloadGroup]
    candidates: list[Candidate]
    misfits: dict[str, list[str]]           # group -> why eligible providers cannot take it
    provider_curves: dict[str, Curve]
    offering_curves: dict[tuple[str, str], Curve]
    ingress: dict[str, Curve]
    egress: Curve
    service_candidates: list[ServiceCandidate]
    service_misfits: dict[str, list[str]]
    storage_vendors: list[str]              # object-storage vendors (first offering used)
    storage_ingest: dict[str, Curve]
    weights: dict[str, float] = field(default_factory=dict)  # demand -> weight per unit-hour
    edge: VendorChoice | None = None  # domain/gates.py: in front of user-facing groups
    registrar: VendorChoice | None = None  # who changes the name servers, from its hour
    # where each eligible provider's servers go (formulation/location.py), around `hub`
    places: dict[str, Place] = field(default_factory=dict)
    hub: str | None = None
    # group -> providers it fits but are beyond a round-trip bound (formulation/location.py),
    # said in `misfits` too
    too_far: dict[str, list[str]] = field(default_factory=dict)
    # limits in vCPU, RAM, GPUs or IPv4 (catalog `quotas`): (provider, quota name) -> units
    # usable by hour, and what one server of each offering it counts takes of it
    quota_curves: dict[tuple[str, str], Curve] = field(default_factory=dict)
    quota_units: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    # (provider, offering) -> servers of it alone those quotas allow by hour
    quota_caps: dict[tuple[str, str], tuple[float, ...]] = field(default_factory=dict)
    grid: list[int] = field(default_factory=list)          # hours that start a period
    period_start: list[int] = field(default_factory=list)  # hour t -> start of its period
    period_hours: dict[int, int] = field(default_factory=dict)  # period start -> length
    # period start -> its hours as the objective counts them: BEFORE_CUTOFF each before the
    # cut-off, 1 from it (the cut-off is a grid point, so no period straddles it)
    period_weight: dict[int, float] = field(default_factory=dict)
    previous_point: dict[int, int] = field(default_factory=dict)  # grid point -> the one before
    grid_exact: bool = True
    # the team's work (domain/labour.py), when the catalog states its effort; fitted to the
    # team's hours only when the inventory states its team (`team_planned`)
    labour: bool = False
    team_by_hour: tuple[float, ...] = ()            # engineer-hours had by hour 0..H
    # provider -> the hours after its first possible one at which it may open
    start_delays: dict[str, list[int]] = field(default_factory=dict)
    # lead times the calendar changed (domain/calendar.py); `catalog` holds their hours
    lead_times: list[LeadTimeStep] = field(default_factory=list)
    # provider or vendor id -> the hour it refuses (domain/refusal.py): its curves are 0
    # from then on; and the base plan a re-plan keeps to before that hour (formulation/
    # follow.py), when there is one
    refused: dict[str, int] = field(default_factory=dict)
    follow: Follow | None = None
    # refusal hour -> the groups that may stop serving then (refusal.stopping, read off the
    # followed plan before its hour: without one, none)
    stopping: dict[int, set[str]] = field(default_factory=dict)

    @property
    def team_planned(self) -> bool:
        return self.labour and self.inventory.team is not None

    def first_hour(self, p: str) -> int:
        """First hour provider p can have a server when its onboarding starts at hour 0."""
        first = curves.first_hour(self.provider_curves[p].values)
        return self.horizon_hours + 1 if first is None else first

    def refused_at(self, entry: str) -> int | None:
        """The hour provider or vendor `entry` refuses within the hours planned, or None."""
        hour = self.refused.get(entry)
        return hour if hour is not None and hour <= self.horizon_hours else None

    def stops(self, g: str) -> bool:
        """Whether group g may stop serving at some refusal hour (`stopping`)."""
        return any(g in groups for groups in self.stopping.values())

    def unspread(self) -> set[str]:
        """Groups the spread rules give way for (refusal.unspread): only where something
        refuses within the hours planned."""
        return refusal.unspread(self.inventory, self.catalog) if self.refused else set()

    def spread_limits(self) -> dict[str, SpreadLimit]:
        """Groups the spread policy holds below their count (domain/spread.py), on the
        providers their candidates are at: not a group the rules leave free (not spread,
        or refusal.unspread), nor one that may stop serving, whose servers at H need not
        be the most it ever runs."""
        lost = self.unspread()
        at: dict[str, set[str]] = {}
        for c in self.candidates:
            at.setdefault(c.group, set()).add(c.provider)
        out = {}
        for g, group in self.groups.items():
            if g in lost or self.stops(g):
                continue
            limit = spread_limit(group, self.inventory.policy, len(at.get(g, ())))
            if limit is not None and at.get(g):
                out[g] = limit
        return out

    @property
    def refusal_hours(self) -> list[int]:
        """Hours 1..H at which something refuses (policy.refused_at_hour)."""
        return sorted({h for h in self.refused.values() if 1 <= h <= self.horizon_hours})

    def bootstrap_hours(self, g: str) -> int:
        return self.inventory.bootstrap(self.groups[g])

    def wait_hours(self, c: Candidate) -> int:
        """Hours from c's provider being ready to c serving: the group's bootstrap, and
        the rebuild of its images on the other architecture (arch_policy: rebuild)."""
        return ready_wait(self.inventory, self.groups[c.group], self.providers[c.provider],
                          self.offering(c.provider, c.offering).arch)


    def region_of(self, p: str) -> str | None:
        place = self.places.get(p)
        return place.region.id if place and place.region else None

    def between(self, curve, t: int) -> float:
        """Sum of a per-hour curve over the hours since the previous grid point, (t', t]."""
        return sum(curve.values[self.previous_point[t] + 1: t + 1])

    def offering(self, provider_id: str, offering_id: str) -> Offering:
        return next(o for o in self.providers[provider_id].offerings if o.id == offering_id)

    def service_offering(self, vendor_id: str, offering_id: str) -> ServiceOffering:
        return next(o for o in self.vendors[vendor_id].offerings if o.id == offering_id)

    def to_plan_currency(self, amount: float, currency: str) -> float:
        return self.catalog.convert(amount, currency, self.inventory.currency)


FINE_COPY_HOURS = 72    # data moves are planned hour by hour up to this hour,
COARSE_COPY_STEPS = ((168, 6), (None, 24))  # then in 6-hour steps to hour 168, then daily


def _start_points(inst: Instance) -> set[int]:
    """Hours at which a provider may open (its setup done: domain/labour.py) and at which a
    group's bootstrap there ends."""
    out: set[int] = set()
    waits = {inst.wait_hours(c) for c in inst.candidates}
    for p in inst.provider_curves:
        for d in inst.start_delays.get(p, [0]):
            out.update(inst.first_hour(p) + d + b for b in waits)
    return out


def _copy_point(t: int) -> bool:
    if t <= FINE_COPY_HOURS:
        return True
    start = FINE_COPY_HOURS
    for end, step in COARSE_COPY_STEPS:
        if end is None or t <= end:
            return (t - start) % step == 0
        start = end
    return False


def time_grid(inst: Instance) -> tuple[list[int], bool]:
    """Hours where a period starts, and whether the grid is exact.

    Points: hour 1, the deadline, the cut-off, every hour where some curve changes (and the
    hour before it, so each copy interval between two points has constant rates), each hour
    a provider or vendor refuses (and the hour before it), and the hours in which data can
    be copied: every one up to FINE_COPY_HOURS, then in coarser steps.

    Between two points every right-hand side is the same, so a solution that changes nothing
    inside a period loses nothing: with every copy hour a point, the model is exact on this
    grid (each period counts in the objective for its length). Coarse copy steps make it a
    restriction instead: servers waiting for data start at a step, never earlier than the
    data allows, so the plan stays valid hour by hour and may only understate coverage.
    """
    H = inst.horizon_hours
    every = [*inst.provider_curves.values(), *inst.offering_curves.values(),
             *inst.quota_curves.values(),
             *inst.ingress.values(), *inst.storage_ingest.values(), inst.egress,
             # not DNS reach: it rises every hour for days, and holding each period at its
             # value at the period's start only understates it (2021: 35 periods, not 65)
             *(sc.share for sc in inst.service_candidates if sc.kind != "dns")]
    points = {1, min(inst.deadline_hours, H), min(inst.inventory.cutoff, H)}
    dns = inst.inventory.services.dns
    if dns is not None and dns.old_answers_until_hour:  # users' reach changes there
        points.add(min(max(1, dns.old_answers_until_hour), H))
    if inst.edge is not None and inst.edge.ready_hour:  # and where the edge opens
        points.add(min(max(1, inst.edge.ready_hour), H))
    for curve in every:
        changes = [t for t in range(2, H + 1) if curve.values[t] != curve.values[t - 1]]
        points.update(changes)
        points.update(t - 1 for t in changes)
    points.update(t for t in _start_points(inst) if 1 <= t <= H)
    for t in inst.refusal_hours:  # what ran at a refused entry stops there
        points.update({t, t - 1} - {0})
    targets = [*inst.ingress.values(), *inst.storage_ingest.values()]
    copy_hours = [t for t in range(1, H + 1) if inst.egress.values[t] > 0
                  and any(c.values[t] > 0 for c in targets)]
    points.update(t for t in copy_hours if _copy_point(t))
    if copy_hours:
        points.add(copy_hours[-1])
    return sorted(points), all(t in points for t in copy_hours)


def _with_labour(inst: Instance) -> Instance:
    """The team's hours and each provider's onboarding start choices, when work is planned."""
    inst.labour = labour.modelled(inst.catalog)
    if inst.labour:
        inst.team_by_hour = labour.team_hours_by(inst.inventory, inst.horizon_hours)
    if inst.team_planned:
        inst.start_delays = {p: labour.delays_from(inst.inventory, inst.first_hour(p))
                             for p in inst.provider_curves}
    return inst


def _with_quotas(inst: Instance) -> Instance:
    """The unit quotas of the providers with candidates (curves.provider_quota), and the
    servers of each candidate offering they allow alone (curves.quota_servers)."""
    H = inst.horizon_hours
    for p in inst.provider_curves:
        provider = inst.providers[p]
        for name, quota in sorted(provider.unit_quotas.items()):
            units = {o.id: u for o in provider.offerings
                     if (u := curves.quota_units(o, quota)) > 0}
            if units:
                inst.quota_curves[(p, name)] = curves.provider_quota(provider, quota, H,
                                                                     inst.refused_at(p))
                inst.quota_units[(p, name)] = units
    for c in inst.candidates:
        key = (c.provider, c.offering)
        if key not in inst.quota_caps:
            caps = curves.quota_servers(inst.providers[c.provider],
                                        inst.offering(*key), H, inst.refused_at(c.provider))
            if caps is not None:
                inst.quota_caps[key] = caps
    return inst


def _with_grid(inst: Instance) -> Instance:
    inst.grid, inst.grid_exact = time_grid(inst)
    ends = inst.grid[1:] + [inst.horizon_hours + 1]
    inst.period_hours = {t: end - t for t, end in zip(inst.grid, ends)}
    before = BEFORE_CUTOFF if inst.inventory.cutoff > 1 else 1.0
    inst.period_weight = {t: hours * (before if t < inst.inventory.cutoff else 1.0)
                          for t, hours in inst.period_hours.items()}
    inst.previous_point = dict(zip(inst.grid, [0] + inst.grid[:-1]))
    starts, current = [0], 0
    for t in range(1, inst.horizon_hours + 1):
        current = t if t in inst.period_hours else current
        starts.append(current)
    inst.period_start = starts
    return inst


def prepare(inventory: Inventory, catalog: Catalog, follow: Follow | None = None) -> Instance:
    """Eligibility, fit, dominance and curves for one planning run, on the catalog with
    its lead times in hours of the clock (domain/calendar.timed); each curve 0 from the
    hour its provider or vendor refuses (domain/refusal.py). `follow`: the base plan a
    re-plan keeps to before a refusal (formulation/follow.py), which changes no curve."""
    catalog, lead_times = timed(inventory, catalog)
    horizon = inventory.horizon
    excluded = exclusions(inventory, catalog)  # the rule the verifier checks too
    out = {e.id for e in excluded}
    providers = {p.id: p for p in catalog.providers if p.id not in out}
    vendors = {v.id: v for v in catalog.services if v.id not in out}
    refused = refusal.refused_entries(inventory, catalog)
    candidates, misfits = compute_candidates(inventory, providers)
    candidates, places, hub, too_far = _placed(inventory, catalog, providers, candidates,
                                               misfits, refused)
    used = {c.provider for c in candidates}
    edge, registrar = gates.edge_choice(inventory, catalog), \
        gates.registrar_choice(inventory, catalog)
    service_candidates, service_misfits = compute_services(
        inventory, vendors, horizon, catalog.resolvers, catalog.usd_per,
        gates.registrar_hour(registrar),
        lambda v: labour.vendor_setup_hours(catalog, v) if catalog.effort else 0.0, refused)
    storage = [v.id for v in vendors.values() if v.kind == "object_storage"]
    groups = {g.name: g for g in inventory.groups}
    mean_group = sum(g.count for g in inventory.groups) / len(inventory.groups)
    weights = {g.name: TIER_WEIGHT[g.tier] for g in inventory.groups}
    for kind, demand in service_demands(inventory).items():
        weights[kind] = TIER_WEIGHT[demand.tier] * mean_group
    if inventory.services.object_storage:
        weights["object_storage"] = TIER_WEIGHT[inventory.services.object_storage.tier] * mean_group
    servers = {p: curves.provider_servers(providers[p], horizon, refused.get(p))
               for p in sorted(used)}
    return _with_grid(_with_labour(_with_quotas(Instance(
        inventory=inventory, catalog=catalog, lead_times=lead_times, horizon_hours=horizon,
        deadline_hours=inventory.deadline_hours, exclusions=excluded,
        providers=providers, vendors=vendors, groups=groups,
        candidates=candidates, misfits=misfits,
        provider_curves=servers,
        offering_curves={
            (c.provider, c.offering): curve for c in candidates
            if (curve := curves.offering_servers(providers[c.provider],
                                                 next(o for o in providers[c.provider].offerings
                                                      if o.id == c.offering), horizon,
                                                 refused.get(c.provider)))},
        ingress={p: curves.onto_hosts(curves.ingress_gb(providers[p].onboarding_hours.value,
                                                        providers[p].ingress_gbps.value, horizon,
                                                        refused.get(p)),
                                      servers[p]) for p in sorted(used)},
        egress=curves.source_egress_gb(inventory, horizon),
        service_candidates=service_candidates, service_misfits=service_misfits,
        storage_vendors=storage,
        storage_ingest={v: curves.object_storage_ingest_gb(vendors[v], vendors[v].offerings[0],
                                                           horizon, refused.get(v))
                        for v in storage},
        weights=weights, edge=edge, registrar=registrar, places=places, hub=hub,
        too_far=too_far, refused=refused, follow=follow,
        stopping={} if follow is None else refusal.stopping(
            inventory, catalog, follow.plan.schedule, before=follow.hour),
    ))))


def _placed(inventory, catalog, providers, candidates, misfits, refused):
    """The candidates sold where their provider is placed and within reach of what they
    call, the places, the hub and what latency ruled out (formulation/location.py)."""
    by_deadline = {p: curves.provider_servers(providers[p], inventory.horizon,
                                              refused.get(p)).values[
        min(inventory.deadline_hours, inventory.horizon)]
        for p in sorted({c.provider for c in candidates})}
    geo = Geography(catalog)
    hub = location.choose_hub(inventory, providers, by_deadline, geo)
    offerings: dict[str, set[str]] = {}
    for c in candidates:
        offerings.setdefault(c.provider, set()).add(c.offering)
    places = location.choose_regions(providers, offerings, hub,
                                     location.tightest_bound(inventory), geo)
    candidates = location.sold_in_place(candidates, misfits, places)
    too_far: dict[str, list[str]] = {}
    candidates = location.sharded_at_hub(inventory, catalog, candidates, too_far, places, hub)
    candidates = location.within_reach(inventory, catalog, candidates, too_far, places)
    for g, lines in too_far.items():
        misfits.setdefault(g, []).extend(lines)
    return candidates, places, hub, too_far
