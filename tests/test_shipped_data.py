"""The shipped catalog and the 2021 inventory load, and every number in them is sourced.

Loads the files with yaml.safe_load and the pydantic models directly (not through the
loader module), so a failure here points at the data, not at the loader.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
try:  # the package may not be installed in the environment running the tests
    import planner  # noqa: F401
except ImportError:  # pragma: no cover - depends on how pytest is invoked
    sys.path.insert(0, str(ROOT))

from planner.models.catalog import Catalog  # noqa: E402
from planner.models.inventory import Inventory  # noqa: E402
from tests.factwalk import unexplained_estimates, unsourced, walk_facts  # noqa: E402

CATALOG_PATH = ROOT / "planner" / "inputs" / "catalog" / "base.yaml"
INVENTORY_PATH = ROOT / "inventories" / "parler-2021.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with CATALOG_PATH.open(encoding="utf-8") as handle:
        return Catalog.model_validate(yaml.safe_load(handle))


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    with INVENTORY_PATH.open(encoding="utf-8") as handle:
        return Inventory.model_validate(yaml.safe_load(handle))


def test_catalog_has_many_facts(catalog):
    facts = list(walk_facts(catalog))
    # Sanity check of the walker itself: every provider has at least 5 required Facts and
    # every offering at least 4.
    assert len(facts) > 300


def test_every_number_has_source_and_date(catalog):
    problems = unsourced(catalog)
    assert not problems, "\n".join(problems)


def test_every_estimate_says_why(catalog):
    missing = unexplained_estimates(catalog)
    assert not missing, "estimates without a note:\n" + "\n".join(missing)


def test_catalog_has_sourced_facts_not_only_estimates(catalog):
    facts = [fact for _, fact in walk_facts(catalog)]
    sourced = [fact for fact in facts if not fact.estimate]
    assert len(sourced) >= 100


def test_catalog_coverage(catalog):
    compute = [p for p in catalog.providers if p.kind in {"cloud", "bare_metal", "colocation",
                                                          "self_hosted"}]
    assert len(compute) >= 12
    services = Counter(vendor.kind for vendor in catalog.services)
    assert services["sms"] >= 4
    assert services["email"] >= 4
    assert services["dns"] >= 4
    assert services["object_storage"] >= 3


def test_every_non_usd_currency_has_a_sourced_rate(catalog):
    used = {p.currency for p in catalog.providers} | {v.currency for v in catalog.services}
    for code in used - {"USD"}:
        rate = catalog.currencies[code]
        assert rate.value > 0
        assert rate.source.strip()


def test_refusal_risks_are_probabilities_with_evidence(catalog):
    for entry in [*catalog.providers, *catalog.services]:
        assert 0 <= entry.refusal_risk.value <= 1, entry.id
        assert entry.refusal_evidence, f"{entry.id}: refusal_evidence missing"


def test_source_provider_is_in_catalog_with_egress_price(catalog, inventory):
    source = catalog.provider(inventory.source.provider)
    assert source is not None
    assert source.egress_price_per_gb is not None
    assert source.egress_price_per_gb.value == pytest.approx(0.09)


def test_end_of_life_entries_are_past_for_the_replay(catalog, inventory):
    ended = [p for p in catalog.providers if p.end_of_life]
    assert any(p.id == "equinix-metal" for p in ended)
    for provider in ended:
        assert provider.end_of_life < inventory.decision_date


def test_inventory_size_and_delegation(inventory):
    servers = sum(group.count for group in inventory.groups)
    assert 350 <= servers <= 500
    assert inventory.services.dns is not None
    assert inventory.services.dns.current_ns_ttl_seconds == 172800
    assert inventory.deadline_hours == 24
    assert inventory.decision_date == "2026-11-28"  # a Saturday, as the 2021 notice
    assert inventory.decision_datetime == "2026-11-28T18:00:00"
    assert inventory.time_zone == "America/Los_Angeles"


def test_inventory_groups_are_plain_slugs(inventory):
    for group in inventory.groups:
        assert group.name == group.name.lower()
        assert all(ch.isalnum() or ch == "-" for ch in group.name), group.name


def test_inventory_exclusions_exist_in_catalog(catalog, inventory):
    entries = [*catalog.providers, *catalog.services]
    known = {entry.id for entry in entries} | {entry.organization for entry in entries
                                               if entry.organization}
    unknown = [name for name in inventory.policy.excluded_providers if name not in known]
    assert not unknown, f"excluded but not in the catalog: {unknown}"


def test_exclusions_leave_candidates_for_every_service(catalog, inventory):
    excluded = set(inventory.policy.excluded_providers)

    def allowed(entry):
        return entry.id not in excluded and entry.organization not in excluded

    kinds = Counter(v.kind for v in catalog.services if allowed(v))
    for kind in ("sms", "email", "dns", "object_storage"):
        assert kinds[kind] >= 1, kind
    assert sum(1 for p in catalog.providers if allowed(p)) >= 10
