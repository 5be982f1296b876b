"""The whole shipped catalog (every layer in planner/inputs/catalog/, merged as the planner
loads it)
covers enough providers and vendors, and every number in it is sourced.

test_shipped_data.py checks base.yaml alone; this checks what users actually get.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
try:  # the package may not be installed in the environment running the tests
    import planner  # noqa: F401
except ImportError:  # pragma: no cover - depends on how pytest is invoked
    sys.path.insert(0, str(ROOT))

from planner.formulation.instance import prepare  # noqa: E402
from planner.inputs import loader  # noqa: E402
from planner.models.catalog import Catalog  # noqa: E402
from tests.factwalk import unexplained_estimates, unsourced, walk_facts  # noqa: E402

INVENTORY_PATH = ROOT / "inventories" / "parler-2021.yaml"
COMPUTE_KINDS = {"cloud", "bare_metal", "colocation", "self_hosted"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return loader.load_catalog(loader.shipped_catalog_paths())


def test_more_than_one_layer_ships():
    names = [p.name for p in loader.shipped_catalog_paths()]
    assert "base.yaml" in names and len(names) >= 2, names


def test_at_least_20_compute_providers(catalog):
    compute = [p.id for p in catalog.providers if p.kind in COMPUTE_KINDS]
    assert len(compute) >= 20, compute
    assert len(compute) == len(set(compute))


def test_service_vendor_coverage(catalog):
    kinds = Counter(v.kind for v in catalog.services)
    assert kinds["sms"] >= 5, kinds
    assert kinds["email"] >= 5, kinds
    assert kinds["dns"] >= 5, kinds
    assert kinds["object_storage"] >= 4, kinds


def test_the_walker_sees_the_whole_catalog(catalog):
    # every provider has at least 6 required Facts and every offering 4
    minimum = sum(6 + 4 * len(p.offerings) for p in catalog.providers)
    assert len(list(walk_facts(catalog))) >= minimum


def test_every_number_has_a_source_and_a_date(catalog):
    problems = unsourced(catalog)
    assert not problems, "\n".join(problems)


def test_every_estimate_says_why(catalog):
    missing = unexplained_estimates(catalog)
    assert not missing, "estimates without a note:\n" + "\n".join(missing)


def test_every_provider_offers_a_choice(catalog):
    """Named providers list at least two server models; generic entries (a colocation
    cabinet, a rented rack: no organization behind them) may list one or two."""
    problems = []
    for provider in catalog.providers:
        count = len(provider.offerings)
        if provider.organization is None:
            if not 1 <= count <= 2:
                problems.append(f"{provider.id} (generic): {count} offerings")
        elif count < 2:
            problems.append(f"{provider.id}: only {count} offering")
    assert not problems, "\n".join(problems)


def test_every_entry_has_refusal_evidence(catalog):
    missing = [e.id for e in [*catalog.providers, *catalog.services] if not e.refusal_evidence]
    assert not missing, missing


def test_end_of_life_entries_are_excluded_from_the_2021_replay(catalog):
    inventory = loader.load_inventory(INVENTORY_PATH)
    ended = {e.id for e in [*catalog.providers, *catalog.services] if e.end_of_life}
    assert ended, "expected at least one entry past its end of life (Equinix Metal)"
    excluded = {x.id: x.reason for x in prepare(inventory, catalog).exclusions}
    missing = sorted(ended - set(excluded))
    assert not missing, f"past end of life but not excluded: {missing}"
    for entry_id in ended:
        assert "end of life" in excluded[entry_id], (entry_id, excluded[entry_id])


@pytest.mark.parametrize("provider_id, cli, organization", [
    ("phoenixnap", "pnapctl", "phoenixnap"),
    ("ionos", "ionosctl", "ionos"),
    ("contabo", "cntb", "contabo"),
    ("oracle-cloud", "oci", "oracle"),
    ("google-cloud", "gcloud", "google"),
    ("azure", "az", "microsoft"),
    ("rented-rack", None, None),
])
def test_issue_providers_are_shipped(catalog, provider_id, cli, organization):
    provider = catalog.provider(provider_id)
    assert provider is not None, provider_id
    assert provider.cli == cli
    assert provider.organization == organization
    assert provider.egress_price_per_gb is not None


def test_the_2021_policy_excludes_google_compute(catalog):
    inventory = loader.load_inventory(INVENTORY_PATH)
    excluded = {x.id for x in prepare(inventory, catalog).exclusions}
    assert "google-cloud" in excluded
    assert "azure" not in excluded and "oracle-cloud" not in excluded


def test_core_quotas_are_stated_in_vcpu(catalog):
    """GCP, Azure and OCI limit vCPUs or OCPUs, OVH cores and RAM: each states those
    limits in their own unit (issue 20), not divided into servers of an assumed size, and
    says how to read them."""
    for provider_id in ("google-cloud", "azure", "oracle-cloud", "ovh-public-cloud"):
        provider = catalog.provider(provider_id)
        units = {q.unit for q in provider.unit_quotas.values()}
        assert "vcpu" in units and provider.quota_command, provider_id
        assert "/ 4 vCPU" not in (provider.quota_servers.note or ""), provider_id
