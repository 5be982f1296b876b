"""The overrides a plan records agree with the inputs it embeds (issue 18, item 7: recompute
all that is derivable): a changed value, a changed path or a dropped exclusion is caught."""

from __future__ import annotations

import pytest

from planner import pipeline
from planner.inputs.overrides import Flags, apply_all
from planner.models import Catalog, Inventory
from planner.models.plan import Override
from planner.models.scenario import Scenario
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict


@pytest.fixture(scope="module")
def plan():
    inventory = Inventory.model_validate(inventory_dict(horizon=60, decision_date="2026-03-02"))
    scenario = Scenario(name="tight", budget=90_000, set={"groups.web.count": 12})
    inv, cat, applied = apply_all(
        inventory, Catalog.model_validate(catalog_dict()), [("tight.yaml", scenario)],
        {"catalog.a.quota_servers": 8, "policy.one_time_budget": 80_000, "groups.1.count": 3},
        Flags(deadline_hours=20, exclude=("smsco",)))
    made = pipeline.plan(inv, cat, overrides=applied).plan
    assert [o.path for o in made.overrides] == [
        "budget", "groups.web.count", "catalog.a.quota_servers", "policy.one_time_budget",
        "groups.1.count", "deadline_hours", "exclude"]
    assert verify(made) == []  # `budget` then `policy.one_time_budget`: the last one holds
    return made


def _changed(plan, index, **update):
    overrides = list(plan.overrides)
    overrides[index] = overrides[index].model_copy(update=update)
    return [v.detail for v in verify(plan.model_copy(update={"overrides": overrides}))
            if v.constraint == "overrides"]


def test_a_changed_value_is_caught(plan):
    assert _changed(plan, 2, value=80) == [
        "catalog.a.quota_servers: the override set 80, the inputs hold 8.0"]
    assert _changed(plan, 5, value=24)  # deadline_hours
    assert _changed(plan, 3, value=1)  # the budget that holds


def test_an_earlier_value_of_the_same_place_is_not_checked(plan):
    assert _changed(plan, 0, value=1) == []  # `budget`, set again by policy.one_time_budget


def test_a_path_that_names_nothing_or_a_dropped_exclusion_is_caught(plan):
    assert "no field 'cuont'" in _changed(plan, 1, path="groups.web.cuont")[0]
    assert _changed(plan, 6, value=["smsco", "a"]) == [
        "excluded by an override but not in policy.excluded_providers: a"]
    added = plan.model_copy(update={"overrides": [
        *plan.overrides, Override(source="--set", path="groups.db.count", value=99)]})
    assert any(v.constraint == "overrides" for v in verify(added))
