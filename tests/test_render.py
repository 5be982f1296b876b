"""Rendering: numbers from the Plan, names made safe for hostnames, tables and shells."""

import pytest

from planner import pipeline
from planner.models import Inventory
from planner.render import hostname, md_cell, pct, render_runbook, shell_quote
from tests.builders import inventory_dict, small_catalog


def test_hostname_is_a_valid_dns_label_and_deterministic():
    for name in ['web"; rm -rf / #', "$(reboot)", "Über Cache", "a" * 200, "---", "x_y"]:
        label = hostname(name)
        assert label == hostname(name)
        assert 1 <= len(label) <= 63 and label[0] != "-" and label[-1] != "-"
        assert set(label) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_shell_quote_and_table_cells():
    assert shell_quote("a'b; $(x)") == "'a'\"'\"'b; $(x)'"
    assert md_cell("a|b\nc") == "a\\|b c"


@pytest.mark.parametrize("share, text", [(1.0, "100%"), (0.9999, "99.9%"), (0.5, "50%"),
                                         (0.001, "<1%"), (0.0, "0%")])
def test_a_share_never_rounds_a_shortfall_away(share, text):
    assert pct(share) == text


def test_runbook_sections_and_hostile_names():
    inv = inventory_dict(horizon=60)
    inv["groups"][0]["name"] = 'web"; rm -rf / #|x'
    inv["groups"][0]["depends_on"] = []
    plan = pipeline.plan(Inventory.model_validate(inv), small_catalog()).plan
    text = render_runbook(plan)
    for heading in ("## Summary", "### Short at the deadline", "## Decisions", "## Providers",
                    "## Data copies", "## Costs", "## Solver"):
        assert heading in text
    assert 'web"; rm -rf / #\\|x' in text  # escaped in tables, never in a command
    assert "`web-rm-rf-x-" in text  # the hostname made from it
    assert f"{plan.servers_at_deadline} of {plan.servers_total}" in text
    assert not any(line.rstrip() != line for line in text.splitlines())
