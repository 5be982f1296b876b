"""What the data-copy section shows, read off the Plan: each copy with its hours, its
commands (rsync for a group's data, seeded from new servers where it says so; rclone for
object storage) and their checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.models.plan import Plan
from planner.report.filters import num
from planner.report.names import NameMap
from planner.report.servers import hosts_of, provider_views_of
from planner.report.shell.data import (
    RCLONE_SOURCE,
    STREAM_GBPS,
    ShardRow,
    rclone_check,
    rclone_copy,
    rclone_setup,
    rsync_copy,
    rsync_verify,
    source_exports,
    src_var,
    streams_for,
)
from planner.report.shell.databases import (
    SEED_LAG_MB,
    engine_sources,
    mongodb_check,
    mongodb_copy,
    mysql_check,
    mysql_copy,
    pg_check,
    pg_copy,
    pg_promote,
    search_check,
    search_copy,
)

SEARCH_ENGINES = ("elasticsearch", "opensearch")
METHOD = {"postgresql": "pg_basebackup, then streaming replication",
          "mysql": "clone plugin, then replication", "mongodb": "replica-set member",
          "elasticsearch": "snapshot and restore", "opensearch": "snapshot and restore",
          "files": "rsync", "objects": "rclone"}
ENGINE_NAME = {"postgresql": "PostgreSQL", "mysql": "MySQL", "mongodb": "MongoDB",
               "elasticsearch": "Elasticsearch", "opensearch": "OpenSearch", "files": "files",
               "objects": "objects"}
# engine -> (copy, check) over the shard-to-host map
MAPPED = {"postgresql": (pg_copy, pg_check), "mysql": (mysql_copy, mysql_check),
          "mongodb": (mongodb_copy, mongodb_check), "files": (rsync_copy, rsync_verify)}


@dataclass
class CopyView:
    demand: str
    is_group: bool
    target: str
    gb: float
    first_hour: int
    last_hour: int
    active_hours: int
    peak_gb: float
    peak_gbps: float
    servers: int = 0
    per_server_gb: float = 0.0
    hosts_first_hour: int | None = None  # the first host made there: nothing lands before
    first_index: int = 1
    last_index: int = 1
    label: str = ""
    engine: str = "files"  # the group's engine (object storage: "objects")
    seed: str | None = None  # the group it is seeded from (data_from)
    live: bool = False  # written to until the cut-off (write_gb_per_hour)
    shards: list[ShardRow] = field(default_factory=list)
    streams: int = 1  # copied in parallel: one per new server, sized to the plan's rate
    streams_needed: int = 1  # the plan's peak rate in streams of STREAM_GBPS
    stream_hours: float = 0.0  # hours the copy takes at `streams` streams of STREAM_GBPS
    first_of_group: bool = True  # a search cluster is snapshotted once, for every target
    first_target: str = ""  # ... with its earliest copy, the one to this target
    method: str = ""  # how it is copied, in a few words (METHOD)
    sources: str = ""  # where the syntax of its commands was checked
    lines: list[str] = field(default_factory=list)
    verify: list[str] = field(default_factory=list)
    promote: list[str] = field(default_factory=list)  # at the cut-off (a live primary)


def snapshot_target(plan: Plan) -> str | None:
    """The object storage a search cluster's snapshot goes through: the target the plan gives
    the most of the object storage to, if it has one."""
    gb: dict[str, float] = {}
    groups = {g.name for g in plan.inventory.groups}
    for c in plan.copies:
        if c.demand not in groups:
            gb[c.target] = gb.get(c.target, 0) + sum(c.gb_by_hour)
    return max(sorted(gb), key=lambda t: gb[t]) if gb else None


def first_copies(plan: Plan) -> dict[str, str]:
    """Each demand's target copied to first (a search cluster is snapshotted and restored
    once, with its earliest copy)."""
    out: dict[str, tuple[int, str]] = {}
    for c in plan.copies:
        start = next((h for h, gb in enumerate(c.gb_by_hour) if gb > 0), None)
        if start is not None and (c.demand not in out or start < out[c.demand][0]):
            out[c.demand] = (start, c.target)
    return {demand: target for demand, (_, target) in out.items()}


def copy_views(plan: Plan, names: NameMap, hosts: dict | None = None) -> list[CopyView]:
    """`hosts`: hosts_of(provider_views_of(plan, names)), where the caller has it."""
    groups = {g.name: g for g in plan.inventory.groups}
    hosts = hosts_of(provider_views_of(plan, names)) if hosts is None else hosts
    bucket_at = snapshot_target(plan)
    first = first_copies(plan)
    # each copy's rows and servers looked up, not scanned for (a scan per copy and hour
    # took 5.4 s of a 5.6 s render at 10,000 servers)
    rows_at: dict[tuple[str, str], list] = {}
    for r in plan.schedule:
        rows_at.setdefault((r.group, r.provider), []).append(r.hosts)
    servers_at: dict[tuple[str, str], int] = {}
    for a in plan.assignments:
        servers_at[(a.group, a.provider)] = servers_at.get((a.group, a.provider), 0) + a.count
    views = []
    for c in plan.copies:
        hours = [h for h, gb in enumerate(c.gb_by_hour) if gb > 0]
        if not hours:
            continue
        peak = max(c.gb_by_hour)
        view = CopyView(demand=c.demand, is_group=c.demand in groups, target=c.target,
                        gb=sum(c.gb_by_hour), first_hour=hours[0], last_hour=hours[-1],
                        active_hours=len(hours), peak_gb=peak, peak_gbps=peak * 8 / 3600)
        if view.is_group:
            group = groups[c.demand]
            view.servers = servers_at.get((c.demand, c.target), 0)
            view.per_server_gb = group.data_gb / group.count
            mine = rows_at.get((c.demand, c.target), [])
            made = [sum(row[t] for row in mine) for t in range(len(c.gb_by_hour))]
            view.hosts_first_hour = next((t for t, n in enumerate(made) if n), None)
            view.label = names.prefix(c.demand, c.target) if c.target in names.provider else ""
            view.last_index = max(view.servers, 1)  # numbered from 1 at each provider
            _commands(view, group, hosts, names, bucket_at, first)
        else:
            view.engine = "objects"
            view.lines = rclone_copy(c.target)
        view.method = METHOD[view.engine]
        views.append(view)
    return views


def _commands(view: CopyView, group, hosts: dict, names: NameMap, bucket_at: str | None,
              first: dict[str, str]) -> None:
    """The copy's commands, its check and its promotion, by the group's engine."""
    view.engine = group.engine or "files"
    view.seed = group.data_from
    view.live = bool(group.write_gb_per_hour) and view.seed is None
    view.sources = engine_sources(view.engine)
    if view.engine in SEARCH_ENGINES:  # the cluster's nodes upload and fetch in parallel
        view.first_target = first.get(group.name, view.target)
        view.first_of_group = view.first_target == view.target
        if view.first_of_group:
            view.lines = search_copy(names.group[group.name], bucket_at)
            view.verify = search_check(bucket_at)
        return
    seeds = [h for h, _ in hosts.get(view.seed, [])] if view.seed else []
    view.shards = [ShardRow(i + 1, seeds[i % len(seeds)] if view.seed else
                            src_var(group.name, i + 1), host)
                   for i, (host, pid) in enumerate(hosts.get(group.name, []))
                   if pid == view.target and (seeds or not view.seed)]
    if not view.shards:
        return
    view.streams = streams_for(view.peak_gbps, len(view.shards))
    view.streams_needed = streams_for(view.peak_gbps, 10**9)
    view.stream_hours = view.gb * 8 / 3600 / (view.streams * STREAM_GBPS)
    copy, check = MAPPED[view.engine]
    seeded = view.seed is not None
    view.lines = copy(view.label, view.shards, view.streams, view.peak_gbps, seeded)
    view.verify = check(view.label, view.shards, seeded)
    if view.engine == "postgresql" and view.live:
        view.promote = pg_promote(view.label, view.shards)


def copy_context(plan: Plan, copies: list[CopyView], source, vendors: dict) -> dict:
    targets = sorted({c.target for c in copies if not c.is_group})
    shard_sources: dict[str, dict[int, str]] = {}
    for c in copies:
        for r in c.shards:
            shard_sources.setdefault(c.demand, {})[r.shard] = r.source
    return dict(
        copies=copies, copy_gb=sum(c.gb for c in copies),
        copy_start=min((c.first_hour - 1 for c in copies), default=0),
        storage_split=[f"{c.target} ({num(c.gb)} GB)" for c in copies if not c.is_group],
        storage_targets=[f"{t} (<{vendors[t].website}>)" if t in vendors and vendors[t].website
                         else t for t in targets],
        rclone_setup=rclone_setup(source.cli if source else None, targets)
        if targets else [],
        rclone_source=RCLONE_SOURCE,
        rclone_checks=[rclone_check(t) for t in targets],
        stream_gbps=STREAM_GBPS, pg_seed_lag_mb=SEED_LAG_MB, snapshot_target=snapshot_target(plan),
        shard_sources=shard_sources,
        source_vars=source_exports([(r.source, r.shard, r.host) for c in copies
                                    for r in c.shards if c.seed is None]),
        engine_name=ENGINE_NAME)
