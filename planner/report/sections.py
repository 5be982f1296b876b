"""What the server, data-copy, risk and summary sections show, read off the Plan.

Each provider's rows with their creation batches and commands (`planner.report.shell`), the data
copies, the causes of shortfalls, serving checkpoints, per-group risk and concentration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain import curves
from planner.models.catalog import Provider
from planner.models.plan import Plan
from planner.models.provider_facts import QUOTA_UNIT_WORDS, Region
from planner.report import timeline
from planner.report.filters import hours_text, num
from planner.report.names import NameMap
from planner.report.shell.base import Batch, Row, ToolSteps
from planner.report.shell.compute import tool_steps
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
from planner.report.summary import gap_text


@dataclass(frozen=True)
class QuotaAsk:
    """One of a provider's limits in vCPU, RAM, GPUs or IPv4, as the plan uses it."""

    name: str
    unit: str          # in words: "vCPU", "GB RAM", ...
    scope: str
    family: str | None
    needed: float      # the most the plan's servers there take of it, at any hour
    new_account: float
    raise_to: float | None
    raise_hours: float | None
    cut_back: float | None

    @property
    def needs_raise(self) -> bool:
        return self.needed > self.new_account + 1e-9

    @property
    def short(self) -> bool:
        """Even the raise the catalog expects does not cover the plan (never true of a
        verified plan: the raise is what the plan was fitted to)."""
        return self.needs_raise and (self.raise_to is None or self.needed > self.raise_to + 1e-9)


def quota_asks(provider: Provider, schedule_rows) -> list[QuotaAsk]:
    """The unit quotas of `provider` that its rows in the plan take anything of."""
    out = []
    hours = max((len(r.up_by_hour) for r in schedule_rows), default=0)
    for name, quota in sorted(provider.unit_quotas.items()):
        needed = max(curves.quota_taken(provider, quota, schedule_rows, hours), default=0.0)
        if needed <= 0:
            continue
        out.append(QuotaAsk(
            name=name, unit=QUOTA_UNIT_WORDS[quota.unit], scope=quota.scope, family=quota.family,
            needed=needed, new_account=quota.new_account.value,
            raise_to=quota.raise_to.value if quota.raise_to else None,
            raise_hours=quota.raise_hours.value if quota.raise_hours else None,
            cut_back=quota.cut_back.value if quota.cut_back else None))
    return out


@dataclass
class SharedHosts:
    """Hosts of one layout of a pool: named as its owner's row names them."""

    hosts: int
    first_name: str
    last_name: str
    servers: list[tuple[str, int]]  # (group, servers of it on each host)


@dataclass
class PoolView:
    offering: str
    groups: list[str]
    hosts: int
    hosts_one_group: int
    lower_bound: int
    layouts: list[SharedHosts]


def pool_views(plan: Plan, pid: str, rows: list[Row]) -> list[PoolView]:
    """The provider's shared hosts (plan.host_pools), each layout under the names its
    owner's create commands give, in the order of the layouts."""
    H, out = plan.horizon_hours, []
    for pool in (p for p in plan.host_pools if p.provider == pid):
        next_name: dict[str, int] = {}
        layouts = []
        for lay in pool.layouts:
            n = lay.hosts_by_hour[H]
            row = next((r for r in rows if r.group == lay.owner
                        and r.offering.id == pool.offering), None)
            if row is None or not n:
                continue
            first = next_name.get(lay.owner, row.first_index)
            next_name[lay.owner] = first + n
            layouts.append(SharedHosts(n, f"{row.label}-{first}", f"{row.label}-{first + n - 1}",
                                       sorted(lay.servers.items())))
        out.append(PoolView(pool.offering, pool.groups, pool.hosts, pool.hosts_one_group,
                            pool.lower_bound, layouts))
    return out


@dataclass
class ProviderView:
    provider: Provider
    rows: list[Row]
    steps: ToolSteps
    placed: int  # the groups' servers
    hosts: int  # the machines created for them (fewer where several share one)
    first_hour: int
    ready_hour: int
    needs_raise: bool
    region: Region | None = None
    quotas: list[QuotaAsk] = field(default_factory=list)
    pools: list[PoolView] = field(default_factory=list)

    @property
    def offerings(self) -> list:
        """Each offering once, in the order of the rows."""
        seen: dict[str, object] = {}
        for row in self.rows:
            seen.setdefault(row.offering.id, row.offering)
        return list(seen.values())


def _region(provider: Provider, plan: Plan, pid: str) -> Region | None:
    """The region the plan puts the provider's servers in (one per provider)."""
    rid = next((a.region for a in plan.assignments if a.provider == pid), None)
    return next((r for r in provider.regions or [] if r.id == rid), None)


def provider_views_of(plan: Plan, names: NameMap) -> list[ProviderView]:
    providers = {p.id: p for p in plan.catalog.providers}
    schedule = {(s.group, s.provider, s.offering): s.hosts for s in plan.schedule}  # as made
    early = {(s.group, s.provider, s.offering) for s in plan.schedule
             if s.hosts_by_hour is not None}
    per_host = {(s.group, s.provider, s.offering): s.per_host for s in plan.schedule
                if s.per_host}
    shared = {(p.provider, p.offering, g) for p in plan.host_pools for g in p.groups}
    order: list[str] = []
    for a in plan.assignments:
        if a.provider not in order:
            order.append(a.provider)
    views = []
    for pid in order:
        provider = providers[pid]
        offerings = {o.id: o for o in provider.offerings}
        next_index: dict[str, int] = {}
        rows, guests = [], 0
        for a in (a for a in plan.assignments if a.provider == pid):
            # what is created: hosts, where several share one (none for a group whose
            # servers all run on hosts another group's row creates: plan.host_pools)
            machines = a.hosts if a.hosts is not None else a.count
            if not machines:
                guests += a.count
                continue
            start = next_index.get(a.group, 1)
            next_index[a.group] = start + machines
            steps = timeline.batches(schedule.get((a.group, pid, a.offering), []))
            if not steps or steps[-1][1] < machines:
                steps.append((a.ready_hour, machines))
            made, batches = 0, []
            for hour, total in steps:
                total = min(total, machines)
                if total > made:
                    batches.append(Batch(hour, start + made, start + total - 1))
                    made = total
            rows.append(Row(
                group=a.group, label=names.prefix(a.group, pid), offering=offerings[a.offering],
                count=machines, first_index=start, last_index=start + machines - 1,
                first_hour=a.first_hour, ready_hour=a.ready_hour, batches=tuple(batches),
                made_early=(a.group, pid, a.offering) in early and not a.hosts,
                servers=a.count, per_host=per_host.get((a.group, pid, a.offering), 1),
                shared=(pid, a.offering, a.group) in shared))
        placed = sum(r.servers for r in rows) + guests
        hosts = sum(r.count for r in rows)
        region = _region(provider, plan, pid)
        views.append(ProviderView(
            provider=provider, rows=rows, region=region,
            steps=tool_steps(provider, rows, region),
            placed=placed, hosts=hosts, first_hour=min(r.first_hour for r in rows),
            ready_hour=max(r.ready_hour for r in rows),
            needs_raise=hosts > provider.quota_servers.value,
            quotas=quota_asks(provider, [s for s in plan.schedule if s.provider == pid]),
            pools=pool_views(plan, pid, rows)))
    return views


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


def hosts_of(views: list[ProviderView]) -> dict[str, list[tuple[str, str]]]:
    """Each group's servers as the create commands name them (numbered from 1 at each
    provider), provider by provider: (host name, provider). Shard k is the k-th."""
    out: dict[str, list[tuple[str, str]]] = {}
    for view in views:
        for r in view.rows:
            out.setdefault(r.group, []).extend(
                (f"{r.label}-{i}", view.provider.id)
                for i in range(r.first_index, r.last_index + 1))
    return out


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


@dataclass
class CauseItem:
    detail: str
    remedy: str | None
    demands: list[str]


@dataclass
class CauseGroup:
    code: str
    items: list[CauseItem]

    @property
    def common_remedy(self) -> str | None:
        """The remedy, when every item of the group has the same one."""
        remedies = {i.remedy for i in self.items}
        return remedies.pop() if len(remedies) == 1 else None


def _cause_groups(plan: Plan) -> list[CauseGroup]:
    """Causes of all shortfalls, each detail once, with the demands it holds back."""
    groups: dict[str, CauseGroup] = {}
    for s in plan.shortfalls:
        for c in s.causes:
            group = groups.setdefault(c.code, CauseGroup(c.code, []))
            item = next((i for i in group.items
                         if i.detail == c.detail and i.remedy == c.remedy), None)
            if item is None:
                group.items.append(CauseItem(c.detail, c.remedy, [s.demand]))
            elif s.demand not in item.demands:
                item.demands.append(s.demand)
    return list(groups.values())


@dataclass
class Checkpoint:
    hour: int
    serving: int
    share: float


def _checkpoints(plan: Plan) -> list[Checkpoint]:
    """Hours at which the number of serving servers changes, plus the deadline."""
    rows = [c.served_by_hour for c in plan.coverage if c.kind == "group"]
    totals = [round(sum(r[h] for r in rows)) for h in range(plan.horizon_hours + 1)]
    out, last = [], 0
    for hour, total in enumerate(totals):
        if total != last or hour == plan.deadline_hours:
            out.append(Checkpoint(hour, total, total / max(plan.servers_total, 1)))
            last = total
    return out


@dataclass
class GroupRisk:
    group: str
    total: int
    placed: int
    largest: list[tuple[str, int]]  # the k largest holders (provider, servers)
    left: int
    share_left: float
    share_left_placed: float
    top_provider: str
    top_share: float


def group_risks_of(plan: Plan) -> list[GroupRisk]:
    k = plan.inventory.policy.survive_provider_losses
    out = []
    for g in plan.inventory.groups:
        holders: dict[str, int] = {}
        for a in plan.assignments:
            if a.group == g.name:
                holders[a.provider] = holders.get(a.provider, 0) + a.count
        ranked = sorted(holders.items(), key=lambda kv: (-kv[1], kv[0]))
        placed = sum(holders.values())
        lost = ranked[:k]
        left = placed - sum(n for _, n in lost)
        top = ranked[0] if ranked else ("-", 0)
        out.append(GroupRisk(g.name, g.count, placed, lost, left, left / g.count,
                             left / placed if placed else 0.0, top[0], top[1] / g.count))
    return out


@dataclass
class Concentration:
    provider: str
    servers: int
    share: float


def concentration_of(views: list[ProviderView], placed_total: int) -> list[Concentration]:
    rows = [Concentration(v.provider.id, v.placed, v.placed / max(placed_total, 1))
            for v in views]
    return sorted(rows, key=lambda r: (-r.servers, r.provider))


def alternatives_of(plan: Plan, used: set[str]) -> list:
    """Compute providers in the catalog that were eligible but not chosen."""
    excluded = {e.id for e in plan.excluded}
    return [p for p in plan.catalog.providers if p.id not in used and p.id not in excluded]


def summary_context(plan: Plan, views: list[ProviderView], entries: dict) -> dict:
    return dict(
        service_coverage=[(c.kind, c.served_by_hour[plan.deadline_hours] / c.total)
                          for c in plan.coverage if c.kind != "group" and c.total > 0],
        accounts_by_onboarding=[
            f"{e.id} ({hours_text(e.onboarding_hours.value)} h)"
            for e in sorted((entries[i] for i in plan.providers_used if i in entries),
                            key=lambda e: (-e.onboarding_hours.value, e.id))],
        quota_raises=[f"{v.provider.id} (to {num(v.provider.quota_raise_servers.value)} servers)"
                      for v in views if v.needs_raise and v.provider.quota_raise_servers]
        + [f"{v.provider.id} {q.name} (to {num(q.raise_to)} {q.unit})" for v in views
           for q in v.quotas if q.needs_raise and q.raise_to is not None],
        causes=_cause_groups(plan), checkpoints=_checkpoints(plan), gap_text=gap_text(plan))


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
