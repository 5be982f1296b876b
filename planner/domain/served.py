"""What "served" counts: the servers of a group that serve users, hour by hour. A sharded
group serves only with every shard up; a user-facing group serves only the share of users
whose resolvers see its DNS (the reach). Shared by the plan's coverage (results), the
verifier and the what-ifs, so they all count alike."""

from __future__ import annotations

from collections.abc import Sequence

from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory


def counted(group: WorkloadGroup, servers: Sequence[float],
            reach: Sequence[float] | None = None) -> list[float]:
    """Servers of `group` counted as serving at each hour: all of them, or none while a
    shard is missing (shards); then at most count x reach(t) when users reach it only
    through DNS (`reach`, a share per hour)."""
    out = [float(n) for n in servers]
    if group.shards:
        out = [n if n >= group.count else 0.0 for n in out]
    if reach is not None:
        out = [min(n, group.count * r) for n, r in zip(out, reach)]
    return out


def reach_by_hour(inventory: Inventory, dns_shares: Sequence[Sequence[float]],
                  hours: int) -> list[float] | None:
    """E(t), the share of users who reach the new servers by name at each hour 0..hours-1:
    1 while the old DNS still answers (dns.old_answers_until_hour), then the share whose
    resolvers see the new delegation (every vendor of it carries the same share, so the
    largest of `dns_shares`, one list per DNS row); None without a DNS demand."""
    dns = inventory.services.dns
    if dns is None:
        return None
    old = dns.old_answers_until_hour or 0
    return [1.0 if t < old else max((row[t] for row in dns_shares), default=0.0)
            for t in range(hours)]


def users_by_hour(inventory: Inventory, counted_by_group: dict[str, Sequence[float]],
                  reach: Sequence[float] | None) -> list[float] | None:
    """The share of users served at each hour: at most the share that reaches the new
    servers by name, and at most the share of each user-facing group serving; None when
    no group is user-facing."""
    facing = [g for g in inventory.groups if g.user_facing]
    if not facing:
        return None
    hours = len(counted_by_group[facing[0].name])
    out = [min(counted_by_group[g.name][t] / g.count for g in facing) for t in range(hours)]
    return out if reach is None else [min(a, b) for a, b in zip(out, reach)]


def front_reach(inventory: Inventory, dns_shares: Sequence[Sequence[float]], edge,
                hours: int) -> list[float] | None:
    """The share of users who can reach the user-facing groups at each hour: through the
    DNS (reach_by_hour) and, when the inventory states an edge, only once the edge serves
    (domain/gates.py); None with neither."""
    from planner.domain.gates import open_by_hour  # gates imports the plan models

    return through_gate(reach_by_hour(inventory, dns_shares, hours),
                        None if edge is None else open_by_hour(edge, hours))


def through_gate(dns: Sequence[float] | None, gate: Sequence[float] | None
                 ) -> list[float] | None:
    """The users' reach through the DNS and the edge's gate, each where there is one."""
    if gate is None:
        return None if dns is None else list(dns)
    return list(gate) if dns is None else [min(a, b) for a, b in zip(dns, gate)]
