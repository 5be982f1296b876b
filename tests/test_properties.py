"""Invariants of the solver, over many random small instances (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import pipeline
from planner.verify import verify
from tests.builders import small_catalog, small_inventory

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

knobs = st.fixed_dictionaries({
    "quota_a": st.integers(0, 30), "quota_b": st.integers(0, 60), "rate_b": st.integers(1, 20),
    "stock": st.integers(0, 8),
})
needs = st.fixed_dictionaries({
    "web": st.integers(1, 40), "db": st.integers(1, 8), "big": st.integers(1, 6),
    "survive": st.integers(0, 2), "max_share": st.sampled_from([0.4, 0.6, 0.8, 1.0]),
    "egress_gbps": st.sampled_from([0.1, 1, 5]), "deadline": st.integers(4, 40),
})


def _coverage_objective(inventory, catalog) -> float:
    return pipeline.plan(inventory, catalog).plan.solver.phases[0].objective


@SETTINGS
@given(knobs, needs)
def test_every_plan_verifies_and_served_plus_short_is_demand(cat_knobs, inv_knobs):
    plan = pipeline.plan(small_inventory(horizon=60, **inv_knobs), small_catalog(**cat_knobs)).plan
    assert verify(plan) == []
    short = {s.demand: s.missing_at_deadline for s in plan.shortfalls}
    for row in plan.coverage:
        served = row.served_by_hour[plan.deadline_hours]
        assert served + short.get(row.demand, 0) == pytest.approx(row.total, abs=1e-6)


@SETTINGS
@given(knobs, needs, st.integers(1, 40))
def test_more_capacity_never_lowers_coverage(cat_knobs, inv_knobs, extra):
    inventory = small_inventory(horizon=60, **inv_knobs)
    before = _coverage_objective(inventory, small_catalog(**cat_knobs))
    more = {**cat_knobs, "quota_b": cat_knobs["quota_b"] + extra}
    after = _coverage_objective(inventory, small_catalog(**more))
    assert after <= before + 1e-6 * max(1.0, before)  # the objective counts unserved hours


@SETTINGS
@given(knobs, needs, st.integers(1, 20))
def test_more_time_never_lowers_coverage(cat_knobs, inv_knobs, extra):
    inv_knobs = {**inv_knobs, "deadline": min(inv_knobs["deadline"], 40)}
    catalog = small_catalog(**cat_knobs)
    before = _coverage_objective(small_inventory(horizon=60, **inv_knobs), catalog)
    later = {**inv_knobs, "deadline": inv_knobs["deadline"] + extra}
    after = _coverage_objective(small_inventory(horizon=60, **later), small_catalog(**cat_knobs))
    assert after <= before + 1e-6 * max(1.0, before)


def _landed_beyond_hosts(plan) -> list[tuple[str, str, int]]:
    """(group, target, hour) where more of a group's data is at a target than the hosts
    made there by that hour hold (data_gb / count each), computed from the plan alone."""
    groups = {g.name: g for g in plan.inventory.groups}
    out = []
    for row in plan.copies:
        group = groups.get(row.demand)
        if group is None:
            continue
        hosts = [sum(r.hosts[t] for r in plan.schedule
                     if (r.group, r.provider) == (row.demand, row.target))
                 for t in range(plan.horizon_hours + 1)]
        landed = 0.0
        for t, gb in enumerate(row.gb_by_hour):
            landed += gb
            if landed > hosts[t] * group.data_gb / group.count * (1 + 1e-6) + 1e-6:
                out.append((row.demand, row.target, t))
    return out


@SETTINGS
@given(knobs, needs, st.sampled_from([{}, {"data_available_hours": 60}]))
def test_no_copy_lands_on_a_host_before_it_exists(cat_knobs, inv_knobs, source):
    """Whether the source closes at the deadline or stays readable: data reaches a target
    only as fast as hosts are made there, and every host made is one the plan keeps."""
    plan = pipeline.plan(small_inventory(horizon=60, source=source, **inv_knobs),
                         small_catalog(**cat_knobs)).plan
    assert _landed_beyond_hosts(plan) == []
    for row in plan.schedule:
        assert all(u <= h for u, h in zip(row.up_by_hour, row.hosts))
        assert row.hosts[-1] == row.up_by_hour[-1]
