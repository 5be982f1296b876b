"""Hour 0 on the calendar (domain/calendar.py): business-hours lead times wait for the
vendor's working days, ranges give p50 and p90, and the plan, its verifier and its runbook
agree on them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from planner import pipeline
from planner.domain.calendar import longest_wall_hours, timed, wall_hours
from planner.models import Catalog, Inventory
from planner.models.provider_facts import WorkingHours
from planner.report.render import render_runbook
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict
from tests.test_properties import SETTINGS, knobs, needs

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = {"time_zone": "Europe/Berlin", "opens": "09:00", "closes": "17:00",
          "source": "test fixture", "as_of": "2026-01"}
SATURDAY_EVENING = "2026-11-28T20:00:00"  # Monday 09:00 in Berlin is 37 hours later
WEDNESDAY_MORNING = "2026-11-25T10:00:00"


def office() -> WorkingHours:
    return WorkingHours.model_validate(OFFICE)


def test_a_saturday_evening_request_waits_for_monday():
    start = dt.datetime(2026, 11, 28, 20, tzinfo=BERLIN)
    assert wall_hours(start, 4, office()) == 37 + 4  # Monday 09:00 + 4 working hours
    assert wall_hours(start, 8, office()) == 37 + 8
    assert wall_hours(start, 9, office()) == 37 + 24 + 1  # Tuesday 10:00
    assert wall_hours(start, 0, office()) == 0


def test_inside_working_hours_the_clock_runs():
    start = dt.datetime(2026, 11, 25, 10, tzinfo=BERLIN)  # Wednesday
    assert wall_hours(start, 4, office()) == 4
    assert wall_hours(start, 7, office()) == 7
    assert wall_hours(start, 8, office()) == 24  # 7 today, the last at 09:00-10:00 Thursday


def test_working_hours_follow_the_clock_change():
    # Berlin leaves summer time on Sunday 2026-10-25: the office opens at 09:00 local
    # time either side, so in UTC it opens an hour later on Monday than on Friday
    friday_close = dt.datetime(2026, 10, 23, 17, tzinfo=BERLIN)
    assert wall_hours(friday_close, 1, office()) == 2 * 24 + 16 + 1 + 1


def test_a_day_may_end_at_midnight():
    whole_days = WorkingHours.model_validate({**OFFICE, "opens": "00:00", "closes": "24:00"})
    friday_evening = dt.datetime(2026, 11, 27, 23, tzinfo=BERLIN)
    assert wall_hours(friday_evening, 24, whole_days) == 1 + 48 + 23


def test_without_a_decision_time_the_longest_start_in_a_week_is_taken():
    assert longest_wall_hours(4, office()) == 64 + 4  # Friday 17:00 to Monday 13:00
    assert longest_wall_hours(0, office()) == 0


def _catalog(onboarding, **provider_extra) -> Catalog:
    data = catalog_dict()
    a = data["providers"][1]
    a.update(onboarding_hours=onboarding, working_hours=OFFICE, **provider_extra)
    return Catalog.model_validate(data)


def _inventory(decision=SATURDAY_EVENING, **kw) -> Inventory:
    data = inventory_dict(horizon=96, survive=0, max_share=1.0, **kw)
    if decision is not None:
        data.update(decision_datetime=decision, time_zone="Europe/Berlin")
    return Inventory.model_validate(data)


def _first_hour(plan, provider):
    hours = [r.up_by_hour.index(next(v for v in r.up_by_hour if v > 0))
             for r in plan.schedule if r.provider == provider and max(r.up_by_hour) > 0]
    return min(hours, default=None)


def test_a_saturday_evening_decision_moves_business_steps_to_monday():
    business = {"value": 4, "clock": "business"}
    saturday = pipeline.plan(_inventory(), _catalog(business)).plan
    wednesday = pipeline.plan(_inventory(WEDNESDAY_MORNING), _catalog(business)).plan
    assert verify(saturday) == [] and verify(wednesday) == []
    [step] = saturday.lead_times
    assert (step.entry, step.step, step.clock) == ("a", "onboarding_hours", "business")
    assert step.ready_hour_p50 == 41  # Monday 13:00 in Berlin
    assert saturday.catalog.provider("a").onboarding_hours.value == 41
    assert wednesday.lead_times[0].ready_hour_p50 == 4
    assert _first_hour(saturday, "a") > 41 and _first_hour(wednesday, "a") <= 24
    runbook = render_runbook(saturday)
    assert "hour 0 is Sat 28 Nov 20:00 CET (Europe/Berlin)" in runbook
    assert "| `a` | onboarding | working hours (Mon-Fri 09:00-17:00 Europe/Berlin) | 4 h | " \
           "hour 41 | Mon 30 Nov 13:00 CET |" in runbook


def test_wall_clock_steps_after_onboarding_start_when_it_ends():
    raise_business = _catalog({"value": 4, "clock": "business"},
                              quota_raise_hours={"value": 8, "clock": "business"})
    catalog, steps = timed(_inventory(), raise_business)
    by_step = {s.step: s for s in steps}
    assert by_step["quota_raise_hours"].begins_hour == 41
    assert by_step["quota_raise_hours"].ready_hour_p50 == 41 + 4 + 16 + 4  # Tuesday 13:00
    assert catalog.provider("a").quota_raise_hours.value == 24


def test_no_decision_time_takes_the_longest_and_the_runbook_says_so():
    plan = pipeline.plan(_inventory(decision=None), _catalog({"value": 4,
                                                                "clock": "business"})).plan
    assert plan.lead_times[0].ready_hour_p50 == 68 and not plan.lead_times[0].start_known
    assert any(w.startswith("no decision_datetime") and "(a)" in w for w in plan.warnings)
    assert "no decision_datetime in the inventory" in render_runbook(plan)


def test_the_range_and_the_quantile():
    ranged = _catalog({"value": 2, "p90": 30})
    at_p50 = pipeline.plan(_inventory(), ranged).plan
    at_p90 = pipeline.plan(_inventory(lead_time_quantile="p90"), ranged).plan
    assert at_p50.catalog.provider("a").onboarding_hours.value == 2
    assert at_p90.catalog.provider("a").onboarding_hours.value == 30
    assert (at_p50.lead_times[0].ready_hour_p50, at_p50.lead_times[0].ready_hour_p90) == (2, 30)
    assert "| 2 h (p90 30 h) | hour 2-30 |" in render_runbook(at_p50)
    assert verify(at_p90) == []


def test_a_rewritten_lead_time_is_caught():
    plan = pipeline.plan(_inventory(), _catalog({"value": 4, "clock": "business"})).plan
    step = plan.lead_times[0].model_copy(update={"hours_p50": 2.0})
    assert any(v.constraint == "lead_times"
               for v in verify(plan.model_copy(update={"lead_times": [step]})))
    untimed = plan.catalog.model_copy(update={"providers": [
        p.model_copy(update={"onboarding_hours": p.onboarding_hours.model_copy(
            update={"clock": "business"})}) if p.id == "a" else p
        for p in plan.catalog.providers]})
    assert any(v.constraint == "lead_times" for v in verify(
        plan.model_copy(update={"catalog": untimed})))


@pytest.mark.parametrize("change, message", [
    ({"onboarding_hours": {"value": 4, "clock": "business"}, "working_hours": None},
     "states no working_hours"),
    ({"onboarding_hours": {"value": 4, "p90": 3}}, "below the median"),
    ({"working_hours": {**OFFICE, "time_zone": "Mars/Olympus"}}, "not an IANA time zone"),
    ({"working_hours": {**OFFICE, "closes": "08:00"}}, "must be after opens"),
])
def test_bad_calendar_facts_are_refused(change, message):
    data = catalog_dict()
    data["providers"][1].update(change)
    data["providers"][1] = {k: v for k, v in data["providers"][1].items() if v is not None}
    with pytest.raises(ValidationError, match=message):
        Catalog.model_validate(data)


@pytest.mark.parametrize("change, message", [
    ({"decision_datetime": "2026-11-28T20:00:00"}, "no UTC offset"),
    ({"decision_datetime": "2026-11-28T20:00:00+01:00", "decision_date": "2026-11-27"},
     "is not the day of"),
    ({"time_zone": "Europe/Berlin"}, "without decision_datetime"),
    ({"decision_datetime": "2026-02-30T20:00:00+01:00"}, "not a date and time"),
])
def test_bad_decision_times_are_refused(change, message):
    with pytest.raises(ValidationError, match=message):
        Inventory.model_validate({**inventory_dict(), **change})


def test_an_offset_gives_the_day_and_the_local_times():
    inv = Inventory.model_validate({**inventory_dict(),
                                    "decision_datetime": "2026-11-28T20:00:00+01:00"})
    assert inv.decision_date == "2026-11-28"


ranges = st.fixed_dictionaries({
    "onboard_a": st.integers(0, 12), "onboard_a_more": st.integers(0, 30),
    "raise_a_more": st.integers(0, 40), "onboard_b_more": st.integers(0, 30),
    "delivery_more": st.integers(0, 48), "sms_more": st.integers(0, 60),
    "business": st.booleans(),
})


def _ranged(cat_knobs, r) -> Catalog:
    data = catalog_dict(**cat_knobs)
    clock = "business" if r["business"] else "wall"
    a, b = data["providers"][1], data["providers"][2]
    a.update(working_hours=OFFICE, onboarding_hours={
        "value": r["onboard_a"], "p90": r["onboard_a"] + r["onboard_a_more"], "clock": clock},
        quota_raise_hours={"value": 30, "p90": 30 + r["raise_a_more"], "clock": clock})
    b["onboarding_hours"] = {"value": 6, "p90": 6 + r["onboard_b_more"]}
    b["offerings"][1]["delivery_hours"] = {"value": 48, "p90": 48 + r["delivery_more"]}
    sms = data["services"][0]["offerings"][0]
    sms["lead_hours"] = {"value": 10, "p90": 10 + r["sms_more"]}
    return Catalog.model_validate(data)


@SETTINGS
@given(knobs, needs, ranges)
def test_planning_at_p90_never_serves_more_than_at_p50(cat_knobs, inv_knobs, r):
    """Every lead time at p90 is at least its p50, and a later start of a business-hours
    step never ends it sooner, so every capacity curve at p90 is at most the p50 one: the
    least unserved weighted hours (phase 1, proven optimal) can only grow."""
    catalog = _ranged(cat_knobs, r)
    inv = {**inventory_dict(horizon=60, **inv_knobs), "decision_datetime": SATURDAY_EVENING,
           "time_zone": "Europe/Berlin"}
    p50 = pipeline.plan(Inventory.model_validate(inv), catalog).plan
    inv["policy"] = {**inv["policy"], "lead_time_quantile": "p90"}
    p90 = pipeline.plan(Inventory.model_validate(inv), catalog).plan
    assert verify(p90) == []
    unserved50, unserved90 = (p.solver.phases[0].objective for p in (p50, p90))
    assert unserved90 >= unserved50 - 1e-6 * max(1.0, unserved50)
    for s in p90.lead_times:
        assert s.ready_hour_p90 >= s.ready_hour_p50
