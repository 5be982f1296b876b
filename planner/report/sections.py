"""What the risk and summary sections show, read off the Plan: the causes of shortfalls,
serving checkpoints, per-group risk and concentration. The server sections are in
`planner.report.servers`, the data copies in `planner.report.copies`.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.models.plan import Plan
from planner.report.filters import hours_text, num
from planner.report.servers import ProviderView
from planner.report.summary import gap_text


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
    # (code, detail, remedy) -> its item and the demands in it: looked up, not searched
    items: dict[tuple, tuple[CauseItem, set[str]]] = {}
    for s in plan.shortfalls:
        for c in s.causes:
            group = groups.setdefault(c.code, CauseGroup(c.code, []))
            found = items.get((c.code, c.detail, c.remedy))
            if found is None:
                item = CauseItem(c.detail, c.remedy, [s.demand])
                items[(c.code, c.detail, c.remedy)] = (item, {s.demand})
                group.items.append(item)
            elif s.demand not in found[1]:
                found[0].demands.append(s.demand)
                found[1].add(s.demand)
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
    held: dict[str, dict[str, int]] = {}  # group -> provider -> servers, in one pass
    for a in plan.assignments:
        holders = held.setdefault(a.group, {})
        holders[a.provider] = holders.get(a.provider, 0) + a.count
    out = []
    for g in plan.inventory.groups:
        holders = held.get(g.name, {})
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
