"""The bill's rules beyond a server's price (issue 20): public IPv4 billed apart, the
source's egress step by step, users' traffic beyond what a provider includes, and the
support plans bought. Prices in the provider's currency; read by the model's cost
(formulation/objectives), the plan's costs (results/assemble), the greedy baseline and the
verifier alike, so the rule is written once."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.models.catalog import Catalog, Provider
from planner.models.groups import WorkloadGroup
from planner.models.provider_facts import Offering, SupportPlan


def ipv4_monthly(provider: Provider, offering: Offering) -> float:
    """What one server of `offering` pays a month for its public IPv4 addresses (0 where
    they come with the server)."""
    if provider.ipv4_price_per_month is None:
        return 0.0
    return provider.ipv4_price_per_month.value * (offering.ipv4.value if offering.ipv4
                                                  else 1.0)


def egress_steps(provider: Provider) -> list[tuple[float, float]]:
    """(GB in the step, price per GB), in order; the last step unbounded (inf). One step at
    egress_price_per_gb without tiers; none without a price."""
    if provider.egress_tiers:
        out, below = [], 0.0
        for tier in provider.egress_tiers:
            top = math.inf if tier.up_to_tb is None else 1000 * tier.up_to_tb
            out.append((top - below, tier.price_per_gb.value))
            below = top
        if below < math.inf:  # beyond the last stated step: its price goes on
            out.append((math.inf, out[-1][1]))
        return out
    if provider.egress_price_per_gb is None:
        return []
    return [(math.inf, provider.egress_price_per_gb.value)]


def egress_cost(provider: Provider, gb: float) -> float:
    """What `gb` leaving the provider in a month cost, step by step."""
    total, left = 0.0, gb
    for size, each in egress_steps(provider):
        taken = min(left, size)
        total += taken * each
        left -= taken
        if left <= 0:
            break
    return total


def prices_traffic(provider: Provider) -> bool:
    """Whether users' traffic out of it can be priced: an egress price and what is
    included are stated."""
    return provider.egress_price_per_gb is not None and (
        provider.included_traffic_tb_per_server is not None
        or provider.included_traffic_tb_per_account is not None)


def traffic_overage_gb(provider: Provider, traffic_gb: float, servers: float) -> float:
    """GB a month billed beyond what `servers` servers and the account include."""
    per_server = provider.included_traffic_tb_per_server
    account = provider.included_traffic_tb_per_account
    included = 1000 * ((per_server.value * servers if per_server else 0.0)
                       + (account.value if account and servers > 0 else 0.0))
    return max(0.0, traffic_gb - included)


def support_monthly(plan: SupportPlan, spend: float) -> float:
    """What a support plan costs in a month with `spend` at its provider."""
    share = plan.percent_of_spend.value / 100 if plan.percent_of_spend else 0.0
    return max(plan.minimum_per_month.value, share * spend)


@dataclass(frozen=True)
class Traffic:
    provider: str
    traffic_gb: float   # a month, from the groups' egress_tb_per_month, share by servers
    servers: float      # up at the horizon
    overage_gb: float   # billed beyond what the servers and the account include


def priced_traffic(groups: list[WorkloadGroup]) -> bool:
    """Whether the inventory states users' traffic for any group (else no line)."""
    return any(g.egress_tb_per_month for g in groups)


def target_traffic(catalog: Catalog, groups: list[WorkloadGroup], schedule, H: int
                   ) -> list[Traffic]:
    """Per provider that prices traffic (prices_traffic) and runs servers at H: its
    servers' share of each group's traffic, and the overage beyond what its hosts (one
    per server, or several servers on one: ScheduleRow.hosts) include."""
    by_name = {g.name: g for g in groups}
    sent: dict[str, float] = {}
    servers: dict[str, float] = {}
    for row in schedule:
        group, n = by_name.get(row.group), row.up_by_hour[H] if len(row.up_by_hour) > H else 0
        if group is None or n <= 0:
            continue
        servers[row.provider] = servers.get(row.provider, 0.0) + row.hosts[H]
        sent[row.provider] = sent.get(row.provider, 0.0) + \
            1000 * (group.egress_tb_per_month or 0.0) * n / group.count
    out = []
    for pid in sorted(servers):
        provider = catalog.provider(pid)
        if provider is None or not prices_traffic(provider):
            continue
        out.append(Traffic(pid, sent[pid], servers[pid],
                           traffic_overage_gb(provider, sent[pid], servers[pid])))
    return out


@dataclass(frozen=True)
class Support:
    provider: str
    spend: float        # a month at the provider: its servers and addresses (its currency)
    cost: float         # the support plan's price at that spend (its currency)


def support_costs(catalog: Catalog, buy: bool, schedule, H: int) -> list[Support]:
    """The support plan of each compute provider with servers at H that states one, when
    the policy buys support: the greater of its minimum and its share of the spend."""
    if not buy:
        return []
    spend: dict[str, float] = {}
    for row in schedule:
        provider = catalog.provider(row.provider)
        n = row.hosts[H] if len(row.hosts) > H else 0  # what is billed: hosts
        offering = provider and next((o for o in provider.offerings if o.id == row.offering),
                                     None)
        if offering is None or n <= 0 or provider.support is None:
            continue
        spend[row.provider] = spend.get(row.provider, 0.0) + n * (
            offering.price_per_month.value + ipv4_monthly(provider, offering))
    return [Support(p, s, support_monthly(catalog.provider(p).support, s))
            for p, s in sorted(spend.items())]


def buys_support(catalog: Catalog, buy: bool) -> bool:
    """Whether the cost table has a support line: the policy buys support and some
    provider states a plan."""
    return buy and any(p.support is not None for p in catalog.providers)
