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
    rclone_check,
    rclone_copy,
    rclone_setup,
    rsync_copy,
    rsync_verify,
    rsync_verify_all,
    seeded_copy,
)


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
    lines: list[str] = field(default_factory=list)
    verify: list[str] = field(default_factory=list)


def copy_views(plan: Plan, names: NameMap) -> list[CopyView]:
    groups = {g.name: g for g in plan.inventory.groups}
    hosts = hosts_of(provider_views_of(plan, names))
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
            view.servers = sum(a.count for a in plan.assignments
                               if a.group == c.demand and a.provider == c.target)
            view.per_server_gb = group.data_gb / group.count
            made = [sum(r.hosts[t] for r in plan.schedule
                        if (r.group, r.provider) == (c.demand, c.target))
                    for t in range(len(c.gb_by_hour))]
            view.hosts_first_hour = next((t for t, n in enumerate(made) if n), None)
            view.label = names.prefix(c.demand, c.target) if c.target in names.provider else ""
            view.last_index = max(view.servers, 1)  # numbered from 1 at each provider
            view.lines = rsync_copy(view.label, 1, view.last_index)
            if group.data_from is not None:
                seeds = [h for h, _ in hosts.get(group.data_from, [])]
                view.lines = seeded_copy([(h, seeds[i % len(seeds)]) for i, (h, pid)
                                          in enumerate(hosts.get(c.demand, []))
                                          if pid == c.target and seeds])
            view.verify = rsync_verify(view.label, 1, view.last_index)
        else:
            view.lines = rclone_copy(c.target)
        views.append(view)
    return views


def copy_context(plan: Plan, copies: list[CopyView], source, vendors: dict) -> dict:
    seeded = {g.name for g in plan.inventory.groups if g.data_from is not None}
    targets = sorted({c.target for c in copies if not c.is_group})
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
        rsync_checks=rsync_verify_all(
            [(c.label, c.first_index, c.last_index) for c in copies
             if c.is_group and c.demand not in seeded]))
