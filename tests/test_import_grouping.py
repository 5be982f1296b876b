"""planner import: the default grouping a person would choose (application, then size with
near-equal sizes merged), measured on a VMware-like estate of 294 VMs."""

import csv
import importlib.util
import io
import json
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from planner.cli import imports as cli_imports
from planner.errors import InputError, PlannerError
from planner.importers.files import import_files
from planner.importers.grouping import (
    DEFAULT_KEYS,
    SIZE_TOLERANCE,
    app_of,
    group_servers,
    parse_group_by,
)
from planner.importers.listing import cell
from planner.importers.records import Server
from planner.importers.writer import render
from planner.inputs import loader

FIX = Path(__file__).parent / "fixtures" / "import"
ESTATE = FIX / "grouping" / "vmware-294.csv"


def run(*args):
    group = click.Group()
    cli_imports.register(group)
    return CliRunner().invoke(group, ["import", *map(str, args)])


def vm(name, vcpu, ram, role="app", kind="server", arch="x86_64", gpu=0,
       how="column role", **tags):
    return Server(name, role, how, None, vcpu, ram, arch=arch, gpu=gpu, kind=kind,
                  origin=name, tags=tags)


def shapes(groups):
    return {g.name: (g.count, g.vcpu, g.ram_gb) for g in groups}


# --- measured on a VMware-like estate -------------------------------------------------------

def test_the_estate_fixture_is_what_its_generator_writes():
    spec = importlib.util.spec_from_file_location("generate", ESTATE.with_name("generate.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert ESTATE.read_text() == "\n".join(module.rows()) + "\n"


def test_294_vms_make_tens_of_groups_not_over_a_hundred():
    old = import_files([ESTATE], group_by=("role", "type"))
    new = import_files([ESTATE])
    assert new.group_by == DEFAULT_KEYS == ("app", "size")
    assert sum(g.count for g in old.groups) == sum(g.count for g in new.groups) == 294
    assert (len(old.groups), len(new.groups)) == (130, 64)
    assert len(import_files([ESTATE], tolerance=0).groups) == 130  # exact sizes
    assert len(import_files([ESTATE], group_by=("role",)).groups) == 20  # the applications
    names = [g.name for g in new.groups]
    assert len(set(names)) == len(names)
    assert names == [g.name for g in import_files([ESTATE]).groups]  # deterministic
    for g in new.groups:  # every group within the tolerance, taking its largest
        assert all(g.vcpu <= (1 + SIZE_TOLERANCE) * s.vcpu and g.ram_gb <= (
            1 + SIZE_TOLERANCE) * s.ram_gb for s in g.servers), g.name
        assert (g.vcpu, g.ram_gb) == (max(s.vcpu for s in g.servers),
                                      max(s.ram_gb for s in g.servers))


def test_describe_instances_keeps_its_8_roles():
    path = FIX / "describe-instances.json"
    old = import_files([path], group_by=("role", "type"))
    new = import_files([path])
    assert shapes(old.groups) == shapes(new.groups) and len(new.groups) == 8


# --- the rule -------------------------------------------------------------------------------

def test_near_equal_sizes_merge_and_steps_of_a_family_do_not():
    servers = [vm("a1", 4, 16), vm("a2", 4, 15.5), vm("a3", 4, 16), vm("b1", 2, 8),
               vm("b2", 2, 7.5), vm("c1", 4, 8), vm("d1", 4, 12), vm("e1", 5, 16)]
    groups = group_servers(servers)
    assert shapes(groups) == {"app-5cpu-16gb": (4, 5, 16), "app-2cpu-8gb": (2, 2, 8),
                              "app-4cpu-8gb": (1, 4, 8), "app-4cpu-12gb": (1, 4, 12)}
    assert any("sizes differ" in n for n in groups[0].notes)
    exact = group_servers(servers, tolerance=0)
    assert len(exact) == 7
    wide = group_servers(servers, tolerance=1.0)  # 100%: 2 -> 4 vCPU joins, 2 -> 5 does not
    assert sum(g.count for g in wide) == 8 and len(wide) < 4


def test_kind_arch_and_gpu_are_never_merged():
    servers = [vm("w", 4, 16), vm("d", 4, 16, kind="database"), vm("g", 4, 16, gpu=1),
               vm("r", 4, 16, arch="arm64")]
    groups = group_servers(servers)
    assert len(groups) == 4
    assert len({g.name for g in groups}) == 4
    assert [g.kind for g in groups][-1] == "database"


def test_application_tags_any_case_and_with_a_role():
    guess = "name x-1 (prefix before the dash/digits)"
    assert app_of(vm("x", 2, 4, role="x", how=guess, application="Shop")) == (
        "Shop", "tag application=Shop")
    assert app_of(vm("x", 2, 4, role="web", APP="shop", Role="web"))[0] == "shop-web"
    assert app_of(vm("x", 2, 4, role="x", Service="crm", component="api")) == (
        "crm-api", "tag Service=crm, role from component=api")
    assert app_of(vm("x", 2, 4, role="web")) == ("web", "column role")
    assert app_of(vm("x", 2, 4, role="web", Application="shop")) == (
        "shop-web", "tag Application=shop, role from column role")
    guessed = vm("x", 2, 4, role="shopweb", Application="shop")
    guessed.role_from = "name shopweb1 (prefix before the dash/digits)"
    assert app_of(guessed) == ("shop", "tag Application=shop")  # a guess is not joined
    servers = [vm("a", 2, 4, role="a", how=guess, Application="shop"),
               vm("b", 2, 4, role="b", how=guess, application="shop"),
               vm("c", 2, 4, role="c", how=guess, Application="shop", Role="db")]
    assert shapes(group_servers(servers)) == {"shop": (2, 2, 4), "shop-db": (1, 2, 4)}
    assert shapes(group_servers(servers, ("role", "type"))) == {
        "a": (1, 2, 4), "b": (1, 2, 4), "c": (1, 2, 4)}


def test_group_by_keys_and_tolerance_option(tmp_path):
    assert parse_group_by("app,size") == ("app", "size")
    assert parse_group_by("app, shape, tag:Env") == ("app", "shape", "tag:Env")
    with pytest.raises(PlannerError, match="default app,size"):
        parse_group_by("application")
    out = tmp_path / "inv.yaml"
    result = run(ESTATE, "-o", out, "--size-tolerance", "0")
    assert result.exit_code == 0, result.output
    assert "grouped by app,size into 130 group(s)" in result.output
    assert len(loader.load_inventory(out).groups) == 130
    result = run(ESTATE, "-o", out, "--force")
    assert "grouped by app,size into 64 group(s)" in result.output
    assert run(ESTATE, "-o", out, "--force", "--size-tolerance", "101").exit_code == 2
    data = tmp_path / "ec2.json"
    data.write_text(json.dumps({"Reservations": [{"Instances": [
        {"InstanceId": f"i-{n}", "InstanceType": t, "State": {"Name": "running"},
         "Tags": [{"Key": "Name", "Value": f"vm-{n}"}, {"Key": "Application", "Value": "shop"}]}
        for n, t in enumerate(["m5.xlarge", "m6i.xlarge", "m5.large"])]}]}))
    result = run(data, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert {g.name: g.count for g in loader.load_inventory(out).groups} == {
        "shop-4cpu-16gb": 2, "shop-m5-large": 1}
    assert "role from tag Application=shop" in out.read_text()


# --- the full report of an import -----------------------------------------------------------

def test_every_import_writes_its_full_table_beside_the_inventory(tmp_path):
    data = tmp_path / "ec2.json"
    instances = [{"InstanceId": f"i-{n}", "InstanceType": "m5.large",
                  "State": {"Name": "stopped" if n >= 3 else "running"},
                  "Tags": [{"Key": "Name", "Value": f"=cmd|' /C calc'!A{n}" if n == 0
                            else f"web-{n}"}]} for n in range(40)]
    data.write_text(json.dumps({"Reservations": [{"Instances": instances}]}))
    out = tmp_path / "inv.yaml"
    result = run(data, "-o", out)
    assert result.exit_code == 0, result.output
    report = tmp_path / "inv.import.csv"
    rows = list(csv.DictReader(io.StringIO(report.read_text())))
    assert len(rows) == 40 and all(len(r) == 11 for r in rows)
    assert [r["status"] for r in rows].count("imported") == 3
    skipped = [r for r in rows if r["status"] == "skipped"]
    assert len(skipped) == 37 and all("stopped" in r["why"] for r in skipped)
    assert skipped[-1]["file"] == str(data) and "web-39" in skipped[-1]["entry"]
    assert "(=cmd|' /C calc'!A0)" in rows[0]["entry"]
    assert [cell("=cmd|x"), cell("@SUM(A1)"), cell("-1+2"), cell(7.5), cell("a\nb")] == [
        "'=cmd|x", "'@SUM(A1)", "'-1+2", "7.5", "a b"]  # no cell a spreadsheet runs
    # the console and the header show the first ones, say how many more and where
    assert "skipped 17 more (all in " + str(report) + ")" in result.output
    assert "web-39" not in result.output and f"wrote {report}" in result.output
    text = out.read_text()
    assert "#   - ... and 7 more (all in inv.import.csv)" in text
    assert "# inv.import.csv lists every server read" in text
    # it is an output as the inventory is: never over an input, nor over a file unforced
    again = run(data, "-o", tmp_path / "other.yaml", "--report", report)
    assert again.exit_code == 1 and "exists: give --force" in again.output
    assert run(data, "-o", out, "--force", "--report", data).exit_code == 1
    assert run(data, "-o", out, "--force", "--report", out).exit_code == 1
    assert json.loads(data.read_text())["Reservations"]
    mine = tmp_path / "reports" / "mine.csv"
    assert run(data, "-o", out, "--force", "--report", mine).exit_code == 0
    assert mine.exists() and f"# {mine} lists" in out.read_text()


def test_no_report_when_the_output_is_not_a_file(tmp_path):
    result = run(ESTATE, "-o", "/dev/null", "--force", "-q")
    assert result.exit_code == 0, result.output
    assert not Path("/dev/null.import.csv").exists()


def test_ignored_resource_types_are_all_counted_and_pointed_to():
    from planner.importers.result import ImportResult
    found = ImportResult([], [], [], DEFAULT_KEYS)
    found.ignored.update({f"aws_thing_{n}": n + 1 for n in range(11)})
    lines = found.summary("r.csv")
    assert "and 3 more type(s) (all in r.csv)" in lines[-2]
    assert lines[-1].startswith("wrote r.csv")


# --- a file with no servers -----------------------------------------------------------------

def test_zones_and_buckets_without_servers_say_what_was_found(tmp_path):
    def res(rtype, name, values):
        return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype,
                "name": name, "values": values}
    state = {"format_version": "1.0", "terraform_version": "1.9.5", "values": {
        "root_module": {"resources": [
            res("aws_route53_zone", "a", {"name": "example.com", "zone_id": "Z1"}),
            res("aws_route53_zone", "b", {"name": "example.org", "zone_id": "Z2"}),
            res("aws_s3_bucket", "media", {"bucket": "media"}),
            res("aws_s3_bucket", "logs", {"bucket": "logs"}),
            res("aws_s3_bucket", "backup", {"bucket": "backup"})]}}}
    path = tmp_path / "dns.json"
    path.write_text(json.dumps(state))
    with pytest.raises(InputError) as err:
        import_files([path])
    message = str(err.value)
    assert message.startswith("found 2 DNS zone(s) (example.com, example.org) and 3 "
                              "bucket(s) but no servers in ")
    assert "none found" not in message and "together with" in message
    result = run(path, "-o", tmp_path / "inv.yaml")
    assert result.exit_code == 1 and "found 2 DNS zone(s)" in result.output
    assert not (tmp_path / "inv.yaml").exists()
    assert not (tmp_path / "inv.import.csv").exists()
    both = import_files([path, FIX / "plain.csv"])
    assert len(both.zones) == 2 and len(both.buckets) == 3 and both.groups


@pytest.mark.parametrize("word", ["null", "true", "yes", "off", "1", "1e3"])
def test_a_group_named_like_a_yaml_keyword_stays_a_name(tmp_path, word):
    """Group names are slugs of tag values; YAML reads null, true, yes, off and numbers as
    other things unless they are quoted (a real cloud-custodian EC2 recording tags its
    instances Role: NULL)."""
    path = tmp_path / "servers.csv"
    path.write_text(f"name,count,vcpu,ram_gb,role\nweb-1,2,4,8,{word}\ndb-1,1,8,32,db\n")
    result = import_files([path])
    text = render(result, "inv", "2026-12-01")
    data = yaml.safe_load(text)
    assert word in [g["name"] for g in data["groups"]]


def test_a_placeholder_application_tag_counts_as_none():
    s = Server("web-1", "web", "tag Role", "m5.large", 2, 8, tags={"Application": "NULL"})
    assert app_of(s)[0] == "web"
