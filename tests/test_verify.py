"""The independent verifier: a hand-built valid plan passes; each broken rule is named."""

from __future__ import annotations

import pickle
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import InternalError, PlannerError
from planner.models.catalog import Catalog
from planner.models.plan import Cause, CopyRow, Plan, ScheduleRow, ServiceRow, Shortfall
from planner.verify import (
    MAX_VIOLATIONS,
    PlanInvalid,
    Violation,
    verify,
    verify_or_raise,
)
from planner.verify.costs import recompute_costs
from tests.planfactory import (
    DEADLINE,
    H,
    build_plan,
    catalog_data,
    hours,
    make_catalog,
    make_inventory,
    valid_copies,
    valid_plan,
    valid_schedule,
    valid_services,
)


def names(plan: Plan) -> set[str]:
    return {v.constraint for v in verify(plan)}


def with_row(plan: Plan, field: str, index: int, **update) -> Plan:
    """`plan` with row `index` of list `field` updated (no revalidation)."""
    rows = list(getattr(plan, field))
    rows[index] = rows[index].model_copy(update=update)
    return plan.model_copy(update={field: rows})


def bumped(up: list[int], hour: int, by: int = 1, suffix: bool = True) -> list[int]:
    return [v + by if (t >= hour if suffix else t == hour) else v for t, v in enumerate(up)]


def catalog_with(mutate) -> Catalog:
    data = catalog_data()
    mutate(data)
    return Catalog.model_validate(data)


# ------------------------------------------------------------------ the valid plan

def test_valid_plan_has_no_violations():
    assert verify(valid_plan()) == []


def test_valid_plan_numbers_match_the_hand_arithmetic():
    plan = valid_plan()
    assert plan.costs.one_time == pytest.approx(
        {"setup_fees": 165.0, "source_egress": 105.6, "service_setup": 20.0})
    assert plan.costs.monthly == pytest.approx(
        {"servers": 820.0, "services": 20 + 0.01 * 10000 * 730 / 24 + 6.0})
    assert plan.full_coverage_hour == 28
    assert [(s.demand, s.missing_at_deadline, s.full_by_hour) for s in plan.shortfalls] == \
        [("sms", 0.5, 28)]
    assert plan.providers_used == ["bucket", "cloudy", "metal", "texty"]


def test_recompute_costs_matches_the_hand_arithmetic():
    costs = recompute_costs(valid_plan())
    assert costs.one_time_total == pytest.approx(290.6)
    assert costs.monthly_total == pytest.approx(820 + 3061.6666667 + 6)


def test_json_round_trip_still_verifies():
    plan = valid_plan()
    assert verify(Plan.model_validate_json(plan.model_dump_json())) == []


def test_verify_or_raise():
    verify_or_raise(valid_plan())
    bad = valid_plan().model_copy(update={"servers_total": 99})
    with pytest.raises(PlanInvalid) as info:
        verify_or_raise(bad)
    # a bug, not bad input: the CLI exits 3 for it, never 1 (tests/test_cli_errors.py)
    assert isinstance(info.value, InternalError) and not isinstance(info.value, PlannerError)
    assert info.value.violations[0].constraint == "coverage"
    again = pickle.loads(pickle.dumps(info.value))  # as from a what-if worker
    assert again.violations == info.value.violations and str(again) == str(info.value)
    assert "servers_total" in str(info.value)


def test_violation_is_frozen_and_printable():
    v = Violation(constraint="ingress", detail="x")
    with pytest.raises(Exception):
        v.detail = "y"
    assert str(v) == "ingress: x"


def test_violations_are_capped():
    plan = valid_plan()
    rows = [ScheduleRow(group="web", provider="nowhere", offering=f"o{i}",
                        up_by_hour=[0] * (H + 1)) for i in range(300)]
    plan = plan.model_copy(update={"schedule": plan.schedule + rows})
    assert len(verify(plan)) == MAX_VIOLATIONS


# ------------------------------------------------------------------ 1 shape

def test_shape_hour_list_length_stops_other_checks():
    plan = with_row(valid_plan(), "schedule", 0, up_by_hour=valid_schedule()[0].up_by_hour[:-1])
    found = verify(plan)
    assert {v.constraint for v in found} == {"shape"}
    assert "schedule row db/cloudy/big has 30 hours, expected 31" in found[0].detail


def test_shape_deadline_horizon_and_digest():
    plan = valid_plan()
    assert "shape" in names(plan.model_copy(update={"deadline_hours": DEADLINE + 1}))
    assert "shape" in names(plan.model_copy(update={"inputs_digest": "sha256:0"}))
    longer = plan.model_copy(update={"horizon_hours": H + 1})
    assert {v.constraint for v in verify(longer)} == {"shape"}


def test_shape_digest_follows_the_embedded_inputs():
    plan = valid_plan()
    changed = plan.model_copy(update={"inventory": make_inventory(name="other")})
    assert any("inputs_digest" in v.detail for v in verify(changed))


def test_shape_duplicate_rows():
    plan = valid_plan()
    zero = valid_schedule()[0].model_copy(update={"up_by_hour": [0] * (H + 1)})
    assert "shape" in names(plan.model_copy(update={"schedule": plan.schedule + [zero]}))


# ------------------------------------------------------------------ 2 fit

def test_fit_offering_too_small():
    found = verify(with_row(valid_plan(), "schedule", 0, offering="small"))
    assert any(v.constraint == "fit" and "vcpu 2 < 8" in v.detail for v in found)


def test_fit_unknown_provider_offering_group():
    assert "fit" in names(with_row(valid_plan(), "schedule", 0, provider="nowhere"))
    assert "fit" in names(with_row(valid_plan(), "schedule", 0, offering="huge"))
    assert "fit" in names(with_row(valid_plan(), "schedule", 0, group="cache"))


def test_fit_jurisdiction_arch_gpu():
    inv = make_inventory(groups=[
        {"name": "db", "count": 2, "vcpu": 8.0, "ram_gb": 32.0, "data_gb": 900.0,
         "jurisdictions": ["DE"], "arch": "arm64", "gpu_count": 1, "spread": False},
        {"name": "web", "count": 6, "vcpu": 2.0, "ram_gb": 4.0, "depends_on": ["db"]}])
    details = [v.detail for v in verify(build_plan(inventory=inv)) if v.constraint == "fit"]
    assert any("jurisdiction US" in d for d in details)
    assert any("arch x86_64 != arm64" in d for d in details)
    assert any("gpu_count 0 < 1" in d for d in details)


# ------------------------------------------------------------------ 3 excluded

def test_excluded_by_organization():
    policy = make_inventory().policy.model_dump() | {"excluded_providers": ["megacorp"]}
    found = verify(build_plan(inventory=make_inventory(policy=policy)))
    assert any(v.constraint == "excluded" and "cloudy" in v.detail for v in found)


def test_excluded_service_vendor_and_storage_target_by_id():
    policy = make_inventory().policy.model_dump() | {"excluded_providers": ["texty", "bucket"]}
    details = [v.detail for v in verify(build_plan(inventory=make_inventory(policy=policy)))
               if v.constraint == "excluded"]
    assert len(details) == 2


def test_excluded_source_provider():
    inv = make_inventory(source={"provider": "metal", "egress_gbps": 2.0})
    found = verify(build_plan(inventory=inv, catalog=make_catalog()))
    assert any(v.constraint == "excluded" and "source" in v.detail for v in found)


def test_excluded_end_of_life_on_decision_date_or_within_the_horizon():
    catalog = catalog_with(lambda d: d["providers"][1].update(end_of_life="2021-01-09"))
    assert "excluded" in names(build_plan(catalog=catalog))
    within = catalog_with(lambda d: d["providers"][1].update(end_of_life="2021-01-10"))
    assert "excluded" in names(build_plan(catalog=within))  # hour 24 of a 30-hour horizon
    later = catalog_with(lambda d: d["providers"][1].update(end_of_life="2021-01-11"))
    assert verify(build_plan(catalog=later)) == []


# ------------------------------------------------------------------ 4 schedule

def test_schedule_decreasing_and_hour_zero():
    rows = valid_schedule()
    down = rows[1].up_by_hour[:]
    down[7] = 2
    assert "servers_stay_up" in names(build_plan(schedule=[rows[0], rows[1].model_copy(
        update={"up_by_hour": down}), rows[2]]))
    plan = with_row(valid_plan(), "schedule", 0, up_by_hour=bumped(rows[0].up_by_hour, 0, 1,
                                                                   suffix=False))
    assert "schedule" in names(plan)


def test_schedule_not_a_count():
    rows = valid_schedule()
    up = list(rows[1].up_by_hour)
    up[20] = 3.5
    assert "schedule" in names(with_row(valid_plan(), "schedule", 1, up_by_hour=up))


# ------------------------------------------------------------------ 5-7 servers

def test_group_demand():
    rows = valid_schedule()
    rows[2] = rows[2].model_copy(update={"up_by_hour": hours({10: 3, 20: 4})})
    found = verify(build_plan(schedule=rows))
    assert any(v.constraint == "group_demand" and "hour 20: 7 > 6" in v.detail for v in found)


def test_provider_capacity():
    rows = valid_schedule()  # cloudy: 2 servers by hour 3 at most
    rows[0] = rows[0].model_copy(update={"up_by_hour": hours({3: 2})})
    found = verify(build_plan(schedule=rows))
    assert any(v.constraint == "provider_capacity" and "cloudy at hour 3: 3 > 2" in v.detail
               for v in found)


def test_offering_capacity_delivery_and_stock():
    rows = valid_schedule()
    early = rows[:2] + [rows[2].model_copy(update={"up_by_hour": hours({9: 3})})]
    assert "offering_capacity" in names(build_plan(schedule=early))  # delivered at hour 10
    catalog = catalog_with(lambda d: d["providers"][1]["offerings"][0].update(stock=2.0))
    found = verify(build_plan(catalog=catalog))
    assert any(v.constraint == "offering_capacity" and "3 > 2" in v.detail for v in found)


# ------------------------------------------------------------------ 8-11 data

def test_data_copy_missing_copy():
    copies = valid_copies()[1:]
    found = verify(build_plan(copies=copies))
    assert any(v.constraint == "data_before_service" and "hour 3: 450 > 0" in v.detail
               for v in found)


def test_data_copy_row_rules():
    copies = valid_copies()
    late = copies[0].model_copy(update={"gb_by_hour": hours({4: 450.0, 5: 450.0},
                                                            fill_forward=False)})
    assert "data_before_service" in names(build_plan(copies=[late, copies[1]]))
    at_zero = copies[0].model_copy(update={"gb_by_hour": hours({0: 1.0, 3: 450.0, 4: 450.0},
                                                               fill_forward=False)})
    assert "data_copy" in names(build_plan(copies=[at_zero, copies[1]]))
    negative = CopyRow(demand="web", target="cloudy", gb_by_hour=hours({5: -1.0}, False))
    assert "data_copy" in names(build_plan(copies=copies + [negative]))
    unknown = CopyRow(demand="db", target="texty", gb_by_hour=[0.0] * (H + 1))
    assert "data_copy" in names(build_plan(copies=copies + [unknown]))
    nogroup = CopyRow(demand="cache", target="cloudy", gb_by_hour=[0.0] * (H + 1))
    assert "data_copy" in names(build_plan(copies=copies + [nogroup]))


def test_data_copy_within_tolerance_passes():
    copies = valid_copies()
    gb = hours({3: 450.0 - 1e-5, 4: 450.0}, fill_forward=False)
    plan = build_plan(copies=[copies[0].model_copy(update={"gb_by_hour": gb}), copies[1]])
    assert verify(plan) == []


def test_ingress():
    copies = valid_copies()
    front = copies[0].model_copy(update={"gb_by_hour": hours({3: 900.0}, fill_forward=False)})
    found = verify(build_plan(copies=[front, copies[1]]))
    assert any(v.constraint == "target_ingress" and "cloudy at hour 3: 900 > 450" in v.detail
               for v in found)


def test_object_storage_ingest_rate_and_total():
    copies = valid_copies()
    gb = list(copies[1].gb_by_hour)
    gb[2] = 90.0
    assert "object_storage_ingest" in names(build_plan(copies=[copies[0], copies[1].model_copy(
        update={"gb_by_hour": gb})]))
    gb = list(copies[1].gb_by_hour)
    gb[9] = 10.0
    found = verify(build_plan(copies=[copies[0], copies[1].model_copy(
        update={"gb_by_hour": gb})]))
    assert any(v.constraint == "object_storage_total" and "310 GB" in v.detail for v in found)


def test_object_storage_ingest_wrong_target_and_no_demand():
    assert "object_storage_ingest" in names(with_row(valid_plan(), "copies", 1, target="texty"))
    inv = make_inventory(services={"sms": make_inventory().services.sms.model_dump()})
    assert "object_storage_total" in names(build_plan(inventory=inv))


def test_source_egress():
    inv = make_inventory(source={"provider": "oldcloud", "egress_gbps": 1.0})  # 450 GB/h
    found = verify(build_plan(inventory=inv))
    assert any(v.constraint == "source_egress" and "hour 3: 495 > 450" in v.detail
               for v in found)


def test_source_egress_cutoff():
    inv = make_inventory(source={"provider": "oldcloud", "egress_gbps": 2.0,
                                 "data_available_hours": 7.0})
    assert "source_egress" in names(build_plan(inventory=inv))  # bucket still copies at h8


# ------------------------------------------------------------------ 12 services

def test_service_share_above_curve():
    share = valid_services()[0].share_by_hour[:]
    share[10] = 0.6
    found = verify(build_plan(services=[valid_services()[0].model_copy(
        update={"share_by_hour": share})]))
    assert any(v.constraint == "service_share" and "hour 10: 0.6 > 0.5" in v.detail
               for v in found)


def test_service_coverage_never_drops():
    row = valid_services()[0]
    dips = row.model_copy(update={"share_by_hour": hours({4: 0.5, 10: 0.25, 28: 1.0})})
    found = verify(build_plan(services=[dips]))
    assert [v.constraint for v in found] == ["service_stays_up"]
    assert "total sms share" in found[0].detail


def test_service_share_sum_over_vendors():
    row = valid_services()[0]
    full = row.model_copy(update={"share_by_hour": hours({28: 1.0})})
    found = verify(build_plan(services=[row, full]))
    assert any(v.constraint == "service_demand" and "total sms share" in v.detail
               for v in found)


def test_service_share_wrong_vendor_demand_misfit():
    plan = valid_plan()
    assert "service_share" in names(with_row(plan, "services", 0, kind="email"))
    assert "service_share" in names(with_row(plan, "services", 0, vendor="bucket"))
    assert "service_share" in names(with_row(plan, "services", 0, offering="shortcode"))
    inv = make_inventory(services={"sms": {"messages_per_day": 10000.0,
                                           "messages_per_second": 10.0,
                                           "countries": ["US", "FR"]},
                                   "object_storage": {"stored_tb": 0.3}})
    found = verify(build_plan(inventory=inv))
    assert any(v.constraint == "service_share" and "FR" in v.detail for v in found)


def test_service_share_negative():
    share = [0.0] * (H + 1)
    share[3] = -0.1
    extra = ServiceRow(kind="sms", vendor="texty", offering="tollfree", share_by_hour=share)
    plan = valid_plan()
    plan = plan.model_copy(update={"services": plan.services + [extra]})
    assert "service_share" in names(plan)


# ------------------------------------------------------------------ 13-14 dependency, policy

def test_dependency():
    rows = valid_schedule()  # web may run 3 servers per db server
    rows[0] = rows[0].model_copy(update={"up_by_hour": hours({3: 1, 12: 2})})
    found = verify(build_plan(schedule=rows))
    assert [v.detail for v in found if v.constraint == "dependency"] == [
        "web serves 6/6 at hour 10 but db only 1/2 (2 hours)"]


def test_policy_max_share():
    policy = make_inventory().policy.model_dump() | {"max_share_per_provider": 0.4}
    found = verify(build_plan(inventory=make_inventory(policy=policy)))
    assert any(v.constraint == "policy_share" and "max share" in v.detail for v in found)


def test_policy_survive_losses():
    policy = make_inventory().policy.model_dump() | {"max_share_per_provider": 1.0,
                                                     "survive_provider_losses": 2}
    found = verify(build_plan(inventory=make_inventory(policy=policy)))
    assert any(v.constraint == "policy_share" and "2 largest" in v.detail for v in found)


def test_policy_ignores_groups_without_spread():
    rows = valid_schedule()  # db sits on one provider: fine, spread is False
    assert all(v.constraint != "policy_share" for v in verify(build_plan(schedule=rows)))
    inv = make_inventory(groups=[
        {"name": "db", "count": 2, "vcpu": 8.0, "ram_gb": 32.0, "data_gb": 900.0},
        {"name": "web", "count": 6, "vcpu": 2.0, "ram_gb": 4.0, "depends_on": ["db"]}])
    assert "policy_share" in names(build_plan(inventory=inv))


# ------------------------------------------------------------------ 15-16 money

def test_costs_amount_mismatch():
    plan = valid_plan()
    costs = plan.costs.model_copy(update={"one_time": plan.costs.one_time | {
        "setup_fees": 150.0}})  # forgot the EUR conversion
    found = verify(plan.model_copy(update={"costs": costs}))
    assert any(v.constraint == "costs" and "setup_fees" in v.detail for v in found)


def test_costs_keys_currency_totals():
    plan = valid_plan()
    for update in ({"one_time": plan.costs.one_time | {"other": 0.0}},
                   {"monthly": {"servers": plan.costs.monthly["servers"]}},
                   {"currency": "EUR"}, {"monthly_total": 1.0}, {"hourly_run_rate": 1.0}):
        costs = plan.costs.model_copy(update=update)
        assert "costs" in names(plan.model_copy(update={"costs": costs})), update


def test_costs_tolerance():
    plan = valid_plan()
    near = plan.costs.model_copy(update={"monthly_total": plan.costs.monthly_total * (1 + 1e-8)})
    assert verify(plan.model_copy(update={"costs": near})) == []


def test_costs_unused_service_costs_nothing():
    row = valid_services()[0].model_copy(update={"share_by_hour": [0.0] * (H + 1)})
    plan = build_plan(services=[row])
    assert "texty" not in plan.providers_used
    assert all(v.constraint != "costs" for v in verify(plan))
    assert recompute_costs(plan).one_time["service_setup"] == pytest.approx(5.0)


def test_budget():
    policy = make_inventory().policy.model_dump() | {"monthly_budget": 3000.0,
                                                     "one_time_budget": 200.0}
    found = [v for v in verify(build_plan(inventory=make_inventory(policy=policy)))
             if v.constraint == "budget"]
    assert len(found) == 2


# ------------------------------------------------------------------ 17-20 derived fields

def test_coverage_served_mismatch():
    plan = valid_plan()
    served = list(plan.coverage[0].served_by_hour)
    served[3] = 2.0
    found = verify(with_row(plan, "coverage", 0, served_by_hour=served))
    assert any(v.constraint == "coverage" and "group/db served at hour 3" in v.detail
               for v in found)


def test_coverage_rows_totals_and_summary():
    plan = valid_plan()
    assert "coverage" in names(plan.model_copy(update={"coverage": plan.coverage[1:]}))
    assert "coverage" in names(plan.model_copy(update={"coverage": plan.coverage
                                                       + plan.coverage[:1]}))
    assert "coverage" in names(with_row(plan, "coverage", 3, unit="GB"))
    assert "coverage" in names(with_row(plan, "coverage", 1, total=5.0))
    for update in ({"servers_total": 7}, {"servers_at_deadline": 7},
                   {"coverage_at_deadline": 0.875}, {"full_coverage_hour": 10},
                   {"full_coverage_hour": None}):
        assert "coverage" in names(plan.model_copy(update=update)), update


def test_coverage_object_storage_is_cumulative_tb():
    plan = valid_plan()
    row = next(r for r in plan.coverage if r.kind == "object_storage")
    assert row.served_by_hour[2] == pytest.approx(0.045)
    assert row.served_by_hour[8] == pytest.approx(0.3)


def test_shortfalls_missing_extra_wrong():
    plan = valid_plan()
    assert "shortfalls" in names(plan.model_copy(update={"shortfalls": []}))
    extra = Shortfall(demand="db", kind="group", unit="servers", total=2.0,
                      missing_at_deadline=0.0, full_by_hour=4,
                      causes=[Cause(code="quota", detail="x")])
    assert "shortfalls" in names(plan.model_copy(update={"shortfalls": plan.shortfalls
                                                         + [extra]}))
    for update in ({"missing_at_deadline": 0.4}, {"full_by_hour": None}, {"causes": []},
                   {"unit": "messages"}, {"total": 2.0}):
        assert "shortfalls" in names(with_row(plan, "shortfalls", 0, **update)), update


def test_shortfall_for_a_group_late_for_the_deadline():
    rows = valid_schedule()  # the dedicated servers arrive after the deadline
    rows[2] = rows[2].model_copy(update={"up_by_hour": hours({14: 3})})
    plan = build_plan(schedule=rows)
    assert verify(plan) == []
    web = next(s for s in plan.shortfalls if s.demand == "web")
    assert (web.missing_at_deadline, web.full_by_hour) == (3.0, 14)
    assert plan.servers_at_deadline == 5


def test_assignments():
    plan = valid_plan()
    assert "assignments" in names(with_row(plan, "assignments", 0, count=1))
    assert "assignments" in names(with_row(plan, "assignments", 1, ready_hour=4))
    assert "assignments" in names(with_row(plan, "assignments", 2, first_hour=9))
    assert "assignments" in names(plan.model_copy(update={"assignments": plan.assignments[1:]}))
    assert "assignments" in names(plan.model_copy(update={"assignments": plan.assignments
                                                          + plan.assignments[:1]}))
    assert "assignments" in names(plan.model_copy(update={"providers_used": ["cloudy"]}))


def test_assignments_skip_rows_without_servers_at_the_horizon():
    rows = valid_schedule() + [ScheduleRow(group="web", provider="cloudy", offering="big",
                                           up_by_hour=[0] * (H + 1))]
    plan = build_plan(schedule=rows)
    assert len(plan.assignments) == 3
    assert verify(plan) == []


def test_status():
    plan = valid_plan()
    assert "status" in names(plan.model_copy(update={"status": "time_limit"}))
    assert "status" in names(build_plan(status="no_solution"))


# ------------------------------------------------------------------ property

CLOUDY_CAP = [0 if t <= 2 else min(2 * (t - 2), 10) for t in range(H + 1)]
METAL_CAP = [0 if t <= 4 else min(5 * (t - 4), 10) for t in range(H + 1)]
DEDI_CAP = [0 if t < 10 else 3 for t in range(H + 1)]
DB_DATA_COPIED = [0, 0, 0, 450, 900] + [900] * (H - 4)
CAP_RULES = {"schedule", "group_demand", "provider_capacity", "offering_capacity",
             "data_copy", "dependency", "policy_share", "budget"}


def expected_breaks(schedule: list[ScheduleRow], costs) -> set[str]:
    """The rules a schedule breaks, from the fixture's hand-computed limits."""
    def total(pred):
        return [sum(r.up_by_hour[t] for r in schedule if pred(r)) for t in range(H + 1)]
    db, web = total(lambda r: r.group == "db"), total(lambda r: r.group == "web")
    out = set()
    if any(r.up_by_hour[0] != 0 for r in schedule):
        out.add("schedule")
    if any(any(b < a for a, b in zip(r.up_by_hour, r.up_by_hour[1:])) for r in schedule):
        out.add("servers_stay_up")
    if any(db[t] > 2 or web[t] > 6 for t in range(H + 1)):
        out.add("group_demand")
    cloudy, metal = total(lambda r: r.provider == "cloudy"), total(lambda r: r.provider == "metal")
    if any(cloudy[t] > CLOUDY_CAP[t] or metal[t] > METAL_CAP[t] for t in range(H + 1)):
        out.add("provider_capacity")
    if any(metal[t] > DEDI_CAP[t] for t in range(H + 1)):  # dedi is metal's only offering
        out.add("offering_capacity")
    if any(db[t] * 450 > DB_DATA_COPIED[t] for t in range(H + 1)):
        out.add("data_before_service")
    first = {"cloudy": 3, "metal": 5}  # the first hour each can have a server; no bootstrap
    if any(r.up_by_hour[t] > 0 for r in schedule for t in range(first[r.provider])):
        out.add("bootstrap")
    if any(web[t] * 2 > db[t] * 6 for t in range(H + 1)):
        out.add("dependency")
    web_h = {"cloudy": schedule[1].up_by_hour[H], "metal": schedule[2].up_by_hour[H]}
    if max(web_h.values()) > 0.5 * sum(web_h.values()):
        out.add("policy_share")
    if costs.one_time_total > 1000 or costs.monthly_total > 5000:
        out.add("budget")
    return out


@settings(max_examples=300, deadline=None)
@given(row=st.integers(0, 2), hour=st.integers(0, H), by=st.integers(1, 8),
       suffix=st.booleans())
def test_raising_servers_never_passes_silently(row, hour, by, suffix):
    """Raise one entry (or every entry from an hour on) of one row, rebuild the summary
    fields consistently, and the verifier names exactly the rules the raise breaks."""
    schedule = valid_schedule()
    schedule[row] = schedule[row].model_copy(
        update={"up_by_hour": bumped(schedule[row].up_by_hour, hour, by, suffix)})
    plan = build_plan(schedule=schedule)
    want = expected_breaks(schedule, plan.costs)
    got = names(plan)
    assert want, "every raise of the tight fixture breaks some limit"
    assert got == want


INGRESS_CLOUDY = [450.0 if t >= 3 else 0.0 for t in range(H + 1)]
EGRESS = [900.0 if 1 <= t <= DEADLINE else 0.0 for t in range(H + 1)]
INGEST_BUCKET = [45.0 if t >= 2 else 0.0 for t in range(H + 1)]


def expected_copy_breaks(copies: list[CopyRow], costs) -> set[str]:
    """The rules a set of copies breaks, from the fixture's hand-computed limits."""
    db, bucket = copies[0].gb_by_hour, copies[1].gb_by_hour
    over = lambda a, b: a > b + 1e-6 * max(1.0, abs(a), abs(b))  # noqa: E731
    out = set()
    if db[0] != 0 or bucket[0] != 0:
        out.add("data_copy")
    if any(over(db[t], INGRESS_CLOUDY[t]) for t in range(H + 1)):
        out.add("target_ingress")
    hosts = [sum(r.hosts[t] for r in valid_schedule() if r.group == "db") for t in range(H + 1)]
    landed = list(accumulate(db))  # 450 GB per db server, on the hosts made by then
    if any(over(landed[t], 450 * hosts[t]) for t in range(H + 1)):
        out.add("hosts_hold_data")
    if any(over(db[t] + bucket[t], EGRESS[t]) for t in range(H + 1)):
        out.add("source_egress")
    if any(over(bucket[t], INGEST_BUCKET[t]) for t in range(H + 1)):
        out.add("object_storage_ingest")
    if over(sum(bucket), 300.0):
        out.add("object_storage_total")
    if costs.one_time_total > 1000 or costs.monthly_total > 5000:
        out.add("budget")
    return out


@settings(max_examples=300, deadline=None)
@given(row=st.integers(0, 1), hour=st.integers(0, H),
       gb=st.floats(1e-3, 2000.0, allow_nan=False))
def test_raising_copies_never_passes_silently(row, hour, gb):
    """Copy more in one hour of one copy row, rebuild the summary fields, and the verifier
    names exactly the data limits the extra copy breaks (extra data alone breaks nothing)."""
    copies = valid_copies()
    values = list(copies[row].gb_by_hour)
    values[hour] += gb
    copies[row] = copies[row].model_copy(update={"gb_by_hour": values})
    plan = build_plan(copies=copies)
    assert names(plan) == expected_copy_breaks(copies, plan.costs)


def test_status_is_the_worst_phase():
    plan = valid_plan()
    phases = plan.solver.phases
    limited = [phases[0].model_copy(update={"status": "time_limit"}), *phases[1:]]
    solver = plan.solver.model_copy(update={"phases": limited})
    assert "status" in names(plan.model_copy(update={"solver": solver}))
    assert "status" not in names(plan.model_copy(update={"solver": solver,
                                                         "status": "time_limit"}))
    if len(phases) > 1:
        failed = [phases[0], phases[1].model_copy(update={"status": "no_solution"})]
        solver = plan.solver.model_copy(update={"phases": failed})
        assert "status" not in names(plan.model_copy(update={"solver": solver,
                                                             "status": "feasible"}))
