"""Hours on the calendar: the decision's local time, local times next to hours, and the
lead times the plan took in business hours or with a range (Plan.lead_times), each with the
hours it is ready at p50 and at p90."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from planner.domain.calendar import decision_instant, local_zone
from planner.models.catalog import CatalogEntry
from planner.models.plan import LeadTimeStep, Plan
from planner.report.filters import hours_text

STEP_NAMES = {"onboarding_hours": "onboarding", "quota_raise_hours": "server quota raise",
              "raise_hours": "quota raise", "delivery_hours": "delivery",
              "unblock_hours": "port 25 unblock", "lead_hours": "registration or lead time"}


@dataclass(frozen=True)
class LeadRow:
    entry: str
    step: str
    clock: str
    stated: str
    ready: str
    local: str
    at_vendor: str


def _when(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M %Z").strip()


def local_time(plan: Plan):
    """A function of an hour after the decision giving its local time ("Mon 30 Nov 09:00
    PST"), or "" when the inventory gives no decision time."""
    start, zone = decision_instant(plan.inventory), local_zone(plan.inventory)
    if start is None or zone is None:
        return lambda hour: ""
    return lambda hour: _when(start + dt.timedelta(hours=float(hour)), zone)


def _step_name(step: LeadTimeStep) -> str:
    """The step's name and the offering or quota it belongs to: "registration or lead
    time (10dlc)"."""
    name = STEP_NAMES.get(str(step.loc[-1]), str(step.loc[-1]))
    owner = re.search(r"\[(.+)\]|^\w+\.(.+)\.", step.step)
    return f"{name} ({owner.group(1) or owner.group(2)})" if owner else name


def _clock(step: LeadTimeStep, entry: CatalogEntry | None) -> str:
    working = entry.working_hours if entry else None
    if step.clock == "wall" or working is None:
        return "hours of the clock"
    days = [d.capitalize() for d in working.days]
    span = f"{days[0]}-{days[-1]}" if len(days) > 1 else days[0]
    return f"working hours ({span} {working.opens}-{working.closes} {working.time_zone})"


def _range(low: float, high: float) -> str:
    return f"hour {hours_text(low)}" if abs(high - low) < 1e-9 else \
        f"hour {hours_text(low)}-{hours_text(high)}"


def lead_rows(plan: Plan) -> list[LeadRow]:
    """The steps of the providers and vendors the plan uses, in the plan's order."""
    entries = {e.id: e for e in [*plan.catalog.providers, *plan.catalog.services]}
    used = set(plan.providers_used)
    local = local_time(plan)
    start = decision_instant(plan.inventory)
    rows = []
    for step in plan.lead_times:
        if step.entry not in used:
            continue
        stated = f"{hours_text(step.hours_p50)} h"
        if step.hours_p90 is not None:
            stated += f" (p90 {hours_text(step.hours_p90)} h)"
        low, high = step.ready_hour_p50, step.ready_hour_p90
        zone = ZoneInfo(step.time_zone) if step.time_zone else None
        at_vendor = _when(start + dt.timedelta(hours=step.ready_hour), zone) \
            if start is not None and zone is not None else ""
        rows.append(LeadRow(entry=step.entry, step=_step_name(step),
                            clock=_clock(step, entries.get(step.entry)), stated=stated,
                            ready=_range(low, high),
                            local=local(low) if local(low) == local(high)
                            else f"{local(low)} to {local(high)}", at_vendor=at_vendor))
    return rows


def calendar_context(plan: Plan) -> dict:
    local = local_time(plan)
    return {"local": local, "decision_local": local(0),
            "lead_rows": lead_rows(plan),
            "lead_unused": sum(s.entry not in set(plan.providers_used)
                               for s in plan.lead_times),
            "lead_quantile": plan.inventory.policy.lead_time_quantile}
