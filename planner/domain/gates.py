"""The two vendors every user-facing request passes through besides DNS: the edge (DDoS
protection and CDN in front of the site) and the registrar (who holds the domains and
changes their name servers). Neither trades anything with the rest of the plan but time and
a little money, so each is chosen by rule, the same in the model, the verifier and the
runbook: the one that serves soonest, then the least likely to refuse (in an exit forced
by a refusal, a few dollars a month do not outweigh it), then the cheapest; with the next
one of another organization as the fallback."""

from __future__ import annotations

import math

from planner.domain.curves import service_start_hours
from planner.domain.eligibility import exclusion_reason
from planner.models.catalog import Catalog, ServiceVendor
from planner.models.inventory import Inventory
from planner.models.plan import VendorChoice


def _options(inventory: Inventory, catalog: Catalog, kind: str, needed: int):
    """(ready hour, monthly USD, refusal risk, vendor, offering) of each eligible offering
    of `kind` that can hold `needed` zones or domains, best first."""
    measure = "zones" if kind == "edge" else "domains"
    out = []
    for vendor in catalog.services:
        if vendor.kind != kind or exclusion_reason(vendor, inventory) is not None:
            continue
        rate = catalog.usd_per(vendor.currency)
        for offering in vendor.offerings:
            series = offering.capacity.get(measure)
            if series is not None and max(series.values) < needed:
                continue
            monthly = (offering.price_per_month.value if offering.price_per_month else 0.0)
            out.append((math.ceil(service_start_hours(vendor, offering) - 1e-9),
                        monthly * rate, vendor.refusal_risk.value, vendor, offering))
    return sorted(out, key=lambda o: (o[0], o[2], o[1], o[3].id, o[4].id))


def _choice(kind: str, option, fallback, inventory: Inventory, catalog: Catalog,
            keep: bool = False) -> VendorChoice:
    ready, _, risk, vendor, offering = option
    cur = catalog.usd_per(inventory.currency)
    monthly = offering.price_per_month.value if offering.price_per_month else 0.0
    setup = offering.setup_fee.value if offering.setup_fee else 0.0
    rate = catalog.usd_per(vendor.currency) / cur
    return VendorChoice(
        kind=kind, vendor=vendor.id, offering=offering.id, keep=keep, ready_hour=ready,
        refusal_risk=risk, monthly_cost=round(monthly * rate, 6),
        one_time_cost=round(setup * rate, 6), **_fallback(fallback))


def _fallback(option) -> dict:
    if option is None:
        return {}
    ready, _, risk, vendor, offering = option
    return dict(fallback=vendor.id, fallback_offering=offering.id, fallback_ready_hour=ready,
                fallback_refusal_risk=risk)


def _next(options, chosen: ServiceVendor | None):
    """The best option of another organization than `chosen`'s (it may refuse too)."""
    org = (chosen.organization or chosen.id) if chosen is not None else None
    return next((o for o in options if (o[3].organization or o[3].id) != org), None)


def edge_choice(inventory: Inventory, catalog: Catalog) -> VendorChoice | None:
    """The edge in front of the user-facing groups, when the inventory states one; an edge
    with no eligible vendor is a choice of none (ready never)."""
    demand = inventory.services.edge
    if demand is None:
        return None
    options = _options(inventory, catalog, "edge", len(demand.zones))
    if not options:
        return VendorChoice(kind="edge", vendor="", keep=False, ready_hour=None)
    return _choice("edge", options[0], _next(options, options[0][3]), inventory, catalog)


def registrar_choice(inventory: Inventory, catalog: Catalog) -> VendorChoice | None:
    """Keep the domains at the current registrar from hour 0 (its risk from the catalog,
    or unknown for one it does not know), unless the policy excludes it: then move them to
    the registrar that holds them soonest (its account, then the transfer's lead time)."""
    demand = inventory.services.registrar
    if demand is None:
        return None
    options = _options(inventory, catalog, "registrar", len(demand.domains))
    current = catalog.vendor(demand.current) if demand.current else None
    if current is not None and current.kind != "registrar":
        current = None
    barred = current is not None and exclusion_reason(current, inventory) is not None
    if not barred:
        if current is not None:
            offering = current.offerings[0]
            kept = (0, 0.0, current.refusal_risk.value, current, offering)
            return _choice("registrar", kept, _next(options, current), inventory, catalog,
                           keep=True).model_copy(update={"monthly_cost": 0.0,
                                                         "one_time_cost": 0.0})
        return VendorChoice(kind="registrar", vendor=demand.current or "", keep=True,
                            ready_hour=0, refusal_risk=None, **_fallback(_next(options, None)))
    if not options:
        return VendorChoice(kind="registrar", vendor="", keep=False, ready_hour=None)
    return _choice("registrar", options[0], _next(options, options[0][3]), inventory, catalog)


def open_by_hour(choice: VendorChoice | None, hours: int) -> list[float]:
    """1 from the hour the vendor serves (every hour without such a vendor), else 0."""
    if choice is None:
        return [1.0] * hours
    ready = choice.ready_hour
    return [1.0 if ready is not None and t >= ready else 0.0 for t in range(hours)]


def gate_costs(edge: VendorChoice | None,
               registrar: VendorChoice | None) -> tuple[dict[str, float], dict[str, float]]:
    """(one-time, monthly) bill lines of the edge and the registrar, in the plan currency:
    keys only for those the inventory states, so plans without them read the same."""
    chosen = [c for c in (edge, registrar) if c is not None]
    if not chosen:
        return {}, {}
    return ({"edge_and_registrar": sum(c.one_time_cost for c in chosen)},
            {c.kind: c.monthly_cost for c in chosen})


def registrar_hour(registrar: VendorChoice | None) -> float:
    """The hour from which the name servers can be changed: the registrar's (0 without a
    registrar demand: the delegation is taken as changeable at once)."""
    if registrar is None:
        return 0.0
    return math.inf if registrar.ready_hour is None else float(registrar.ready_hour)
