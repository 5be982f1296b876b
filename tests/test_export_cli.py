"""`planner export` end to end: files and a summary on success; one line and exit 1 on a
missing or wrong input, or an output it may not write; nothing half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli.main import main

PLAN = Path(__file__).parent / "golden" / "plan-parler-2021.json"


def run(*args):
    return CliRunner().invoke(main, ["export", *map(str, args)])


def one_line_error(result) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output


def test_writes_modules_inventory_and_summary(tmp_path):
    result = run(PLAN, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for path in ("opentofu/README.md", "opentofu/CONSOLE.md", "opentofu/vultr/main.tf",
                 "opentofu/vultr/versions.tf", "opentofu/vultr/variables.tf",
                 "opentofu/vultr/outputs.tf", "ansible/inventory.yml", "ansible/README.md"):
        assert (out / path).is_file(), path
    assert "opentofu/vultr/: 50 machines from 5 plan rows" in result.output
    assert "left to the consoles" in result.output and "leaseweb" in result.output


@pytest.mark.parametrize("fmt,present,absent", [
    ("opentofu", "opentofu/README.md", "ansible"), ("ansible", "ansible/inventory.yml",
                                                    "opentofu")])
def test_one_format(tmp_path, fmt, present, absent):
    result = run(PLAN, "--format", fmt, "-o", tmp_path, "-q")
    assert result.exit_code == 0 and result.output == ""
    assert (tmp_path / present).is_file() and not (tmp_path / absent).exists()


def test_same_bytes_twice(tmp_path):
    for name in ("a", "b"):
        assert run(PLAN, "-o", tmp_path / name, "-q").exit_code == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*")
                   if p.is_file())
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_missing_plan(tmp_path):
    one_line_error(run(tmp_path / "nope.json", "-o", tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_not_a_plan(tmp_path):
    inventory = tmp_path / "inv.yaml"
    inventory.write_text("groups: []\n")
    one_line_error(run(inventory, "-o", tmp_path / "out"))
    other = tmp_path / "x.json"
    other.write_text('{"a": 1}')
    one_line_error(run(other, "-o", tmp_path / "out"))


def test_output_is_a_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("keep")
    one_line_error(run(PLAN, "-o", target))
    assert target.read_text() == "keep"


def test_a_folder_in_the_way_writes_nothing(tmp_path):
    """An output path that is a folder is refused before any file is written."""
    (tmp_path / "opentofu" / "README.md").mkdir(parents=True)
    one_line_error(run(PLAN, "-o", tmp_path))
    assert not (tmp_path / "ansible").exists()
    assert not (tmp_path / "opentofu" / "vultr").exists()


def test_symlinked_output_folder_is_written_through(tmp_path):
    """The writers follow a symlinked folder (as `plan -o` does): files land in its target
    and the link stays a link."""
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    os.symlink(real, link)
    assert run(PLAN, "-o", link, "-q").exit_code == 0
    assert link.is_symlink() and (real / "opentofu" / "README.md").is_file()


def test_symlinked_file_is_replaced_in_its_target_not_the_link(tmp_path):
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("old")
    (tmp_path / "out" / "opentofu").mkdir(parents=True)
    os.symlink(elsewhere, tmp_path / "out" / "opentofu" / "README.md")
    assert run(PLAN, "-o", tmp_path / "out", "-q").exit_code == 0
    assert (tmp_path / "out" / "opentofu" / "README.md").is_symlink()
    assert elsewhere.read_text().startswith("# OpenTofu modules")


def test_a_module_of_an_earlier_plan_is_named_and_left_alone(tmp_path):
    """A provider an earlier plan used keeps its folder (its state, if applied, is there):
    the export warns, on stderr, that this plan puts nothing there."""
    stale = tmp_path / "opentofu" / "hetzner-dedicated-old"
    stale.mkdir(parents=True)
    (stale / "terraform.tfstate").write_text("{}")
    result = CliRunner().invoke(main, ["export", str(PLAN), "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    assert "hetzner-dedicated-old/ is from an earlier export" in result.stderr
    assert "tofu destroy" in result.stderr
    assert (stale / "terraform.tfstate").read_text() == "{}"
    again = CliRunner().invoke(main, ["export", str(PLAN), "-o", str(tmp_path / "new"), "-q"])
    assert again.exit_code == 0 and again.stderr == ""
