"""Which override wins, and what a bug looks like at the command line: explicit flags beat
scenario files and --set whatever their order on the line, and the plan records what was
applied; a plan the verifier rejects, or any unexpected exception, exits 3 with one line
saying it is a bug and where its details are, never a traceback, never exit 1."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.cli.common import today
from planner.cli.main import main
from tests.builders import catalog_dict, inventory_dict

PARLER = Path(__file__).resolve().parent.parent / "inventories" / "parler-2021.yaml"


@pytest.fixture()
def files(tmp_path):
    inv, cat, scenario = tmp_path / "inv.yaml", tmp_path / "cat.yaml", tmp_path / "s.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    scenario.write_text("name: later\ndeadline_hours: 36\n")
    return tmp_path, inv, cat, scenario


def _plan(inv, cat, out, *extra):
    return CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                     "-o", str(out), "-q", *extra])


@pytest.mark.parametrize("flag_first", [True, False])
def test_a_flag_beats_a_scenario_file_and_set(files, flag_first):
    tmp, inv, cat, scenario = files
    flag = ["--deadline-hours", "12"]
    rest = ["-s", str(scenario), "--set", "deadline_hours=40"]
    result = _plan(inv, cat, tmp / "out", *(flag + rest if flag_first else rest + flag))
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp / "out" / "plan.json").read_text())
    assert plan["deadline_hours"] == plan["inventory"]["deadline_hours"] == 12
    assert [(o["source"], o["path"], o["value"]) for o in plan["overrides"]] == [
        ("-c", str(cat), None),
        (f"scenario 'later' ({scenario})", "deadline_hours", 36),
        ("--set", "deadline_hours", 40),
        ("--deadline-hours", "deadline_hours", 12),
        ("today (UTC)", "decision_date", today())]  # the inventory gives no decision_date


def test_without_a_flag_set_beats_the_scenario(files):
    tmp, inv, cat, scenario = files
    result = _plan(inv, cat, tmp / "out", "--set", "deadline_hours=40", "-s", str(scenario))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp / "out" / "plan.json").read_text())["deadline_hours"] == 40


def _bug_files(tmp):
    return sorted(tmp.glob("planner-bug-*.txt"))


def test_a_verifier_rejection_exits_3_and_says_it_is_a_bug(files, monkeypatch):
    tmp, inv, cat, _ = files
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    real = pipeline.build_plan

    def tampered(*args):  # an assembly bug: one server more at the deadline than scheduled
        plan = real(*args)
        return plan.model_copy(update={"servers_at_deadline": plan.servers_at_deadline + 1})

    monkeypatch.setattr(pipeline, "build_plan", tampered)
    result = _plan(inv, cat, tmp / "out")
    assert result.exit_code == 3, result.output
    line = result.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("internal error (a bug in planner, not in your input): "
                           "plan fails verification")
    [report] = _bug_files(tmp)
    assert str(report) in line
    details = report.read_text()
    assert "PlanInvalid" in details and "Traceback" in details and "coverage" in details
    assert not (tmp / "out").exists()


def test_an_unexpected_exception_exits_3_with_its_details_in_a_file(files, monkeypatch):
    tmp, inv, cat, _ = files
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))

    def broken(instance):
        return 1 / 0

    monkeypatch.setattr(pipeline, "formulate", broken)
    result = _plan(inv, cat, tmp / "out")
    assert result.exit_code == 3, result.output
    assert "ZeroDivisionError: division by zero" in result.output
    assert "Traceback" not in result.output
    [report] = _bug_files(tmp)
    assert "1 / 0" in report.read_text()


def test_bad_input_still_exits_1(files):
    tmp, inv, cat, _ = files
    result = _plan(inv, cat, tmp / "out", "--set", "policy.nope=1")
    assert result.exit_code == 1 and "policy.nope" in result.output
    assert "internal error" not in result.output


def test_an_unknown_exclusion_names_the_nearest_ids(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "prepare", lambda *a: pytest.fail("planned anyway"))
    result = CliRunner().invoke(main, ["plan", str(PARLER),
                                       "--exclude", "hetzner-clod", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert "'hetzner-clod' (did you mean 'hetzner-cloud'" in result.output
    assert "policy.excluded_providers" in result.output and not (tmp_path / "o").exists()


def test_exclusions_by_organization_and_of_the_source_are_known(files):
    tmp, inv, cat, _ = files
    result = _plan(inv, cat, tmp / "out", "--exclude", "src")
    assert result.exit_code == 0, result.output


def test_an_inventory_given_as_a_catalog_layer_is_named_as_such(files):
    tmp, inv, cat, _ = files
    result = _plan(inv, inv, tmp / "out")
    assert result.exit_code == 1, result.output
    assert "this is an inventory file, not a catalog" in result.output
    assert "unknown field" not in result.output  # not a wall of field errors


def test_q_with_format_json_still_prints_the_json(files):
    tmp, inv, cat, _ = files
    result = _plan(inv, cat, tmp / "out", "--format", "json")  # _plan passes -q
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "optimal"


@pytest.mark.parametrize("command", ["drill", "readiness"])
def test_png_where_there_is_no_chart_is_refused_before_solving(files, monkeypatch, command):
    tmp, inv, cat, _ = files
    monkeypatch.setattr(pipeline, "prepare", lambda *a: pytest.fail("planned anyway"))
    result = CliRunner().invoke(main, [command, str(inv), "--no-default-catalog", "-c",
                                       str(cat), "--png", "-o", str(tmp / "o")])
    assert result.exit_code == 1 and "--png draws comparisons and sweeps" in result.output


def test_png_without_matplotlib_is_refused_before_solving(files, monkeypatch):
    import builtins

    tmp, inv, cat, _ = files
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    monkeypatch.setattr(pipeline, "prepare", lambda *a: pytest.fail("planned anyway"))
    result = CliRunner().invoke(main, ["compare", str(inv), "--no-default-catalog", "-c",
                                       str(cat), "--png", "-o", str(tmp / "o")])
    assert result.exit_code == 1 and "package's `charts` extra" in result.output
    assert "pip install -e '.[charts]'" in result.output


@pytest.mark.parametrize("content, said", [
    ("{}", "not a plan.json written by `planner plan`"),
    ("null", "not a plan.json written by `planner plan`"),
    ('{"planner_version": "0.1.0", "schedule": []}', "not a whole plan.json: "
     "inputs_digest, solver missing"),
    ('{"providers": []}', "this is a catalog, not a plan.json: give it to plan with -c"),
    ('{"groups": [], "source": {}}', "this is an inventory, not a plan.json: plan it first"),
])
def test_a_file_that_is_not_a_plan_is_named_in_one_line(tmp_path, content, said):
    path = tmp_path / "x.json"
    path.write_text(content)
    for command in (["verify", str(path)], ["render", str(path), "-o", str(tmp_path / "o")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1 and said in result.output, result.output
        assert "Field required" not in result.output and len(result.output.splitlines()) == 1


def test_a_sweep_parameter_without_a_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["sweep", str(PARLER), "--param", "=1,2",
                                       "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "expected PATH=VALUES" in result.output, result.output


def test_a_whole_inventory_rule_broken_by_set_names_the_path_set(tmp_path):
    result = CliRunner().invoke(main, ["plan", str(PARLER), "--set", "source.cutoff_hours=500",
                                       "-o", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert "source.cutoff_hours: the cut-off is after the last hour planned (72)" in \
        result.output
