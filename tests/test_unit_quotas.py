"""Quotas in the units providers enforce (issue 20, item 1): a provider's limits in vCPU,
GB of RAM, GPUs and public IPv4, on the account or per region, for all its offerings or one
family, each with a new-account value and a raise. The model, the greedy baseline, the
verifier, the causes of shortfalls and the runbook all count them in their own unit."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from pydantic import ValidationError

from planner import pipeline
from planner.baseline.waves import PLACEMENTS, baseline
from planner.domain import curves
from planner.domain.bill import egress_cost
from planner.formulation.instance import prepare
from planner.models import Catalog, Inventory
from planner.report.render import render_runbook
from planner.verify import verify
from tests.builders import SRC, catalog_dict, inventory_dict

# provider "a" (onboarding 2 h, 10 servers, a raise to 100 at hour 32) gets a regional
# vCPU quota of 24 (a raise to 48 at hour 2 + 10) and a family quota on its 16-vCPU models
VCPU = {"unit": "vcpu", "scope": "region", "new_account": 24, "raise_to": 48,
        "raise_hours": 10, "cut_back": 0.25, **SRC}
FAMILY = {"unit": "vcpu", "family": "big", "new_account": 16, **SRC}


def _catalog(quotas=None, **provider_a) -> Catalog:
    data = catalog_dict()
    a = data["providers"][1]
    a["quotas"] = quotas if quotas is not None else {"regional-vcpu": VCPU}
    a["quota_command"] = "acloud limits show --region <region>"
    a.update(provider_a)
    return Catalog.model_validate(data)


def _inventory(**kw) -> Inventory:
    return Inventory.model_validate(inventory_dict(horizon=48, survive=0, max_share=1.0, **kw))


def _taken(plan, pid: str, quota) -> list[float]:
    provider = next(p for p in plan.catalog.providers if p.id == pid)
    offerings = {o.id: o for o in provider.offerings}
    out = [0.0] * (plan.horizon_hours + 1)
    for row in plan.schedule:
        if row.provider == pid:
            units = curves.quota_units(offerings[row.offering], quota)
            out = [a + units * n for a, n in zip(out, row.up_by_hour)]
    return out


def test_units_and_the_limit_by_hour():
    catalog = _catalog({"regional-vcpu": VCPU, "big-vcpu": FAMILY, "ips": {
        "unit": "ipv4", "new_account": 5, **SRC}},
        offerings=[{"id": "s", "vcpu": 4, "ram_gb": 8, "disk_gb": 80, "price_per_month": 10},
                   {"id": "l", "vcpu": 16, "ram_gb": 64, "disk_gb": 320,
                    "price_per_month": 40, "family": "big", "ipv4": 2}])
    a = catalog.provider("a")
    quotas = a.unit_quotas
    s, big = a.offerings
    assert curves.quota_units(s, quotas["regional-vcpu"]) == 4
    assert curves.quota_units(s, quotas["big-vcpu"]) == 0  # another family
    assert curves.quota_units(big, quotas["big-vcpu"]) == 16
    assert (curves.quota_units(s, quotas["ips"]), curves.quota_units(big, quotas["ips"])) == (1, 2)
    limit = curves.provider_quota(a, quotas["regional-vcpu"], 20).values
    assert limit[:3] == (0, 0, 0) and limit[3] == 24 and limit[11] == 24 and limit[12] == 48
    # alone, "l" is held to 1 server by the 16-vCPU family quota, "s" to 5 by the addresses
    assert curves.quota_servers(a, big, 20)[12] == 1
    assert curves.quota_servers(a, s, 20)[12] == 5


@pytest.mark.parametrize("bad, words", [
    ({**VCPU, "raise_to": 12}, "below new_account"),
    ({**VCPU, "cut_back": 1.5}, "between 0 and 1"),
    ({"unit": "vcpu", "new_account": 8, "raise_to": 16, **SRC}, "go together"),
    ({**FAMILY, "family": "nothing"}, "no offering"),
    ({**VCPU, "unit": "furlongs"}, "unit"),
])
def test_a_wrong_quota_is_refused(bad, words):
    with pytest.raises(ValidationError, match=words):
        _catalog({"q": bad})


def test_the_plan_never_takes_more_than_a_quota_allows_and_the_verifier_says_so():
    plan = pipeline.plan(_inventory(), _catalog()).plan
    quota = plan.catalog.provider("a").unit_quotas["regional-vcpu"]
    taken = _taken(plan, "a", quota)
    limit = curves.provider_quota(plan.catalog.provider("a"), quota, plan.horizon_hours).values
    assert max(taken) == 48  # the quota binds: 48 vCPU after the raise, 24 before it
    assert all(x <= cap + 1e-9 for x, cap in zip(taken, limit))
    assert verify(plan) == []
    # one more server at "a" from hour 5 is within its server quota, not its vCPU quota
    row = next(i for i, r in enumerate(plan.schedule) if r.provider == "a")
    more = lambda hours: hours and [n + (1 if t >= 5 else 0) for t, n in enumerate(hours)]  # noqa: E731
    edited = plan.schedule[row].model_copy(update={  # hosts too, where the row states them
        "up_by_hour": more(plan.schedule[row].up_by_hour),
        "hosts_by_hour": more(plan.schedule[row].hosts_by_hour)})
    tampered = plan.model_copy(update={"schedule": [
        edited if i == row else r for i, r in enumerate(plan.schedule)]})
    assert "provider_quota" in {v.constraint for v in verify(tampered)}


def test_without_the_quota_the_same_plan_takes_more_vcpu():
    """The test above can fail: without the vCPU quota the plan goes past it."""
    plan = pipeline.plan(_inventory(), _catalog({})).plan
    assert max(_taken(plan, "a", _catalog().provider("a").unit_quotas["regional-vcpu"])) > 48


def test_the_greedy_baseline_keeps_within_the_quota():
    inventory, catalog = _inventory(), _catalog()
    inst = prepare(inventory, catalog)
    quota = catalog.provider("a").unit_quotas["regional-vcpu"]
    offerings = {o.id: o for o in catalog.provider("a").offerings}
    limit = curves.provider_quota(catalog.provider("a"), quota, inst.horizon_hours).values
    for placement in PLACEMENTS:
        greedy = baseline(inventory, catalog, inst, placement=placement)
        taken = [0.0] * (inst.horizon_hours + 1)
        for row in greedy.servers:
            if row.provider == "a":
                units = curves.quota_units(offerings[row.offering], quota)
                taken = [x + units * n for x, n in zip(taken, row.up_by_hour)]
        assert all(x <= cap + 1e-9 for x, cap in zip(taken, limit)), placement


def test_a_shortfall_names_the_quota_in_its_unit():
    # only "a" can take web before hour 8 (b onboards at 6), and a's vCPU quota is tiny
    plan = pipeline.plan(_inventory(deadline=8, web=30),
                         _catalog({"regional-vcpu": {**VCPU, "new_account": 8,
                                                     "raise_to": 8, "raise_hours": 100}})).plan
    details = [c.detail for s in plan.shortfalls for c in s.causes if c.provider == "a"]
    assert any("quota regional-vcpu (region) allows 8 vCPU by hour 8" in d for d in details), \
        details
    assert verify(plan) == []


def test_the_runbook_asks_for_the_raise_in_the_unit_and_shows_the_check_command():
    plan = pipeline.plan(_inventory(), _catalog()).plan
    text = render_runbook(plan)
    assert "**Quota `regional-vcpu`** (vCPU, per region). Ask for a raise to 48 vCPU" in text
    assert "the new account has 24" in text and "about 25% of the time" in text
    assert "acloud limits show --region <region>" in text
    assert "a regional-vcpu (to 48 vCPU)" in text  # the summary's list of raises


def _within_every_quota(plan) -> list[str]:
    """Each provider's unit quotas against what the plan's servers take, hour by hour, read
    from the plan and its catalog alone (not through the verifier)."""
    broken, checked = [], 0
    for provider in plan.catalog.providers:
        for name, quota in provider.unit_quotas.items():
            taken = _taken(plan, provider.id, quota)
            limit = curves.provider_quota(provider, quota, plan.horizon_hours).values
            checked += any(taken)
            broken += [f"{provider.id} {name} hour {t}: {x:g} > {cap:g}"
                       for t, (x, cap) in enumerate(zip(taken, limit)) if x > cap + 1e-9]
    assert checked, "no quota counts a server of this plan: the check would be empty"
    return broken


def test_no_shipped_catalog_plan_exceeds_a_unit_quota():
    """The 2021 case and an imported inventory (130 EC2 instances), with the shipped
    catalog: no provider's vCPU, RAM, GPU or address limit is passed at any hour."""
    from planner.inputs import loader
    from tests.test_import import FIX, run

    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    parler = pipeline.plan(loader.load_inventory("inventories/parler-2021.yaml"), catalog).plan
    assert _within_every_quota(parler) == []
    assert verify(parler) == []
    out = Path(tempfile.mkdtemp()) / "imported.yaml"
    assert run(FIX / "describe-instances.json", "-o", out).exit_code == 0
    # near Ashburn (us-east-1, the import's hub) its plan uses no provider with unit quotas;
    # around the hub planner picks (Amsterdam) it uses OVH Public Cloud's cores and RAM
    inventory = loader.load_inventory(out)
    inventory = inventory.model_copy(update={"policy": inventory.policy.model_copy(
        update={"near_metro": None})})
    imported = pipeline.plan(inventory, catalog).plan
    assert _within_every_quota(imported) == []
    assert verify(imported) == []


def test_ipv4_billed_apart_is_a_cost_line_traced_to_the_catalog():
    catalog = _catalog(ipv4_price_per_month={"value": 2.0, **SRC})
    plan = pipeline.plan(_inventory(), catalog).plan
    servers_at_a = sum(r.up_by_hour[plan.horizon_hours] for r in plan.schedule
                       if r.provider == "a")
    assert servers_at_a > 0
    eur = catalog.usd_per("EUR") / catalog.usd_per(plan.inventory.currency)
    assert plan.costs.monthly["ipv4"] == pytest.approx(servers_at_a * 2.0 * eur)
    assert verify(plan) == []
    text = render_runbook(plan)
    assert "| Monthly: ipv4 |" in text
    assert f"- a: {servers_at_a:g} addresses x 2 EUR a month (test fixture, 2026-01)" in text
    tampered = plan.model_copy(update={"costs": plan.costs.model_copy(update={
        "monthly": {**plan.costs.monthly, "ipv4": 0.0}})})
    assert "costs" in {v.constraint for v in verify(tampered)}
    assert "ipv4" not in pipeline.plan(_inventory(), _catalog()).plan.costs.monthly


def test_readiness_raises_every_limit_in_advance_in_its_unit():
    """The readiness item 'quota raises approved in advance' lifts the vCPU and family
    limits too, not only the server quota (else it would promise what it does not do)."""
    from planner.inputs import loader
    from planner.whatif.drills import raised_in_advance, readiness_cases

    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    sets = raised_in_advance(catalog.provider("azure"))
    assert sets["catalog.azure.quotas.regional-vcpu.new_account"] == 100
    assert sets["catalog.azure.quotas.dsv5-family-vcpu.new_account"] == 100
    inventory = loader.load_inventory("inventories/parler-2021.yaml")
    case = next(c for c in readiness_cases(inventory, catalog) if c.name == "quotas")
    azure = case.catalog.provider("azure")
    first = next(v for v in curves.provider_servers(azure, 10).values if v > 0)
    assert first == 10  # at once the 10 addresses bind, not 10 vCPU (2 servers)


def test_users_traffic_beyond_the_included_is_a_cost_line_traced_to_the_catalog():
    """Issue 20: a group's egress_tb_per_month is split over its servers; a provider that
    states its included traffic and egress price bills what goes beyond; one that states
    no included traffic is named as not priced."""
    catalog = _catalog(egress_price_per_gb={"value": 0.01, **SRC},
                       included_traffic_tb_per_server={"value": 1, **SRC})
    inventory = _inventory()
    groups = [g.model_copy(update={"egress_tb_per_month": 100.0}) for g in inventory.groups]
    plan = pipeline.plan(inventory.model_copy(update={"groups": groups}), catalog).plan
    H = plan.horizon_hours
    count = {g.name: g.count for g in plan.inventory.groups}
    at_a = [r for r in plan.schedule if r.provider == "a" and r.up_by_hour[H] > 0]
    sent_gb = sum(100_000 * r.up_by_hour[H] / count[r.group] for r in at_a)
    servers = sum(r.up_by_hour[H] for r in at_a)
    over_gb = max(0.0, sent_gb - 1000 * servers)
    eur = catalog.usd_per("EUR") / catalog.usd_per(plan.inventory.currency)
    assert sent_gb > 0 and over_gb > 0
    assert plan.costs.monthly["target_egress"] == pytest.approx(over_gb * 0.01 * eur)
    assert verify(plan) == []
    text = render_runbook(plan)
    assert "| Monthly: target egress |" in text
    assert f"- a: {sent_gb / 1000:g} TB a month sent" in text
    assert "Not priced (the catalog states no included traffic): " in text
    tampered = plan.model_copy(update={"costs": plan.costs.model_copy(update={
        "monthly": {**plan.costs.monthly, "target_egress": 0.0}})})
    assert "costs" in {v.constraint for v in verify(tampered)}


def test_support_plans_are_bought_where_the_policy_says_and_priced_by_spend():
    """Issue 20: a provider's support plan costs the greater of its minimum and its share
    of the month's spend there; the plan buys it where it runs servers, the runbook says
    so, and policy.buy_support: false buys none."""
    catalog = _catalog(support={"name": "Crisis", "minimum_per_month": 5,
                                "percent_of_spend": 10, "urgent_response_hours": 1, **SRC})
    plan = pipeline.plan(_inventory(), catalog).plan
    H = plan.horizon_hours
    prices = {o.id: o.price_per_month.value for o in catalog.provider("a").offerings}
    spend = sum(r.up_by_hour[H] * prices[r.offering] for r in plan.schedule if r.provider == "a")
    eur = catalog.usd_per("EUR") / catalog.usd_per(plan.inventory.currency)
    assert spend > 50  # the share, not the minimum, decides
    assert plan.costs.monthly["support"] == pytest.approx(0.10 * spend * eur)
    assert verify(plan) == []
    text = render_runbook(plan)
    assert "- [ ] **Support.** Buy the Crisis plan with the account" in text
    assert "- a: Crisis, " in text and "the greater of 5 or 10% of" in text
    without = pipeline.plan(_inventory(buy_support=False), catalog).plan
    assert "support" not in without.costs.monthly and "**Support.**" not in render_runbook(without)


def test_source_egress_is_priced_step_by_step():
    """Issue 20: the source's egress price steps down with the month's volume; the plan's
    costs and the verifier count each step (the cost phase prices every GB at the first
    step, the most one costs)."""
    from planner.inputs import loader

    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    aws = catalog.provider("aws-ec2")
    assert egress_cost(aws, 10_000) == pytest.approx(900)
    assert egress_cost(aws, 60_000) == pytest.approx(900 + 40_000 * 0.085 + 10_000 * 0.07)
    assert egress_cost(aws, 200_000) == pytest.approx(
        900 + 3400 + 100_000 * 0.07 + 50_000 * 0.05)
    parler = pipeline.plan(loader.load_inventory("inventories/parler-2021.yaml"), catalog).plan
    moved = sum(sum(c.gb_by_hour) for c in parler.copies)
    assert parler.costs.one_time["source_egress"] == pytest.approx(egress_cost(aws, moved))
    assert parler.costs.one_time["source_egress"] < 0.09 * moved  # cheaper than flat
    assert verify(parler) == []


def test_egress_steps_out_of_order_are_refused():
    with pytest.raises(ValidationError, match="egress_tiers go up"):
        _catalog(egress_tiers=[{"up_to_tb": 50, "price_per_gb": 0.05, **SRC},
                               {"up_to_tb": 10, "price_per_gb": 0.09, **SRC}])


def test_with_a_one_time_budget_the_steps_are_exact_and_no_copy_is_held_back():
    """Review: priced at its first step, a copy the budget allows was cut (12 TB at 0.09
    then 0.01: 200 real, 1,080 as the model saw it, against a budget of 600)."""
    data = catalog_dict()
    data["providers"][0]["egress_tiers"] = [
        {"up_to_tb": 1, "price_per_gb": 0.09, **SRC}, {"price_per_gb": 0.01, **SRC}]
    catalog = Catalog.model_validate(data)
    free = pipeline.plan(_inventory(), catalog).plan
    moved = sum(sum(c.gb_by_hour) for c in free.copies)
    assert egress_cost(catalog.provider("src"), moved) < 600 < 0.09 * moved
    inventory = _inventory(one_time_budget=600)
    held = pipeline.plan(inventory, catalog).plan
    assert verify(held) == []
    assert sum(sum(c.gb_by_hour) for c in held.copies) == pytest.approx(moved)


def test_egress_steps_that_get_dearer_are_refused():
    with pytest.raises(ValidationError, match="prices fall"):
        _catalog(egress_tiers=[{"up_to_tb": 1, "price_per_gb": 0.01, **SRC},
                               {"price_per_gb": 0.5, **SRC}])
