"""Independent verifier: recompute every constraint of a Plan from the Plan alone.

The Plan embeds the resolved inventory and catalog, so `verify(plan)` needs nothing else and
never touches the solver or the formulation: capacity comes from planner/curves.py (the
definition of each limit), costs from planner/verify_costs.py. An empty list means the plan is
valid; a non-empty one means a bug upstream, never a result to show.

Floats compare with a tolerance of 1e-6 x max(1, |value|); server counts compare exactly.
Per-hour rules report the first hour that breaks them and how many more hours do.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice

from pydantic import BaseModel, ConfigDict

from planner import curves, digest
from planner.errors import PlannerError
from planner.models.catalog import Offering, Provider, ServiceOffering, ServiceVendor
from planner.models.inventory import WorkloadGroup
from planner.models.plan import Plan, ScheduleRow
from planner.verify_costs import MONTHLY_KEYS, ONE_TIME_KEYS, MissingRate, recompute_costs

REL_TOL = 1e-6
MAX_VIOLATIONS = 200
SERVICE_KINDS = ("sms", "email", "dns")
SHOWN = 20  # violations spelled out in a PlanInvalid message


class Violation(BaseModel):
    """One broken rule: `constraint` is a stable short name, `detail` says where and by how much."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    constraint: str
    detail: str

    def __str__(self) -> str:
        return f"{self.constraint}: {self.detail}"


class PlanInvalid(PlannerError):
    """A Plan failed verification: a bug upstream, never a result to show."""

    def __init__(self, violations: Sequence[Violation]):
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations[:SHOWN])
        if len(self.violations) > SHOWN:
            lines += f"\n  ... and {len(self.violations) - SHOWN} more"
        super().__init__(f"plan fails verification ({len(self.violations)} "
                         f"violation{'s' if len(self.violations) != 1 else ''}):\n{lines}")


def verify(plan: Plan) -> list[Violation]:
    """Every violated constraint of `plan` (at most MAX_VIOLATIONS); empty when it is valid."""
    shape = list(islice(check_shape(plan), MAX_VIOLATIONS))
    if not _hours_consistent(plan):
        return shape  # hour lists of the wrong length make every other rule meaningless
    ctx = _Context.of(plan)
    checks = (check_fit, check_excluded, check_schedule, check_group_demand,
              check_provider_capacity, check_offering_capacity, check_data_copy, check_ingress,
              check_object_storage_ingest, check_source_egress, check_service_share,
              check_dependency, check_policy_share, check_costs, check_budget, check_coverage,
              check_shortfalls, check_assignments, check_status)
    rest = chain.from_iterable(check(ctx) for check in checks)
    return shape + list(islice(rest, MAX_VIOLATIONS - len(shape)))


def verify_or_raise(plan: Plan) -> None:
    """Raise PlanInvalid listing the violations, if there are any."""
    violations = verify(plan)
    if violations:
        raise PlanInvalid(violations)


# ---------------------------------------------------------------- helpers

def _tol(*values: float) -> float:
    return REL_TOL * max(1.0, *(abs(v) for v in values))


def _leq(a: float, b: float) -> bool:
    return a <= b + _tol(a, b)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _tol(a, b)


def _n(x: float | None) -> str:
    return "None" if x is None else f"{x:.10g}"


def _breach(constraint: str, what: str, lhs: Sequence[float], rhs: Sequence[float],
            exact: bool = False) -> Iterator[Violation]:
    """One violation when lhs[t] <= rhs[t] fails at some hour: the first one, and how many."""
    ok: Callable[[float, float], bool] = (lambda a, b: a <= b) if exact else _leq
    bad = [t for t in range(len(lhs)) if not ok(lhs[t], rhs[t])]
    if bad:
        t, more = bad[0], (f" (and {len(bad) - 1} more hours)" if len(bad) > 1 else "")
        yield Violation(constraint=constraint,
                        detail=f"{what} at hour {t}: {_n(lhs[t])} > {_n(rhs[t])}{more}")


def _mismatch(constraint: str, what: str, got: Sequence[float],
              want: Sequence[float]) -> Iterator[Violation]:
    """One violation when two hour lists differ (within tolerance)."""
    bad = [t for t in range(len(want)) if t >= len(got) or not _close(got[t], want[t])]
    if bad:
        t = bad[0]
        have = got[t] if t < len(got) else None
        yield Violation(constraint=constraint, detail=f"{what} at hour {t} is {_n(have)}, "
                        f"recomputed {_n(want[t])} ({len(bad)} hours differ)")


def _v(constraint: str, detail: str) -> Violation:
    return Violation(constraint=constraint, detail=detail)


def _sum_lists(lists: Iterable[Sequence[float]], length: int) -> list[float]:
    total = [0] * length
    for values in lists:
        for t in range(length):
            total[t] += values[t]
    return total


def _cumulative(values: Sequence[float]) -> list[float]:
    out, run = [], 0.0
    for v in values:
        run += v
        out.append(run)
    return out


def _first_hour(values: Sequence[float], target: float) -> int | None:
    return next((t for t, v in enumerate(values) if v >= target - _tol(target)), None)


def _hours_consistent(plan: Plan) -> bool:
    n = plan.horizon_hours + 1
    lists = chain((r.up_by_hour for r in plan.schedule), (r.gb_by_hour for r in plan.copies),
                  (r.share_by_hour for r in plan.services),
                  (r.served_by_hour for r in plan.coverage))
    return (plan.horizon_hours >= 0 and plan.inventory.deadline_hours <= plan.horizon_hours
            and all(len(values) == n for values in lists))


@dataclass
class _Context:
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

    @classmethod
    def of(cls, plan: Plan) -> _Context:
        H = plan.horizon_hours
        ctx = cls(plan, H, plan.inventory.deadline_hours,
                  {g.name: g for g in plan.inventory.groups},
                  {p.id: p for p in plan.catalog.providers},
                  {v.id: v for v in plan.catalog.services})
        rows_of: dict[str, list[ScheduleRow]] = defaultdict(list)
        for row in plan.schedule:
            rows_of[row.group].append(row)
            ctx.rows_at.setdefault((row.group, row.provider), []).append(row)
        ctx.served = {g: _sum_lists((r.up_by_hour for r in rows_of[g]), H + 1)
                      for g in ctx.groups}
        for row in plan.copies:
            bucket = (ctx.storage_copy.setdefault(row.target, [0.0] * (H + 1))
                      if row.demand == "object_storage"
                      else ctx.group_copy.setdefault((row.demand, row.target), [0.0] * (H + 1)))
            for t in range(H + 1):
                bucket[t] += row.gb_by_hour[t]
        return ctx

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


# ---------------------------------------------------------------- 1-4: structure

def check_shape(plan: Plan) -> Iterator[Violation]:
    """Every hour list has H+1 entries; deadline and horizon match the inventory; the digest
    is that of the embedded inputs; no row (schedule, copy, service) appears twice."""
    inv, H = plan.inventory, plan.horizon_hours
    if plan.deadline_hours != inv.deadline_hours:
        yield _v("shape", f"deadline_hours {plan.deadline_hours} != inventory "
                 f"{inv.deadline_hours}")
    if H != inv.horizon:
        yield _v("shape", f"horizon_hours {H} != inventory horizon {inv.horizon}")
    if inv.deadline_hours > H:
        yield _v("shape", f"deadline {inv.deadline_hours} is past the horizon {H}")
    want = digest.inputs_digest(inv, plan.catalog)
    if plan.inputs_digest != want:
        yield _v("shape", f"inputs_digest {plan.inputs_digest} != {want}")
    named = chain(
        ((f"schedule row {r.group}/{r.provider}/{r.offering}", r.up_by_hour)
         for r in plan.schedule),
        ((f"copy row {r.demand}->{r.target}", r.gb_by_hour) for r in plan.copies),
        ((f"service row {r.kind}/{r.vendor}/{r.offering}", r.share_by_hour)
         for r in plan.services),
        ((f"coverage row {r.kind}/{r.demand}", r.served_by_hour) for r in plan.coverage))
    for name, values in named:
        if len(values) != H + 1:
            yield _v("shape", f"{name} has {len(values)} hours, expected {H + 1}")
    keys = chain((("schedule row", r.group, r.provider, r.offering) for r in plan.schedule),
                 (("copy row", r.demand, r.target) for r in plan.copies),
                 (("service row", r.kind, r.vendor, r.offering) for r in plan.services))
    for key, n in Counter(keys).items():
        if n > 1:
            yield _v("shape", f"{key[0]} {'/'.join(key[1:])} appears {n} times")


def check_fit(ctx: _Context) -> Iterator[Violation]:
    """A schedule row names a known group and a known offering of a catalog provider that
    fits it: vcpu, ram_gb, disk_gb and gpu_count at least the group's, the same arch (unless
    the group takes any), and a provider jurisdiction the group allows."""
    for row in ctx.plan.schedule:
        where = f"{row.group} on {row.provider}/{row.offering}"
        group = ctx.groups.get(row.group)
        offering = ctx.offering(row.provider, row.offering)
        if group is None:
            yield _v("fit", f"{where}: no group {row.group!r} in the inventory")
        if offering is None:
            yield _v("fit", f"{where}: no such compute offering in the catalog")
        if group is None or offering is None:
            continue
        gpus = offering.gpu_count.value if offering.gpu_count else 0.0
        for name, have, need in (("vcpu", offering.vcpu.value, group.vcpu),
                                 ("ram_gb", offering.ram_gb.value, group.ram_gb),
                                 ("disk_gb", offering.disk_gb.value, group.disk_gb),
                                 ("gpu_count", gpus, group.gpu_count)):
            if have < need:
                yield _v("fit", f"{where}: {name} {_n(have)} < {_n(need)}")
        if group.arch != "any" and offering.arch != group.arch:
            yield _v("fit", f"{where}: arch {offering.arch} != {group.arch}")
        jurisdiction = ctx.providers[row.provider].jurisdiction
        if group.jurisdictions is not None and jurisdiction not in group.jurisdictions:
            yield _v("fit", f"{where}: jurisdiction {jurisdiction} not in "
                     f"{sorted(group.jurisdictions)}")


def check_excluded(ctx: _Context) -> Iterator[Violation]:
    """No provider or vendor used (schedule rows, service rows, copy targets) is excluded by
    policy (by id or organization), is the source being left, or is past its end of life on
    the decision date."""
    inv = ctx.plan.inventory
    used = dict.fromkeys(chain((r.provider for r in ctx.plan.schedule),
                               (r.vendor for r in ctx.plan.services),
                               (r.target for r in ctx.plan.copies)))
    excluded = set(inv.policy.excluded_providers)
    for entry_id in used:
        entry = ctx.providers.get(entry_id) or ctx.vendors.get(entry_id)
        if entry is None:
            continue  # unknown ids are reported by fit, data_copy and service_share
        names = {entry.id} | ({entry.organization} if entry.organization else set())
        if names & excluded:
            yield _v("excluded", f"{entry.id} is excluded by policy "
                     f"({', '.join(sorted(names & excluded))})")
        if inv.source.provider in names:
            yield _v("excluded", f"{entry.id} is the source provider {inv.source.provider}")
        if inv.decision_date and entry.end_of_life and entry.end_of_life <= inv.decision_date:
            yield _v("excluded", f"{entry.id} reaches end of life {entry.end_of_life} by the "
                     f"decision date {inv.decision_date}")


def check_schedule(ctx: _Context) -> Iterator[Violation]:
    """up_by_hour holds whole numbers >= 0, starts at 0 at hour 0 and never decreases."""
    for row in ctx.plan.schedule:
        where, up = f"{row.group} on {row.provider}/{row.offering}", row.up_by_hour
        odd = [t for t, v in enumerate(up) if not isinstance(v, int) or isinstance(v, bool)]
        if odd:
            yield _v("schedule", f"{where}: hour {odd[0]} holds {up[odd[0]]!r}, not a count")
        if any(v < 0 for v in up):
            t = next(t for t, v in enumerate(up) if v < 0)
            yield _v("schedule", f"{where}: {_n(up[t])} servers at hour {t}")
        if up[0] != 0:
            yield _v("schedule", f"{where}: {_n(up[0])} servers at hour 0 (the decision)")
        drops = [t for t in range(1, len(up)) if up[t] < up[t - 1]]
        if drops:
            t = drops[0]
            yield _v("schedule", f"{where}: drops from {_n(up[t - 1])} to {_n(up[t])} at "
                     f"hour {t}")


# ---------------------------------------------------------------- 5-7: servers

def check_group_demand(ctx: _Context) -> Iterator[Violation]:
    """A group never runs more servers than its count: sum of its rows <= count, each hour."""
    for name, group in ctx.groups.items():
        yield from _breach("group_demand", f"group {name} (count {group.count})",
                           ctx.served[name], [group.count] * (ctx.H + 1), exact=True)


def check_provider_capacity(ctx: _Context) -> Iterator[Violation]:
    """Servers at a provider, over all its rows, stay within curves.provider_servers."""
    for pid in dict.fromkeys(r.provider for r in ctx.plan.schedule):
        provider = ctx.providers.get(pid)
        if provider is None:
            continue
        total = _sum_lists((r.up_by_hour for r in ctx.plan.schedule if r.provider == pid),
                           ctx.H + 1)
        cap = curves.provider_servers(provider, ctx.H).values
        yield from _breach("provider_capacity", f"provider {pid}", total, cap, exact=True)


def check_offering_capacity(ctx: _Context) -> Iterator[Violation]:
    """Servers of one offering, over all groups, stay within curves.offering_servers
    (delivery time and stock) where that curve exists."""
    for pid, oid in dict.fromkeys((r.provider, r.offering) for r in ctx.plan.schedule):
        offering = ctx.offering(pid, oid)
        curve = offering and curves.offering_servers(ctx.providers[pid], offering, ctx.H)
        if curve is None:
            continue
        total = _sum_lists((r.up_by_hour for r in ctx.plan.schedule
                            if (r.provider, r.offering) == (pid, oid)), ctx.H + 1)
        yield from _breach("offering_capacity", f"offering {pid}/{oid}", total, curve.values,
                           exact=True)


# ---------------------------------------------------------------- 8-11: data

def check_data_copy(ctx: _Context) -> Iterator[Violation]:
    """Copy rows name a group (or object_storage); a group's copy targets a compute provider,
    copies >= 0 GB each hour and nothing at hour 0. A server of g at p serves only once its
    share of g's data (data_gb / count) has arrived: for each hour t,
    servers(g, p, t) * data_gb / count <= GB copied for g into p by hour t."""
    for row in ctx.plan.copies:
        where = f"copy {row.demand}->{row.target}"
        if row.demand != "object_storage" and row.demand not in ctx.groups:
            yield _v("data_copy", f"{where}: no group {row.demand!r} in the inventory")
        elif row.demand != "object_storage" and row.target not in ctx.providers:
            yield _v("data_copy", f"{where}: target is not a compute provider of the catalog")
        negative = [t for t, gb in enumerate(row.gb_by_hour) if gb < -_tol(gb)]
        if negative:
            yield _v("data_copy", f"{where}: {_n(row.gb_by_hour[negative[0]])} GB at hour "
                     f"{negative[0]}")
        if not _close(row.gb_by_hour[0], 0.0):
            yield _v("data_copy", f"{where}: {_n(row.gb_by_hour[0])} GB at hour 0")
    for (gname, pid), rows in ctx.rows_at.items():
        group = ctx.groups.get(gname)
        if group is None or group.data_gb == 0:
            continue
        per_server = group.data_gb / group.count
        need = [s * per_server for s in _sum_lists((r.up_by_hour for r in rows), ctx.H + 1)]
        have = _cumulative(ctx.group_copy.get((gname, pid), [0.0] * (ctx.H + 1)))
        yield from _breach("data_copy", f"data of {gname} needed at {pid} vs copied (GB)",
                           need, have)


def check_ingress(ctx: _Context) -> Iterator[Violation]:
    """GB copied into a provider during hour t, over all groups, stay within
    curves.ingress_gb(onboarding_hours, ingress_gbps)."""
    into: dict[str, list[float]] = {}
    for (gname, pid), gb in ctx.group_copy.items():
        if gname in ctx.groups:
            into[pid] = _sum_lists((into.get(pid, [0.0] * (ctx.H + 1)), gb), ctx.H + 1)
    for pid, gb in into.items():
        provider = ctx.providers.get(pid)
        if provider is not None:
            cap = curves.ingress_gb(provider.onboarding_hours.value, provider.ingress_gbps.value,
                                    ctx.H).values
            yield from _breach("ingress", f"GB into {pid}", gb, cap)


def check_object_storage_ingest(ctx: _Context) -> Iterator[Violation]:
    """Object-storage copies need an object_storage demand and target an object_storage
    vendor; per hour they stay within curves.object_storage_ingest_gb of the vendor's first
    offering (the one object storage uses), and in all they copy at most stored_tb x 1000 GB."""
    demand = ctx.service_demand("object_storage")
    for vid, gb in ctx.storage_copy.items():
        vendor = ctx.vendors.get(vid)
        if vendor is None or vendor.kind != "object_storage":
            yield _v("object_storage_ingest", f"copy object_storage->{vid}: not an "
                     "object-storage vendor of the catalog")
            continue
        cap = curves.object_storage_ingest_gb(vendor, vendor.offerings[0], ctx.H).values
        yield from _breach("object_storage_ingest", f"GB into {vid}", gb, cap)
    total = sum(sum(gb) for gb in ctx.storage_copy.values())
    if demand is None and total > 0:
        yield _v("object_storage_ingest", f"{_n(total)} GB copied to object storage, but the "
                 "inventory has no object_storage demand")
    elif demand is not None and not _leq(total, demand.stored_tb * 1000):
        yield _v("object_storage_ingest", f"{_n(total)} GB copied to object storage, "
                 f"more than the {_n(demand.stored_tb * 1000)} GB stored")


def check_source_egress(ctx: _Context) -> Iterator[Violation]:
    """GB leaving the source during hour t, over all copies, stay within
    curves.source_egress_gb (its egress rate until the data is no longer available)."""
    total = _sum_lists((r.gb_by_hour for r in ctx.plan.copies), ctx.H + 1)
    cap = curves.source_egress_gb(ctx.plan.inventory, ctx.H).values
    yield from _breach("source_egress", "GB out of the source", total, cap)


# ---------------------------------------------------------------- 12-14: services, policy

def check_service_share(ctx: _Context) -> Iterator[Violation]:
    """A service row names a known vendor of its kind and one of its offerings, for a demand
    the inventory has, that the offering can serve at all (curves.service_misfit); its share
    stays in [0, curves.service_share(t)]; the shares of one kind sum to at most 1 each hour."""
    for row in ctx.plan.services:
        where = f"{row.kind} on {row.vendor}/{row.offering}"
        vendor = ctx.vendors.get(row.vendor)
        offering = ctx.service_offering(row.vendor, row.offering)
        demand = ctx.service_demand(row.kind)
        if vendor is None or offering is None:
            yield _v("service_share", f"{where}: no such service offering in the catalog")
            continue
        if vendor.kind != row.kind:
            yield _v("service_share", f"{where}: vendor kind is {vendor.kind}")
            continue
        if demand is None:
            yield _v("service_share", f"{where}: the inventory has no {row.kind} demand")
            continue
        misfit = curves.service_misfit(vendor, offering, demand)
        if misfit:
            yield _v("service_share", f"{where}: cannot serve the demand: {misfit}")
        shares = row.share_by_hour
        if any(s < -_tol(s) for s in shares):
            t = next(t for t, s in enumerate(shares) if s < -_tol(s))
            yield _v("service_share", f"{where}: share {_n(shares[t])} at hour {t}")
        cap = curves.service_share(row.kind, vendor, offering, demand, ctx.H).values
        yield from _breach("service_share", f"share of {where}", shares, cap)
    for kind in SERVICE_KINDS:
        rows = [r.share_by_hour for r in ctx.plan.services if r.kind == kind]
        if rows:
            yield from _breach("service_share", f"total {kind} share",
                               _sum_lists(rows, ctx.H + 1), [1.0] * (ctx.H + 1))


def check_dependency(ctx: _Context) -> Iterator[Violation]:
    """A group serves at most the fraction its dependencies serve:
    served_g(t) / count_g <= served_h(t) / count_h for each h in g.depends_on (exact, in
    whole numbers: served_g * count_h <= served_h * count_g)."""
    for name, group in ctx.groups.items():
        for dep in group.depends_on:
            h = ctx.groups[dep]
            lhs = [s * h.count for s in ctx.served[name]]
            rhs = [s * group.count for s in ctx.served[dep]]
            bad = [t for t in range(ctx.H + 1) if lhs[t] > rhs[t]]
            if bad:
                t = bad[0]
                yield _v("dependency", f"{name} serves {_n(ctx.served[name][t])}/{group.count}"
                         f" at hour {t} but {dep} only {_n(ctx.served[dep][t])}/{h.count} "
                         f"({len(bad)} hours)")


def check_policy_share(ctx: _Context) -> Iterator[Violation]:
    """For each group with spread, at hour H, with x_p its servers at provider p and X their
    sum: x_p <= max_share_per_provider * X; and with k = survive_provider_losses > 0, the k
    largest x_p sum to at most (1 - min_surviving_share) * X."""
    policy = ctx.plan.inventory.policy
    for name, group in ctx.groups.items():
        if not group.spread:
            continue
        x: dict[str, float] = defaultdict(float)
        for row in ctx.plan.schedule:
            if row.group == name:
                x[row.provider] += row.up_by_hour[ctx.H]
        X = sum(x.values())
        if X <= 0:
            continue
        for pid, xp in sorted(x.items()):
            if not _leq(xp, policy.max_share_per_provider * X):
                yield _v("policy_share", f"{name} at hour {ctx.H}: {_n(xp)} of {_n(X)} servers"
                         f" on {pid}, above the max share {policy.max_share_per_provider:g}")
        k = policy.survive_provider_losses
        if k > 0:
            largest = sum(sorted(x.values(), reverse=True)[:k])
            bound = (1 - policy.min_surviving_share) * X
            if not _leq(largest, bound):
                yield _v("policy_share", f"{name} at hour {ctx.H}: losing the {k} largest "
                         f"providers loses {_n(largest)} of {_n(X)} servers, more than "
                         f"{_n(bound)} (min surviving share {policy.min_surviving_share:g})")


# ---------------------------------------------------------------- 15-16: money

def check_costs(ctx: _Context) -> Iterator[Violation]:
    """plan.costs equals the costs recomputed by verify_costs.recompute_costs, in the
    inventory currency: the same keys (one_time: setup_fees, source_egress, service_setup;
    monthly: servers, services), amounts, totals and hourly run rate."""
    got = ctx.plan.costs
    try:
        want = recompute_costs(ctx.plan)
    except MissingRate as exc:
        yield _v("costs", str(exc))
        return
    if got.currency != want.currency:
        yield _v("costs", f"currency {got.currency} != inventory currency {want.currency}")
    for part, keys, have, need in (("one_time", ONE_TIME_KEYS, got.one_time, want.one_time),
                                   ("monthly", MONTHLY_KEYS, got.monthly, want.monthly)):
        if set(have) != keys:
            yield _v("costs", f"{part} keys {sorted(have)} != {sorted(keys)}")
        for key in sorted(keys & set(have)):
            if not _close(have[key], need[key]):
                yield _v("costs", f"{part}[{key}] is {_n(have[key])}, recomputed "
                         f"{_n(need[key])}")
    for name in ("one_time_total", "monthly_total", "hourly_run_rate"):
        if not _close(getattr(got, name), getattr(want, name)):
            yield _v("costs", f"{name} is {_n(getattr(got, name))}, recomputed "
                     f"{_n(getattr(want, name))}")


def check_budget(ctx: _Context) -> Iterator[Violation]:
    """The recomputed one-time and monthly totals stay within the policy's budgets."""
    policy = ctx.plan.inventory.policy
    try:
        costs = recompute_costs(ctx.plan)
    except MissingRate:
        return  # reported by check_costs
    for name, budget, total in (("one_time", policy.one_time_budget, costs.one_time_total),
                                ("monthly", policy.monthly_budget, costs.monthly_total)):
        if budget is not None and not _leq(total, budget):
            yield _v("budget", f"{name} cost {_n(total)} {costs.currency} exceeds the budget "
                     f"{_n(budget)}")


# ---------------------------------------------------------------- 17-20: derived fields

@dataclass(frozen=True)
class _Row:
    demand: str
    kind: str
    unit: str
    total: float
    served: list[float]


def _expected_coverage(ctx: _Context) -> list[_Row]:
    rows = [_Row(name, "group", "servers", float(g.count), [float(s) for s in ctx.served[name]])
            for name, g in ctx.groups.items()]
    for kind in SERVICE_KINDS:
        if ctx.service_demand(kind) is not None:
            shares = [r.share_by_hour for r in ctx.plan.services if r.kind == kind]
            rows.append(_Row(kind, kind, "share", 1.0, _sum_lists(shares, ctx.H + 1)))
    storage = ctx.service_demand("object_storage")
    if storage is not None:
        gb = _sum_lists(ctx.storage_copy.values(), ctx.H + 1)
        rows.append(_Row("object_storage", "object_storage", "TB", storage.stored_tb,
                         [v / 1000 for v in _cumulative(gb)]))
    return rows


def check_coverage(ctx: _Context) -> Iterator[Violation]:
    """One coverage row per group (unit servers, total count, served = its rows' sum) and per
    service demand present (sms/email/dns: unit share, total 1, served = sum of shares;
    object_storage: unit TB, total stored_tb, served = cumulative GB copied / 1000); the
    servers totals, coverage at the deadline and the first hour everything is fully served."""
    plan, want = ctx.plan, _expected_coverage(ctx)
    got: dict[tuple[str, str], list] = defaultdict(list)
    for row in plan.coverage:
        got[(row.kind, row.demand)].append(row)
    for key in sorted(set(got) - {(w.kind, w.demand) for w in want}):
        yield _v("coverage", f"unexpected coverage row {key[0]}/{key[1]}")
    for w in want:
        rows = got.get((w.kind, w.demand), [])
        if len(rows) != 1:
            yield _v("coverage", f"{len(rows)} coverage rows for {w.kind}/{w.demand}, "
                     "expected 1")
            continue
        row = rows[0]
        if row.unit != w.unit or not _close(row.total, w.total):
            yield _v("coverage", f"{w.kind}/{w.demand}: unit {row.unit!r} total "
                     f"{_n(row.total)}, expected {w.unit!r} {_n(w.total)}")
        yield from _mismatch("coverage", f"{w.kind}/{w.demand} served", row.served_by_hour,
                             w.served)
    total = sum(g.count for g in ctx.groups.values())
    at_deadline = sum(ctx.served[name][ctx.D] for name in ctx.groups)
    full = next((t for t in range(ctx.H + 1)
                 if all(w.served[t] >= w.total - _tol(w.total) for w in want)), None)
    for name, have, need in (("servers_total", plan.servers_total, total),
                             ("servers_at_deadline", plan.servers_at_deadline, at_deadline),
                             ("full_coverage_hour", plan.full_coverage_hour, full)):
        if have != need:
            yield _v("coverage", f"{name} is {have}, recomputed {need}")
    share = at_deadline / total
    if not _close(plan.coverage_at_deadline, share):
        yield _v("coverage", f"coverage_at_deadline is {_n(plan.coverage_at_deadline)}, "
                 f"recomputed {_n(share)}")


def check_shortfalls(ctx: _Context) -> Iterator[Violation]:
    """Exactly one shortfall, with at least one cause, per demand not fully served at the
    deadline: same kind, unit and total as its coverage, missing_at_deadline = total -
    served(deadline), full_by_hour = first hour served >= total (None if never)."""
    want = {(w.kind, w.demand): w for w in _expected_coverage(ctx)
            if w.served[ctx.D] < w.total - _tol(w.total)}
    got: dict[tuple[str, str], list] = defaultdict(list)
    for s in ctx.plan.shortfalls:
        got[(s.kind, s.demand)].append(s)
    for key in sorted(set(got) - set(want)):
        yield _v("shortfalls", f"shortfall for {key[0]}/{key[1]}, which is fully served at "
                 f"the deadline (or is no demand)")
    for key, w in want.items():
        found = got.get(key, [])
        if len(found) != 1:
            yield _v("shortfalls", f"{len(found)} shortfalls for {key[0]}/{key[1]}, "
                     f"expected 1 (served {_n(w.served[ctx.D])} of {_n(w.total)})")
            continue
        s, missing, by = found[0], w.total - w.served[ctx.D], _first_hour(w.served, w.total)
        if s.unit != w.unit or not _close(s.total, w.total):
            yield _v("shortfalls", f"{key[0]}/{key[1]}: unit {s.unit!r} total {_n(s.total)}, "
                     f"expected {w.unit!r} {_n(w.total)}")
        if not _close(s.missing_at_deadline, missing):
            yield _v("shortfalls", f"{key[0]}/{key[1]}: missing_at_deadline "
                     f"{_n(s.missing_at_deadline)}, recomputed {_n(missing)}")
        if s.full_by_hour != by:
            yield _v("shortfalls", f"{key[0]}/{key[1]}: full_by_hour {s.full_by_hour}, "
                     f"recomputed {by}")
        if not s.causes:
            yield _v("shortfalls", f"{key[0]}/{key[1]}: no cause given")


def check_assignments(ctx: _Context) -> Iterator[Violation]:
    """One assignment per schedule row running servers at hour H (count = up at H, first_hour
    = first hour up > 0, ready_hour = first hour up == count); providers_used = sorted ids of
    providers with such rows, vendors with a positive share and object stores copied to."""
    plan, H = ctx.plan, ctx.H
    want = {(r.group, r.provider, r.offering): r.up_by_hour for r in plan.schedule
            if r.up_by_hour[H] > 0}
    got: dict[tuple[str, str, str], list] = defaultdict(list)
    for a in plan.assignments:
        got[(a.group, a.provider, a.offering)].append(a)
    for key in sorted(set(got) - set(want)):
        yield _v("assignments", f"assignment {'/'.join(key)} has no servers at hour {H}")
    for key, up in want.items():
        found = got.get(key, [])
        if len(found) != 1:
            yield _v("assignments", f"{len(found)} assignments for {'/'.join(key)}, "
                     "expected 1")
            continue
        a = found[0]
        need = (up[H], next(t for t, v in enumerate(up) if v > 0),
                next(t for t, v in enumerate(up) if v == up[H]))
        if (a.count, a.first_hour, a.ready_hour) != need:
            yield _v("assignments", f"{'/'.join(key)}: count/first_hour/ready_hour "
                     f"{(a.count, a.first_hour, a.ready_hour)}, recomputed {need}")
    used = {r.provider for r in plan.schedule if r.up_by_hour[H] > 0}
    used |= {r.vendor for r in plan.services if max(r.share_by_hour) > 0}
    used |= {vid for vid, gb in ctx.storage_copy.items() if sum(gb) > 0}
    if plan.providers_used != sorted(used):
        yield _v("assignments", f"providers_used {plan.providers_used}, recomputed "
                 f"{sorted(used)}")


STATUS_ORDER = ("optimal", "feasible", "time_limit", "no_solution")


def check_status(ctx: _Context) -> Iterator[Violation]:
    """A plan with anything scheduled, copied or served is not "no_solution", and its status
    is the worst of its solver phases (optimal < feasible < time_limit < no_solution), where a
    cost phase that found nothing leaves the coverage phase's plan, which is only "feasible"."""
    plan = ctx.plan
    busy = (any(v > 0 for r in plan.schedule for v in r.up_by_hour)
            or any(v > 0 for r in plan.copies for v in r.gb_by_hour)
            or any(v > 0 for r in plan.services for v in r.share_by_hour))
    if busy and plan.status == "no_solution":
        yield _v("status", "status is no_solution but the plan schedules, copies or serves")
    phases = plan.solver.phases
    if not phases:
        return
    statuses = [p.status for p in phases]
    if statuses[0] != "no_solution":
        statuses = [("feasible" if p.name == "cost" and p.status == "no_solution" else p.status)
                    for p in phases]
    expected = max(statuses, key=STATUS_ORDER.index)
    if plan.status != expected:
        yield _v("status", f"status {plan.status} != worst solver phase status {expected}")
