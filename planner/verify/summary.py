"""Rules 15-20: costs and budget, then the derived fields (coverage, shortfalls,
assignments, status) recomputed from the rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from planner.domain import refusal
from planner.domain.facts import stale_facts
from planner.domain.served import counted, front_reach, reach_by_hour, users_by_hour
from planner.domain.usage import all_used, providers_by_kind
from planner.domain.warnings import FALLBACK, plan_warnings
from planner.verify.context import (
    SERVICE_KINDS,
    Context,
    Violation,
    close,
    first_hour_at,
    leq,
    mismatch,
    num,
    sum_lists,
    tol,
    violated,
)
from planner.verify.costs import (
    MissingRate,
    recompute_costs,
)

# ---------------------------------------------------------------- money

def check_costs(ctx: Context) -> Iterator[Violation]:
    """plan.costs equals the costs recomputed by costs.recompute_costs, in the
    inventory currency: the same keys (one_time: setup_fees, source_egress, service_setup,
    and edge_and_registrar when the inventory states either; monthly: servers, services,
    and the lines the inputs call for), amounts, totals and hourly run rate."""
    got = ctx.plan.costs
    try:
        want = recompute_costs(ctx.plan)
    except MissingRate as exc:
        yield violated("costs", str(exc))
        return
    if got.currency != want.currency:
        yield violated("costs", f"currency {got.currency} != inventory currency {want.currency}")
    for part, keys, have, need in (("one_time", set(want.one_time), got.one_time, want.one_time),
                                   ("monthly", set(want.monthly), got.monthly, want.monthly)):
        if set(have) != keys:
            yield violated("costs", f"{part} keys {sorted(have)} != {sorted(keys)}")
        for key in sorted(keys & set(have)):
            if not close(have[key], need[key]):
                yield violated("costs", f"{part}[{key}] is {num(have[key])}, recomputed "
                               f"{num(need[key])}")
    for name in ("one_time_total", "monthly_total", "hourly_run_rate"):
        if not close(getattr(got, name), getattr(want, name)):
            yield violated("costs", f"{name} is {num(getattr(got, name))}, recomputed "
                           f"{num(getattr(want, name))}")


def check_budget(ctx: Context) -> Iterator[Violation]:
    """The recomputed one-time and monthly totals stay within the policy's budgets."""
    policy = ctx.plan.inventory.policy
    try:
        costs = recompute_costs(ctx.plan)
    except MissingRate:
        return  # reported by check_costs
    for name, budget, total in (("one_time", policy.one_time_budget, costs.one_time_total),
                                ("monthly", policy.monthly_budget, costs.monthly_total)):
        if budget is not None and not leq(total, budget):
            yield violated("budget", f"{name} cost {num(total)} {costs.currency} exceeds the "
                           f"budget {num(budget)}")


# ---------------------------------------------------------------- derived fields

@dataclass(frozen=True)
class _Row:
    demand: str
    kind: str
    unit: str
    total: float
    served: list[float]


def _reach(ctx: Context) -> list[float] | None:
    return reach_by_hour(ctx.plan.inventory, [r.share_by_hour for r in ctx.plan.services
                                              if r.kind == "dns"], ctx.H + 1)


def _front(ctx: Context) -> list[float] | None:
    return front_reach(ctx.plan.inventory, [r.share_by_hour for r in ctx.plan.services
                                            if r.kind == "dns"], ctx.edge, ctx.H + 1)


def check_vendor_choice(ctx: Context) -> Iterator[Violation]:
    """The edge and the registrar are those the inputs give by rule (gates.edge_choice,
    gates.registrar_choice)."""
    for name, want in (("edge", ctx.edge), ("registrar", ctx.registrar)):
        if getattr(ctx.plan, name) != want:
            yield violated("vendor_choice", f"{name}: the plan says "
                           f"{getattr(ctx.plan, name)!r}, the inputs give {want!r}")


def check_users(ctx: Context) -> Iterator[Violation]:
    """`users` is there exactly when a group is user-facing, with the reach E(t)
    (served.reach_by_hour, 1 without a DNS demand) and the users served
    (served.users_by_hour over the coverage as recomputed)."""
    reach = _front(ctx)
    groups = {w.demand: w.served for w in _expected_coverage(ctx) if w.kind == "group"}
    want = users_by_hour(ctx.plan.inventory, groups, reach)
    got = ctx.plan.users
    if (want is None) != (got is None):
        yield violated("coverage", "users: " + ("missing" if got is None else
                                                "given, but no group is user-facing"))
    elif want is not None:
        yield from mismatch("coverage", "users reach", got.reach_by_hour,
                            reach or [1.0] * (ctx.H + 1))
        yield from mismatch("coverage", "users served", got.served_by_hour, want)


def _expected_coverage(ctx: Context) -> list[_Row]:
    reach, front = _reach(ctx), _front(ctx)
    rows = [_Row(name, "group", "servers", float(g.count),
                 counted(g, ctx.served[name], front if g.user_facing else None))
            for name, g in ctx.groups.items()]
    for kind in SERVICE_KINDS:
        if ctx.service_demand(kind) is not None:
            shares = [r.share_by_hour for r in ctx.plan.services if r.kind == kind]
            rows.append(_Row(kind, kind, "share", 1.0, reach if kind == "dns"
                             else sum_lists(shares, ctx.H + 1)))
    storage = ctx.service_demand("object_storage")
    if storage is not None:
        held = sum_lists((refusal.kept_gb(gb, ctx.refused_at(vid))  # none from a refusal
                          for vid, gb in ctx.storage_copy.items()), ctx.H + 1)
        rows.append(_Row("object_storage", "object_storage", "TB", storage.stored_tb,
                         [v / 1000 for v in held]))
    return rows


def check_coverage(ctx: Context) -> Iterator[Violation]:
    """One coverage row per group (unit servers, total count, served = its rows' sum) and per
    service demand present (sms/email/dns: unit share, total 1, served = sum of shares;
    object_storage: unit TB, total stored_tb, served = GB held / 1000: copied so far, less
    what a vendor held once it refuses); the
    servers totals, coverage at the deadline and the first hour everything is fully served."""
    plan, want = ctx.plan, _expected_coverage(ctx)
    got: dict[tuple[str, str], list] = defaultdict(list)
    for row in plan.coverage:
        got[(row.kind, row.demand)].append(row)
    for key in sorted(set(got) - {(w.kind, w.demand) for w in want}):
        yield violated("coverage", f"unexpected coverage row {key[0]}/{key[1]}")
    for w in want:
        rows = got.get((w.kind, w.demand), [])
        if len(rows) != 1:
            yield violated("coverage", f"{len(rows)} coverage rows for {w.kind}/{w.demand}, "
                           "expected 1")
            continue
        row = rows[0]
        if row.unit != w.unit or not close(row.total, w.total):
            yield violated("coverage", f"{w.kind}/{w.demand}: unit {row.unit!r} total "
                           f"{num(row.total)}, expected {w.unit!r} {num(w.total)}")
        yield from mismatch("coverage", f"{w.kind}/{w.demand} served", row.served_by_hour,
                            w.served)
    total = sum(g.count for g in ctx.groups.values())
    at_deadline = sum(ctx.served[name][ctx.D] for name in ctx.groups)
    full = next((t for t in range(ctx.H + 1)
                 if all(w.served[t] >= w.total - tol(w.total) for w in want)), None)
    for name, have, need in (("servers_total", plan.servers_total, total),
                             ("servers_at_deadline", plan.servers_at_deadline, at_deadline),
                             ("full_coverage_hour", plan.full_coverage_hour, full)):
        if have != need:
            yield violated("coverage", f"{name} is {have}, recomputed {need}")
    share = at_deadline / total
    if not close(plan.coverage_at_deadline, share):
        yield violated("coverage", f"coverage_at_deadline is {num(plan.coverage_at_deadline)}, "
                       f"recomputed {num(share)}")


def check_shortfalls(ctx: Context) -> Iterator[Violation]:
    """Exactly one shortfall, with at least one cause, per demand not fully served at the
    deadline: same kind, unit and total as its coverage, missing_at_deadline = total -
    served(deadline), full_by_hour = first hour served >= total (None if never)."""
    want = {(w.kind, w.demand): w for w in _expected_coverage(ctx)
            if w.served[ctx.D] < w.total - tol(w.total)}
    got: dict[tuple[str, str], list] = defaultdict(list)
    for s in ctx.plan.shortfalls:
        got[(s.kind, s.demand)].append(s)
    for key in sorted(set(got) - set(want)):
        yield violated("shortfalls", f"shortfall for {key[0]}/{key[1]}, which is fully served at "
                       f"the deadline (or is no demand)")
    for key, w in want.items():
        found = got.get(key, [])
        if len(found) != 1:
            yield violated("shortfalls", f"{len(found)} shortfalls for {key[0]}/{key[1]}, "
                           f"expected 1 (served {num(w.served[ctx.D])} of {num(w.total)})")
            continue
        s, missing, by = found[0], w.total - w.served[ctx.D], first_hour_at(w.served, w.total)
        if s.unit != w.unit or not close(s.total, w.total):
            yield violated("shortfalls", f"{key[0]}/{key[1]}: unit {s.unit!r} total "
                           f"{num(s.total)}, expected {w.unit!r} {num(w.total)}")
        if not close(s.missing_at_deadline, missing):
            yield violated("shortfalls", f"{key[0]}/{key[1]}: missing_at_deadline "
                           f"{num(s.missing_at_deadline)}, recomputed {num(missing)}")
        if s.full_by_hour != by:
            yield violated("shortfalls", f"{key[0]}/{key[1]}: full_by_hour {s.full_by_hour}, "
                           f"recomputed {by}")
        if not s.causes:
            yield violated("shortfalls", f"{key[0]}/{key[1]}: no cause given")


def check_assignments(ctx: Context) -> Iterator[Violation]:
    """One assignment per schedule row running servers at hour H (count = up at H, first_hour
    = first hour up > 0, ready_hour = first hour up == count); providers_used = the sorted
    ids that domain.usage reads off the rows (providers running servers at H, vendors with a
    positive share, object stores copied to: the reading the costs and caps use too)."""
    plan, H = ctx.plan, ctx.H
    want = {(r.group, r.provider, r.offering): r.up_by_hour for r in plan.schedule
            if r.up_by_hour[H] > 0}
    region = {(r.group, r.provider, r.offering): r.region for r in plan.schedule}
    got: dict[tuple[str, str, str], list] = defaultdict(list)
    for a in plan.assignments:
        got[(a.group, a.provider, a.offering)].append(a)
    for key in sorted(set(got) - set(want)):
        yield violated("assignments", f"assignment {'/'.join(key)} has no servers at hour {H}")
    for key, up in want.items():
        found = got.get(key, [])
        if len(found) != 1:
            yield violated("assignments", f"{len(found)} assignments for {'/'.join(key)}, "
                           "expected 1")
            continue
        a = found[0]
        need = (up[H], next(t for t, v in enumerate(up) if v > 0),
                next(t for t, v in enumerate(up) if v == up[H]), region[key])
        if (a.count, a.first_hour, a.ready_hour, a.region) != need:
            yield violated("assignments", f"{'/'.join(key)}: count/first_hour/ready_hour/"
                           f"region {(a.count, a.first_hour, a.ready_hour, a.region)}, "
                           f"recomputed {need}")
    used = all_used(providers_by_kind(plan.schedule, plan.services, plan.copies, H))
    if plan.providers_used != sorted(used):
        yield violated("assignments", f"providers_used {plan.providers_used}, recomputed "
                       f"{sorted(used)}")


STATUS_ORDER = ("optimal", "feasible", "time_limit", "no_solution")


def check_status(ctx: Context) -> Iterator[Violation]:
    """A plan with anything scheduled, copied or served is not "no_solution", and its status
    is the worst of its solver phases (optimal < feasible < time_limit < no_solution), where a
    cost phase that found nothing leaves the coverage phase's plan, which is only "feasible".
    A phase is "optimal" only with a reported gap at most the one requested."""
    plan = ctx.plan
    busy = (any(v > 0 for r in plan.schedule for v in r.up_by_hour)
            or any(v > 0 for r in plan.copies for v in r.gb_by_hour)
            or any(v > 0 for r in plan.services for v in r.share_by_hour))
    if busy and plan.status == "no_solution":
        yield violated("status", "status is no_solution but the plan schedules, copies or serves")
    phases = plan.solver.phases
    if not phases:
        return
    statuses = [p.status for p in phases]
    if statuses[0] != "no_solution":
        statuses = [("feasible" if p.name == "cost" and p.status == "no_solution" else p.status)
                    for p in phases]
    expected = max(statuses, key=STATUS_ORDER.index)
    if plan.status != expected:
        yield violated("status", f"status {plan.status} != worst solver phase status {expected}")
    asked = plan.solver.gap_requested
    for p in phases:
        if p.objective is not None and p.bound is not None:
            if not leq(p.bound, p.objective):  # both phases minimise: a bound is below
                yield violated("status", f"{p.name} phase's bound {num(p.bound)} is above "
                               f"its objective {num(p.objective)}")
            elif p.gap is not None and not close(p.gap, relative_gap(p.objective, p.bound)):
                yield violated("status", f"{p.name} phase's gap {p.gap:.3g} is not that of "
                               f"its objective and bound "
                               f"({relative_gap(p.objective, p.bound):.3g})")
        if p.status == "optimal" and (p.gap is None or p.gap > asked):
            yield violated("status", f"{p.name} phase is optimal with "
                           f"{'no gap' if p.gap is None else f'a gap of {p.gap:.3g}'}, above "
                           f"the {asked:g} requested")


def relative_gap(objective: float, bound: float) -> float:
    """|objective - bound| / |objective|, as the plan states every phase's gap."""
    return abs(objective - bound) / max(abs(objective), 1e-9)


def check_stale_facts(ctx: Context) -> Iterator[Violation]:
    """The stale facts listed are those of the providers and vendors used, older than
    policy.max_fact_age_days at the decision date (domain.facts.stale_facts), none missing
    and none added."""
    plan = ctx.plan
    decided = plan.inventory.decision_date
    used = set(plan.providers_used)
    entries = [e for e in [*plan.catalog.providers, *plan.catalog.services] if e.id in used]
    want = [] if decided is None else stale_facts(
        entries, decided, plan.inventory.policy.max_fact_age_days)
    if plan.stale_facts != want:
        yield violated("stale_facts", f"{len(plan.stale_facts)} stale fact(s) listed, "
                       f"{len(want)} expected from the inputs")


def check_warnings(ctx: Context) -> Iterator[Violation]:
    """The warnings are those that follow from the plan (domain.warnings.plan_warnings: its
    inputs, time grid and solver phases), in that order, after at most the solver's own
    fallback to CBC (domain.warnings.FALLBACK, with solver cbc), which does not follow from
    the plan and so is checked only for its form and place: none deleted, none added, none
    reworded, repeated or moved. Each violation quotes the warning it is about."""
    plan = ctx.plan
    want = plan_warnings(plan.inventory, plan.catalog, plan.solver.time_grid_exact,
                         plan.solver.phases, plan.copies, plan.lead_times)
    fallback = [w for w in plan.warnings if FALLBACK.match(w)]
    rest = [w for w in plan.warnings if not FALLBACK.match(w)]
    if fallback and plan.solver.solver != "cbc":
        yield violated("warnings", f"a fallback to CBC in a plan solved with "
                       f"{plan.solver.solver}: {_quoted(fallback[0])}")
    elif len(fallback) > 1 or (fallback and plan.warnings[0] != fallback[0]):
        yield violated("warnings", f"the fallback to CBC is stated {len(fallback)} time(s), "
                       f"{'first' if plan.warnings[0] == fallback[0] else 'not first'}; "
                       f"once and first expected")
    missing = [w for w in want if w not in rest]
    extra = [w for w in rest if w not in want]
    for text in missing:
        yield violated("warnings", f"missing a warning that follows from the plan: "
                       f"{_quoted(text)}")
    for text in extra:
        yield violated("warnings", f"a warning that does not follow from the plan: "
                       f"{_quoted(text)}")
    if rest != want and not missing and not extra:
        yield violated("warnings", f"the warnings are repeated or in another order than the "
                       f"plan gives them: {len(rest)} given, {len(want)} expected")


def _quoted(text: str, most: int = 160) -> str:
    """A text in a violation: quoted, shortened to `most` characters."""
    return repr(text if len(text) <= most else text[: most - 3] + "...")
