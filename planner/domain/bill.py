"""Users' traffic out of the target providers (issue 20, the whole bill): what each
provider's servers send a month at the horizon, what it includes, and what is billed beyond.
Read off schedule rows by the plan's costs (results/assemble) and the verifier alike."""

from __future__ import annotations

from dataclasses import dataclass

from planner.models.catalog import Catalog
from planner.models.inventory import WorkloadGroup


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
    """Per provider that prices traffic (Provider.prices_traffic) and runs servers at H: its
    servers' share of each group's traffic, and the overage."""
    by_name = {g.name: g for g in groups}
    sent: dict[str, float] = {}
    servers: dict[str, float] = {}
    for row in schedule:
        group, n = by_name.get(row.group), row.up_by_hour[H] if len(row.up_by_hour) > H else 0
        if group is None or n <= 0:
            continue
        servers[row.provider] = servers.get(row.provider, 0.0) + n
        sent[row.provider] = sent.get(row.provider, 0.0) + \
            1000 * (group.egress_tb_per_month or 0.0) * n / group.count
    out = []
    for pid in sorted(servers):
        provider = catalog.provider(pid)
        if provider is None or not provider.prices_traffic:
            continue
        out.append(Traffic(pid, sent[pid], servers[pid],
                           provider.traffic_overage_gb(sent[pid], servers[pid])))
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
        n = row.up_by_hour[H] if len(row.up_by_hour) > H else 0
        offering = provider and next((o for o in provider.offerings if o.id == row.offering),
                                     None)
        if offering is None or n <= 0 or provider.support is None:
            continue
        spend[row.provider] = spend.get(row.provider, 0.0) + n * (
            offering.price_per_month.value + provider.ipv4_monthly(offering))
    return [Support(p, s, catalog.provider(p).support.monthly(s)) for p, s in sorted(spend.items())]


def buys_support(catalog: Catalog, buy: bool) -> bool:
    """Whether the cost table has a support line: the policy buys support and some
    provider states a plan."""
    return buy and any(p.support is not None for p in catalog.providers)
