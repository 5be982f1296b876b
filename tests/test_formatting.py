"""Money, counts and changes read alike in every output, and long terminal lists end in
"... and N more" (issue 18: "0.00 USD" beside "9,108 USD", "1000000", "(-0%)", "+1
servers", "all by -")."""

from __future__ import annotations

import pytest

from planner import pipeline
from planner.report.filters import capped, count, money, pct, points, signed, signed_money
from planner.report.summary import TERMINAL_SHORTFALLS, summary_text
from tests.builders import small_catalog, small_inventory


@pytest.mark.parametrize("value, text", [
    (0, "0 USD"), (0.001, "0 USD"), (-0.001, "0 USD"), (9108.4, "9,108 USD"),
    (12, "12 USD"), (12.5, "12.50 USD"), (0.0079, "0.0079 USD"), (-30, "-30 USD"),
    (1_000_000, "1,000,000 USD"),
])
def test_money(value, text):
    assert money(value, "USD") == text


@pytest.mark.parametrize("value, text", [
    (0, "0 USD"), (-0.001, "0 USD"), (1200, "+1,200 USD"), (-30, "-30 USD"),
    (0.5, "+0.50 USD"),
])
def test_changes_of_money_have_one_sign(value, text):
    assert signed_money(value, "USD") == text


def test_changes_and_counts():
    assert [signed(v) for v in (0, -0.2, 1, -1200)] == ["0", "0", "+1", "-1,200"]
    assert [points(v) for v in (-1e-4, 0.012, -0.5)] == ["0 points", "+1.2 points",
                                                         "-50.0 points"]
    assert count(1, "server") == "1 server"
    assert count(1_000_000, "server") == "1,000,000 servers"
    assert count(2, "provider loss", "provider losses") == "2 provider losses"
    assert pct(-1e-4) == "0%" and pct(-0.25) == "-25%"


def test_capped_lists_say_how_many_more():
    items = [f"  line {n}" for n in range(30)]
    shown = capped(items, 5, "more in x.md")
    assert shown == items[:4] + ["  ... and 26 more in x.md"]
    assert capped(items[:5], 5) == items[:5]


def test_the_terminal_summary_caps_shortfalls_but_never_warnings():
    plan = pipeline.plan(small_inventory(horizon=60), small_catalog()).plan
    many = [s.model_copy(update={"demand": f"g{n}"}) for n in range(40)
            for s in plan.shortfalls[:1]]
    warnings = [f"warning {n}" for n in range(30)]
    text = summary_text(plan.model_copy(update={"shortfalls": many, "warnings": warnings}))
    short = [line for line in text.splitlines() if line.startswith("  short at hour")]
    assert len(short) == TERMINAL_SHORTFALLS - 1
    assert f"  ... and {40 - TERMINAL_SHORTFALLS + 1} more short (all in the runbook)" in text
    assert all(f"  warning: warning {n}" in text for n in range(30))
    assert f"of {plan.servers_total} servers serving" in text
