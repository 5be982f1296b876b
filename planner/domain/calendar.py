"""Hour 0 on the calendar: lead times in business hours and at a quantile, turned into the
wall-clock hours every curve counts in.

A lead time (models/base.LeadTime) states a median `value`, perhaps a `p90`, and whether it
counts wall-clock hours or the entry's working hours. `timed` makes, before any curve is
built, the catalog the plan is made on: each lead time at the policy's quantile, in hours of
the clock from when its step starts (onboarding from the decision; a quota raise, a delivery,
a port-25 ticket, a registration from the end of onboarding). It records each step it
changed, with the range between p50 and p90, so that the Plan can show "hour 39-87" and the
verifier can recompute it.

A business-hours step runs only in its entry's working hours (days, opening and closing in
its time zone): started on a Saturday evening, it waits for Monday morning. Without a
decision time, a business-hours step is taken at its longest over every start in a week (a
request made as the office closes before its longest break), and the plan says so.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from planner.models.base import LeadTime
from planner.models.catalog import Catalog, CatalogEntry, lead_times_of
from planner.models.inventory import Inventory
from planner.models.plan import LeadTimeStep
from planner.models.provider_facts import WEEKDAYS, WorkingHours

UTC = dt.timezone.utc
MAX_DAYS = 3660  # a business-hours lead time longer than ten years is not a lead time
REFERENCE_MONDAY = dt.date(2001, 1, 1)  # a week with no clock change in either hemisphere


def decision_instant(inventory: Inventory) -> dt.datetime | None:
    """Hour 0 as an aware instant, or None when the inventory gives no decision time."""
    if inventory.decision_datetime is None:
        return None
    moment = dt.datetime.fromisoformat(inventory.decision_datetime)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(inventory.time_zone))
    return moment.astimezone(UTC)


def local_zone(inventory: Inventory) -> dt.tzinfo | None:
    """The zone local times are written in: the inventory's time zone, else the decision's
    own UTC offset; None without a decision time."""
    if inventory.time_zone is not None:
        return ZoneInfo(inventory.time_zone)
    if inventory.decision_datetime is None:
        return None
    return dt.datetime.fromisoformat(inventory.decision_datetime).tzinfo


def _windows(working: WorkingHours, first: dt.date):
    """The entry's working windows, as UTC instants, from the local day `first` on."""
    zone = ZoneInfo(working.time_zone)
    opens = dt.time.fromisoformat(working.opens)
    midnight = working.closes == "24:00"  # the end of the day: 00:00 of the next
    closes = dt.time(0) if midnight else dt.time.fromisoformat(working.closes)
    for offset in range(MAX_DAYS):
        day = first + dt.timedelta(days=offset)
        if WEEKDAYS[day.weekday()] in working.days:
            end = day + dt.timedelta(days=1) if midnight else day
            yield (dt.datetime.combine(day, opens, tzinfo=zone).astimezone(UTC),
                   dt.datetime.combine(end, closes, tzinfo=zone).astimezone(UTC))


def wall_hours(start: dt.datetime, business_hours: float, working: WorkingHours) -> float:
    """Hours of the clock from `start` until `business_hours` of the entry's working time
    have passed: end - start, where the end is the first instant with
    sum over working windows w of |w ∩ [start, end]| = business_hours."""
    if business_hours <= 0:
        return 0.0
    left = business_hours * 3600.0
    local_day = start.astimezone(ZoneInfo(working.time_zone)).date()
    for opens, closes in _windows(working, local_day):
        begin = max(opens, start)
        if begin >= closes:
            continue
        span = (closes - begin).total_seconds()
        if span >= left:
            return round((begin - start).total_seconds() / 3600.0 + left / 3600.0, 6)
        left -= span
    return math.inf


def longest_wall_hours(business_hours: float, working: WorkingHours) -> float:
    """The most hours of the clock `business_hours` can take over every start in a week:
    the worst start is a closing time (waiting out the break that follows)."""
    if business_hours <= 0:
        return 0.0
    week = [closes for _, closes in _windows(working, REFERENCE_MONDAY)
            if closes.date() < REFERENCE_MONDAY + dt.timedelta(days=8)]
    return max(wall_hours(closes, business_hours, working) for closes in week)


def step_hours(lead: LeadTime, hours: float, begin_hour: float, start: dt.datetime | None,
               working: WorkingHours | None) -> float:
    """Hours of the clock a step of `hours` (of `lead`'s clock) takes when it begins
    `begin_hour` hours after the decision at `start`."""
    if lead.clock == "wall" or working is None:
        return hours
    if start is None:
        return longest_wall_hours(hours, working)
    return wall_hours(start + dt.timedelta(hours=begin_hour), hours, working)


def replaced_at(model, loc: tuple, value):
    """`model` with the value at `loc` (field names, list indexes, mapping keys) replaced."""
    key, rest = loc[0], loc[1:]
    if isinstance(model, list):
        return [(replaced_at(item, rest, value) if rest else value) if i == key else item
                for i, item in enumerate(model)]
    if isinstance(model, dict):
        return {k: ((replaced_at(item, rest, value) if rest else value) if k == key else item)
                for k, item in model.items()}
    child = getattr(model, key)
    return model.model_copy(update={key: replaced_at(child, rest, value) if rest else value})


def _timed_entry(entry: CatalogEntry, start: dt.datetime | None, quantile: str
                 ) -> tuple[CatalogEntry, list[LeadTimeStep]]:
    working = entry.working_hours
    onboarding = entry.onboarding_hours

    def ready(q: str) -> float:  # end of onboarding, hours after the decision
        return step_hours(onboarding, onboarding.at(q), 0.0, start, working)

    steps, timed_entry = [], entry
    for loc, path, lead in lead_times_of(entry):
        if lead.clock == "wall" and lead.p90 is None:
            continue
        first = loc == ("onboarding_hours",)
        begins = {q: 0.0 if first else ready(q) for q in ("p50", "p90", quantile)}
        took = {q: step_hours(lead, lead.at(q), begins[q], start, working)
                for q in ("p50", "p90", quantile)}
        steps.append(LeadTimeStep(
            entry=entry.id, step=path, loc=list(loc), clock=lead.clock,
            time_zone=working.time_zone if lead.clock == "business" and working else None,
            start_known=start is not None or lead.clock == "wall",
            hours_p50=lead.value, hours_p90=lead.p90, quantile=quantile,
            begins_hour=begins[quantile], planned_hours=took[quantile],
            ready_hour_p50=begins["p50"] + took["p50"],
            ready_hour_p90=begins["p90"] + took["p90"]))
        timed_entry = replaced_at(timed_entry, loc, lead.model_copy(update={
            "value": took[quantile], "p90": None, "clock": "wall"}))
    return timed_entry, steps


def lead_at(entry: CatalogEntry, loc) -> LeadTime:
    """The lead time at `loc` of `entry`."""
    here = entry
    for key in loc:
        here = here[key] if isinstance(here, (list, dict)) else getattr(here, key)
    return here


def restored(catalog: Catalog, steps: list[LeadTimeStep]) -> Catalog:
    """The catalog `timed` was given, from the one it made and its steps: each step's lead
    time as stated (clock, p50, p90) put back. The verifier times it again."""
    lists = {"providers": list(catalog.providers), "services": list(catalog.services)}
    for step in steps:
        for name, entries in lists.items():
            for i, entry in enumerate(entries):
                if entry.id == step.entry:
                    lead = lead_at(entry, step.loc)
                    entries[i] = replaced_at(entry, tuple(step.loc), lead.model_copy(update={
                        "value": step.hours_p50, "p90": step.hours_p90,
                        "clock": step.clock}))
    return catalog.model_copy(update=lists)


def timed(inventory: Inventory, catalog: Catalog) -> tuple[Catalog, list[LeadTimeStep]]:
    """The catalog with every lead time in hours of the clock at the policy's quantile, and
    the steps that changed; the catalog itself when none does."""
    start = decision_instant(inventory)
    quantile = inventory.policy.lead_time_quantile
    steps, lists = [], {}
    for name in ("providers", "services"):
        entries = []
        for entry in getattr(catalog, name):
            entry, changed = _timed_entry(entry, start, quantile)
            entries.append(entry)
            steps.extend(changed)
        lists[name] = entries
    if not steps:
        return catalog, []
    return catalog.model_copy(update=lists), steps
