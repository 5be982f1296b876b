"""`planner catalog list/show/validate`, user layers, and stale facts."""

import json

import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.cli.main import main
from planner.domain.facts import latest_day, stale_facts, walk_facts
from planner.models import Catalog
from tests.builders import catalog_dict, inventory_dict, small_catalog, small_inventory


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_list_shows_every_kind_and_filters(tmp_path):
    table = _run("catalog", "list")
    assert table.exit_code == 0
    assert "hetzner-cloud" in table.output and "cloudflare-dns" in table.output
    rows = json.loads(_run("catalog", "list", "--kind", "sms", "--format", "json").output)
    assert rows and {r["kind"] for r in rows} == {"sms"}
    assert all(r["facts"] >= r["estimates"] >= 0 for r in rows)


def test_a_user_layer_overrides_a_shipped_fact(tmp_path):
    layer = tmp_path / "quotes.yaml"
    layer.write_text(yaml.safe_dump({"providers": [{
        "id": "hetzner-cloud", "quota_servers": {
            "value": 200, "source": "our account manager, ticket 123", "as_of": "2026-11-20"}}]}))
    rows = json.loads(_run("catalog", "list", "-c", str(layer), "--format", "json").output)
    hetzner = next(r for r in rows if r["id"] == "hetzner-cloud")
    assert hetzner["quota_servers"] == 200
    shown = _run("catalog", "show", "hetzner-cloud", "-c", str(layer))
    assert "quota_servers = 200.0  [our account manager, ticket 123; as of 2026-11-20]" in \
        shown.output
    assert _run("catalog", "validate", str(layer)).exit_code == 0


def test_show_unknown_and_validate_wrong_kind_exit_1(tmp_path):
    shown = _run("catalog", "show", "no-such-provider")
    assert shown.exit_code == 1 and "no provider or vendor" in shown.output
    inv = tmp_path / "inv.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict()))
    result = _run("catalog", "validate", str(inv))
    assert result.exit_code == 1 and "not a catalog" in result.output


def test_latest_day_never_makes_a_fact_older_than_it_may_be():
    assert str(latest_day("2024")) == "2024-12-31"
    assert str(latest_day("2024-02")) == "2024-02-29"
    assert str(latest_day("2024-02-03")) == "2024-02-03"


def test_stale_facts_are_those_older_than_the_limit():
    cat = catalog_dict()
    cat["providers"][1]["quota_servers"] = {"value": 10, "source": "old forum post",
                                            "as_of": "2014"}
    catalog = Catalog.model_validate(cat)
    found = stale_facts([catalog.provider("a")], "2026-11-26", 365)
    assert [(f.field, f.as_of) for f in found] == [("quota_servers", "2014")]
    assert found[0].age_days == (latest_day("2026-11-26") - latest_day("2014")).days
    assert len(list(walk_facts(catalog.provider("a")))) > 10


def test_a_plan_flags_stale_facts_of_the_providers_it_uses():
    inv = small_inventory(horizon=60, decision_date="2027-06-01")
    plan = pipeline.plan(inv, small_catalog()).plan
    assert plan.stale_facts and {f.entry for f in plan.stale_facts} <= set(plan.providers_used)
    assert all(f.age_days > 365 for f in plan.stale_facts)
    undated = pipeline.plan(small_inventory(horizon=60), small_catalog()).plan
    assert undated.stale_facts == [] and any("decision_date" in w for w in undated.warnings)


def test_show_lists_each_region_with_what_it_sells_and_its_source():
    shown = _run("catalog", "show", "hetzner-cloud").output
    line = next(x for x in shown.splitlines() if x.startswith("  regions[ash] = "))
    assert "Ashburn, Virginia, US (metro ashburn, 39.04, -77.49); ccx23," in line
    assert "; as of " in line and "[" in line
