"""Where the cost table's lines beyond servers and services come from (issue 20): the
support plans bought, users' traffic beyond what providers include, and public IPv4
billed apart, each with its quantities, the catalog's price and that price's source
(domain/bill.py computes them; here they are put in words)."""

from __future__ import annotations

from planner.domain.bill import priced_traffic, support_costs, target_traffic
from planner.models.plan import Plan
from planner.report.filters import num


def cite(fact) -> str:
    """A fact's provenance in a few words: its source, its date, and whether estimated."""
    return (f"{fact.source or 'no source'}, {fact.as_of or 'undated'}"
            f"{', estimate' if fact.estimate else ''}")


def bill_context(plan: Plan, views) -> dict:
    return {"support_lines": support_lines(plan), "ipv4_lines": ipv4_lines(views),
            **egress_context(plan)}


def support_lines(plan: Plan) -> list[str]:
    """Each support plan bought, its price at the month's spend there, and its source."""
    out = []
    for s in support_costs(plan.catalog, plan.inventory.policy.buy_support, plan.schedule,
                           plan.horizon_hours):
        provider = plan.catalog.provider(s.provider)
        support = provider.support
        fact = support.minimum_per_month
        how = (f"the greater of {num(fact.value)} or {support.percent_of_spend.value:g}% of "
               f"{num(s.spend)} spent there" if support.percent_of_spend else "a fixed price")
        out.append(f"{s.provider}: {support.name}, {num(s.cost)} {provider.currency} a month "
                   f"({how}; {cite(fact)})")
    return out


def egress_context(plan: Plan) -> dict:
    """Per provider, the traffic its servers send, the overage and the price's source; and
    the providers used whose included traffic the catalog does not state (their traffic is
    not in the line)."""
    if not priced_traffic(plan.inventory.groups):
        return {"egress_lines": [], "egress_unpriced": []}
    traffic = target_traffic(plan.catalog, plan.inventory.groups, plan.schedule,
                             plan.horizon_hours)
    lines = []
    for t in traffic:
        provider = plan.catalog.provider(t.provider)
        fact = provider.egress_price_per_gb
        lines.append(f"{t.provider}: {num(t.traffic_gb / 1000)} TB a month sent, "
                     f"{num((t.traffic_gb - t.overage_gb) / 1000)} TB of it included, "
                     f"{num(t.overage_gb)} GB x {fact.value:g} {provider.currency} "
                     f"({cite(fact)})")
    unpriced = sorted({r.provider for r in plan.schedule
                       if r.up_by_hour[plan.horizon_hours] > 0} - {t.provider for t in traffic})
    return {"egress_lines": lines, "egress_unpriced": unpriced}


def ipv4_lines(views) -> list[str]:
    """Per provider that bills addresses apart, the addresses its servers take, the
    catalog's price and that price's source."""
    out = []
    for v in views:
        fact = v.provider.ipv4_price_per_month
        if fact is None:
            continue
        addresses = sum(r.count * (r.offering.ipv4.value if r.offering.ipv4 else 1)
                        for r in v.rows)
        out.append(f"{v.provider.id}: {num(addresses)} addresses x {fact.value:g} "
                   f"{v.provider.currency} a month ({cite(fact)})")
    return out
