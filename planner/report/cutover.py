"""The cut-over of each group's data: where each shard lives, how live data is kept current
until the source goes dark, and how fresh each copy is at the cut-off (domain/data.py counts
the replication the model planned)."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain.data import live_end, replication_gb
from planner.models.plan import Plan
from planner.report.names import NameMap
from planner.report.servers import hosts_of, provider_views_of


@dataclass
class Shard:
    index: int
    host: str
    provider: str
    seed_host: str | None = None  # for a group seeded from another's new servers


@dataclass
class Cutover:
    group: str
    mode: str  # replicate, freeze, seeded, snapshot
    write_gb_per_hour: float
    live_until_hour: int
    freeze_hours: int
    replication_gb: float
    last_copy_hour: int | None
    stale_hours: int | None  # hours of writes missing at the cut-off, for a snapshot
    shards: list[Shard] = field(default_factory=list)
    seed: str | None = None
    sharded: bool = False


def cutovers(plan: Plan, names: NameMap, hosts: dict | None = None) -> list[Cutover]:
    """`hosts`: hosts_of(provider_views_of(plan, names)), where the caller has it."""
    inv = plan.inventory
    hosts = hosts_of(provider_views_of(plan, names)) if hosts is None else hosts
    out = []
    for group in inv.groups:
        if not group.data_gb:
            continue
        rows = [c for c in plan.copies if c.demand == group.name]
        hours = [t for c in rows for t, gb in enumerate(c.gb_by_hour) if gb > 0]
        replicated = sum(sum(replication_gb(inv, group, c.gb_by_hour)) for c in rows)
        if group.data_from is not None:
            mode = "seeded"
        elif group.write_gb_per_hour:
            mode = group.cutover or "replicate"
        else:
            mode = "snapshot"
        last = max(hours, default=None)
        seed_hosts = hosts.get(group.data_from, []) if group.data_from else []
        shards = [Shard(i + 1, host, pid,
                        seed_hosts[i % len(seed_hosts)][0] if seed_hosts else None)
                  for i, (host, pid) in enumerate(hosts.get(group.name, []))]
        out.append(Cutover(
            group=group.name, mode=mode, write_gb_per_hour=group.write_gb_per_hour,
            live_until_hour=live_end(inv, group), freeze_hours=group.freeze_hours or 0,
            replication_gb=replicated, last_copy_hour=last,
            stale_hours=max(0, inv.cutoff - last) if mode == "snapshot" and last else None,
            shards=shards, seed=group.data_from, sharded=group.shards))
    return out
