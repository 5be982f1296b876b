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
    assert capped and capped[0].detail.startswith("the policy allows 1 compute providers")
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
