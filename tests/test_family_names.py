"""One name per constraint family: the function that states it in
planner/formulation/families.py, the rows it makes, and the verifier rule that checks it
(check_<name>, whose violations carry the name)."""

from __future__ import annotations

import inspect

from planner import verify as verify_package
from planner.formulation.families import FAMILIES, formulate
from planner.formulation.instance import prepare
from planner.models import Catalog, Inventory
from planner.verify import flows, location, structure, summary, work
from tests.builders import catalog_dict, inventory_dict
from tests.test_team import EFFORT

# rows that define variables rather than limit them, named after the function making them;
# the opening hours (labour.start_variables, provider_start, vendor_start) are the plan's
# choices, which the verifier reads off the schedule (verify/work.py)
VARIABLE_ROWS = {"copy_variables", "service_variables", "provider_variables",
                 "start_variables", "provider_start", "vendor_start"}


def _rows_by_family():
    # caps, a least footprint and a team, so that every family makes rows
    inventory = inventory_dict(horizon=60, max_providers={"compute": 1, "all": 3},
                               min_servers_per_provider=2)
    inventory["team"] = {"people": 4}
    catalog = Catalog.model_validate({**catalog_dict(), "effort": EFFORT})
    model = formulate(prepare(Inventory.model_validate(inventory), catalog), work=True)
    assert model.lp.numConstraints() == len(model.lp.rows)  # every row is an array row
    return set(model.lp.rows.families)


def test_every_row_is_named_after_the_function_that_makes_it():
    names = {family.__name__ for family in FAMILIES}
    made = _rows_by_family()
    assert made <= names | VARIABLE_ROWS, made - names - VARIABLE_ROWS
    assert {"servers_stay_up", "group_demand", "provider_capacity", "dependency",
            "policy_share", "provider_count", "min_footprint", "bootstrap", "team_hours",
            "provider_start", "vendor_start"} <= made


def test_every_family_that_makes_rows_has_its_verifier_rule():
    rules = {name.removeprefix("check_") for module in (structure, flows, summary, work, location)
             for name, _ in inspect.getmembers(module, inspect.isfunction)
             if name.startswith("check_")}
    source = inspect.getsource(verify_package.verify)
    for family in _rows_by_family() - VARIABLE_ROWS:
        assert family in rules, f"no verifier rule check_{family}"
        assert f"check_{family}" in source, f"verify() does not run check_{family}"
