"""The team's hours and the work's effort (issue 19): what the formulation charges, the
verifier re-checks and the runbook schedules, from the inputs alone.

Work is counted in engineer-hours. Each task has an effort and a due hour; a plan is
workable when, for every hour t, the work due by t is at most the engineer-hours the team
has had by t (the cumulative condition, which is what earliest-due-first needs of work that
people can split). Tasks and when they are due:

- provider setup (account, KYC, billing, IAM, network, image, monitoring): when the
  provider opens, the first hour a group serves there less that group's bootstrap hours;
- bootstrap of a group at a provider (image, configuration, deploy, smoke test; and its
  data's copy stream when it has data): by the first hour it serves there;
- each server: by the hour it serves;
- each service vendor (records, registration, integration): by the first hour it carries
  anything.

The formulation charges each task no later than this (formulation/labour.py: at the
opening it chooses), so a plan it makes passes the verifier's check on these due hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.domain.curves import first_hour
from planner.domain.eligibility import ready_wait
from planner.models.catalog import Catalog, Provider, ServiceVendor
from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory, Team

# A provider may open (its setup done) later than the first hour it could, when the team is
# busy: at most this many choices, at least this many hours apart, before the cut-off (a
# restriction: an opening between two choices waits for the next one). Measured on the
# 2021 case with 12 people: 6 choices 20 s, 3 choices 9 s for 0.03% more unserved hours.
START_CHOICES = 3
START_STEP_HOURS = 4


def available_hours(team: Team, horizon_hours: int) -> tuple[float, ...]:
    """Engineer-hours usable for the plan's tasks in each hour t = 1..H (index t; index 0 is
    the decision and holds 0): for each shift on duty in hour t, its people times the
    productive share, less its people times the hand-off hours in its first hour."""
    people = team.on_shift()
    out = [0.0]
    for t in range(1, horizon_hours + 1):
        clock = t - 1  # hour t runs from clock hour t-1 to t
        hours = 0.0
        for shift, n in zip(team.shifts, people):
            into = (clock - shift.start_hour) % 24
            if clock >= shift.start_hour and into < shift.hours:  # first on at start_hour
                hours += n * team.productive_share
                if into == 0:
                    hours -= n * team.handoff_hours
        out.append(max(hours, 0.0))
    return tuple(out)


def cumulative(per_hour: tuple[float, ...]) -> tuple[float, ...]:
    """Running sum: by hour t, the sum of hours 0..t."""
    out, total = [], 0.0
    for value in per_hour:
        total += value
        out.append(total)
    return tuple(out)


def team_hours_by(inventory: Inventory, horizon_hours: int) -> tuple[float, ...]:
    """Engineer-hours the team has had by each hour 0..H."""
    return cumulative(available_hours(inventory.crew, horizon_hours))


def start_delays(inventory: Inventory) -> list[int]:
    """Hours after the decision at which a provider's onboarding may start: 0, then up to
    START_CHOICES - 1 later choices spread before the cut-off."""
    step = max(START_STEP_HOURS, math.ceil(inventory.cutoff / START_CHOICES))
    return [d for d in range(0, inventory.cutoff, step)][:START_CHOICES] or [0]


def delays_from(inventory: Inventory, first: int) -> list[int]:
    """The `start_delays` open to a provider or vendor that can first carry at hour `first`:
    no later choice past the cut-off (the model's, formulation/labour.py, and the greedy
    baseline's, planner/baseline/labour.py)."""
    last = max(inventory.cutoff, 1)
    return [d for d in start_delays(inventory) if d == 0 or first + d <= last]


def provider_setup_hours(catalog: Catalog, provider: Provider) -> float:
    if provider.setup_effort_hours is not None:
        return provider.setup_effort_hours.value
    return catalog.effort.provider_setup_hours[provider.kind].value


def vendor_setup_hours(catalog: Catalog, vendor: ServiceVendor) -> float:
    if vendor.setup_effort_hours is not None:
        return vendor.setup_effort_hours.value
    return catalog.effort.vendor_setup_hours[vendor.kind].value


def server_hours(catalog: Catalog, provider: Provider) -> float:
    """Engineer-hours to make one server at `provider`, by its provisioning mode."""
    return catalog.effort.server_hours[provider.provisioning_mode].value


def bootstrap_effort_hours(catalog: Catalog, group: WorkloadGroup) -> float:
    """Bringing `group` up at one provider, with its data's copy stream when it has data."""
    effort = catalog.effort
    return effort.bootstrap_hours.value + (effort.copy_stream_hours.value
                                           if group.data_gb > 0 else 0.0)


@dataclass(frozen=True)
class Task:
    """One piece of the plan's work: `hours` engineer-hours due by hour `due_hour`."""

    kind: str        # provider_setup, bootstrap, servers, vendor_setup
    who: str         # provider or vendor id
    hours: float
    due_hour: int
    group: str | None = None
    count: int = 0   # servers, for kind "servers"


def modelled(catalog: Catalog) -> bool:
    """Whether the team's work is planned: the catalog states the effort of tasks."""
    return catalog.effort is not None


def overdue(tasks: list[Task], team_by_hour: tuple[float, ...],
            tolerance: float = 1e-6) -> tuple[int, float, float] | None:
    """The first hour t at which the work due by t exceeds the team's hours by t, with the
    work and the hours; None when every hour's work fits."""
    due: dict[int, float] = {}
    for task in tasks:
        due[task.due_hour] = due.get(task.due_hour, 0.0) + task.hours
    total = 0.0
    for t in sorted(due):
        total += due[t]
        have = team_by_hour[min(t, len(team_by_hour) - 1)]
        if total > have + tolerance * max(1.0, have):
            return t, total, have
    return None


def plan_tasks(inventory: Inventory, catalog: Catalog, schedule, services, copies) -> list[Task]:
    """The work a plan asks for, from its schedule (rows with group, provider and
    up_by_hour), its service rows (vendor, share_by_hour) and its copies (demand, target,
    gb_by_hour): each provider's setup when it opens (the first hour a group serves there
    less that group's bootstrap), each group's bootstrap at each provider by the hour it
    first serves there, each server by the hour it serves (each host, where several servers
    share one; made once: a row that drops at a refusal and rises again makes only what
    it never had before, domain/refusal.py), each vendor's setup by the first
    hour it carries anything. In a stable order: by due hour, then kind, then names."""
    groups = {g.name: g for g in inventory.groups}
    providers = {p.id: p for p in catalog.providers}
    vendors = {v.id: v for v in catalog.services}
    first: dict[tuple[str, str], int] = {}
    new: dict[tuple[str, str, int], int] = {}
    opens: dict[str, int] = {}  # the hour each provider must be open: its first server's
    # start less the group's wait there (its bootstrap, and a rebuild on the other arch)
    for row in schedule:
        up = row.up_by_hour
        made = row.hosts if getattr(row, "per_host", None) else up  # a host holds several
        most = made[0] if made else 0
        for t in range(1, len(made)):
            if made[t] > most:
                key = (row.group, row.provider, t)
                new[key] = new.get(key, 0) + int(made[t] - most)
                most = made[t]
        start = first_hour(up)
        if start is not None:
            key = (row.group, row.provider)
            first[key] = min(first.get(key, start), start)
            offering = next((o for o in providers[row.provider].offerings
                             if o.id == row.offering), None)
            arch = offering.arch if offering else groups[row.group].arch
            opened = start - ready_wait(inventory, groups[row.group], providers[row.provider],
                                        arch)
            opens[row.provider] = min(opens.get(row.provider, opened), opened)
    tasks: list[Task] = []
    for (g, p), t in first.items():
        tasks.append(Task("bootstrap", p, bootstrap_effort_hours(catalog, groups[g]), t, g))
    for p, t in opens.items():
        tasks.append(Task("provider_setup", p, provider_setup_hours(catalog, providers[p]),
                          max(t, 0)))
    for (g, p, t), n in new.items():
        tasks.append(Task("servers", p, n * server_hours(catalog, providers[p]), t, g, n))
    carried: dict[str, int] = {}
    for row in services:
        t = first_hour(row.share_by_hour)
        if t is not None:
            carried[row.vendor] = min(carried.get(row.vendor, t), t)
    for row in copies:
        t = first_hour(row.gb_by_hour)
        if row.demand == "object_storage" and t is not None:
            carried[row.target] = min(carried.get(row.target, t), t)
    for v, t in carried.items():
        tasks.append(Task("vendor_setup", v, vendor_setup_hours(catalog, vendors[v]), t))
    order = {"provider_setup": 0, "vendor_setup": 1, "bootstrap": 2, "servers": 3}
    return sorted(tasks, key=lambda k: (k.due_hour, order[k.kind], k.who, k.group or ""))


def work_overdue(work) -> tuple[int, float, float] | None:
    """`overdue` for a Plan's `work` (models.plan.Work)."""
    tasks = [Task(t.kind, t.who, t.engineer_hours, t.due_hour, t.group, t.count)
             for t in work.tasks]
    return overdue(tasks, tuple(work.available_by_hour))
