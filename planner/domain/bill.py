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
