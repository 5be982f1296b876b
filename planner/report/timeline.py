"""Timeline data for the runbook's Mermaid gantt chart, read from the Plan's hours.

Mermaid's gantt charts take dates. With `dateFormat x` a task's start and end are Unix
milliseconds, so hour h of the plan is written as the plain number h, and `axisFormat %Q`
(d3: milliseconds since the epoch) prints it back as h: the axis counts hours from the
decision. (`dateFormat X`, seconds, is not used: Mermaid 11 reads a task's start in
milliseconds but its end in seconds with it.) Every bar is clipped to the plan's
horizon (its name says so when it goes on past it), so the chart always spans 0..horizon.
Task and section names keep only characters Mermaid accepts in them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from planner.models.plan import Plan


@dataclass(frozen=True)
class Task:
    name: str
    id: str
    start: int
    end: int
    milestone: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Gantt:
    title: str
    sections: tuple[Section, ...]


def gantt_text(text: str) -> str:
    """A name Mermaid accepts: letters, digits, spaces, dots, hyphens, underscores."""
    cleaned = " ".join(re.sub(r"[^A-Za-z0-9 ._-]+", " ", str(text)).split())
    return cleaned or "item"


def ready_hour(hours: float) -> int:
    """A lead time in hours as the whole hour by which it is over."""
    return math.ceil(hours - 1e-9)


def batches(up_by_hour: list[int]) -> list[tuple[int, int]]:
    """(hour, total serving) at each hour where the count rises."""
    out, last = [], 0
    for hour, count in enumerate(up_by_hour):
        if count > last:
            out.append((hour, count))
            last = count
    return out


def first_hour_serving(shares: list[float]) -> int | None:
    """First hour with any share served."""
    return next((h for h, s in enumerate(shares) if s > 1e-9), None)


# a share within this of the whole is the whole: the solver's feasibility tolerance (1e-7)
# leaves 0.9999999 where 1 is meant; the shortfalls read it with the same tolerance
FULL_TOL = 1e-6


def first_hour_full(shares: list[float]) -> int | None:
    """First hour with the whole demand served."""
    return next((h for h, s in enumerate(shares) if s >= 1 - FULL_TOL), None)


class _Builder:
    def __init__(self, horizon: int):
        self.horizon = horizon
        self.sections: list[Section] = []
        self._tasks: list[Task] = []
        self._title = ""
        self._n = 0

    def section(self, title: str) -> None:
        self._flush()
        self._title = gantt_text(title)

    def bar(self, name: str, start: int, end: int) -> None:
        start = max(0, min(start, self.horizon))
        past = end > self.horizon
        end = max(start, min(end, self.horizon))
        if past:
            name = f"{name} past hour {self.horizon}"
        self._n += 1
        if end == start:
            self._tasks.append(Task(gantt_text(name), f"t{self._n}", start, start, True))
        else:
            self._tasks.append(Task(gantt_text(name), f"t{self._n}", start, end))

    def milestone(self, name: str, hour: int) -> None:
        self._n += 1
        self._tasks.append(Task(gantt_text(name), f"t{self._n}", min(hour, self.horizon),
                                min(hour, self.horizon), True))

    def _flush(self) -> None:
        if self._tasks:
            self.sections.append(Section(self._title, tuple(self._tasks)))
        self._tasks = []

    def done(self, title: str) -> Gantt:
        self._flush()
        return Gantt(gantt_text(title), tuple(self.sections))


def build(plan: Plan, group_label: dict[str, str]) -> Gantt:
    """The chart: decision and deadline, compute providers, data copies, DNS, email, SMS."""
    horizon = plan.horizon_hours
    providers = {p.id: p for p in plan.catalog.providers}
    vendors = {v.id: v for v in plan.catalog.services}
    g = _Builder(horizon)

    g.section("Deadline")
    g.milestone(f"Deadline hour {plan.deadline_hours}", plan.deadline_hours)
    if plan.full_coverage_hour is not None:
        g.milestone(f"Everything served hour {plan.full_coverage_hour}", plan.full_coverage_hour)

    order: list[str] = []
    for a in plan.assignments:
        if a.provider not in order:
            order.append(a.provider)
    for pid in order:
        rows = [a for a in plan.assignments if a.provider == pid]
        onboard = ready_hour(providers[pid].onboarding_hours.value)
        first = min(a.first_hour for a in rows)
        ready = max(a.ready_hour for a in rows)
        g.section(pid)
        g.bar("Onboarding", 0, onboard)
        if first > onboard:
            g.bar("First servers", onboard, first)
        g.bar("All servers", first, ready)

    if plan.copies:
        g.section("Data copy")
        for c in plan.copies:
            hours = [h for h, gb in enumerate(c.gb_by_hour) if gb > 0]
            if hours:
                name = group_label.get(c.demand, c.demand)
                g.bar(f"{name} to {c.target}", hours[0] - 1, hours[-1])

    for kind, title in (("dns", "DNS"), ("email", "Email"), ("sms", "SMS")):
        rows = [s for s in plan.services if s.kind == kind]
        if rows:
            g.section(title)
        for s in rows:
            vendor = vendors[s.vendor]
            start = ready_hour(vendor.onboarding_hours.value)
            serving = first_hour_serving(s.share_by_hour)
            if kind == "dns":
                g.bar(f"{s.vendor} zone ready", 0, start)
                full = first_hour_full(s.share_by_hour)
                g.bar("NS TTL wait", start, horizon + 1 if full is None else full)
            elif kind == "email":
                g.bar(f"{s.vendor} onboarding and setup", 0,
                      horizon + 1 if serving is None else serving)
                offering = next(o for o in vendor.offerings if o.id == s.offering)
                curve = offering.capacity.get("messages_per_day")
                if serving is not None and curve is not None and len(curve.values) > 1:
                    end = serving + ready_hour(curve.every_hours * (len(curve.values) - 1))
                    g.bar(f"{s.vendor} warm-up", serving, end)
            else:
                g.bar(f"{s.vendor} {s.offering} registration", 0,
                      horizon + 1 if serving is None else serving)
        if kind == "sms" and not rows:
            candidates = sms_candidates(plan)
            if candidates:
                g.section(title)
            for vendor, offering in candidates:
                lead = offering.lead_hours.value if offering.lead_hours else 0
                g.bar(f"{vendor.id} {offering.id} registration", 0,
                      ready_hour(vendor.onboarding_hours.value + lead))
    return g.done(f"{plan.inventory.name} hours from the decision")


def sms_candidates(plan: Plan) -> list:
    """(vendor, fastest offering) for each SMS vendor named in the SMS shortfall's causes."""
    vendors = {v.id: v for v in plan.catalog.services}
    seen: list[str] = []
    for s in plan.shortfalls:
        if s.kind != "sms":
            continue
        for c in s.causes:
            if c.provider and c.provider in vendors and c.provider not in seen:
                seen.append(c.provider)
    out = []
    for vid in seen:
        vendor = vendors[vid]
        fastest = min(vendor.offerings,
                      key=lambda o: (o.lead_hours.value if o.lead_hours else 0, o.id))
        out.append((vendor, fastest))
    return out
