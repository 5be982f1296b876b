"""Cost recomputation for the verifier: a Plan's costs from its rows and the catalog alone.

Kept apart from the checks in planner/verify/ so the arithmetic reads on its own. Pure; no solver.
All amounts are in the inventory currency: a price in currency C becomes
`price * usd_per(C) / usd_per(inventory.currency)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain import curves, gates
from planner.domain.bill import (
    buys_support,
    egress_cost,
    ipv4_monthly,
    priced_traffic,
    support_costs,
    target_traffic,
)
from planner.domain.refusal import kept_gb, refusal_hour, setup_hosts
from planner.domain.usage import all_used, providers_by_kind
from planner.models.base import Fact
from planner.models.plan import Plan


class MissingRate(ValueError):
    """A currency in use has no rate in the catalog's `currencies` table."""


@dataclass(frozen=True)
class CostFigures:
    """Costs as the verifier recomputes them, in the inventory currency."""

    currency: str
    one_time: dict[str, float] = field(default_factory=dict)
    monthly: dict[str, float] = field(default_factory=dict)

    @property
    def one_time_total(self) -> float:
        return sum(self.one_time.values())

    @property
    def monthly_total(self) -> float:
        return sum(self.monthly.values())

    @property
    def hourly_run_rate(self) -> float:
        return self.monthly_total / curves.HOURS_PER_MONTH


def _rate(plan: Plan, currency: str) -> float:
    catalog = plan.catalog
    if currency != "USD" and currency not in catalog.currencies:
        raise MissingRate(f"currency {currency} has no rate in the catalog")
    return catalog.usd_per(currency)


def price(plan: Plan, fact: Fact | None, currency: str) -> float:
    """A catalog price (None counts as 0) converted to the inventory currency."""
    if fact is None:
        return 0.0
    return fact.value * _rate(plan, currency) / _rate(plan, plan.inventory.currency)


def storage_gb_by_vendor(plan: Plan) -> dict[str, float]:
    """Total GB copied into each object-storage target over all hours."""
    totals: dict[str, float] = {}
    for row in plan.copies:
        if row.demand == "object_storage":
            totals[row.target] = totals.get(row.target, 0.0) + sum(row.gb_by_hour)
    return totals


def storage_gb_held(plan: Plan) -> dict[str, float]:
    """GB each object-storage target holds at the horizon: what was copied there, none
    where it refused within the hours planned (domain/refusal.kept_gb)."""
    H, held = plan.horizon_hours, {}
    for row in plan.copies:
        vendor = plan.catalog.vendor(row.target)
        if row.demand == "object_storage" and vendor is not None:
            hour = refusal_hour(plan.inventory, vendor)
            held[row.target] = held.get(row.target, 0.0) + kept_gb(row.gb_by_hour, hour)[H]
    return held


def service_volume(plan: Plan, kind: str) -> float:
    """Units a month of a service demand: messages (sms, email) or zones (dns)."""
    demand = getattr(plan.inventory.services, kind, None)
    if demand is None:
        return 0.0
    if kind == "dns":
        return float(len(demand.zones))
    return demand.messages_per_day * curves.DAYS_PER_MONTH


def recompute_costs(plan: Plan) -> CostFigures:
    """One-time and monthly costs of a Plan, from its rows and the embedded catalog.

    Rows naming an unknown provider, offering or vendor add nothing (the `fit` and
    `service_share` checks report them). Raises MissingRate when a price cannot be converted.
    """
    H = plan.horizon_hours
    catalog = plan.catalog
    setup_fees = servers = ipv4 = 0.0
    priced_ipv4 = False
    for row in plan.schedule:
        provider = catalog.provider(row.provider)
        offering = provider and next((o for o in provider.offerings if o.id == row.offering), None)
        if offering is None or len(row.up_by_hour) <= H:
            continue
        n = row.hosts[H]  # billed per host (several servers may share one: per_host)
        made = setup_hosts(row.hosts, refusal_hour(plan.inventory, provider))  # paid once
        setup_fees += made * price(plan, offering.setup_fee, provider.currency)
        servers += n * price(plan, offering.price_per_month, provider.currency)
        priced_ipv4 |= provider.ipv4_price_per_month is not None and n > 0
        ipv4 += n * ipv4_monthly(provider, offering) * _rate(plan, provider.currency) \
            / _rate(plan, plan.inventory.currency)

    total_gb = sum(sum(row.gb_by_hour) for row in plan.copies)
    source = catalog.provider(plan.inventory.source.provider)
    egress = (egress_cost(source, total_gb) * _rate(plan, source.currency)
              / _rate(plan, plan.inventory.currency)) if source else 0.0

    service_setup = services = 0.0
    for row in plan.services:
        vendor = catalog.vendor(row.vendor)
        offering = vendor and next((o for o in vendor.offerings if o.id == row.offering), None)
        if offering is None or not row.share_by_hour or max(row.share_by_hour) <= 0:
            continue
        service_setup += price(plan, offering.setup_fee, vendor.currency)
        share_h = row.share_by_hour[H] if len(row.share_by_hour) > H else 0.0
        services += price(plan, offering.price_per_month, vendor.currency)
        services += (price(plan, offering.price_per_unit, vendor.currency)
                     * service_volume(plan, row.kind) * share_h)
    held = storage_gb_held(plan)
    for vendor_id, gb in sorted(storage_gb_by_vendor(plan).items()):
        vendor = catalog.vendor(vendor_id)
        if vendor is None or gb <= 0:
            continue
        offering = vendor.offerings[0]
        service_setup += price(plan, offering.setup_fee, vendor.currency)
        services += price(plan, offering.price_per_month, vendor.currency)
        services += price(plan, offering.price_per_unit, vendor.currency) \
            * held.get(vendor_id, 0.0) / 1000

    gate_once, gate_monthly = gates.gate_costs(gates.edge_choice(plan.inventory, catalog),
                                               gates.registrar_choice(plan.inventory, catalog))
    return CostFigures(
        currency=plan.inventory.currency,
        one_time={"setup_fees": setup_fees, "source_egress": egress,
                  "service_setup": service_setup, **gate_once},
        monthly={"servers": servers, "services": services, **gate_monthly,
                 **({"ipv4": ipv4} if priced_ipv4 else {}), **_support(plan), **_traffic(plan),
                 **_overhead(plan)},
    )


def _support(plan: Plan) -> dict[str, float]:
    """The support plans bought at the providers used, when the policy buys support."""
    if not buys_support(plan.catalog, plan.inventory.policy.buy_support):
        return {}
    return {"support": sum(
        s.cost * _rate(plan, plan.catalog.provider(s.provider).currency)
        / _rate(plan, plan.inventory.currency)
        for s in support_costs(plan.catalog, True, plan.schedule, plan.horizon_hours))}


def _traffic(plan: Plan) -> dict[str, float]:
    """Users' traffic beyond what the providers include, when the inventory states it."""
    if not priced_traffic(plan.inventory.groups):
        return {}
    total = 0.0
    for t in target_traffic(plan.catalog, plan.inventory.groups, plan.schedule,
                            plan.horizon_hours):
        provider = plan.catalog.provider(t.provider)
        total += price(plan, provider.egress_price_per_gb, provider.currency) * t.overage_gb
    return {"target_egress": total}


def _overhead(plan: Plan) -> dict[str, float]:
    """The policy's overhead for each provider or vendor the rows use, when it sets one."""
    per_provider = plan.inventory.policy.provider_overhead_per_month
    if per_provider <= 0:
        return {}
    used = all_used(providers_by_kind(plan.schedule, plan.services, plan.copies,
                                      plan.horizon_hours))
    return {"provider_overhead": per_provider * len(used)}
