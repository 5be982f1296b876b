"""Users reach the new servers only through a DNS their resolvers see (issue 21): users
served never exceed that reach, mail counts only within it, the DNS vendors are one
delegation, and the verifier holds each."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import pipeline
from planner.domain.served import reach_by_hour
from planner.models import Catalog, Inventory
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict
from tests.strategies import SMALL_SETTINGS, small_cases


def _inventory(old_answers=None, **knobs) -> Inventory:
    data = inventory_dict(horizon=60, **knobs)
    data["groups"][0]["user_facing"] = True
    if old_answers is not None:
        data["services"]["dns"]["old_answers_until_hour"] = old_answers
    return Inventory.model_validate(data)


@SMALL_SETTINGS
@given(*small_cases, st.sampled_from([None, 10, 30]))
def test_users_served_never_exceed_the_dns_reach(cat_knobs, inv_knobs, old_answers):
    plan = pipeline.plan(_inventory(old_answers, **inv_knobs),
                         Catalog.model_validate(catalog_dict(**cat_knobs))).plan
    assert verify(plan) == []
    reach = reach_by_hour(plan.inventory, [r.share_by_hour for r in plan.services
                                           if r.kind == "dns"], plan.horizon_hours + 1)
    assert plan.users.reach_by_hour == pytest.approx(reach)
    web = next(r for r in plan.coverage if r.demand == "web")
    for t in range(plan.horizon_hours + 1):
        assert plan.users.served_by_hour[t] <= reach[t] + 1e-9
        assert web.served_by_hour[t] <= web.total * reach[t] + 1e-6
        if old_answers is not None and t < old_answers:
            assert reach[t] == 1.0
        mail = sum(r.share_by_hour[t] for r in plan.services if r.kind == "email")
        assert mail <= reach[t] + 1e-6


def test_the_old_dns_answering_until_the_cut_off_serves_everyone_until_then():
    without = pipeline.plan(_inventory(), Catalog.model_validate(catalog_dict())).plan
    with_old = pipeline.plan(_inventory(old_answers=24),
                             Catalog.model_validate(catalog_dict())).plan
    assert with_old.users.reach_by_hour[23] == 1.0
    assert without.users.reach_by_hour[23] < 0.5  # 22 of 48 hours of cached delegations
    assert with_old.users.reach_by_hour[24] == without.users.reach_by_hour[24]
    assert sum(with_old.users.served_by_hour) > sum(without.users.served_by_hour)


def test_mail_beyond_the_reach_and_a_split_delegation_are_caught():
    plan = pipeline.plan(_inventory(), Catalog.model_validate(catalog_dict())).plan
    assert verify(plan) == []
    mail = [r.model_copy(update={"share_by_hour": [min(1.0, x + 0.3) if t else 0.0 for t, x
                                                   in enumerate(r.share_by_hour)]})
            if r.kind == "email" else r for r in plan.services]
    found = {v.constraint for v in verify(plan.model_copy(update={"services": mail}))}
    assert "users_reach" in found
    dns = next(r for r in plan.services if r.kind == "dns")
    second = dns.model_copy(update={"vendor": "dnsco2", "share_by_hour": [
        x / 2 for x in dns.share_by_hour]})
    found = {v.constraint for v in verify(plan.model_copy(update={
        "services": [*plan.services, second]}))}
    assert "dns_reach" in found


def test_users_are_absent_without_a_user_facing_group():
    plan = pipeline.plan(Inventory.model_validate(inventory_dict(horizon=60)),
                         Catalog.model_validate(catalog_dict())).plan
    assert plan.users is None and verify(plan) == []
    tampered = plan.model_copy(update={"users": pipeline.plan(
        _inventory(), Catalog.model_validate(catalog_dict())).plan.users})
    assert "coverage" in {v.constraint for v in verify(tampered)}


def test_the_completed_start_keeps_one_delegation():
    """The greedy start names its DNS vendors: left to the completing LP, fractional
    choices rounded up gave two vendors unequal shares (10,000 synthetic servers)."""
    from planner.baseline.waves import baseline
    from planner.formulation.families import formulate
    from planner.formulation.instance import prepare
    from planner.solver import warmstart
    from planner.solver.start import complete
    from tests.builders import vendor

    data = catalog_dict()
    data["services"].append(vendor("dnsco2", "dns", [{"id": "paid", "price_per_unit": 0.1,
                                                      "capacity": {"zones": {"values": [100]},
                                                                   "records_per_zone": {
                                                                       "values": [1000]}}}],
                                   onboarding=2))
    inventory, catalog = _inventory(), Catalog.model_validate(data)
    instance = prepare(inventory, catalog)
    model = formulate(instance)
    model.lp.setObjective(model.unserved + 1e-6 * model.cost)
    point = complete(model.lp, warmstart.greedy_hint(model, baseline(inventory, catalog,
                                                                     instance)))
    assert point is not None
    rows = model.lp.rows
    for i, family in enumerate(rows.families):
        if family == "dns_reach":
            terms, lower, upper = rows.row(i)
            value = sum(c * point.get(v.name, 0.0) for v, c in terms.items())
            assert lower - 1e-6 <= value <= upper + 1e-6
