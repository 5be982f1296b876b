"""The edge in front of the site and the registrar behind its name (issue 21): chosen by
rule with their refusal risk and a fallback, the edge gating the users the plan counts,
the registrar gating every DNS move; the verifier and the runbook follow."""

from __future__ import annotations

from planner import pipeline
from planner.models import Catalog, Inventory
from planner.report.render import render_runbook
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict, vendor


def _catalog() -> Catalog:
    data = catalog_dict()
    data["services"] += [
        vendor("shield", "edge", [{"id": "pro", "price_per_month": 20,
                                   "capacity": {"zones": {"values": [10]}}}], onboarding=3,
               organization="shieldco"),
        vendor("slowshield", "edge", [{"id": "ent", "price_per_month": 5,
                                       "capacity": {"zones": {"values": [10]}}}],
               onboarding=30, organization="slowco"),
        vendor("regone", "registrar", [{"id": "transfer", "lead_hours": 120,
                                        "price_per_month": 1,
                                        "capacity": {"domains": {"values": [100]}}}],
               onboarding=0.5, organization="regone"),
        vendor("regtwo", "registrar", [{"id": "transfer", "lead_hours": 10,
                                        "price_per_month": 2,
                                        "capacity": {"domains": {"values": [100]}}}],
               onboarding=0.5, organization="regtwo"),
    ]
    return Catalog.model_validate(data)


def _inventory(current=None, excluded=(), edge=True) -> Inventory:
    data = inventory_dict(horizon=60, survive=0, max_share=1.0)
    data["groups"][0]["user_facing"] = True
    if edge:
        data["services"]["edge"] = {"zones": ["example.com"]}
    data["services"]["registrar"] = {"domains": ["example.com"],
                                     **({"current": current} if current else {})}
    data["policy"]["excluded_providers"] = list(excluded)
    return Inventory.model_validate(data)


def test_the_edge_is_the_soonest_and_gates_the_users_counted():
    plan = pipeline.plan(_inventory(), _catalog()).plan
    assert verify(plan) == []
    assert (plan.edge.vendor, plan.edge.ready_hour) == ("shield", 3)
    assert plan.edge.fallback == "slowshield" and plan.edge.refusal_risk == 0.1
    web = next(r for r in plan.coverage if r.demand == "web")
    assert all(x == 0 for x in web.served_by_hour[:3])
    assert all(u == 0 for u in plan.users.served_by_hour[:3])
    assert plan.costs.monthly["edge"] > 0
    text = render_runbook(plan)
    assert "## Edge and registrar" in text and "**shield** (`pro`)" in text
    assert "refusal risk 10%" in text


def test_a_registrar_excluded_moves_the_domains_and_dns_waits_for_the_transfer():
    kept = pipeline.plan(_inventory(current="regone"), _catalog()).plan
    moved = pipeline.plan(_inventory(current="regone", excluded=["regone"]), _catalog()).plan
    assert verify(kept) == [] and verify(moved) == []
    assert kept.registrar.keep and kept.registrar.ready_hour == 0
    assert kept.registrar.fallback == "regtwo"
    assert not moved.registrar.keep and moved.registrar.vendor == "regtwo"
    assert moved.registrar.ready_hour == 11  # half an hour's account, then 10 h of transfer
    dns = next(r for r in moved.services if r.kind == "dns")
    assert all(x == 0 for x in dns.share_by_hour[:12])
    assert sum(moved.users.reach_by_hour) < sum(kept.users.reach_by_hour)


def test_an_unnamed_registrar_is_kept_with_its_risk_unknown():
    plan = pipeline.plan(_inventory(edge=False), _catalog()).plan
    assert plan.registrar.keep and plan.registrar.vendor == ""
    assert plan.registrar.refusal_risk is None and plan.edge is None
    assert "the current registrar (the inventory does not name it)" in render_runbook(plan)
    assert "Refusal risk unknown" in render_runbook(plan)


def test_a_plan_claiming_another_edge_is_caught():
    plan = pipeline.plan(_inventory(), _catalog()).plan
    other = plan.edge.model_copy(update={"vendor": "slowshield", "ready_hour": 30})
    assert "vendor_choice" in {v.constraint for v in verify(
        plan.model_copy(update={"edge": other}))}
