"""Bad input is a one-line error (exit 1), never a traceback nor an internal error (issue
18, item 5): dependency cycles, impossible dates, a currency with no rate, bad --set values,
empty --param values, a comparison of nothing."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from planner.cli.main import main
from tests.builders import catalog_dict, inventory_dict


@pytest.fixture()
def inputs(tmp_path):
    def write(name, data):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
        return path

    return tmp_path, write, write("cat.yaml", catalog_dict())


def _bad(args, said):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 1, result.output
    assert said in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def _inventory(**changes):
    inv = inventory_dict(horizon=60)
    for path, value in changes.items():
        node, *rest = path.split("__")
        if rest:
            inv[node][int(rest[0])][rest[1]] = value
        else:
            inv[node] = value
    return inv


def test_a_dependency_cycle_is_refused_by_validate_and_plan(inputs):
    tmp, write, cat = inputs
    inv = write("inv.yaml", _inventory(groups__1__depends_on=["web"]))
    said = "groups depend on each other in a cycle: web -> db -> web"
    _bad(["validate", inv], said)
    _bad(["plan", inv, "--no-default-catalog", "-c", cat, "-o", tmp / "o"], said)


def test_a_longer_cycle_is_named_whole(inputs):
    tmp, write, _ = inputs
    inv = _inventory(groups__1__depends_on=["big"])
    inv["groups"][2]["depends_on"] = ["web"]
    _bad(["validate", write("inv.yaml", inv)], "web -> db -> big -> web")


@pytest.mark.parametrize("text", ["decision_date: 2026-02-30\n", "decision_date: '2026-02-30'\n"])
def test_an_impossible_decision_date(inputs, text):
    tmp, write, _ = inputs
    body = yaml.safe_dump({k: v for k, v in _inventory().items() if k != "decision_date"})
    _bad(["validate", write("inv.yaml", body + text)], "2026-02-30")


def test_an_impossible_end_of_life(inputs):
    tmp, write, _ = inputs
    cat = catalog_dict()
    cat["providers"][0]["end_of_life"] = "2026-04-31"
    _bad(["catalog", "validate", write("c.yaml", cat)], "not a date of the calendar")


def test_a_currency_without_a_rate(inputs):
    tmp, write, cat = inputs
    inv = write("inv.yaml", _inventory(currency="XYZ"))
    _bad(["plan", inv, "--no-default-catalog", "-c", cat, "-o", tmp / "o"],
          "currency: XYZ has no rate")


@pytest.mark.parametrize("setting, said", [
    ("decision_date=2026-13-01", "month must be in 1..12"),
    ("decision_date=2026-02-30", "day is out of range"),
    ("groups.web.count=many", "groups.web.count"),
])
def test_bad_set_values(inputs, setting, said):
    tmp, write, cat = inputs
    inv = write("inv.yaml", _inventory())
    _bad(["plan", inv, "--no-default-catalog", "-c", cat, "--set", setting, "-o", tmp / "o"],
         said)


@pytest.mark.parametrize("param", ["deadline_hours=", "deadline_hours=,,", "deadline_hours=nan",
                                   "deadline_hours=12:6:1"])
def test_empty_or_impossible_sweep_values(inputs, param):
    tmp, write, cat = inputs
    inv = write("inv.yaml", _inventory())
    _bad(["sweep", inv, "--no-default-catalog", "-c", cat, "--param", param, "-q",
          "-o", tmp / "o"], "--param values")


def test_compare_with_nothing_to_compare(inputs):
    tmp, write, cat = inputs
    inv = write("inv.yaml", _inventory())
    _bad(["compare", inv, "--no-default-catalog", "-c", cat, "--no-base", "-q",
          "-o", tmp / "o"], "nothing to compare")


@pytest.mark.parametrize("where", ["inventory", "group", "description", "source"])
@pytest.mark.parametrize("char", ["\x1b", "\x07", "\n", "\x9b"])
def test_control_characters_never_reach_the_terminal_or_the_runbook(inputs, where, char):
    """Issue 18, item 11: ESC, BEL, newline (and the C1 CSI) in any name or text."""
    tmp, write, cat = inputs
    inv = _inventory()
    evil = f"web{char}[2J"
    if where == "inventory":
        inv["name"] = evil
    elif where == "group":
        inv["groups"][0]["name"] = evil
        inv["groups"][0]["depends_on"] = []
    elif where == "description":
        inv["groups"][0]["description"] = evil
    else:
        inv["source"]["provider"] = evil
    path = write("inv.yaml", inv)
    _bad(["validate", path], "control character")
    result = CliRunner().invoke(main, ["plan", str(path), "--no-default-catalog", "-c", str(cat),
                                       "-o", str(tmp / "o")])
    assert result.exit_code == 1 and evil not in result.output
    assert char == "\n" or char not in result.output
    assert not (tmp / "o").exists()


@pytest.mark.parametrize("field", ["name", "refusal_evidence", "website"])
def test_control_characters_in_a_catalog_entry(inputs, field):
    tmp, write, _ = inputs
    cat = catalog_dict()
    cat["providers"][0][field] = "Cloudy\x1b]0;pwned\x07"
    _bad(["catalog", "validate", write("c.yaml", cat)], "control character")


def test_control_characters_in_a_scenario_name(inputs):
    tmp, write, _ = inputs
    _bad(["validate", write("s.yaml", 'name: "later\\u001b[31m"\ndeadline_hours: 36\n')],
         "control character")
