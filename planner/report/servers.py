"""What the server sections show, read off the Plan: each provider's rows with their
creation batches and commands (`planner.report.shell`), its unit quotas and its shared
hosts, and the names the create commands give each group's servers."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain import curves
from planner.models.catalog import Provider
from planner.models.plan import Plan
from planner.models.provider_facts import QUOTA_UNIT_WORDS, Region
from planner.report import timeline
from planner.report.names import NameMap
from planner.report.shell.base import Batch, Row, ToolSteps
from planner.report.shell.compute import tool_steps


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
