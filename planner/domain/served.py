"""What "served" counts: the servers of a group that serve users, hour by hour. A sharded
group serves only with every shard up; a user-facing group serves only the share of users
whose resolvers see its DNS (the reach). Shared by the plan's coverage (results), the
verifier and the what-ifs, so they all count alike."""

from __future__ import annotations

from collections.abc import Sequence

from planner.models.inventory import WorkloadGroup


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
