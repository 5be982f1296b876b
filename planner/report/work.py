"""The runbook's work schedule: the plan's tasks (Plan.work) laid out shift by shift.

People take the task due soonest first (earliest-due-first, splitting a task between people
and hours as a team does): that is the order in which the cumulative rule the plan was made
under (domain/labour.py) is enough. Each shift on duty gets the tasks it works on, with the
engineer-hours it gives each and when each is due; a task that would end after its due hour
is marked late (only a plan made without a stated team can have one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.models.plan import Plan, WorkTask

EPS = 1e-9


@dataclass
class ShiftWork:
    name: str
    start_hour: int
    end_hour: int
    people: int
    available: float = 0.0
    tasks: dict[int, float] = field(default_factory=dict)  # task index -> engineer-hours


@dataclass
class Row:
    text: str
    hours: float
    due_hour: int
    late: bool


def describe(task: WorkTask, kind_of: dict[str, str]) -> str:
    if task.kind == "provider_setup":
        return (f"open and equip the account at {task.who} (KYC, billing, IAM, network, "
                "image, monitoring)")
    if task.kind == "vendor_setup":
        return f"switch {kind_of.get(task.who, 'the service')} to {task.who}"
    if task.kind == "bootstrap":
        return f"bring {task.group} up at {task.who} (image, configuration, deploy, smoke test)"
    return f"make {task.count} {task.group} server{'s' if task.count != 1 else ''} at {task.who}"


def _occurrences(plan: Plan) -> list[ShiftWork]:
    """Each shift's turns on duty within the horizon, in time order."""
    team, H = plan.inventory.crew, plan.horizon_hours
    out = []
    for shift, people in zip(team.shifts, team.on_shift()):
        start = shift.start_hour
        while start < H and people > 0:
            out.append(ShiftWork(shift.name, start, min(start + shift.hours, H), people))
            start += 24
    return sorted(out, key=lambda s: (s.start_hour, s.name))


def schedule(plan: Plan) -> tuple[list[ShiftWork], list[bool]]:
    """Shifts with the tasks they work on, and whether each task ends after it is due (or
    not within the horizon)."""
    work = plan.work
    if work is None:
        return [], []
    tasks = sorted(enumerate(work.tasks), key=lambda it: (it[1].due_hour, it[0]))
    left = {i: t.engineer_hours for i, t in tasks}
    done: dict[int, int] = {i: 0 for i, t in tasks if t.engineer_hours <= EPS}
    shifts = _occurrences(plan)
    per_hour = [b - a for a, b in zip(work.available_by_hour, work.available_by_hour[1:])]
    for hour, capacity in enumerate(per_hour, start=1):  # hour t runs from t-1 to t
        on = [s for s in shifts if s.start_hour < hour <= s.end_hour]
        people = sum(s.people for s in on) or 1
        for s in on:
            s.available += capacity * s.people / people
        for i, _ in tasks:
            if capacity <= EPS:
                break
            if left[i] <= EPS:
                continue
            took = min(capacity, left[i])
            left[i] -= took
            capacity -= took
            for s in on:
                s.tasks[i] = s.tasks.get(i, 0.0) + took * s.people / people
            if left[i] <= EPS:
                done[i] = hour
    late = [done.get(i) is None or done[i] > t.due_hour for i, t in enumerate(work.tasks)]
    return [s for s in shifts if s.tasks], late


def shift_rows(plan: Plan) -> list[tuple[ShiftWork, list[Row]]]:
    """Each shift turn with work, and its rows: one per task, the servers of one group at
    one provider made in that turn merged into one row (due by the first of them)."""
    shifts, late = schedule(plan)
    tasks = plan.work.tasks if plan.work else []
    kind_of = {v.id: v.kind for v in plan.catalog.services}
    out = []
    for shift in shifts:
        merged: dict[tuple, list[int]] = {}
        for i in shift.tasks:
            task = tasks[i]
            key = (task.kind, task.who, task.group) if task.kind == "servers" else (i,)
            merged.setdefault(key, []).append(i)
        rows = []
        for members in merged.values():
            task = tasks[members[0]].model_copy(
                update={"count": sum(tasks[i].count for i in members)})
            rows.append(Row(describe(task, kind_of), sum(shift.tasks[i] for i in members),
                            min(tasks[i].due_hour for i in members),
                            any(late[i] for i in members)))
        out.append((shift, sorted(rows, key=lambda r: (r.due_hour, r.text))))
    return out
