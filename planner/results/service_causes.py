"""Why an SMS, email, DNS or object-storage demand is short at the deadline: each
offering's lead (onboarding, then registration or another lead time, then for DNS the old
delegation's TTL) and the measure that caps its share; for object storage, the source's
egress or cut-off against the vendors' ingest. Each names its numbers."""

from __future__ import annotations

import math

from planner.domain.curves import (
    EPS,
    service_misfit,
    service_start_hours,
    tightest_measure,
)
from planner.formulation.instance import Instance, ServiceCandidate
from planner.models.plan import Cause, Costs, ServiceRow
from planner.results.budget_causes import (
    budgets_set,
    egress_price,
    over_budget,
    share_costs,
    to_plan,
)
from planner.results.server_causes import count_cause, excluded_fits
from planner.results.solved import (
    GB_TOL,
    TOL,
    SolvedRows,
    first_hour,
    hours_span,
    last_source_hour,
    percent,
)

LEAD_NAME = {"sms": "registration", "email": "lead time", "dns": "lead time"}


def service_causes(inst: Instance, kind: str, services: list[ServiceRow], costs: Costs,
                   used: dict[str, set[str]]) -> list[Cause]:
    """The cap on vendors used when it keeps one out, then each offering that cannot carry
    all of the demand at the deadline, then what keeps an offering that could carry more
    from carrying it (the budget); with no offering at all, the exclusions or misfits."""
    candidates = [sc for sc in inst.service_candidates if sc.kind == kind]
    if not candidates:
        return _none_eligible(inst, kind)
    D = inst.deadline_hours
    capped = count_cause(inst, used, kind, sorted({sc.vendor for sc in candidates}))
    causes = [capped] if capped else []
    causes += [c for sc in candidates if (c := _offering_cause(inst, sc))]
    carried = {(r.vendor, r.offering): r.share_by_hour[D] for r in services if r.kind == kind}
    served = sum(carried.values())
    able = [sc for sc in candidates
            if sc.share.values[D] > carried.get((sc.vendor, sc.offering), 0.0) + TOL
            and (not capped or sc.vendor in used.get(kind, ()))]
    if able:  # an offering could carry more than it does
        causes += _service_budget(inst, kind, able, 1 - served, costs, used) or [
            Cause(code="capacity", detail=(
                f"{', '.join(f'{sc.vendor}/{sc.offering}' for sc in able)} could carry more "
                f"at hour {D} than {percent(served)} carried, and no limit of the plan holds "
                f"it back (a plan not proven optimal can leave it unused)"))]
    return causes


def _service_budget(inst: Instance, kind: str, able: list[ServiceCandidate], missing: float,
                    costs: Costs, used: dict[str, set[str]]) -> list[Cause]:
    """The budgets that carrying the share missing at the deadline on the cheapest offering
    that could carry more would exceed."""
    if not budgets_set(inst):
        return []
    D = inst.deadline_hours
    prices = [share_costs(inst, sc, min(missing, sc.share.values[D]),
                          sc.vendor in used.get(kind, ())) for sc in able]
    return over_budget(
        inst, costs, f"carrying the {percent(missing)} of {kind} missing at hour {D}",
        (min(one_time for one_time, _ in prices), "a setup fee"),
        (min(monthly for _, monthly in prices), "the price per unit, with the monthly fee "
                                                "of an offering not yet used"))


def _none_eligible(inst: Instance, kind: str) -> list[Cause]:
    demand = getattr(inst.inventory.services, kind)
    left_out = excluded_fits(inst, inst.catalog.services, lambda entry: [
        o.id for o in entry.offerings
        if entry.kind == kind and service_misfit(entry, o, demand) is None])
    if left_out:
        return [Cause(code=code, detail=f"only vendors that may not be used offer {kind} "
                      f"that fits: {'; '.join(texts)}") for code, texts in left_out.items()]
    misfits = inst.service_misfits.get(kind, [])
    detail = "; ".join(misfits[:6]) or f"no eligible {kind} vendor in the catalog"
    return [Cause(code="no_fit", detail=detail)]


def _offering_cause(inst: Instance, sc: ServiceCandidate) -> Cause | None:
    """What one offering can carry at the deadline and later, with the lead or measure
    that limits it. Email's share below 1 is its warm-up while it still grows; a share that
    grows no more is the offering's capacity."""
    D, share = inst.deadline_hours, sc.share
    now = share.values[D]
    if now >= 1 - TOL:
        return None
    vendor = inst.vendors[sc.vendor]
    offering = inst.service_offering(sc.vendor, sc.offering)
    demand = getattr(inst.inventory.services, sc.kind)
    start = service_start_hours(vendor, offering)
    if now <= 0:
        first = first_hour(share)
        parts = [f"{_lead(inst, sc)}: nothing before hour {first}" if first is not None else
                 f"{_lead(inst, sc)}: nothing within the {inst.horizon_hours} hours planned "
                 f"(from hour {_start_hour(inst, sc)})"]
    else:
        parts = [f"carries at most {percent(now)} at hour {D}"
                 f"{_measure(sc.kind, offering, demand, D - start)}"]
        if sc.kind == "dns":  # what holds it back: resolvers' caches, not capacity
            parts = [f"{_lead(inst, sc)}: {percent(now)} of users see it at hour {D}"]
    full, best = first_hour(share, at_least=1 - TOL), max(share.values)
    if full is not None:
        parts.append(f"all of it from hour {full}")
    elif best > now + TOL:
        parts.append(f"at most {percent(best)} within the horizon"
                     f"{_measure(sc.kind, offering, demand, inst.horizon_hours - start)}")
    elif now > 0:
        parts.append("no more within the horizon")
    code = share.binding[D]
    if code == "warm_up" and full is None and best <= now + TOL:
        code = "capacity"
    return Cause(code=code, provider=sc.vendor,
                 detail=f"{sc.vendor}/{sc.offering}: " + "; ".join(parts))


def _lead(inst: Instance, sc: ServiceCandidate) -> str:
    """The hours before an offering carries anything: onboarding, then its lead time
    (registration, for SMS), then for DNS resolvers' caches of the old delegation."""
    vendor = inst.vendors[sc.vendor]
    offering = inst.service_offering(sc.vendor, sc.offering)
    steps = [f"onboarding {vendor.onboarding_hours.value:g} h"]
    if offering.lead_hours and offering.lead_hours.value:
        steps.append(f"{LEAD_NAME[sc.kind]} {offering.lead_hours.value:g} h")
    if sc.kind == "dns":
        dns = inst.inventory.services.dns
        ttl = max(dns.current_ns_ttl_seconds, dns.parent_ttl) / 3600
        steps.append(f"resolvers drop the old delegation as it expires (NS TTL up to {ttl:g} h)")
    return ", then ".join(steps)


def _start_hour(inst: Instance, sc: ServiceCandidate) -> int:
    """The first hour an offering carries anything, as service_share counts it (also
    past the horizon)."""
    start = service_start_hours(inst.vendors[sc.vendor],
                                inst.service_offering(sc.vendor, sc.offering))
    return max(1, math.ceil(start - EPS))


def _measure(kind: str, offering, demand, hours_since_start: float) -> str:
    """' (capacity of needed <unit>)' for the measure that caps the share then, or ''."""
    tight = tightest_measure(kind, offering, demand, hours_since_start)
    if tight is None:
        return ""
    measure, have, needed = tight
    unit = measure.replace("_per_", " a ").replace("_", " ")
    return f" ({have:,.0f} of {needed:,.0f} {unit})"


def storage_causes(inst: Instance, rows: SolvedRows, costs: Costs,
                   used: dict[str, set[str]]) -> list[Cause]:
    """Objects not copied by the deadline, by the rows of the model: every GB leaves the
    source within its egress (shared with the servers' data) while its data is readable
    (source_egress), and arrives within a vendor's ingest (object_storage_ingest), in the
    same hour."""
    if not inst.storage_vendors:
        return _none_eligible(inst, "object_storage")
    capped = count_cause(inst, used, "object_storage", inst.storage_vendors)
    causes = _objects_not_copied(inst, rows, costs, used)
    if capped:  # the cap is what leaves room unused
        return [capped] + [c for c in causes if c.code != "capacity"]
    return causes


def _objects_not_copied(inst: Instance, rows: SolvedRows, costs: Costs,
                        used: dict[str, set[str]]) -> list[Cause]:
    D = inst.deadline_hours
    stored_gb = inst.inventory.services.object_storage.stored_tb * 1000
    copied_gb = sum(rows.objects_by_hour)
    missing_gb = stored_gb - copied_gb
    vendors = inst.storage_vendors
    hours = [t for t in range(1, D + 1) if inst.egress.values[t] > 0
             and any(inst.storage_ingest[v].values[t] > 0 for v in vendors)]
    if not hours:
        return [_no_hour_for_objects(inst)]
    egress_left = [max(0.0, inst.egress.values[t] - rows.moved_by_hour[t]) for t in hours]
    ingest_left = [sum(max(0.0, inst.storage_ingest[v].values[t]
                           - rows.into.get(v, [0.0] * (D + 1))[t]) for v in vendors)
                   for t in hours]
    reachable_gb = sum(map(min, egress_left, ingest_left))
    missing = f"{missing_gb:,.0f} of {stored_gb:,.0f} GB of objects not copied by hour {D}"
    if reachable_gb >= missing_gb - GB_TOL:
        could = f"{reachable_gb:,.0f} GB more could still reach object storage in " \
            f"{hours_span(hours)}"
        return _objects_budget(inst, missing_gb, costs, used) or [Cause(
            code="capacity", detail=f"{missing}, {could}, and no limit of the plan holds it "
                                    f"back (a plan not proven optimal can leave it unused)")]
    if sum(egress_left) > sum(ingest_left):
        return [_ingest_for_objects(inst, hours, sum(ingest_left), missing)]
    return [_source_for_objects(inst, rows, copied_gb, missing)]


def _objects_budget(inst: Instance, missing_gb: float, costs: Costs,
                    used: dict[str, set[str]]) -> list[Cause]:
    """The budgets that copying the missing objects to the cheapest object store would
    exceed: the source's egress and a setup fee (one-time), the store's price per TB and
    a monthly fee (monthly); a fee only at a store not yet used."""
    if not budgets_set(inst):
        return []
    prices = []
    for v in inst.storage_vendors:
        offering, currency = inst.vendors[v].offerings[0], inst.vendors[v].currency
        fees = v not in used.get("object_storage", ())
        prices.append((
            egress_price(inst) * missing_gb
            + (to_plan(inst, offering.setup_fee, currency) if fees else 0.0),
            to_plan(inst, offering.price_per_unit, currency) / 1000 * missing_gb
            + (to_plan(inst, offering.price_per_month, currency) if fees else 0.0)))
    return over_budget(
        inst, costs, f"copying the {missing_gb:,.0f} GB of objects missing at hour "
                     f"{inst.deadline_hours}",
        (min(one_time for one_time, _ in prices), "source egress, with the setup fee of a "
                                                  "store not yet used"),
        (min(monthly for _, monthly in prices), "the price per TB stored, with the monthly "
                                                "fee of a store not yet used"))


def _source_for_objects(inst: Instance, rows: SolvedRows, copied_gb: float, missing: str
                        ) -> Cause:
    D, readable = inst.deadline_hours, last_source_hour(inst)
    cutoff = inst.inventory.source.data_available_hours is not None and readable < D
    total = sum(inst.egress.values[1: min(readable, D) + 1])
    servers_gb = sum(rows.moved_by_hour) - copied_gb
    spent = (f"{total:,.0f} GB can leave by {'then' if cutoff else f'hour {D}'}: "
             f"{copied_gb:,.0f} GB of objects and {servers_gb:,.0f} GB of servers' data left; "
             f"{missing}")
    if cutoff:
        return Cause(code="source_cutoff", detail=f"the source's data can be read until hour "
                     f"{readable}: {spent}")
    return Cause(code="source_egress", detail=f"source egress of "
                 f"{inst.inventory.source.egress_gbps:g} Gbit/s: {spent}")


def _no_hour_for_objects(inst: Instance) -> Cause:
    readable = last_source_hour(inst)
    first = min((t for v in inst.storage_vendors
                 if (t := first_hour(inst.storage_ingest[v])) is not None), default=None)
    opens = f"from hour {first}" if first is not None else "not within the horizon"
    return Cause(code="source_cutoff", detail=(
        f"no hour before {inst.deadline_hours} when both the source and an object store can "
        f"move data: the source's data can be read until hour {readable}, object storage "
        f"takes data {opens}"))


def _ingest_for_objects(inst: Instance, hours: list[int], left_gb: float, missing: str
                        ) -> Cause:
    """The object stores' ingest: those that take data before the deadline by their rate,
    the others by the hour they start."""
    vendors = inst.storage_vendors
    ready = [v for v in vendors if any(inst.storage_ingest[v].values[t] > 0 for t in hours)]
    late = [f"{v} from hour {first}" if (first := first_hour(inst.storage_ingest[v])) else
            f"{v} not within the horizon" for v in vendors if v not in ready]
    ingest = ", ".join(f"{v} {_gbps(inst, v):g} Gbit/s" for v in ready) \
        + (f"; {', '.join(late)}" if late else "")
    return Cause(code="data_copy", provider=ready[0] if len(ready) == 1 else None, detail=(
        f"object storage ingest ({ingest}) has {left_gb:,.0f} GB left in {hours_span(hours)}; "
        f"{missing}"))


def _gbps(inst: Instance, vendor: str) -> float:
    series = inst.vendors[vendor].offerings[0].capacity.get("ingest_gbps")
    return max(series.values) if series else float("inf")
