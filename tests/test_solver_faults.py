"""Solver faults: a missing or failing HiGHS falls back to CBC, and the plan says so."""

import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.cli.main import main
from planner.errors import PlannerError
from planner.solver import backends, phases
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict, small_catalog, small_inventory


def test_missing_highs_falls_back_to_cbc_with_a_warning(monkeypatch):
    monkeypatch.setattr(phases, "highs_available", lambda: False)
    plan = pipeline.plan(small_inventory(horizon=60), small_catalog()).plan
    assert plan.solver.solver == "cbc" and verify(plan) == []
    assert any("HiGHS (highspy) is not available" in w for w in plan.warnings)


def test_failing_highs_falls_back_to_cbc_with_a_warning(monkeypatch):
    def broken(lp, solver, name):
        if name == "highs":
            raise PlannerError("the highs solver failed: simulated crash")
        lp.solve(solver)

    monkeypatch.setattr(backends, "solve_lp", broken)
    plan = pipeline.plan(small_inventory(horizon=60), small_catalog()).plan
    assert plan.solver.solver == "cbc" and verify(plan) == []
    assert any("simulated crash" in w for w in plan.warnings)


def test_no_solution_in_time_exits_1_and_writes_nothing(monkeypatch, tmp_path):
    original = phases.run

    def nothing(lp, name, time_limit, gap, phase, **starts):
        result = original(lp, name, time_limit, gap, phase, **starts)
        return result.model_copy(update={"status": "no_solution", "objective": None,
                                         "raw_status": "Time limit reached"})

    monkeypatch.setattr(phases, "run", nothing)
    plan = pipeline.plan(small_inventory(horizon=60), small_catalog()).plan
    assert plan.status == "no_solution" and plan.schedule == []
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    result = CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "no plan was found" in result.output
    assert "Time limit reached" in result.output and not (tmp_path / "out").exists()


def test_a_highs_status_pulp_does_not_know_is_not_a_crash(monkeypatch):
    """PuLP 3 maps HiGHS statuses through a table without the memory limit (KeyError)."""
    import pulp

    known = pulp.HiGHS.findSolutionValues

    def unknown_status(self, lp):
        known(self, lp)  # the values are read before PuLP looks the status up
        raise KeyError("kMemoryLimit")

    monkeypatch.setattr(pulp.HiGHS, "findSolutionValues", unknown_status)
    plan = pipeline.plan(small_inventory(horizon=60), small_catalog()).plan
    assert verify(plan) == []
