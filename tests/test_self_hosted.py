"""Self-hosted services run on the plan's own servers (issue 21): a self-hosted vendor
serves only as far as the group running it does, and a group sending mail runs only where
outbound port 25 is allowed, after the unblock where that takes a ticket."""

from __future__ import annotations

from planner import pipeline
from planner.models import Catalog, Inventory
from planner.report.render import render_runbook
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict, vendor

SMTP = {"source": "test", "as_of": "2026-01"}


def _catalog(policy_a="ticket", policy_b="blocked") -> Catalog:
    data = catalog_dict()
    for entry, policy in ((data["providers"][1], policy_a), (data["providers"][2], policy_b)):
        entry["smtp_outbound"] = {"policy": policy, **SMTP,
                                  **({"unblock_hours": 10} if policy == "ticket" else {})}
    data["services"].append(vendor("postfix", "email", [{"id": "own", "capacity": {
        "messages_per_day": {"values": [1_000_000]}}}], onboarding=0.5, self_hosted=True))
    return Catalog.model_validate(data)


def _inventory(mail_group=True) -> Inventory:
    data = inventory_dict(horizon=60, survive=0, max_share=1.0)
    if mail_group:
        data["groups"].append({"name": "mail", "count": 2, "vcpu": 2, "ram_gb": 4,
                               "tier": 2, "needs_smtp": True, "runs_service": "email"})
    return Inventory.model_validate(data)


def test_a_mail_group_runs_only_where_port_25_opens_and_after_the_unblock():
    plan = pipeline.plan(_inventory(), _catalog()).plan
    assert verify(plan) == []
    rows = [r for r in plan.schedule if r.group == "mail"]
    assert rows and {r.provider for r in rows} == {"a"}  # b blocks port 25
    first = min(next(t for t, n in enumerate(r.up_by_hour) if n) for r in rows)
    assert first >= 3 + 10  # a's first server at hour 3, then the 10-hour unblock
    moved = [r.model_copy(update={"provider": "b", "offering": "m"}) if r.group == "mail"
             else r for r in plan.schedule]
    found = {v.detail for v in verify(plan.model_copy(update={"schedule": moved}))
             if v.constraint == "fit"}
    assert any("port 25 blocked" in d for d in found)


def test_the_self_hosted_vendor_serves_as_far_as_its_group():
    plan = pipeline.plan(_inventory(), _catalog()).plan
    own = [r for r in plan.services if r.vendor == "postfix"]
    assert own  # free and ready soonest: the plan runs its own mail server
    mail = next(c for c in plan.coverage if c.demand == "mail")
    for row in own:
        assert all(s <= m / 2 + 1e-9 for s, m in zip(row.share_by_hour, mail.served_by_hour))
    more = [r.model_copy(update={"share_by_hour": [min(1.0, x + 0.5) if t else 0.0
                                                   for t, x in enumerate(r.share_by_hour)]})
            if r.vendor == "postfix" else r for r in plan.services]
    assert "self_hosted" in {v.constraint for v in verify(
        plan.model_copy(update={"services": more}))}
    assert "PTR (reverse DNS)" in render_runbook(plan)  # its own mail server's steps


def test_without_a_group_running_it_a_self_hosted_vendor_is_not_used():
    plan = pipeline.plan(_inventory(mail_group=False), _catalog()).plan
    assert verify(plan) == []
    assert all(r.vendor != "postfix" for r in plan.services)
