"""The team's work, re-derived from the plan's schedule and inputs (domain/labour.py says
what each task is): the work the plan states is that work, a group serves at a provider
only after its bootstrap there, and the work due by every hour fits the team's hours."""

from __future__ import annotations

from collections.abc import Iterator

from planner.domain import curves, labour
from planner.domain.eligibility import ready_wait
from planner.verify.context import Context, Violation, close, violated


def check_bootstrap(ctx: Context) -> Iterator[Violation]:
    """A group serves at a provider no earlier than b_g hours after the first hour that
    provider can have a server (its bootstrap: image, configuration, deploy), and on a
    server of the other architecture (arch_policy: rebuild) its rebuild hours later still."""
    for (g, p), rows in ctx.rows_at.items():
        provider, group = ctx.providers.get(p), ctx.groups.get(g)
        if provider is None or group is None:
            continue
        can = curves.first_hour(ctx.server_cap(p))
        for row in rows:  # each model: on the other architecture, its rebuild too
            offering = ctx.offering(p, row.offering)
            first = curves.first_hour(row.up_by_hour)
            if offering is None or first is None:
                continue
            wait = ready_wait(ctx.plan.inventory, group, provider, offering.arch)
            if can is None or first < can + wait:
                yield violated("bootstrap", f"{g} serves at {p} on {row.offering} from hour "
                               f"{first}, before its bootstrap there ends (hour {can}, plus "
                               f"{wait} hours)")
                break


def check_team_hours(ctx: Context) -> Iterator[Violation]:
    """The plan's `work` is the work its schedule asks for, the team's hours are those its
    team has, and, when the inventory states its team, the work due by each hour fits
    them (without one, the plan says it was not fitted: domain/warnings.py)."""
    plan = ctx.plan
    if plan.catalog.effort is None:
        if plan.work is not None:
            yield violated("team_hours", "the plan states work, but its catalog states no "
                           "effort for tasks")
        return
    if plan.work is None:
        yield violated("team_hours", "the catalog states effort for tasks, but the plan "
                       "states no work")
        return
    want = labour.plan_tasks(plan.inventory, plan.catalog, plan.schedule, plan.services,
                             plan.copies)
    got = [(t.kind, t.who, t.group, t.count, t.due_hour) for t in plan.work.tasks]
    if got != [(t.kind, t.who, t.group, t.count, t.due_hour) for t in want] or not all(
            close(a.engineer_hours, b.hours) for a, b in zip(plan.work.tasks, want)):
        yield violated("team_hours", "the work the plan states is not the work its schedule "
                       "asks for")
        return
    crew = plan.inventory.crew
    have = labour.team_hours_by(plan.inventory, ctx.H)
    if plan.work.people != crew.people or plan.work.team_stated != (plan.inventory.team
                                                                    is not None) \
            or len(plan.work.available_by_hour) != len(have) \
            or not all(close(a, b) for a, b in zip(plan.work.available_by_hour, have)):
        yield violated("team_hours", "the team's hours the plan states are not its team's")
        return
    late = labour.overdue(want, have) if plan.inventory.team is not None else None
    if late is not None:
        hour, due, had = late
        yield violated("team_hours", f"by hour {hour} the plan's work is {due:.1f} "
                       f"engineer-hours; the team has had {had:.1f}")
