"""Capacity curves: how much of each resource is usable by each hour, as constants.

Everything a fast exit runs into (onboarding, quotas and their raises, provisioning rates,
dedicated delivery times, bandwidth, email warm-up, SMS registration, DNS delegation TTLs)
becomes a curve indexed by hour t = 0..H, computed once from the inputs. The formulation
turns each curve into right-hand sides; the verifier checks a Plan against the same curves.
A curve entry is the capacity *by the end of* hour t.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.models.catalog import Provider, ServiceOffering, ServiceVendor
from planner.models.demands import DnsDemand, EmailDemand, SmsDemand
from planner.models.inventory import Inventory
from planner.models.provider_facts import Offering, Quota

GB_PER_HOUR_PER_GBPS = 450.0  # 1 Gbit/s for 3,600 s is 450 GB
HOURS_PER_MONTH = 730.0
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
EPS = 1e-9


def first_hour(values, above: float = 0.0) -> int | None:
    """The first hour whose value is above `above` (a curve's, or a plan's row by hour);
    None when there is none."""
    return next((t for t, v in enumerate(values) if v > above), None)


def full_from(values, total: float) -> int | None:
    """The first hour from which `values` stay at `total` (within 1e-6 of it) to the end,
    None when the last is short: coverage may dip (users reach the site by its old DNS
    until that stops answering), and "full by" means full from then on."""
    tol = 1e-6 * max(1.0, total)
    full = None
    for t, v in enumerate(values):
        if v >= total - tol:
            full = t if full is None else full
        else:
            full = None
    return full


@dataclass(frozen=True)
class Curve:
    """Values by hour 0..H and, for each hour, the limit that sets the value."""

    values: tuple[float, ...]
    binding: tuple[str, ...]


def refused(curve: Curve, hour: int | None) -> Curve:
    """`curve` until a provider or vendor refuses at `hour` (policy.refused_at_hour), 0 from
    it on, bound by the refusal; the curve itself when nothing refuses (None)."""
    if hour is None or hour >= len(curve.values):
        return curve
    cut = max(0, hour)
    return Curve(curve.values[:cut] + (0.0,) * (len(curve.values) - cut),
                 curve.binding[:cut] + ("refused",) * (len(curve.values) - cut))


def provider_servers(provider: Provider, horizon_hours: int, until: int | None = None) -> Curve:
    """Servers a provider can have serving by hour t (before any data or stock limit).

    cap(t) = 0 while t <= onboarding; else min(floor(rate * (t - onboarding)), quota(t),
    unit(t)), where quota(t) is the raised quota once t >= onboarding + raise lead time and
    unit(t) the most servers the unit quotas allow (quota_cover: 10 public addresses are at
    most 10 servers). unit(t) follows from the quota rows; stated in the curve, it keeps a
    provider that limits vCPU or addresses rather than servers (Azure: 25,000 VMs) from
    entering every row that scales by its curve as a bound of thousands (the 2021 case:
    25 s, 3 s with it). 0 from `until`, the hour the provider refuses (refused).
    """
    onboard = provider.onboarding_hours.value
    rate = provider.provision_rate_per_hour.value
    # quota(t) and unit(t) change only at raise hours: each set of raises in force is
    # worked out once (quota_cover per hour made a 720-hour home stage's curves 0.4 s)
    raises = [h.value for h in [provider.quota_raise_hours]
              + [q.raise_hours for q in provider.unit_quotas.values()] if h is not None]
    limits: dict[tuple[bool, ...], tuple[float, float]] = {}
    values, binding = [], []
    for t in range(horizon_hours + 1):
        elapsed = t - onboard
        if elapsed <= 0:
            values.append(0.0)
            binding.append("onboarding")
            continue
        created = math.floor(rate * elapsed + EPS)
        raised = tuple(elapsed >= h for h in raises)
        if raised not in limits:
            limits[raised] = _server_limits(provider, elapsed)
        quota, unit = limits[raised]
        cap = min(created, quota, unit)
        values.append(float(cap))
        binding.append("provisioning_rate" if created == cap and created < quota
                       else "quota" if quota == cap else "unit_quota")
    return refused(Curve(tuple(values), tuple(binding)), until)


def _server_limits(provider: Provider, elapsed: float) -> tuple[float, float]:
    """quota(t) and unit(t) of provider_servers, `elapsed` hours after onboarding."""
    quota = provider.quota_servers.value
    if provider.quota_raise_hours is not None and elapsed >= provider.quota_raise_hours.value:
        quota = max(quota, provider.quota_raise_servers.value)
    cover = quota_cover(provider, elapsed)
    return quota, (math.inf if cover is None else sum(n for *_, n in cover))


def quota_taken(provider: Provider, quota: Quota, rows, hours: int) -> list[float]:
    """What the schedule rows at `provider` take of `quota`, hour by hour (0..hours-1), in
    its unit: each row's servers (hosts made, serving or not) times quota_units of its
    offering (none for an offering the provider does not have)."""
    offerings = {o.id: o for o in provider.offerings}
    taken = [0.0] * hours
    for row in rows:
        offering = offerings.get(row.offering)
        units = quota_units(offering, quota) if offering else 0.0
        for t, n in enumerate(row.hosts[:hours]):
            taken[t] += units * n
    return taken


def quota_limit(quota: Quota, hours_after_onboarding: float) -> float:
    """The limit of `quota` in force this many hours after onboarding: the new account's,
    then the raise's once its hours have passed."""
    if quota.raise_hours is not None and hours_after_onboarding >= quota.raise_hours.value:
        return max(quota.new_account.value, quota.raise_to.value)
    return quota.new_account.value


def quota_cover(provider: Provider, elapsed: float
                ) -> list[tuple[str, Quota, float, int]] | None:
    """The unit quotas that bound how many servers the provider can run `elapsed` hours
    after onboarding: for each offering, the quota counting it that allows the fewest
    servers (its limit over the least any server it counts takes), each chosen quota once,
    as (name, quota, least units, servers). Each offering's servers are counted in its own
    chosen quota, so all together are at most the sum. None when some offering is counted
    by no quota (then only the server quota bounds them)."""
    options: dict[str, tuple[str, Quota, float, int]] = {}
    for name, q in sorted(provider.unit_quotas.items()):
        counted = [u for o in provider.offerings if (u := quota_units(o, q)) > 0]
        if counted:
            least = min(counted)
            options[name] = (name, q, least, math.floor(quota_limit(q, elapsed) / least + EPS))
    chosen: dict[str, tuple[str, Quota, float, int]] = {}
    for o in provider.offerings:
        mine = [options[n] for n, q in sorted(provider.unit_quotas.items())
                if n in options and quota_units(o, q) > 0]
        if not mine:
            return None
        best = min(mine, key=lambda c: (c[3], c[0]))
        chosen[best[0]] = best
    # one quota that counts every offering may bound them all better than the sum
    whole = [c for n, c in options.items()
             if all(quota_units(o, provider.unit_quotas[n]) > 0 for o in provider.offerings)]
    single = min(whole, key=lambda c: (c[3], c[0]), default=None)
    if single is not None and single[3] <= sum(c[3] for c in chosen.values()):
        return [single]
    return [chosen[n] for n in sorted(chosen)]


def quota_units(offering: Offering, quota: Quota) -> float:
    """What one server of `offering` takes of `quota`, in its unit: vCPU, GB of RAM, GPUs
    or public IPv4 addresses (one unless the offering says otherwise); 0 when the quota
    counts another family."""
    if quota.family is not None and offering.family != quota.family:
        return 0.0
    if quota.unit == "vcpu":
        return offering.vcpu.value
    if quota.unit == "ram_gb":
        return offering.ram_gb.value
    if quota.unit == "gpu":
        return offering.gpu_count.value if offering.gpu_count else 0.0
    return offering.ipv4.value if offering.ipv4 else 1.0


def provider_quota(provider: Provider, quota: Quota, horizon_hours: int,
                   until: int | None = None) -> Curve:
    """Units of `quota` the provider's servers may take by hour t: nothing while t <=
    onboarding (no server runs), then the new-account limit, then the raised one from
    onboarding + raise_hours (quota_limit); nothing from `until`, when it refuses."""
    onboard = provider.onboarding_hours.value
    values = tuple(0.0 if t - onboard <= 0 else quota_limit(quota, t - onboard)
                   for t in range(horizon_hours + 1))
    return refused(Curve(values, tuple("onboarding" if t - onboard <= 0 else "quota"
                                       for t in range(horizon_hours + 1))), until)


def quota_servers(provider: Provider, offering: Offering, horizon_hours: int,
                  until: int | None = None) -> tuple[float, ...] | None:
    """Servers of `offering` alone that the provider's unit quotas allow by hour t (the
    least over its quotas of floor(limit / units per server)), none from `until`; None when
    no quota counts the offering."""
    out = None
    for quota in provider.unit_quotas.values():
        units = quota_units(offering, quota)
        if units <= 0:
            continue
        limit = provider_quota(provider, quota, horizon_hours, until).values
        servers = [math.floor(v / units + EPS) for v in limit]
        out = servers if out is None else [min(a, b) for a, b in zip(out, servers)]
    return None if out is None else tuple(float(v) for v in out)


def offering_servers(provider: Provider, offering: Offering, horizon_hours: int,
                     until: int | None = None) -> Curve | None:
    """Servers of one model deliverable by hour t; None when only the provider curve binds.

    cap(t) = 0 before onboarding + delivery_hours, then the stock (unbounded if not given),
    0 again from `until`, when the provider refuses.
    """
    if offering.delivery_hours is None and offering.stock is None:
        return None
    ready = provider.onboarding_hours.value + (offering.delivery_hours.value
                                               if offering.delivery_hours else 0.0)
    stock = offering.stock.value if offering.stock is not None else math.inf
    hours = horizon_hours + 1
    first = min(max(0, math.ceil(ready)), hours)  # the first whole hour t >= ready
    values = (0.0,) * first + (stock,) * (hours - first)
    binding = ("delivery",) * first + ("stock",) * (hours - first)
    return refused(Curve(values, binding), until)


def ingress_gb(onboarding_hours: float, gbps: float, horizon_hours: int,
               until: int | None = None) -> Curve:
    """GB that can arrive at a target during hour t: the line rate once hour t starts after
    onboarding (t - 1 >= onboarding), else nothing; nothing from `until`, when it refuses."""
    per_hour = gbps * GB_PER_HOUR_PER_GBPS
    ok = [t >= 1 and t - 1 >= onboarding_hours for t in range(horizon_hours + 1)]
    return refused(Curve(tuple(per_hour if o else 0.0 for o in ok),
                         tuple("data_copy" if o else "onboarding" for o in ok)), until)


def onto_hosts(ingress: Curve, servers: Curve) -> Curve:
    """`ingress` from the first hour a server can exist at the target (`servers` >= 1):
    data lands only on hosts, so nothing arrives before the first of them."""
    first = next((t for t, n in enumerate(servers.values) if n >= 1), len(servers.values))
    return Curve(tuple(v if t >= first else 0.0 for t, v in enumerate(ingress.values)),
                 tuple(b if t >= first else "onboarding" for t, b in enumerate(ingress.binding)))


def source_egress_gb(inventory: Inventory, horizon_hours: int) -> Curve:
    """GB that can leave the source during hour t: its egress rate until the data is no
    longer available (by default, the deadline), then nothing."""
    cutoff = inventory.source.data_available_hours
    cutoff = inventory.deadline_hours if cutoff is None else cutoff
    per_hour = inventory.source.egress_gbps * GB_PER_HOUR_PER_GBPS
    ok = [1 <= t <= cutoff for t in range(horizon_hours + 1)]
    return Curve(tuple(per_hour if o else 0.0 for o in ok),
                 tuple("source_egress" if o else "source_cutoff" for o in ok))


def service_start_hours(vendor: ServiceVendor, offering: ServiceOffering) -> float:
    """Hour the offering's capacity curves start: onboarding, then its lead time."""
    lead = offering.lead_hours.value if offering.lead_hours else 0.0
    return vendor.onboarding_hours.value + lead


def object_storage_ingest_gb(vendor: ServiceVendor, offering: ServiceOffering,
                             horizon_hours: int, until: int | None = None) -> Curve:
    """GB an object-storage offering can ingest during hour t (its ingest_gbps curve),
    nothing from `until`, when the vendor refuses."""
    start = service_start_hours(vendor, offering)
    series = offering.capacity.get("ingest_gbps")
    values, binding = [], []
    for t in range(horizon_hours + 1):
        if t < 1 or t - 1 < start:
            values.append(0.0)
            binding.append("onboarding")
        else:
            gbps = series.at(t - 1 - start) if series else math.inf
            values.append(gbps * GB_PER_HOUR_PER_GBPS)
            binding.append("capacity")
    return refused(Curve(tuple(values), tuple(binding)), until)


def _demand_measures(kind: str, demand) -> dict[str, float]:
    if isinstance(demand, SmsDemand):
        return {"messages_per_second": demand.messages_per_second,
                "messages_per_day": demand.messages_per_day}
    if isinstance(demand, EmailDemand):
        return {"messages_per_day": demand.messages_per_day}
    if isinstance(demand, DnsDemand):
        return {"zones": float(len(demand.zones))}
    raise ValueError(f"no measures for {kind}")


def tightest_measure(kind: str, offering: ServiceOffering, demand, hours_since_start: float
                     ) -> tuple[str, float, float] | None:
    """The measure that caps service_share at `hours_since_start` hours after the
    offering's start: (measure, capacity, needed), or None when no measure is below the
    demand."""
    tight = None
    for measure, needed in _demand_measures(kind, demand).items():
        series = offering.capacity.get(measure)
        if series is None or needed <= 0:
            continue
        have = series.at(hours_since_start)
        if have < needed and (tight is None or have / needed < tight[1] / tight[2]):
            tight = (measure, have, needed)
    return tight


def service_misfit(vendor: ServiceVendor, offering: ServiceOffering, demand) -> str | None:
    """Why an offering cannot serve a demand at all, or None when it fits."""
    if isinstance(demand, SmsDemand) and offering.countries is not None:
        missing = sorted(set(demand.countries) - set(offering.countries))
        if missing:
            return f"does not deliver to {', '.join(missing)}"
    if isinstance(demand, DnsDemand) and "records_per_zone" in offering.capacity:
        limit = max(offering.capacity["records_per_zone"].values)
        if limit < demand.records_per_zone:
            return f"allows {limit:g} records per zone, the largest zone has " \
                   f"{demand.records_per_zone}"
    return None


def dns_reach(demand: DnsDemand, resolvers: dict, hours_since: float) -> float:
    """Share of users whose resolvers see a delegation published `hours_since` hours ago:
    sum_k share_k min(1, hours_since / TTL_k), TTL_k the NS TTL resolver class k keeps
    (the parent's or the child's, at most its cache cap), users of no stated class honouring
    the child's TTL. A cached delegation was fetched at an even spread of times over its
    TTL, so it expires evenly over the next TTL (Moura et al., IMC 2019, measure resolvers
    holding NS records for their TTL, capped by their own maximum)."""
    if hours_since < 0:
        return 0.0

    def adopted(ttl_seconds: float) -> float:
        return 1.0 if ttl_seconds <= 0 else min(1.0, hours_since * 3600 / ttl_seconds)

    reach, rest = 0.0, 1.0
    for r in resolvers.values():
        ttl = demand.parent_ttl if r.parent_centric else demand.current_ns_ttl_seconds
        if r.max_ttl_seconds is not None:
            ttl = min(ttl, r.max_ttl_seconds.value)
        reach += r.share.value * adopted(ttl)
        rest -= r.share.value
    return min(1.0, reach + max(0.0, rest) * adopted(demand.current_ns_ttl_seconds))


def service_share(kind: str, vendor: ServiceVendor, offering: ServiceOffering, demand,
                  horizon_hours: int, resolvers: dict | None = None,
                  not_before: float = 0.0, until: int | None = None) -> Curve:
    """Largest share (0..1) of a service demand an offering can carry by hour t.

    share(t) = min(1, min over measures m of capacity_m(t - start) / demand_m), 0 before the
    start (onboarding + lead time). For DNS it is the share of users whose resolvers see
    the new delegation, published at the start: dns_reach(t - start) with the catalog's
    `resolvers` (binding dns_ttl until it is whole); not before the registrar can change the
    name servers (`not_before`); 0 from `until`, when the vendor refuses.
    """
    start = service_start_hours(vendor, offering)
    if isinstance(demand, DnsDemand):
        start = max(start, not_before)
    measures = _demand_measures(kind, demand)
    lead_code = {"sms": "registration", "email": "warm_up", "dns": "dns_ttl"}[kind]
    values, binding = [], []
    for t in range(horizon_hours + 1):
        if t < vendor.onboarding_hours.value or t < 1:
            values.append(0.0)
            binding.append("onboarding")
            continue
        if t < start:
            values.append(0.0)
            binding.append("registration" if kind == "sms" else "onboarding")
            continue
        share = 1.0
        if isinstance(demand, DnsDemand):
            share = dns_reach(demand, resolvers or {}, t - start)
        for measure, needed in measures.items():
            series = offering.capacity.get(measure)
            if series is not None:
                share = min(share, series.at(t - start) / needed)
        values.append(max(0.0, share))
        binding.append(lead_code if kind in ("email", "dns") and share < 1 else "capacity")
    return refused(Curve(tuple(values), tuple(binding)), until)
