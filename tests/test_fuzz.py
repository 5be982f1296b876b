"""Property-based fuzzing of inventories and scenario files through the command line:
every input either plans (and the plan verifies) or fails with exit 1 and a message naming
the file, never a traceback. A fixed budget runs in CI; `make fuzz` runs a larger one
(HYPOTHESIS_PROFILE=fuzz)."""

import copy
import os

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli.main import main
from tests.builders import catalog_dict, inventory_dict

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=list(HealthCheck))
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
settings.register_profile("fuzz", max_examples=FUZZ_EXAMPLES, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 13, 10 ** 13),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                    st.lists(st.integers(-5, 5), max_size=3))
BASE = inventory_dict(horizon=60)


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield prefix + (i,)
            yield from _paths(value, prefix + (i,))


PATHS = sorted(_paths(BASE), key=str)
CATALOG = catalog_dict()
CATALOG_PATHS = sorted(_paths(CATALOG), key=str)


@st.composite
def mutated(draw, base, paths):
    inv = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        node = inv
        try:
            for key in path[:-1]:
                node = node[key]
            if draw(st.booleans()) and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = draw(SCALARS)
        except (KeyError, IndexError, TypeError):
            continue
    return inv


def _run(tmp_path, text, scenario=None, catalog=None):
    inv, cat = tmp_path / "fuzzed.yaml", tmp_path / "cat.yaml"
    inv.write_text(text)
    cat.write_text(yaml.safe_dump(catalog if catalog is not None else CATALOG))
    args = ["plan", str(inv), "--no-default-catalog", "-c", str(cat), "-o",
            str(tmp_path / "out"), "-q"]
    if scenario is not None:
        (tmp_path / "scenario.yaml").write_text(scenario)
        args += ["-s", str(tmp_path / "scenario.yaml")]
    return CliRunner().invoke(main, args)


def _clean(result, name):
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert name in result.output or "scenario" in result.output


@given(mutated(BASE, PATHS))
def test_fuzzed_inventories_plan_or_fail_cleanly(tmp_path_factory, inv):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    _clean(_run(tmp_path, yaml.safe_dump(inv)), "fuzzed.yaml")


@given(mutated(CATALOG, CATALOG_PATHS))
def test_fuzzed_catalogs_plan_or_fail_cleanly(tmp_path_factory, catalog):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    _clean(_run(tmp_path, yaml.safe_dump(BASE), catalog=catalog), "cat.yaml")


@given(st.dictionaries(st.sampled_from(["name", "deadline_hours", "exclude", "only", "budget",
                                        "set", "description", "bogus"]),
                       SCALARS | st.dictionaries(st.sampled_from(
                           ["deadline_hours", "groups.web.count", "catalog.a.quota_servers",
                            "policy.nope", "groups.0.vcpu"]), SCALARS, max_size=2),
                       max_size=4))
def test_fuzzed_scenarios_apply_or_fail_cleanly(tmp_path_factory, scenario):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    _clean(_run(tmp_path, yaml.safe_dump(BASE), yaml.safe_dump(scenario)), "scenario.yaml")
