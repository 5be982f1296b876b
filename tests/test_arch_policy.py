"""arch_policy (issue 20, item 2): a group bound to arm64 may be placed on x86_64 servers
when it can be rebuilt for them, only once the rebuild is done; `hard` keeps it to its own
architecture. The model, the greedy start and the verifier agree."""

from __future__ import annotations

from planner import pipeline
from planner.domain import curves
from planner.models import Catalog, Inventory
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict


def _plan(**arm):
    inventory = inventory_dict(horizon=60, survive=0, max_share=1.0)
    for g in inventory["groups"]:
        if g["name"] == "web":
            g.update(arch="arm64", **arm)
    return pipeline.plan(Inventory.model_validate(inventory),
                         Catalog.model_validate(catalog_dict())).plan


def test_hard_keeps_a_group_to_its_architecture():
    plan = _plan()
    assert not any(r.group == "web" for r in plan.schedule)
    web = next(s for s in plan.shortfalls if s.demand == "web")
    assert {c.code for c in web.causes} == {"no_fit"}


def test_rebuild_places_it_on_the_other_architecture_after_the_rebuild():
    plan = _plan(arch_policy="rebuild", rebuild_hours=10)
    assert verify(plan) == []
    rows = [r for r in plan.schedule if r.group == "web"]
    assert rows
    wait = plan.inventory.crew.bootstrap_hours + 10
    for r in rows:
        provider = plan.catalog.provider(r.provider)
        can = curves.first_hour(curves.provider_servers(provider, plan.horizon_hours).values)
        assert curves.first_hour(r.up_by_hour) >= can + wait
    # one hour earlier is refused by the verifier
    i = next(i for i, r in enumerate(plan.schedule) if r.group == "web")
    row = plan.schedule[i]
    first = curves.first_hour(row.up_by_hour)
    early = row.model_copy(update={"up_by_hour": [
        row.up_by_hour[first] if t == first - 1 else n for t, n in enumerate(row.up_by_hour)]})
    tampered = plan.model_copy(update={"schedule": [
        early if j == i else r for j, r in enumerate(plan.schedule)]})
    assert "bootstrap" in {v.constraint for v in verify(tampered)}


def test_the_work_schedule_opens_the_provider_before_bootstrap_and_rebuild():
    """Review: the provider's setup is due its first server's start less the group's wait
    there, the rebuild included (the model needs the account that early)."""
    from planner.domain import labour
    from tests.test_team import EFFORT

    plan = _plan(arch_policy="rebuild", rebuild_hours=10)
    catalog = Catalog.model_validate({**catalog_dict(), "effort": EFFORT})
    tasks = labour.plan_tasks(plan.inventory, catalog, plan.schedule, plan.services,
                              plan.copies)
    for r in (r for r in plan.schedule if r.group == "web"):
        setup = next(t for t in tasks if t.kind == "provider_setup" and t.who == r.provider)
        wait = plan.inventory.crew.bootstrap_hours + 10
        assert setup.due_hour <= curves.first_hour(r.up_by_hour) - wait
