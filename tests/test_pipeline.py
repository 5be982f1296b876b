"""The whole pipeline on small inputs: solve, Plan, verify."""

import pytest

from planner import pipeline
from planner.inputs.overrides import Flags, apply_flags
from planner.inputs.planfile import plan_json
from planner.models import Catalog, Plan
from planner.verify import verify
from tests.builders import (
    catalog_dict,
    offering,
    provider,
    small_catalog,
    small_inventory,
)


@pytest.fixture(scope="module")
def base():
    return pipeline.plan(small_inventory(), small_catalog()).plan


def test_small_plan_is_optimal_and_verifies(base):
    assert base.status == "optimal"
    assert all(p.status == "optimal" and p.gap <= 1e-4 for p in base.solver.phases)
    assert verify(base) == []
    assert base.solver.integer_variables > 0 and base.solver.constraints > 0


def test_plan_round_trips_through_json_and_is_byte_identical(base):
    text = plan_json(base)
    assert Plan.model_validate_json(text) == base
    again = pipeline.plan(small_inventory(), small_catalog()).plan
    assert plan_json(again) == text


def test_served_plus_missing_is_demand(base):
    short = {s.demand: s for s in base.shortfalls}
    for row in base.coverage:
        served = row.served_by_hour[base.deadline_hours]
        missing = short[row.demand].missing_at_deadline if row.demand in short else 0
        assert served + missing == pytest.approx(row.total)


def test_the_source_is_never_a_target(base):
    assert "src" not in base.providers_used
    assert {"id": "src", "reason": "it is the provider being left"} in \
        [e.model_dump() for e in base.excluded]


def test_exclusion_by_organization_removes_every_entry():
    inv = apply_flags(small_inventory(), Flags(exclude=("acme",)))
    cat = catalog_dict()
    cat["providers"][1]["organization"] = "acme"
    plan = pipeline.plan(inv, Catalog.model_validate(cat)).plan
    assert "a" not in plan.providers_used
    assert any(e.id == "a" and "acme" in e.reason for e in plan.excluded)


def test_survive_one_loss_keeps_half_of_each_group_elsewhere(base):
    H = base.horizon_hours
    for group in base.inventory.groups:
        placed = {}
        for row in base.schedule:
            if row.group == group.name:
                placed[row.provider] = placed.get(row.provider, 0) + row.up_by_hour[H]
        if placed:
            assert max(placed.values()) <= 0.5 * sum(placed.values())


def test_dns_is_short_because_of_the_ns_ttl(base):
    dns = next(s for s in base.shortfalls if s.demand == "dns")
    # resolvers drop the old delegation evenly over its 48 h TTL from hour 1: 23/48 see the
    # new one at hour 24, all from hour 49
    assert dns.missing_at_deadline == pytest.approx(1 - 23 / 48) and dns.full_by_hour == 49
    assert {c.code for c in dns.causes} == {"dns_ttl"}


def test_a_group_nothing_fits_is_short_with_no_fit():
    inv = small_inventory().model_dump()
    inv["groups"].append({"name": "gpu", "count": 2, "vcpu": 8, "ram_gb": 32, "gpu_count": 1})
    from planner.models import Inventory
    plan = pipeline.plan(Inventory.model_validate(inv), small_catalog()).plan
    gpu = next(s for s in plan.shortfalls if s.demand == "gpu")
    assert gpu.missing_at_deadline == 2 and gpu.full_by_hour is None
    assert gpu.causes[0].code == "no_fit" and "GPU" in gpu.causes[0].detail


def test_monthly_budget_is_respected_and_named_as_a_cause():
    plan = pipeline.plan(small_inventory(monthly_budget=500), small_catalog()).plan
    assert plan.costs.monthly_total <= 500 + 1e-6
    assert verify(plan) == []
    assert any(c.code == "budget" for s in plan.shortfalls for c in s.causes)


def test_cbc_reaches_the_same_coverage(base):
    cbc = pipeline.plan(small_inventory(), small_catalog(), solver="cbc").plan
    assert cbc.solver.solver == "cbc" and verify(cbc) == []
    for phase in cbc.solver.phases:  # bounds read from CBC's log, not assumed
        assert phase.bound is not None and phase.gap is not None and phase.gap <= 1e-4
    assert cbc.solver.phases[0].objective == pytest.approx(base.solver.phases[0].objective,
                                                           rel=1e-4)


def test_a_provider_offering_only_after_the_horizon_is_never_used():
    late = provider("late", onboarding=500, quota=1000, rate=100,
                    offerings=[offering("cheap", 64, 512, 8000, 1)])
    plan = pipeline.plan(small_inventory(), small_catalog(extra_providers=[late])).plan
    assert "late" not in plan.providers_used


def test_overrides_are_validated():
    from planner.errors import PlannerError
    with pytest.raises(PlannerError, match="horizon"):
        apply_flags(small_inventory(horizon=30), Flags(deadline_hours=48))
