"""Load & validate: YAML -> models, and errors that point at the right file and line."""

from __future__ import annotations

import datetime
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import InputError, InputErrorItem, PlannerError
from planner.inputs.loader import (
    detect_kind,
    load_catalog,
    load_inventory,
    load_scenario,
    read_yaml,
    shipped_catalog_paths,
    validate_file,
)
from planner.models import Catalog, Inventory

INVENTORY = """\
name: shop
source:
  provider: aws
  egress_gbps: 10
deadline_hours: 72
groups:
  - name: web
    count: 4
    vcpu: 2
    ram_gb: 4
  - name: db
    count: 2
    vcpu: 8
    ram_gb: 32
    depends_on: [web]
"""

CATALOG = """\
currencies:
  EUR: {value: 1.08, source: ecb.europa.eu, as_of: 2026-01}
providers:
  - id: hetzner-cloud
    name: Hetzner Cloud
    kind: cloud
    jurisdiction: DE
    currency: EUR
    source: hetzner.com
    as_of: 2026-01-14
    onboarding_hours: 2
    quota_servers: 10
    provision_rate_per_hour: 50
    ingress_gbps: 10
    refusal_risk: 0.05
    offerings:
      - id: cx22
        vcpu: 2
        ram_gb: 4
        disk_gb: 40
        price_per_month: 4.5
      - id: cx32
        vcpu: 4
        ram_gb: 8
        disk_gb: 80
        price_per_month: 7.5
  - id: ovh
    name: OVHcloud
    kind: bare_metal
    jurisdiction: FR
    source: ovh.com
    as_of: 2026-01
    onboarding_hours: 24
    quota_servers: 5
    provision_rate_per_hour: 2
    ingress_gbps: 5
    refusal_risk: 0.1
    offerings:
      - id: rise-1
        vcpu: 12
        ram_gb: 64
        disk_gb: 1000
        price_per_month: 80
services:
  - id: twilio
    name: Twilio
    kind: sms
    jurisdiction: US
    source: twilio.com
    as_of: 2026-01
    onboarding_hours: 1
    refusal_risk: 0.02
    offerings:
      - id: tenlc
        lead_hours: 72
        capacity:
          messages_per_second: {every_hours: 24, values: [1, 5, 15]}
        price_per_unit: 0.008
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def only_error(exc: pytest.ExceptionInfo[InputError]) -> InputErrorItem:
    assert len(exc.value.errors) == 1, str(exc.value)
    return exc.value.errors[0]


# --- valid documents ------------------------------------------------------------------------

def test_inventory_round_trip(tmp_path):
    path = write(tmp_path, "inv.yaml", INVENTORY)
    inventory = load_inventory(path)
    assert isinstance(inventory, Inventory)
    assert [g.name for g in inventory.groups] == ["web", "db"]
    assert inventory.groups[1].depends_on == ["web"]
    assert validate_file(path) == "inventory"


def test_catalog_round_trip_expands_bare_numbers(tmp_path):
    path = write(tmp_path, "cat.yaml", CATALOG)
    catalog = load_catalog([path])
    assert isinstance(catalog, Catalog)
    cx22 = catalog.provider("hetzner-cloud").offerings[0]
    assert (cx22.vcpu.value, cx22.vcpu.source, cx22.vcpu.as_of) == (2, "hetzner.com", "2026-01-14")
    mps = catalog.vendor("twilio").offerings[0].capacity["messages_per_second"]
    assert mps.values == [1, 5, 15]
    assert validate_file(path) == "catalog"


def test_scenario_and_kind_detection(tmp_path):
    path = write(tmp_path, "s.yaml", "name: slow\ndeadline_hours: 24\nexclude: [ovh]\n")
    assert load_scenario(path).exclude == ["ovh"]
    assert validate_file(path) == "scenario"
    assert detect_kind({"groups": []}) == "inventory"
    assert detect_kind({"services": []}) == "catalog"
    assert detect_kind({"remove": ["x"]}) == "catalog"
    with pytest.raises(InputError, match="cannot tell"):
        detect_kind({"colour": "blue"})


def test_dates_stay_dates(tmp_path):
    data, _ = read_yaml(write(tmp_path, "d.yaml", "as_of: 2026-01-14\n"))
    assert data["as_of"] == datetime.date(2026, 1, 14)


def test_no_catalog_files_gives_empty_catalog():
    assert load_catalog([]) == Catalog()
    paths = shipped_catalog_paths()
    assert paths == sorted(paths)
    load_catalog(paths)  # whatever ships must validate


# --- line numbers ---------------------------------------------------------------------------

def test_wrong_type_in_nested_list_item(tmp_path):
    text = INVENTORY.replace("count: 2", 'count: "2"')
    with pytest.raises(InputError) as exc:
        load_inventory(write(tmp_path, "inv.yaml", text))
    item = only_error(exc)
    assert (item.line, item.path) == (line_of(text, 'count: "2"'), "groups[db].count")
    assert "valid integer" in item.message and "'2'" in item.message
    assert str(exc.value).startswith(f"{tmp_path / 'inv.yaml'}:{item.line}: groups[db].count: ")


def test_missing_field_points_at_enclosing_mapping(tmp_path):
    text = INVENTORY.replace("    vcpu: 8\n", "")
    with pytest.raises(InputError) as exc:
        load_inventory(write(tmp_path, "inv.yaml", text))
    item = only_error(exc)
    assert (item.line, item.path) == (line_of(text, "name: db"), "groups[db].vcpu")
    assert item.message == "Field required"


def test_unknown_key(tmp_path):
    text = INVENTORY.replace("    ram_gb: 32\n", "    ram_gb: 32\n    cuont: 3\n")
    with pytest.raises(InputError) as exc:
        load_inventory(write(tmp_path, "inv.yaml", text))
    item = only_error(exc)
    assert (item.line, item.path) == (line_of(text, "cuont"), "groups[db].cuont")
    assert "unknown field" in item.message


def test_duplicate_key_names_both_lines(tmp_path):
    text = INVENTORY.replace("    ram_gb: 32\n", "    ram_gb: 32\n    count: 3\n")
    with pytest.raises(InputError) as exc:
        load_inventory(write(tmp_path, "inv.yaml", text))
    first, second = line_of(text, "count: 2"), line_of(text, "count: 3")
    assert f"line {first}" in exc.value.message and f"line {second}" in exc.value.message
    assert exc.value.line == second


def test_quoting_hint_for_yaml_booleans(tmp_path):
    text = CATALOG.replace("jurisdiction: FR", "jurisdiction: NO")
    with pytest.raises(InputError) as exc:
        load_catalog([write(tmp_path, "cat.yaml", text)])
    item = only_error(exc)
    assert item.path == "providers[ovh].jurisdiction" and "quotes" in item.message


def test_many_errors_are_capped(tmp_path):
    groups = "".join(f"  - {{name: g{i}, count: 0, vcpu: 1, ram_gb: 1}}\n" for i in range(30))
    text = INVENTORY.split("groups:")[0] + "groups:\n" + groups
    with pytest.raises(InputError) as exc:
        load_inventory(write(tmp_path, "inv.yaml", text))
    assert len(exc.value.errors) == 30
    lines = str(exc.value).splitlines()
    assert len(lines) == 21 and lines[-1] == "... and 10 more"
    assert lines[0].endswith("groups[g0].count: Input should be greater than or equal to 1 (got 0)")


# --- bad files ------------------------------------------------------------------------------

def test_syntax_error_reports_its_line(tmp_path):
    text = "name: x\ngroups:\n  - name: web\n   count: 2\nother: 1\n"  # bad indent
    with pytest.raises(InputError) as exc:
        read_yaml(write(tmp_path, "bad.yaml", text))
    assert exc.value.line == 4 and "invalid YAML" in exc.value.message
    assert "column 4" in exc.value.message


@pytest.mark.parametrize("raw, words", [
    ("name: caf\xe9\n".encode("latin-1"), "not valid UTF-8"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x7fELF\x02\x01\x01\x03\x04\x05\x06\x07", "control character"),
    ("name: x\n".encode("utf-16"), "UTF-16"),
])
def test_undecodable_files(tmp_path, raw, words):
    path = tmp_path / "f.yaml"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=words) as exc:
        read_yaml(path)
    assert exc.value.file == str(path)


def test_alias_bomb_fails_fast(tmp_path):
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "bomb.yaml", "\n".join(levels) + "\n")
    start = time.monotonic()
    with pytest.raises(InputError, match="alias bomb"):
        read_yaml(path)
    assert time.monotonic() - start < 2


def test_modest_aliases_and_merge_keys_work(tmp_path):
    data, index = read_yaml(write(tmp_path, "m.yaml", """\
        base: &b {x: 1, y: 2}
        c:
          <<: *b
          y: 3
        """))
    assert data["c"] == {"x": 1, "y": 3}
    assert index.line(("c", "y")) == 4


def test_recursive_alias_refused(tmp_path):
    with pytest.raises(InputError, match="recursive alias"):
        read_yaml(write(tmp_path, "r.yaml", "a: &a [*a]\n"))


def test_deep_nesting_fails_cleanly(tmp_path):
    with pytest.raises(InputError, match="nesting deeper than 100"):
        read_yaml(write(tmp_path, "deep.yaml", "a: " + "[" * 1000 + "]" * 1000 + "\n"))
    block = "".join("  " * i + f"k{i}:\n" for i in range(1000))
    with pytest.raises(InputError, match="nesting deeper than 100"):
        read_yaml(write(tmp_path, "deep2.yaml", block))


def test_nesting_limit_is_exactly_100(tmp_path):
    read_yaml(write(tmp_path, "ok.yaml", "a: " + "[" * 99 + "]" * 99 + "\n"))  # 100 levels
    with pytest.raises(InputError, match="nesting"):
        read_yaml(write(tmp_path, "no.yaml", "a: " + "[" * 100 + "]" * 100 + "\n"))


@pytest.mark.parametrize("text, words", [
    ("", "empty"), ("# only a comment\n", "empty"), ("- 1\n- 2\n", "top level is a list"),
    ("just words\n", "single value"), ("a: 1\n---\nb: 2\n", "second YAML document"),
    ("d: 2026-02-30\n", "cannot read"), ("x: !!python/object:os.system {}\n", "constructor"),
])
def test_unacceptable_documents(tmp_path, text, words):
    with pytest.raises(InputError, match=words):
        read_yaml(write(tmp_path, "f.yaml", text))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="file not found") as exc:
        load_inventory(tmp_path / "nope.yaml")
    assert exc.value.file == str(tmp_path / "nope.yaml")
    assert isinstance(exc.value, PlannerError)
    with pytest.raises(InputError, match="directory"):
        read_yaml(tmp_path)


def test_file_over_size_limit(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: cheap to create
    with pytest.raises(InputError, match="limit is 20 MB"):
        read_yaml(path)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_read_yaml_never_raises_anything_else(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("h") / "f.yaml"
    path.write_bytes(raw)
    try:
        data, _ = read_yaml(path)
    except InputError:
        return
    assert isinstance(data, dict)


def test_input_error_format():
    err = InputError("Input should be greater than or equal to 1 (got 0)",
                     file="inventories/x.yaml", line=12, path="groups[2].count")
    assert str(err) == ("inventories/x.yaml:12: groups[2].count: Input should be greater "
                        "than or equal to 1 (got 0)")
    assert str(InputError("file not found", file="a.yaml")) == "a.yaml: file not found"
    assert str(InputError("oops")) == "oops"


# --- catalog layers -------------------------------------------------------------------------

def layered(tmp_path: Path, layer: str) -> tuple[Path, Path]:
    return write(tmp_path, "base.yaml", CATALOG), write(tmp_path, "ours.yaml", layer)


def test_layer_overrides_provider_field(tmp_path):
    paths = layered(tmp_path, """\
        providers:
          - id: hetzner-cloud
            quota_servers: {value: 200, source: our account manager, as_of: 2026-11-20}
        """)
    provider = load_catalog(list(paths)).provider("hetzner-cloud")
    assert provider.quota_servers.value == 200
    assert provider.quota_servers.source == "our account manager"
    assert provider.onboarding_hours.source == "hetzner.com"  # untouched fields keep theirs
    assert [o.id for o in provider.offerings] == ["cx22", "cx32"]


def test_layer_adds_and_overrides_offerings(tmp_path):
    paths = layered(tmp_path, """\
        providers:
          - id: hetzner-cloud
            source: our quote
            as_of: 2026-11
            offerings:
              - id: cx32
                price_per_month: 6.0
              - id: cx42
                vcpu: 8
                ram_gb: 16
                disk_gb: 160
                price_per_month: 15
        """)
    provider = load_catalog(list(paths)).provider("hetzner-cloud")
    cx22, cx32, cx42 = provider.offerings
    assert (cx32.price_per_month.value, cx32.price_per_month.source) == (6.0, "our quote")
    assert (cx32.vcpu.value, cx32.vcpu.source) == (4, "hetzner.com")  # not re-attributed
    assert cx22.price_per_month.source == "hetzner.com"
    assert (cx42.id, cx42.vcpu.value, cx42.vcpu.source) == ("cx42", 8, "our quote")


def test_layer_bare_number_needs_its_own_provenance(tmp_path):
    layer = "providers:\n  - id: hetzner-cloud\n    quota_servers: 200\n"
    paths = layered(tmp_path, layer)
    with pytest.raises(InputError, match="needs provenance") as exc:
        load_catalog(list(paths))
    assert (exc.value.file, exc.value.line) == (str(paths[1]), 2)


def test_layer_removes_and_adds_entries(tmp_path):
    paths = layered(tmp_path, """\
        remove: [ovh, twilio]
        currencies:
          EUR: {value: 1.1, source: our bank, as_of: 2026-11}
        """)
    catalog = load_catalog(list(paths))
    assert [p.id for p in catalog.providers] == ["hetzner-cloud"] and catalog.services == []
    assert catalog.currencies["EUR"].source == "our bank"
    with pytest.raises(InputError, match="no provider or vendor 'nope'") as exc:
        load_catalog([paths[0], write(tmp_path, "r.yaml", "remove: [ovh, nope]\n")])
    assert exc.value.path == "remove[1]" and exc.value.line == 1


def test_error_in_layer_names_layer_file_and_line(tmp_path):
    layer = """\
        providers:
          - id: hetzner-cloud
            offerings:
              - id: cx22
                vcpu: {value: "2", source: us, as_of: 2026-11}
        """
    paths = layered(tmp_path, layer)
    with pytest.raises(InputError) as exc:
        load_catalog(list(paths))
    item = only_error(exc)
    assert item.file == str(paths[1]) and item.line == 5
    assert item.path == "providers[hetzner-cloud].offerings[cx22].vcpu.value"


def test_error_in_base_after_layering_names_base(tmp_path):
    base = write(tmp_path, "base.yaml", CATALOG.replace("disk_gb: 80", "disk_gb: eighty"))
    layer = write(tmp_path, "ours.yaml", "providers:\n  - id: ovh\n    name: OVH\n")
    with pytest.raises(InputError) as exc:
        load_catalog([base, layer])
    item = only_error(exc)
    assert (item.file, item.line) == (str(base), line_of(CATALOG, "disk_gb: 80"))
    assert item.path == "providers[hetzner-cloud].offerings[cx32].disk_gb"


@pytest.mark.parametrize("old, new, path", [
    ("id: cx32", "id: cx22", "providers[hetzner-cloud].offerings[cx22]"),
    ("id: ovh", "id: hetzner-cloud", "providers[hetzner-cloud]"),
])
def test_duplicate_ids_in_one_file(tmp_path, old, new, path):
    text = CATALOG.replace(old, new)
    with pytest.raises(InputError, match="appears twice") as exc:
        load_catalog([write(tmp_path, "cat.yaml", text)])
    assert exc.value.line == line_of(text, new, 2) and exc.value.path == path
    assert f"lines {line_of(text, new)} and {exc.value.line}" in exc.value.message


def test_a_bare_year_is_a_valid_as_of(tmp_path):
    """YAML reads `as_of: 2026` as a number; the models take it as the year it means."""
    text = CATALOG.replace("as_of: 2026-01\n    onboarding_hours: 24", "as_of: 2026\n    "
                           "onboarding_hours: 24")
    catalog = load_catalog([write(tmp_path, "cat.yaml", text)])
    assert catalog.provider("ovh").onboarding_hours.as_of == "2026"


def test_catalog_wide_error_names_all_layers(tmp_path):
    paths = layered(tmp_path, """\
        services:
          - id: ovh
            name: OVH SMS
            kind: sms
            jurisdiction: FR
            source: ovh.com
            as_of: 2026-01
            onboarding_hours: 1
            refusal_risk: 0.1
            offerings:
              - id: sms
                capacity:
                  messages_per_second: {every_hours: 24, values: [10]}
        """)
    with pytest.raises(InputError, match="ids repeat") as exc:
        load_catalog(list(paths))
    assert exc.value.file == f"{paths[0]} + {paths[1]}" and exc.value.line is None


def test_a_tab_is_named_as_the_problem(tmp_path):
    with pytest.raises(InputError, match=r":2: .*tab: indent YAML with spaces"):
        read_yaml(write(tmp_path, "tab.yaml", "a:\n\tb: 1\n"))


def test_the_c_parser_gives_the_same_documents_and_lines(tmp_path):
    """libyaml's events (when PyYAML has it) and PyYAML's own parser agree on the shipped
    inputs: same data, same line for every key and item."""
    from planner.inputs import yamlsafe
    from planner.inputs.loader import shipped_catalog_paths

    for path in [*shipped_catalog_paths(), Path("inventories/parler-2021.yaml")]:
        fast = yamlsafe.read_yaml(path)
        slow = yamlsafe.read_yaml(path, loader_class=yamlsafe._PureLoader)
        assert fast[0] == slow[0] and fast[1].lines == slow[1].lines, path


@pytest.mark.parametrize("old, new, needle, path, said", [
    ("depends_on: [web]", "depends_on: [wbe]", "depends_on", "groups[db].depends_on[0]",
     "depends on unknown group 'wbe'"),
    ("  - name: db", "  - name: web", "name: web", "groups[web].name",
     "group name 'web' repeats (first at groups[0])"),
    ("    ram_gb: 4\n", "    ram_gb: 4\n    depends_on: [db]\n", "depends_on: [db]",
     "groups[web].depends_on", "cycle: web -> db -> web"),
    ("deadline_hours: 72", "deadline_hours: 72\nhorizon_hours: 24", "horizon_hours",
     "horizon_hours", "at least deadline_hours"),
])
def test_a_rule_over_the_whole_inventory_points_at_its_place(tmp_path, old, new, needle,
                                                              path, said):
    """Issue 18: errors point at the right line and name the user's path (groups[web], not
    groups[0], nor the inventory's first line)."""
    text = INVENTORY.replace(old, new)
    with pytest.raises(InputError) as exc:
        load_inventory(write(tmp_path, "inv.yaml", text))
    item = only_error(exc)
    nth = 2 if needle == "name: web" else 1
    assert (item.line, item.path) == (line_of(text, needle, nth), path)
    assert said in item.message


def test_a_layer_whose_providers_are_not_a_list_is_an_input_error(tmp_path):
    """Found by `make fuzz`: the raise check read `providers: 1` as a list (TypeError, exit
    3); validation now says what is wrong, with the line."""
    path = tmp_path / "cat.yaml"
    path.write_text("currencies: {}\nproviders: 1\n")
    with pytest.raises(InputError) as caught:
        load_catalog([path])
    assert "providers" in str(caught.value)
