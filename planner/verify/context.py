"""The verifier's view of a Plan (Context: lookups and per-hour sums, computed once) and the
tolerance helpers every check shares. Pure; no solver."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from pydantic import BaseModel, ConfigDict

from planner.domain import curves, gates, refusal
from planner.models.catalog import Provider, ServiceOffering, ServiceVendor
from planner.models.groups import WorkloadGroup
from planner.models.plan import Plan, ScheduleRow, VendorChoice
from planner.models.provider_facts import Offering

REL_TOL = 1e-6
SERVICE_KINDS = ("sms", "email", "dns")


class Violation(BaseModel):
    """One broken rule: `constraint` is a stable short name, `detail` says where and by how much."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    constraint: str
    detail: str

    def __str__(self) -> str:
        return f"{self.constraint}: {self.detail}"


# ---------------------------------------------------------------- helpers

def tol(*values: float) -> float:
    return REL_TOL * max(1.0, *(abs(v) for v in values))


def leq(a: float, b: float) -> bool:
    return a <= b + REL_TOL * max(1.0, abs(a), abs(b))  # tol(a, b), without its generator


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))  # tol(a, b), as in leq


def num(x: float | None) -> str:
    return "None" if x is None else f"{x:.10g}"


def breach(constraint: str, what: str, lhs: Sequence[float], rhs: Sequence[float],
           exact: bool = False) -> Iterator[Violation]:
    """One violation when lhs[t] <= rhs[t] fails at some hour: the first one, and how many."""
    ok: Callable[[float, float], bool] = (lambda a, b: a <= b) if exact else leq
    bad = [t for t in range(len(lhs)) if not ok(lhs[t], rhs[t])]
    if bad:
        t, more = bad[0], (f" (and {len(bad) - 1} more hours)" if len(bad) > 1 else "")
        yield Violation(constraint=constraint,
                        detail=f"{what} at hour {t}: {num(lhs[t])} > {num(rhs[t])}{more}")


def mismatch(constraint: str, what: str, got: Sequence[float],
             want: Sequence[float]) -> Iterator[Violation]:
    """One violation when two hour lists differ (within tolerance)."""
    bad = [t for t in range(len(want)) if t >= len(got) or not close(got[t], want[t])]
    if bad:
        t = bad[0]
        have = got[t] if t < len(got) else None
        yield Violation(constraint=constraint, detail=f"{what} at hour {t} is {num(have)}, "
                        f"recomputed {num(want[t])} ({len(bad)} hours differ)")


def violated(constraint: str, detail: str) -> Violation:
    return Violation(constraint=constraint, detail=detail)


def sum_lists(lists: Iterable[Sequence[float]], length: int) -> list[float]:
    total = [0] * length
    for values in lists:
        for t in range(length):
            total[t] += values[t]
    return total


def running_sum(values: Sequence[float]) -> list[float]:
    out, run = [], 0.0
    for v in values:
        run += v
        out.append(run)
    return out


def first_hour_at(values: Sequence[float], target: float) -> int | None:
    """The first hour from which values stay at target (curves.full_from)."""
    return curves.full_from(values, target)


def hours_consistent(plan: Plan) -> bool:
    n = plan.horizon_hours + 1
    lists = chain((r.up_by_hour for r in plan.schedule), (r.hosts for r in plan.schedule),
                  (r.gb_by_hour for r in plan.copies),
                  (r.share_by_hour for r in plan.services),
                  (r.served_by_hour for r in plan.coverage),
                  (lay.hosts_by_hour for pool in plan.host_pools for lay in pool.layouts))
    return (plan.horizon_hours >= 0 and plan.inventory.deadline_hours <= plan.horizon_hours
            and all(len(values) == n for values in lists))


@dataclass
class Context:
    """The plan with its lookups and per-hour sums, computed once."""

    plan: Plan
    H: int
    D: int
    groups: dict[str, WorkloadGroup]
    providers: dict[str, Provider]
    vendors: dict[str, ServiceVendor]
    served: dict[str, list[int]] = field(default_factory=dict)
    rows_at: dict[tuple[str, str], list[ScheduleRow]] = field(default_factory=dict)
    group_copy: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    storage_copy: dict[str, list[float]] = field(default_factory=dict)
    edge: VendorChoice | None = None  # as the inputs give it (domain/gates.py)
    registrar: VendorChoice | None = None
    refused: dict[str, int] = field(default_factory=dict)  # id -> hour (domain/refusal.py)
    server_curves: dict[str, tuple[float, ...]] = field(default_factory=dict)  # server_cap's

    @classmethod
    def of(cls, plan: Plan) -> Context:
        H = plan.horizon_hours
        ctx = cls(plan, H, plan.inventory.deadline_hours,
                  {g.name: g for g in plan.inventory.groups},
                  {p.id: p for p in plan.catalog.providers},
                  {v.id: v for v in plan.catalog.services})
        ctx.edge = gates.edge_choice(plan.inventory, plan.catalog)
        ctx.refused = refusal.refused_entries(plan.inventory, plan.catalog)
        ctx.registrar = gates.registrar_choice(plan.inventory, plan.catalog)
        rows_of: dict[str, list[ScheduleRow]] = defaultdict(list)
        for row in plan.schedule:
            rows_of[row.group].append(row)
            ctx.rows_at.setdefault((row.group, row.provider), []).append(row)
        ctx.served = {g: sum_lists((r.up_by_hour for r in rows_of[g]), H + 1)
                      for g in ctx.groups}
        for row in plan.copies:
            bucket = (ctx.storage_copy.setdefault(row.target, [0.0] * (H + 1))
                      if row.demand == "object_storage"
                      else ctx.group_copy.setdefault((row.demand, row.target), [0.0] * (H + 1)))
            for t in range(H + 1):
                bucket[t] += row.gb_by_hour[t]
        return ctx

    @property
    def shared(self) -> set[tuple[str, str, str]]:
        """(provider, offering, group) of the rows whose servers run on a pool's hosts."""
        return {(pool.provider, pool.offering, g) for pool in self.plan.host_pools
                for g in pool.groups}

    def refused_at(self, entry: str) -> int | None:
        """The hour provider or vendor `entry` refuses within the hours planned, or None."""
        hour = self.refused.get(entry)
        return hour if hour is not None and hour <= self.H else None

    @property
    def refusal_hours(self) -> set[int]:
        """Hours 1..H at which something refuses (policy.refused_at_hour)."""
        return {h for h in self.refused.values() if 1 <= h <= self.H}

    def server_cap(self, provider_id: str) -> tuple[float, ...]:
        """curves.provider_servers of a provider over the hours planned, until it refuses:
        worked out once per plan, for every check that reads it."""
        if provider_id not in self.server_curves:
            self.server_curves[provider_id] = curves.provider_servers(
                self.providers[provider_id], self.H, self.refused_at(provider_id)).values
        return self.server_curves[provider_id]

    def offering(self, provider_id: str, offering_id: str) -> Offering | None:
        provider = self.providers.get(provider_id)
        return next((o for o in provider.offerings if o.id == offering_id), None) \
            if provider else None

    def service_offering(self, vendor_id: str, offering_id: str) -> ServiceOffering | None:
        vendor = self.vendors.get(vendor_id)
        return next((o for o in vendor.offerings if o.id == offering_id), None) \
            if vendor else None

    def service_demand(self, kind: str):
        return getattr(self.plan.inventory.services, kind, None)
