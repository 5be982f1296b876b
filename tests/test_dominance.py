"""Dominance in prepare: an offering is dropped only when another at the same provider can
always stand in for it at no more cost, as the objective and the budgets see cost."""

from planner.formulation.instance import prepare
from planner.models import Catalog
from tests.builders import catalog_dict, offering, provider, small_inventory


def _offerings_for_web(**policy) -> set[str]:
    data = catalog_dict(extra_providers=[provider("c", 1, 50, 10, [
        offering("setup-heavy", 4, 8, 80, 10, setup_fee=100),   # 10/month + 100 once
        offering("month-heavy", 4, 8, 80, 40),                  # 40/month, nothing once
        offering("few", 4, 8, 80, 5, stock=2),                  # cheapest, but 2 in stock
    ])])
    instance = prepare(small_inventory(**policy), Catalog.model_validate(data))
    return {c.offering for c in instance.candidates if c.group == "web" and c.provider == "c"}


def test_without_budgets_the_objective_alone_decides():
    # over one month of run-rate: 110 against 40, so month-heavy stands in for setup-heavy
    assert _offerings_for_web() == {"month-heavy", "few"}


def test_a_longer_run_rate_turns_it_around():
    # over six months: 160 against 240
    assert _offerings_for_web(run_rate_months=6) == {"setup-heavy", "few"}


def test_with_a_budget_each_part_of_the_cost_counts():
    assert _offerings_for_web(one_time_budget=10_000) == {"setup-heavy", "month-heavy", "few"}
