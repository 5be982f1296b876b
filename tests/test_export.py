"""planner export: OpenTofu modules that parse, count what the plan creates and name only
the providers' own models; an Ansible inventory with the plan's hosts; the same bytes
from the same plan; group names that stay literal text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import hcl2
import pytest
import yaml

from planner.inputs.loader import load_catalog, shipped_catalog_paths
from planner.inputs.planfile import load_plan
from planner.report.export import export
from planner.report.export.opentofu import TARGETS, build_module
from planner.report.names import name_map
from planner.report.servers import ProviderView, provider_views_of
from planner.report.shell.base import Batch, Row, ToolSteps

PLAN = Path(__file__).parent / "golden" / "plan-parler-2021.json"
SERVER_TYPES = {
    "hcloud_server", "digitalocean_droplet", "vultr_instance", "linode_instance",
    "scaleway_instance_server", "upcloud_server", "contabo_instance", "pnap_server",
    "aws_instance", "azurerm_linux_virtual_machine", "google_compute_instance",
    "oci_core_instance", "openstack_compute_instance_v2", "ionoscloud_server",
    "ionoscloud_vcpu_server"}
HOSTILE = 'we"b ${var.x} %{ if 1 }x%{ endif } \\n \\ ünï 名前 $${ok} %%{ok}'


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


@pytest.fixture(scope="module")
def files(plan):
    return dict(export(plan).files)


def literal(raw: str) -> str:
    """The text an HCL quoted string (as python-hcl2 returns it, quotes and escapes kept)
    stands for; fails on any interpolation or directive left in it."""
    assert raw[0] == raw[-1] == '"', raw
    body, out, i = raw[1:-1], [], 0
    simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
            else:
                width = 4 if nxt == "u" else 8
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
                i += 2 + width
        elif body.startswith(("$${", "%%{"), i):
            out.append(body[i] + "{")
            i += 3
        else:
            assert not body.startswith(("${", "%{"), i), f"template sequence in {raw!r}"
            out.append(ch)
            i += 1
    return "".join(out)


def names_native(main: str, native) -> bool:
    """The module names the model as the provider does (IONOS: a vCPU server is its own
    resource type, ionoscloud_vcpu_server)."""
    if native.type == "VCPU":
        return '"ionoscloud_vcpu_server"' in main and "cores" in main
    return f'"{native.type}"' in main


def resources(parsed: dict) -> list[tuple[str, str, dict]]:
    out = []
    for item in parsed.get("resource", []):
        for rtype, named in item.items():
            for name, body in named.items():
                out.append((rtype.strip('"'), name.strip('"'), body))
    return out


def test_every_tf_file_parses(files):
    tf = {path: text for path, text in files.items() if path.endswith(".tf")}
    assert tf
    for path, text in tf.items():
        hcl2.loads(text)  # raises on a syntax error, naming the line


def test_counts_are_the_machines_the_plan_creates(plan, files):
    views = provider_views_of(plan, name_map(plan))
    modules = {p.split("/")[1] for p in files if p.startswith("opentofu/") and p.count("/") == 2}
    assert modules, "no module at all"
    for view in views:
        pid = view.provider.id
        if pid not in modules:
            continue
        parsed = hcl2.loads(files[f"opentofu/{pid}/main.tf"])
        counted = sum(body["count"] for rtype, _, body in resources(parsed)
                      if rtype in SERVER_TYPES)
        assert counted == view.hosts == sum(r.count for r in view.rows), pid


def test_every_provider_is_a_module_or_in_console(plan, files):
    console = files["opentofu/CONSOLE.md"]
    for pid in {a.provider for a in plan.assignments}:  # every compute provider
        assert f"opentofu/{pid}/main.tf" in files or f"(`{pid}`)" in console, pid
    assert "(`leaseweb`)" in console and "(`hetzner-dedicated`)" in console


def test_modules_use_native_names_never_catalog_ids(plan, files):
    text = "\n".join(t for p, t in files.items() if p.endswith(".tf"))
    for banned in ("e2-highmem-16-pd1000", "d4s-v5-p10", "vcpu-4c-8gb-ssd100", "4xcpu-8gb"):
        assert banned not in text
    views = provider_views_of(plan, name_map(plan))
    for view in views:
        for row in view.rows:
            native = row.offering.native
            if native and f"opentofu/{view.provider.id}/main.tf" in files:
                main = files[f"opentofu/{view.provider.id}/main.tf"]
                assert names_native(main, native)
                if row.offering.id != native.type:
                    assert f'"{row.offering.id}"' not in main


def test_server_names_are_the_runbooks(files):
    main = files["opentofu/scaleway/main.tf"]
    assert '"cache-scaleway-${count.index + 3}"' in main  # the group's second row
    assert '"cache-scaleway-${count.index + 1}"' in main


def test_same_plan_same_bytes(plan):
    assert export(plan).files == export(plan).files


def test_region_defaults_to_the_plans(files):
    assert 'default     = "eastus"' in files["opentofu/azure/variables.tf"]
    assert 'default     = "ASH"' in files["opentofu/phoenixnap/variables.tf"]
    assert 'default     = "US-east"' in files["opentofu/contabo/variables.tf"]


def test_ansible_inventory_has_the_plans_hosts(plan, files):
    data = yaml.safe_load(files["ansible/inventory.yml"])
    children = data["all_new"]["children"]
    names = name_map(plan)
    views = provider_views_of(plan, names)
    for name in children:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name), name
    for view in views:
        group = "provider_" + names.provider[view.provider.id].replace("-", "_")
        assert len(children[group]["hosts"]) == view.hosts
        for row in view.rows:
            hosts = children["group_" + names.group[row.group].replace("-", "_")]["hosts"]
            assert f"{row.label}-{row.first_index}" in hosts
    for group in {r.group for v in views for r in v.rows}:
        entry = children["group_" + names.group[group].replace("-", "_")]
        assert entry["vars"]["planner_group"] == group
        assert len(entry["hosts"]) == sum(r.count for v in views for r in v.rows
                                          if r.group == group)


@pytest.mark.parametrize("pid", ["azure", "oracle-cloud", "phoenixnap", "vultr"])
def test_hostile_group_name_stays_literal(plan, pid):
    view = next(v for v in provider_views_of(plan, name_map(plan)) if v.provider.id == pid)
    hostile = replace(view, rows=[replace(r, group=HOSTILE) for r in view.rows])
    module = build_module(hostile, {HOSTILE: "web"})
    parsed = hcl2.loads(module.files["main.tf"])
    groups = parsed["locals"][0]["groups"]
    assert {literal(v) for v in groups.values()} == {HOSTILE}
    for _, _, body in resources(parsed):
        for key in ("tags", "freeform_tags", "description"):
            value = body.get(key)
            if isinstance(value, dict) and "group" in value:
                assert literal(value["group"]) == HOSTILE
            elif key == "description" and value:
                assert literal(value) == HOSTILE


def _one_row_view(provider, offering) -> ProviderView:
    row = Row(group="web", label="web-x", offering=offering, count=2, first_index=1,
              last_index=2, first_hour=0, ready_hour=1, batches=(Batch(1, 1, 2),), servers=2)
    return ProviderView(provider=provider, rows=[row], steps=ToolSteps(None, None), placed=2,
                        hosts=2, first_hour=0, ready_hour=1, needs_raise=False,
                        region=(provider.regions or [None])[0])


def shipped_native_offerings():
    catalog = load_catalog(shipped_catalog_paths())
    return [(p, o) for p in catalog.providers if p.id in TARGETS
            for o in p.offerings if o.native]


@pytest.mark.parametrize("provider,offering", shipped_native_offerings(),
                         ids=lambda x: getattr(x, "id", None))
def test_every_shipped_native_offering_renders(provider, offering):
    module = build_module(_one_row_view(provider, offering), {"web": "web"})
    assert module is not None, f"{provider.id}/{offering.id} left to the console"
    for name, text in module.files.items():
        hcl2.loads(text)
    main = module.files["main.tf"]
    assert names_native(main, offering.native)
    if offering.id != offering.native.type:
        assert f'"{offering.id}"' not in main
    parsed = hcl2.loads(main)
    assert sum(b["count"] for t, _, b in resources(parsed) if t in SERVER_TYPES) == 2
    assert '"web-x-${count.index + 1}"' in main
    assert TARGETS[provider.id].doc.split()[0] in main


@pytest.mark.skipif(not (shutil.which("tofu") or shutil.which("terraform")),
                    reason="neither tofu nor terraform installed")
def test_files_are_as_tofu_fmt_writes_them(files, tmp_path):
    """A reviewer's `tofu fmt -check` passes on every module: the 2021 plan's and a
    one-row module for every shipped offering with native names."""
    for path, text in files.items():
        if path.endswith(".tf"):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(text)
    for k, (provider, offering) in enumerate(shipped_native_offerings()):
        module = build_module(_one_row_view(provider, offering), {"web": "web"})
        for name, text in module.files.items():
            (tmp_path / "one" / str(k) / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "one" / str(k) / name).write_text(text)
    tool = shutil.which("tofu") or shutil.which("terraform")
    result = subprocess.run([tool, "fmt", "-check", "-recursive", "-diff", str(tmp_path)],
                            capture_output=True, text=True, env={**os.environ,
                                                                 "TF_CLI_CONFIG_FILE": os.devnull})
    assert result.returncode == 0, result.stdout + result.stderr
