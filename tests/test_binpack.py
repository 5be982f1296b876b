"""Bin packing instances as plans with packing (planner/importers/binpacking.py and
`planner binpack`): the formats, their errors, and plans whose hosts are the bins."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from planner.cli.main import main as cli
from planner.errors import PlannerError
from planner.importers.binpacking import parse

# two OR-Library problems: 9 items that fill 3 bins of 100 exactly (best 3), and 4 items
# of 60 that need a bin each (best 4)
ORLIB = """ 2
 tiny_00
 100 9 3
50
30
20
45
35
20
60
25
15
 big_01
 100 4 4
60
60
60
60
"""


def test_the_three_formats_are_told_apart_and_read():
    a, b = parse(ORLIB, "f")
    assert (a.name, a.capacity, a.count, a.best_known) == ("tiny_00", (100.0,), 9, 3)
    assert b.items == {(60.0,): 4}
    (one,) = parse("3\n10\n4\n4\n7\n", "one")
    assert one.items == {(4.0,): 2, (7.0,): 1} and one.best_known is None
    (stock,) = parse("2\n10\n4 3\n7 1\n", "stock")  # weight and demand
    assert stock.items == {(4.0,): 3, (7.0,): 1}
    (vbp,) = parse("2\n10 8\n2\n5 4 3\n3 6 1\n", "v")
    assert vbp.capacity == (10.0, 8.0) and vbp.items == {(5.0, 4.0): 3, (3.0, 6.0): 1}


@pytest.mark.parametrize("text, words", [
    ("3\n10\n4\nabc\n1\n", "line 4: expected numbers"),
    ("3\n10\n4\n4\n", "says 3 items"),
    ("2\n10\n4\n11\n", "larger than the bin"),
    ("2\n10 8\n1\n5 4\n", "expected 2 weights and a demand"),
])
def test_bad_files_say_where_and_what(text, words):
    with pytest.raises(PlannerError, match=words):
        parse(text, "bad")


def test_instances_are_planned_to_their_best_bins_and_proven(tmp_path):
    path = tmp_path / "binpack.txt"
    path.write_text(ORLIB)
    result = CliRunner().invoke(cli, ["binpack", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["name"], r["bins"], r["lower_bound"], r["vs_published"]) for r in rows] == \
        [("tiny_00", 3, 3, 0), ("big_01", 4, 4, 0)]
    assert all(r["served"] == r["items"] for r in rows)


def test_the_inputs_are_written_to_plan_again_and_a_published_csv_is_compared(tmp_path):
    path = tmp_path / "one.bpp"
    path.write_text("4\n10\n6\n5\n5\n4\n")
    csv = tmp_path / "published.csv"
    csv.write_text("name,bins\none,2\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["binpack", str(path), "--published", str(csv),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 of 1 instances at the published bins" in result.output
    plan = CliRunner().invoke(cli, ["plan", str(out / "one.inventory.yaml"), "-c",
                                    str(out / "one.catalog.yaml"), "--no-default-catalog",
                                    "--format", "json", "-o", str(tmp_path / "plan")])
    assert plan.exit_code == 0, plan.output
