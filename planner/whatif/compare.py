"""What-if comparisons: rows and differences, pure functions of the cases' Plans."""

from __future__ import annotations

from planner.models.comparison import Change, Comparison, HomeFigures, Moved, ScenarioRow
from planner.models.plan import Plan
from planner.whatif.cases import Case


def losses_survived(plan: Plan) -> int:
    """Largest k such that losing any k providers at the horizon leaves every spread group
    at least its policy's surviving share (the k largest shares sum to at most 1 - share)."""
    H, keep = plan.horizon_hours, plan.inventory.policy.min_surviving_share
    shares_by_group = []
    for group in plan.inventory.groups:
        placed: dict[str, int] = {}
        for row in plan.schedule:
            if row.group == group.name and row.up_by_hour[H]:
                placed[row.provider] = placed.get(row.provider, 0) + row.up_by_hour[H]
        total = sum(placed.values())
        if group.spread and total:
            shares_by_group.append(sorted((n / total for n in placed.values()), reverse=True))
    if not shares_by_group:
        return 0
    k = 0
    while all(sum(shares[: k + 1]) <= 1 - keep + 1e-9 for shares in shares_by_group):
        k += 1
        if all(k >= len(shares) for shares in shares_by_group):
            break
    return k


def row(plan: Plan, name: str, description: str | None = None,
        parameter: float | str | None = None) -> ScenarioRow:
    total = plan.servers_total or 1
    coverage = [sum(r.up_by_hour[t] for r in plan.schedule) / total
                for t in range(plan.horizon_hours + 1)]
    return ScenarioRow(
        name=name, description=description, parameter=parameter, status=plan.status,
        gap=plan.solver.gap_reached,
        servers_at_deadline=plan.servers_at_deadline, servers_total=plan.servers_total,
        coverage_at_deadline=plan.coverage_at_deadline,
        full_coverage_hour=plan.full_coverage_hour, one_time_cost=plan.costs.one_time_total,
        monthly_cost=plan.costs.monthly_total, providers_used=plan.providers_used,
        losses_survived=losses_survived(plan),
        shortfalls=[s.demand for s in plan.shortfalls],
        coverage_by_hour=[round(c, 6) for c in coverage], inputs_digest=plan.inputs_digest,
        home=None if plan.home is None else HomeFigures(
            day=plan.home.day, providers=plan.home.providers,
            served_by_hour=plan.home.served_by_hour, staying=plan.home.staying,
            servers=plan.home.servers, monthly_cost=plan.home.monthly_cost,
            negotiated_servers=sum(plan.home.negotiated.values())))


def _placement(plan: Plan) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for a in plan.assignments:
        out[(a.group, a.provider)] = out.get((a.group, a.provider), 0) + a.count
    return out


def change(first: Plan, other: Plan, name: str) -> Change:
    """What `other` does differently from `first`."""
    before, after = _placement(first), _placement(other)
    moved = [Moved(group=g, provider=p, servers_before=before.get((g, p), 0),
                   servers_after=after.get((g, p), 0))
             for g, p in sorted(set(before) | set(after))
             if before.get((g, p), 0) != after.get((g, p), 0)]
    return Change(
        name=name,
        providers_added=sorted(set(other.providers_used) - set(first.providers_used)),
        providers_dropped=sorted(set(first.providers_used) - set(other.providers_used)),
        moved=moved,
        coverage_delta=difference(other.coverage_at_deadline, first.coverage_at_deadline, 9),
        servers_at_deadline_delta=other.servers_at_deadline - first.servers_at_deadline,
        one_time_delta=difference(other.costs.one_time_total, first.costs.one_time_total, 6),
        monthly_delta=difference(other.costs.monthly_total, first.costs.monthly_total, 6))


def difference(new: float, old: float, digits: int) -> float:
    """new - old rounded to `digits`, never -0.0: a plan that costs a rounding error less
    must read 0.00, not -0.00."""
    return round(new - old, digits) + 0.0


def comparison(title: str, cases: list[Case], plans: list[Plan],
               parameter: str | None = None) -> Comparison:
    first = plans[0]
    return Comparison(
        title=title, inventory=first.inventory.name, deadline_hours=first.deadline_hours,
        currency=first.costs.currency, parameter=parameter,
        rows=[row(p, c.name, c.description, c.parameter) for c, p in zip(cases, plans)],
        changes=[change(first, p, c.name) for c, p in zip(cases[1:], plans[1:])])
