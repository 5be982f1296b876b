"""The decision date (issue 18, item 4): an inventory that gives none is decided today
(UTC), said in the summary and recorded in plan.json; importers write it; a provider past
its end of sale opens no new account; values left to FILL IN are warned about, and -q
hides the summary, never a warning."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.cli.common import today
from planner.cli.main import main
from planner.models import Catalog, Inventory
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict


def _files(tmp_path, inventory=None, catalog=None):
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(inventory if isinstance(inventory, str)
                   else yaml.safe_dump(inventory or inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog or catalog_dict()))
    return inv, cat


def _plan(inv, cat, out, *extra):
    return CliRunner().invoke(
        main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat), "-o", str(out), *extra])


def test_no_decision_date_means_today_said_and_recorded(tmp_path):
    inv, cat = _files(tmp_path)
    result = _plan(inv, cat, tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert f"decided on: {today()} (today, UTC" in result.stdout
    plan = json.loads((tmp_path / "o" / "plan.json").read_text())
    assert plan["inventory"]["decision_date"] == today()
    assert plan["overrides"][-1] == {"source": "today (UTC)", "path": "decision_date",
                                     "value": today()}
    assert not any("no decision_date" in w for w in plan["warnings"])


def test_a_given_decision_date_is_kept(tmp_path):
    inv, cat = _files(tmp_path, inventory_dict(horizon=60, decision_date="2026-03-02"))
    result = _plan(inv, cat, tmp_path / "o")
    assert "decided on: 2026-03-02\n" in result.stdout
    plan = json.loads((tmp_path / "o" / "plan.json").read_text())
    assert plan["inventory"]["decision_date"] == "2026-03-02"
    assert [o["source"] for o in plan["overrides"]] == ["-c"]


def _end_of_sale_catalog(day: str) -> dict:
    cat = catalog_dict()
    cat["providers"][1]["end_of_sale"] = day
    return cat


def test_a_provider_past_its_end_of_sale_opens_no_account():
    cat = _end_of_sale_catalog("2026-02-01")
    chosen = cat["providers"][1]["id"]
    after = pipeline.plan(Inventory.model_validate(inventory_dict(decision_date="2026-03-02")),
                          Catalog.model_validate(cat)).plan
    assert chosen not in after.providers_used
    assert any(e.id == chosen and "end of sale on 2026-02-01" in e.reason for e in after.excluded)
    before = pipeline.plan(Inventory.model_validate(inventory_dict(decision_date="2026-01-15")),
                           Catalog.model_validate(cat)).plan
    assert chosen in before.providers_used  # the fixture needs it: its loss is visible
    # the verifier knows the rule on its own: the earlier plan, moved past the end of sale
    moved = before.model_copy(update={"inventory": before.inventory.model_copy(
        update={"decision_date": "2026-03-02"})})
    assert any(v.constraint == "excluded" and "end of sale" in v.detail for v in verify(moved))


def test_import_writes_the_decision_date(tmp_path):
    csv = tmp_path / "servers.csv"
    csv.write_text("name,vcpu,ram_gb\nweb-1,2,4\nweb-2,2,4\n")
    out = tmp_path / "inv.yaml"
    result = CliRunner().invoke(main, ["import", str(csv), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text())["decision_date"] == today()


def test_fill_in_values_are_warned_about_even_with_q(tmp_path):
    text = yaml.safe_dump(inventory_dict(horizon=60)).replace(
        "deadline_hours: 24", "deadline_hours: 24  # FILL IN: hours to the cut-off")
    assert "FILL IN" in text
    inv, cat = _files(tmp_path, text)
    validated = CliRunner().invoke(main, ["validate", str(inv)])
    assert validated.exit_code == 0 and "1 value(s) still marked FILL IN (line" in \
        validated.stderr
    quiet = _plan(inv, cat, tmp_path / "o", "-q")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert "still marked FILL IN" in quiet.stderr


def test_a_provider_closing_within_the_horizon_is_not_used():
    """Servers stay up to the end of the horizon once placed, so a provider whose end of
    life falls inside it could serve only until then: it is left out, with the hour."""
    cat = catalog_dict()
    chosen = cat["providers"][1]["id"]
    cat["providers"][1]["end_of_life"] = "2026-03-05"  # hour 72 from 2026-03-02
    inventory = inventory_dict(horizon=72, decision_date="2026-03-02")
    closing = pipeline.plan(Inventory.model_validate(inventory), Catalog.model_validate(cat)).plan
    assert chosen not in closing.providers_used
    assert any(e.id == chosen and "end of life on 2026-03-05, at hour 72: within the 72 hours"
               in e.reason for e in closing.excluded)
    assert verify(closing) == []
    shorter = dict(inventory, horizon_hours=60)  # it closes after the horizon: usable
    kept = pipeline.plan(Inventory.model_validate(shorter), Catalog.model_validate(cat)).plan
    assert chosen in kept.providers_used and verify(kept) == []
    stretched = kept.model_copy(update={"inventory": kept.inventory.model_copy(
        update={"horizon_hours": 72})})
    assert any(v.constraint == "excluded" and "end of life" in v.detail
               for v in verify(stretched))
