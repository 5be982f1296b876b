"""End to end through the command line."""

import json
import os
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from planner import __version__
from planner.cli.main import main
from tests.builders import catalog_dict, inventory_dict


@pytest.fixture()
def files(tmp_path):
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    return tmp_path, inv, cat


def _plan(tmp, inv, cat, *extra):
    out = tmp / "out"
    result = CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "-o", str(out), *extra])
    return result, out


def test_plan_writes_plan_and_runbook_and_prints_a_summary(files):
    tmp, inv, cat = files
    result, out = _plan(tmp, inv, cat)
    assert result.exit_code == 0, result.output
    assert "optimal" in result.output and "servers serving" in result.output
    assert "short at hour 24: dns: 52% of it; all by hour 49; dns ttl" in result.output
    assert (out / "plan.json").is_file() and (out / "runbook.md").is_file()
    assert "# Exit plan: small" in (out / "runbook.md").read_text()
    assert not list(out.glob(".*.tmp"))
    verified = CliRunner().invoke(main, ["verify", str(out / "plan.json")])
    assert verified.exit_code == 0 and "valid" in verified.output


def test_json_summary_and_overrides(files):
    tmp, inv, cat = files
    result, _ = _plan(tmp, inv, cat, "--format", "json", "--deadline-hours", "48",
                      "--exclude", "a")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["deadline_hours"] == 48 and "a" not in summary["providers_used"]


def test_verify_rejects_a_tampered_plan(files):
    tmp, inv, cat = files
    _, out = _plan(tmp, inv, cat)
    plan = json.loads((out / "plan.json").read_text())
    plan["schedule"][0]["up_by_hour"][-1] += 1000
    (out / "plan.json").write_text(json.dumps(plan))
    result = CliRunner().invoke(main, ["verify", str(out / "plan.json")])
    assert result.exit_code == 1
    assert "violated" in result.output and "Traceback" not in result.output


def test_malformed_inventory_exits_1_with_the_line_and_no_traceback(files):
    tmp, inv, cat = files
    text = inv.read_text().replace("count: 20", "count: twenty")
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if "twenty" in text_line)
    inv.write_text(text)
    result, out = _plan(tmp, inv, cat)
    assert result.exit_code == 1
    assert f"inv.yaml:{line}" in result.output and "count" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_validate_reports_each_file(files):
    tmp, inv, cat = files
    bad = tmp / "bad.yaml"
    bad.write_text("name: x\ngroups: [}\n")
    result = CliRunner().invoke(main, ["validate", str(inv), str(cat), str(bad)])
    assert result.exit_code == 1
    assert "valid inventory" in result.output and "valid catalog" in result.output
    assert "bad.yaml:2" in result.output


def test_usage_errors_exit_2(files):
    result = CliRunner().invoke(main, ["plan"])
    assert result.exit_code == 2


def test_version_and_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "planner", "--version"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_same_inputs_give_byte_identical_outputs_across_processes(files):
    tmp, inv, cat = files
    outputs = []
    for i in range(3):
        out = tmp / f"run{i}"
        subprocess.run([sys.executable, "-m", "planner", "plan", str(inv), "--no-default-catalog",
                        "-c", str(cat), "-o", str(out), "-q"], check=True)
        outputs.append(((out / "plan.json").read_bytes(), (out / "runbook.md").read_bytes()))
    assert outputs[0] == outputs[1] == outputs[2]


def test_outputs_are_ordinary_files_and_replace_old_ones_whole(files):
    tmp, inv, cat = files
    out = tmp / "out"
    out.mkdir()
    (out / "plan.json").write_text("old")
    result, _ = _plan(tmp, inv, cat)
    assert result.exit_code == 0
    assert (out / "plan.json").read_text().startswith("{")
    mode = (out / "plan.json").stat().st_mode & 0o777
    assert mode & 0o044 or os.umask(os.umask(0)) & 0o044  # readable by others unless umask says no
    assert sorted(p.name for p in out.iterdir()) == ["plan.json", "runbook.md"]
