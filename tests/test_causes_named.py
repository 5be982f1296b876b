"""Shortfall causes name the limit that binds (issue 18, item 9): a quota of 0 is a quota,
not onboarding; data that cannot leave before the source's cut-off is the cut-off, with
its numbers, not "capacity"; room held back by a dependency is the dependency's; a cap on
providers is named as such."""

from __future__ import annotations

import pytest

from planner import pipeline
from planner.models import Catalog, Inventory
from tests.builders import catalog_dict, inventory_dict


def _causes(inventory: dict, catalog: dict) -> dict[str, list]:
    plan = pipeline.plan(Inventory.model_validate(inventory),
                         Catalog.model_validate(catalog)).plan
    assert pipeline.audit(plan) == []
    return {s.demand: s.causes for s in plan.shortfalls}


def _free_inventory(**policy):
    return inventory_dict(horizon=60, survive=0, max_share=1.0, **policy)


def test_a_quota_of_zero_is_a_quota():
    catalog = catalog_dict()
    catalog["providers"][2]["quota_servers"] = 0  # b: open, but may run nothing
    causes = _causes(_free_inventory(), catalog)
    about_b = [c for cs in causes.values() for c in cs if c.provider == "b"]
    assert about_b and all(c.code == "quota" for c in about_b)
    assert "its new-account quota is 0 servers; the catalog knows no raise" in about_b[0].detail
    assert not any(c.code == "onboarding" and "b (" in c.detail
                   for cs in causes.values() for c in cs)


def test_a_quota_of_zero_names_when_its_raise_comes():
    """It said the raise 'is granted from hour 52', the first hour a server is up, which
    a creation rate of one server in 50 hours puts 20 hours after the raise."""
    catalog = catalog_dict()
    catalog["providers"][1].update(quota_servers=0, provision_rate_per_hour=0.02)
    causes = _causes(_free_inventory(), catalog)
    about_a = {c.detail for cs in causes.values() for c in cs if c.provider == "a"}
    assert about_a == {"a: its new-account quota is 0 servers; a raise to 100 comes at hour "
                       "32; first server from hour 52"}


@pytest.fixture(scope="module")
def cut_off():
    inventory = _free_inventory(egress_gbps=1)
    inventory["source"]["data_available_hours"] = 3
    inventory["groups"][1]["data_gb"] = 8000  # db: 2,000 GB a server, 1,350 GB can leave
    return _causes(inventory, catalog_dict())


def test_data_that_cannot_leave_before_the_cut_off_is_the_cut_off(cut_off):
    codes = [c.code for c in cut_off["db"]]
    assert "source_cutoff" in codes and "capacity" not in codes
    detail = next(c.detail for c in cut_off["db"] if c.code == "source_cutoff")
    assert "can be read until hour 3: 1,350 GB can leave by then" in detail
    assert "needs 2,000 GB" in detail


def test_room_held_back_by_a_dependency_is_the_dependency(cut_off):
    assert [c.code for c in cut_off["web"]] == ["dependency"]
    assert "web depends on db, which serves 0% at hour 24; room left at a (10), b (50) " \
        "waits for it" == cut_off["web"][0].detail


def test_a_cap_on_providers_is_named():
    catalog = catalog_dict()
    causes = _causes(_free_inventory(max_providers={"compute": 1}), catalog)
    capped = [c for cs in causes.values() for c in cs if c.code == "provider_count"]
    assert capped and capped[0].detail.startswith("the policy allows 1 compute provider, and")
    assert capped[0].detail.endswith(", and the plan uses it (a); left out: b")
    assert "raise policy.max_providers" in capped[0].remedy


def test_what_only_an_excluded_provider_fits_is_the_exclusion():
    """big fits only b's dedicated model; with b excluded it said 'no eligible offering
    fits big', and to add an offering, when the exclusion is what to reconsider."""
    inventory = _free_inventory()
    inventory["policy"]["excluded_providers"] = ["b", "smsco"]
    causes = _causes(inventory, catalog_dict())
    assert [(c.code, c.detail) for c in causes["big"]] == [(
        "excluded", "only providers that may not be used have an offering that fits big "
        "(32 vCPU, 256 GB RAM, 2000 GB disk, x86_64): b (ded): excluded by policy (b)")]
    assert causes["big"][0].remedy == "reconsider the exclusion"
    assert [(c.code, c.detail) for c in causes["sms"]] == [(
        "excluded", "only vendors that may not be used offer sms that fits: smsco (tf): "
        "excluded by policy (smsco)")]


def test_what_only_a_provider_at_its_end_of_life_fits_is_its_end_of_life():
    catalog = catalog_dict()
    catalog["providers"][2]["end_of_life"] = "2026-02-01"  # b, 24 h after the decision
    causes = _causes(_free_inventory(decision_date="2026-01-31"), catalog)
    assert [c.code for c in causes["big"]] == ["end_of_life"]
    assert causes["big"][0].detail.endswith(
        "b (ded): end of life on 2026-02-01, at hour 24: within the 60 hours planned, and "
        "what is placed there has to stay up to the end")


def test_the_cut_off_is_named_beside_a_delivery_it_outlasts(cut_off):
    """b's model for db is delivered at hour 54, but b can take data only from hour 7,
    after the source's data is gone (hour 3): the cause named only the delivery, whose
    remedy (order in advance) would not close it."""
    at_b = [(c.code, c.detail) for c in cut_off["db"] if c.provider == "b"]
    assert at_b == [
        ("delivery", "b: the models that fit db are limited: ded delivered from hour 54"),
        ("source_cutoff", "b: no hour before 24 when both the source and b can move data "
                          "(source until hour 3, b after onboarding at 6 h)")]


def test_objects_that_cannot_leave_before_the_cut_off_are_the_cut_off(cut_off):
    """It said 'source_egress: ... moved 900 GB ... the source stops at hour 3'."""
    assert [(c.code, c.detail) for c in cut_off["object_storage"]] == [(
        "source_cutoff", "the source's data can be read until hour 3: 1,350 GB can leave by "
        "then: 900 GB of objects and 0 GB of servers' data left; 9,100 of 10,000 GB of "
        "objects not copied by hour 24")]


def test_objects_held_back_by_the_vendors_ingest_are_the_ingest():
    """With the source's egress ample, the object store's ingest binds; it was blamed on
    the source's egress."""
    inventory = _free_inventory(egress_gbps=10)
    inventory["services"] = {"object_storage": {"stored_tb": 10}}
    catalog = catalog_dict()
    catalog["services"][3]["offerings"][0]["capacity"]["ingest_gbps"]["values"] = [0.1]
    causes = _causes(inventory, catalog)
    assert [(c.code, c.provider) for c in causes["object_storage"]] == [("data_copy", "obj")]
    assert causes["object_storage"][0].detail.startswith(
        "object storage ingest (obj 0.1 Gbit/s) has 0 GB left in hours 2-24; 8,965 of 10,000 "
        "GB of objects not copied by hour 24")


def _no_raise(catalog: dict) -> dict:
    for entry in catalog["providers"]:
        entry.pop("quota_raise_servers", None)
        entry.pop("quota_raise_hours", None)
    return catalog


def _groups(inventory: dict, *groups: dict) -> dict:
    inventory["groups"] = list(groups)
    inventory["services"] = {}
    return inventory


def _group(name, count, tier=1, **extra):
    return {"name": name, "count": count, "vcpu": 4, "ram_gb": 8, "disk_gb": 50, "tier": tier,
            **extra}


def test_room_that_only_breaks_the_policy_is_the_policy():
    """b excluded, db fits only a: one provider can never hold 80% at most of db, nor keep
    half of it after losing one. It said 'capacity: room left at hour 24 went to groups of
    higher tier or is held back by the policy below', beside a policy line that named no
    numbers (and that every spread group got, binding or not)."""
    inventory = inventory_dict(horizon=60)
    inventory["policy"]["excluded_providers"] = ["b"]
    causes = _causes(inventory, catalog_dict())
    assert [(c.code, c.detail) for c in causes["db"]] == [(
        "policy_share", "the room left at hour 24 at a (10) cannot take any more of db "
        "within the policy: with one more at a, a would hold 1 of 1 (100%), over the 80% "
        "allowed per provider; losing a (1) would leave 0 of 1 (0%), under the 50% that must "
        "survive")]


def test_a_policy_that_binds_nothing_is_not_a_cause():
    """web fills a's and b's quotas at the deadline, 10 at each: room nowhere, so the policy
    (80% per provider, half left after losing one) holds none of it back."""
    inventory = _groups(inventory_dict(horizon=60, egress_gbps=2), _group("web", 200))
    causes = _causes(inventory, _no_raise(catalog_dict(quota_a=10, quota_b=10)))
    assert [(c.code, c.provider) for c in causes["web"]] == [("quota", "a"), ("quota", "b")]


def test_room_the_policy_keeps_for_surviving_a_loss_is_the_policy():
    """a's quota of 10 is full; b has 40 free, but with half of web to survive losing
    either, b may hold no more than a."""
    inventory = _groups(inventory_dict(horizon=60, egress_gbps=2), _group("web", 200))
    causes = _causes(inventory, _no_raise(catalog_dict(quota_a=10, quota_b=50)))
    assert [(c.code, c.provider, c.detail) for c in causes["web"]] == [
        ("quota", "a", "a: new-account quota of 10 servers is used up by hour 24"),
        ("policy_share", None, "the room left at hour 24 at b (40) cannot take any more of "
         "web within the policy: with one more at b, losing b (11) would leave 10 of 21 (48%), "
         "under the 50% that must survive")]


def test_room_kept_for_servers_that_start_later_is_named_with_them():
    """a's 10 servers go to db (tier 1), whose data arrives after the deadline; lo (tier
    3) could use a's room at the deadline only by taking one of db's places later."""
    inventory = _groups(_free_inventory(egress_gbps=0.5),
                        _group("db", 4, data_gb=20000), _group("lo", 10, tier=3))
    inventory["source"]["data_available_hours"] = 40
    catalog = _no_raise(catalog_dict(quota_a=10))
    catalog["providers"] = catalog["providers"][:2]  # the source and a
    causes = _causes(inventory, catalog)
    assert [(c.code, c.provider, c.detail) for c in causes["lo"]] == [(
        "capacity", "a", "a: 1 free at hour 24 are kept for servers that start later: a is "
        "full from hour 25 (10 servers, its quota) with db +1 (tier 1) (lo is tier 3)")]


def test_room_too_small_for_the_least_footprint_is_the_footprint():
    inventory = _groups(_free_inventory(min_servers_per_provider=5), _group("web", 20))
    catalog = _no_raise(catalog_dict(quota_a=3))
    catalog["providers"] = catalog["providers"][:2]
    causes = _causes(inventory, catalog)
    assert [(c.code, c.provider, c.detail) for c in causes["web"]] == [(
        "min_footprint", "a", "a: 3 free at hour 24, but web may be placed there only with "
        "at least 5 servers (policy.min_servers_per_provider), and a has room for 3 at hour "
        "60")]
    assert causes["web"][0].remedy.startswith("lower policy.min_servers_per_provider")


def test_a_budget_is_a_cause_only_where_it_binds_and_with_its_numbers():
    """Every group was given every budget set, as 'monthly budget 60 USD', binding or not."""
    spent = _causes(_groups(_free_inventory(monthly_budget=60), _group("web", 20)),
                    catalog_dict())
    assert [(c.code, c.detail) for c in spent["web"]] == [(
        "budget", "monthly budget of 60 USD: the plan spends 54, 6 left; one more server of "
        "web, with room left at a (5), b (50), costs at least 11 a month (its monthly price, "
        "with the overhead per provider at one not yet used)")]
    ample = _causes(_groups(_free_inventory(monthly_budget=10_000), _group("web", 200)),
                    _no_raise(catalog_dict()))
    assert {c.code for c in ample["web"]} == {"quota"}


def test_a_cap_on_vendors_is_named_for_services():
    """With two providers and vendors in all (b for web, smsco for SMS), email, DNS and
    object storage have none: it said 'no capacity' (object storage: source egress)."""
    causes = _causes(_groups(_free_inventory(max_providers={"all": 2}), _group("web", 20))
                     | {"services": inventory_dict()["services"]}, catalog_dict())
    for kind, vendor in (("email", "mail"), ("dns", "dnsco"), ("object_storage", "obj")):
        assert causes[kind][0].code == "provider_count"
        assert causes[kind][0].detail == (f"the policy allows 2 providers and vendors in "
                                          f"all, and the plan uses them (b, smsco); left "
                                          f"out: {vendor}")
    assert [c.code for c in causes["object_storage"]] == ["provider_count"]


def test_a_service_names_its_lead_times_and_the_measure_that_caps_it():
    """It said 'no capacity within the horizon; all of it not within the horizon
    (registration)' for a registration that ends after the horizon, and 'all of it not
    within the horizon' for an offering whose daily volume never reaches the demand."""
    inventory = _free_inventory()
    inventory["horizon_hours"] = 30
    causes = _causes(inventory, catalog_dict())
    assert [(c.code, c.detail) for c in causes["email"]] == [(
        "warm_up", "mail/ip: carries at most 2% at hour 24 (1,000 of 50,000 messages a day); "
        "at most 20% within the horizon (10,000 of 50,000 messages a day)")]
    assert [c.detail for c in causes["dns"]] == [
        "dnsco/free: onboarding 1 h, then resolvers drop the old delegation as it expires "
        "(NS TTL up to 48 h): 48% of users see it at hour 24; at most 60% within the horizon"]


def test_a_service_capped_below_its_demand_for_good_is_capacity_not_warm_up():
    catalog = catalog_dict()
    catalog["services"][1]["offerings"][0]["capacity"]["messages_per_day"]["values"] = [100]
    causes = _causes(_free_inventory(), catalog)
    assert [(c.code, c.detail) for c in causes["email"]] == [(
        "capacity", "mail/ip: carries at most 0.2% at hour 24 (100 of 50,000 messages a day); "
        "no more within the horizon")]


def test_data_needs_egress_and_ingress_in_the_same_hours():
    """The source has room in the odd hours, when a's ingress is full, and a has room in
    the even ones, when the source's egress is full: each has 4,950 GB left by the sum of
    its hours, yet no GB can reach a. By the sums, one more db server at a (500 GB) was
    not held back by data, and its room read as 'capacity'."""
    from planner.formulation.instance import prepare
    from planner.models.plan import CopyRow
    from planner.results.server_causes import data_cause
    from planner.results.solved import SolvedRows

    inst = prepare(Inventory.model_validate(_free_inventory(egress_gbps=2)),
                   Catalog.model_validate(catalog_dict()))
    H = inst.horizon_hours
    to_a = [450.0 if 3 <= t <= 23 and t % 2 else 0.0 for t in range(H + 1)]   # a's 1 Gbit/s
    to_b = [900.0 if 4 <= t <= 24 and not t % 2 else 0.0 for t in range(H + 1)]  # 2 Gbit/s
    rows = SolvedRows(inst, [], [CopyRow(demand="web", target="a", gb_by_hour=to_a),
                                 CopyRow(demand="big", target="b", gb_by_hour=to_b)])
    cause = data_cause(inst, "db", "a", rows)
    assert (cause.code, cause.detail) == (
        "source_egress", "source egress of 2 Gbit/s: 21,600 GB can leave by hour 24, 0 GB of "
        "it is left for a in hours 3-24; one more server of db at a needs 500 GB (500 GB per "
        "server, 0 GB there by hour 24)")


def test_a_budget_that_keeps_a_vendor_idle_is_the_budget():
    """smsco could carry all of the SMS at the deadline, but the monthly budget is spent:
    it said 'no_fit: no eligible sms vendor in the catalog'. Object storage said the
    source's egress moved what it moved."""
    causes = _causes(inventory_dict(horizon=60, monthly_budget=500), catalog_dict())
    assert [(c.code, c.detail) for c in causes["sms"]] == [(
        "budget", "monthly budget of 500 USD: the plan spends 500, 0 left; carrying the 100% "
        "of sms missing at hour 24 costs at least 24,335 a month (the price per unit, with "
        "the monthly fee of an offering not yet used)")]
    assert [c.code for c in causes["object_storage"]] == ["budget"]


def test_a_cap_of_one_in_all_reads_as_one():
    """It said '1 providers and vendors in all (b), and the plan uses them'."""
    causes = _causes(_groups(_free_inventory(max_providers={"all": 1}), _group("web", 20))
                     | {"services": {"dns": inventory_dict()["services"]["dns"]}},
                     catalog_dict())
    assert causes["dns"][0].detail == ("the policy allows 1 provider or vendor in all, and the "
                                       "plan uses it (b); left out: dnsco")
