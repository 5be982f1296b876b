"""planner import: formats and their detection, instance-type tables, grouping, the written
inventory (it validates, plans and verifies), and errors that name the file."""

import base64
import csv
import gzip
import hashlib
import json
import re
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import pipeline
from planner.cli import imports as cli_imports
from planner.errors import InputError, PlannerError
from planner.importers.detect import FORMATS, load
from planner.importers.files import import_files
from planner.importers.grouping import parse_group_by
from planner.importers.network import host, user_data
from planner.importers.records import name_prefix
from planner.importers.terraform import HANDLERS
from planner.importers.terraform.links import NETWORK
from planner.importers.types import TABLE_DIR, TypeTable, shipped
from planner.importers.writer import render
from planner.inputs import loader
from planner.verify import verify

FIX = Path(__file__).parent / "fixtures" / "import"
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def catalog():
    return loader.load_catalog(loader.shipped_catalog_paths())


def run(*args):
    group = click.Group()
    cli_imports.register(group)
    return CliRunner().invoke(group, ["import", *map(str, args)])


def groups_of(inventory):
    return {g.name: (g.count, g.vcpu, g.ram_gb, g.arch) for g in inventory.groups}


def plans_and_verifies(inventory, catalog):
    plan = pipeline.plan(inventory, catalog).plan
    assert verify(plan) == []
    return plan


def write_json(path, data):
    path.write_text(json.dumps(data))
    return path


def instance(iid, itype, name=None, state="running", **tags):
    tag_list = [{"Key": k, "Value": v} for k, v in ({"Name": name} | tags).items() if v]
    return {"InstanceId": iid, "InstanceType": itype, "State": {"Name": state},
            "Tags": tag_list}


def state(resources, children=()):
    return {"format_version": "1.0", "terraform_version": "1.9.5",
            "values": {"root_module": {"resources": resources,
                                       "child_modules": list(children)}}}


def res(rtype, name, values, index=None):
    address = f"{rtype}.{name}" + (f"[{json.dumps(index)}]" if index is not None else "")
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "values": values, **({"index": index} if index is not None else {})}


# --- the bars --------------------------------------------------------------------------------

def test_describe_instances_130_in_8_roles_plans_and_verifies(tmp_path, catalog):
    out = tmp_path / "inventory.yaml"
    result = run(FIX / "describe-instances.json", "-o", out)
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "web-41" in result.output
    assert "state stopped" in result.output
    inventory = loader.load_inventory(out)
    assert groups_of(inventory) == {
        "web": (40, 4, 16, "x86_64"), "api": (30, 8, 16, "x86_64"),
        "worker": (20, 8, 32, "x86_64"), "cache": (12, 4, 32, "x86_64"),
        "search": (10, 8, 64, "x86_64"), "db": (6, 16, 128, "x86_64"),
        "queue": (6, 2, 8, "x86_64"), "monitoring": (6, 2, 8, "arm64")}
    assert sum(g.count for g in inventory.groups) == 130
    assert inventory.source.provider == "aws-ec2"
    text = out.read_text()
    assert "i-00000000000000083 (web-41): state stopped" in text  # reported in the file too
    assert "role from tag Role=web" in text and "role from name worker-01" in text
    assert loader.validate_file(out) == "inventory"
    plans_and_verifies(inventory, catalog)


def test_terraform_state_counted_module_asg_and_rds_plan_and_verify(tmp_path, catalog):
    result = import_files([FIX / "terraform-state.json"])
    groups = {g.name: g for g in result.groups}
    shape = {n: (g.count, g.vcpu, g.ram_gb, g.kind) for n, g in groups.items()}
    assert shape == {
        "web": (4, 2, 8, "server"),                 # count = 4
        "bastion": (1, 2, 1, "server"),
        "worker": (6, 4, 8, "server"),              # ASG: launch template c5.xlarge x 6
        "api": (3, 2, 8, "server"),                 # child module, for_each
        "sidecar": (2, 2, 2, "server"),             # module inside the module
        "redis": (2, 2, 16, "cache"),               # ElastiCache replication group
        "queue-broker": (3, 2, 4, "queue"),         # replaces the SQS queue
        "rds-postgres": (1, 8, 64, "database")}     # db.r5.2xlarge
    assert groups["web"].disk_gb == 50 and groups["web"].disk_known
    rds = groups["rds-postgres"]
    assert (rds.data_gb, rds.disk_gb, rds.data_known) == (500, 1000, True)
    assert groups["redis"].arch == "any"  # ElastiCache on cache.r6g: a managed engine
    assert result.zones == {"example.com": 3} and result.buckets == ["s3://example-media"]
    assert [w for w, _ in result.skipped] == [
        f"{FIX / 'terraform-state.json'}: aws_instance.legacy"]
    # security groups, rules and load balancers are read as evidence of depends_on now
    assert result.ignored == {"aws_vpc": 1, "aws_subnet": 2}
    out = tmp_path / "tf.yaml"
    out.write_text(render(result, "from-terraform"))
    text = out.read_text()
    assert "aws_db_instance.main (RDS postgres, 500 GB allocated storage" in text
    assert "launch template lt-0abc123" in text and "Multi-AZ" in text
    inventory = loader.load_inventory(out)
    assert inventory.services.dns.zones == ["example.com"]
    assert inventory.services.dns.records_per_zone == 3
    assert inventory.services.object_storage.stored_tb == 1  # placeholder, marked
    plans_and_verifies(inventory, catalog)


def _resource(rtype: str, name: str, values: dict) -> dict:
    return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "values": values}


def test_managed_engines_on_graviton_run_anywhere_and_get_a_placement(tmp_path, catalog):
    """Issue 20: RDS Postgres on db.r6g and ElastiCache Redis on cache.r6g are open software
    run by AWS; their replacements run on either architecture (arch any) and find a place
    in the shipped catalog. An EC2 server on Graviton keeps arm64: its image is arm64."""
    state = {"format_version": "1.0", "values": {"root_module": {"resources": [
        _resource("aws_db_instance", "main", {
            "identifier": "main-db", "engine": "postgres", "instance_class": "db.r6g.large",
            "allocated_storage": 100, "arn": "arn:aws:rds:us-east-1:1:db:main-db"}),
        _resource("aws_elasticache_replication_group", "sessions", {
            "replication_group_id": "sessions", "engine": "redis", "num_cache_clusters": 2,
            "node_type": "cache.r6g.large", "arn": "arn:aws:elasticache:us-east-1:1:rg:s"}),
        _resource("aws_instance", "api", {
            "instance_type": "m6g.large", "instance_state": "running", "id": "i-0000000001",
            "tags": {"Name": "api-1"}, "root_block_device": [{"volume_size": 20}]})]}}}
    result = import_files([write_json(tmp_path / "state.json", state)])
    groups = {g.name: g for g in result.groups}
    assert groups["rds-postgres"].arch == "any" and groups["redis"].arch == "any"
    assert groups["api"].arch == "arm64"
    out = tmp_path / "graviton.yaml"
    out.write_text(render(result, "graviton"))
    text = out.read_text()
    assert "a managed engine on arm64 (r6g.large)" in text and "mixes" not in text
    plan = plans_and_verifies(loader.load_inventory(out), catalog)
    placed = {r.group for r in plan.schedule if r.up_by_hour[-1] > 0}
    assert {"rds-postgres", "redis", "api"} <= placed


# --- formats and detection -------------------------------------------------------------------

@pytest.mark.parametrize("name, fmt", [
    ("describe-instances.json", "aws-ec2"), ("terraform-state.json", "terraform"),
    ("azure-migrate.csv", "azure-migrate"), ("ads-import.csv", "aws-ads"),
    ("migration-factory.csv", "aws-ads"), ("plain.csv", "csv")])
def test_format_is_told_from_content(name, fmt):
    assert load(FIX / name).fmt == fmt


def test_azure_and_google_terraform_resources(tmp_path):
    data = state([
        *[res("azurerm_linux_virtual_machine", "app", {
            "name": f"app-vm-{i}", "size": "Standard_D4s_v5", "tags": {"Role": "app"},
            "os_disk": [{"disk_size_gb": 64}]}, i) for i in range(2)],
        res("azurerm_linux_virtual_machine_scale_set", "web", {"sku": "Standard_F4s_v2",
                                                               "instances": 5}),
        res("azurerm_postgresql_flexible_server", "db", {
            "name": "pg", "sku_name": "GP_Standard_D4s_v3", "storage_mb": 131072}),
        res("azurerm_dns_zone", "main", {"name": "example.org"}),
        res("azurerm_dns_a_record", "www", {"zone_name": "example.org", "name": "www"}),
        res("azurerm_storage_account", "files", {"name": "examplefiles"}),
        res("google_compute_instance", "batch", {
            "name": "batch-1", "machine_type": "zones/europe-west1-b/machineTypes/n2-standard-4",
            "labels": {"role": "batch"}, "boot_disk": [{"initialize_params": [{"size": 100}]}]}),
        res("google_compute_instance", "gpu", {
            "name": "infer-1", "machine_type": "g2-standard-8",
            "guest_accelerator": [{"count": 1, "type": "nvidia-l4"}]}),
        res("google_compute_instance", "off", {"name": "old-1", "machine_type": "e2-small",
                                               "current_status": "TERMINATED"}),
        res("google_compute_instance_template", "t", {
            "name": "front-tpl", "self_link": "projects/p/global/instanceTemplates/front-tpl",
            "machine_type": "e2-standard-2"}),
        res("google_compute_instance_group_manager", "front", {
            "name": "front", "target_size": 3, "version": [
                {"instance_template": "projects/p/global/instanceTemplates/front-tpl"}]}),
        res("google_sql_database_instance", "pg", {
            "name": "pg", "database_version": "POSTGRES_15",
            "settings": [{"tier": "db-custom-4-16384", "disk_size": 200}]}),
        res("google_dns_managed_zone", "pub", {"name": "example-net", "dns_name": "example.net.",
                                               "visibility": "public"}),
        res("google_dns_managed_zone", "priv", {"name": "internal", "dns_name": "corp.internal.",
                                                "visibility": "private"}),
        res("google_dns_record_set", "a", {"managed_zone": "example-net", "name": "a"}),
        res("google_storage_bucket", "b", {"name": "bucket-1"}),
        res("google_pubsub_topic", "events", {"name": "events"}),
        res("google_redis_instance", "r", {"memory_size_gb": 5}),
    ])
    result = import_files([write_json(tmp_path / "state.json", data)])
    shape = {g.name: (g.count, g.vcpu, g.ram_gb, g.gpu, g.kind) for g in result.groups}
    assert shape == {
        "app": (2, 4, 16, 0, "server"), "web": (5, 4, 8, 0, "server"),
        "batch": (1, 4, 16, 0, "server"), "infer": (1, 8, 32, 1, "server"),
        "front": (3, 2, 8, 0, "server"), "queue-broker": (3, 2, 4, 0, "queue"),
        "azure-postgres": (1, 4, 16, 0, "database"),
        "cloudsql-postgres": (1, 4, 16, 0, "database")}
    assert {g.name: g.data_gb for g in result.groups if g.kind == "database"} == {
        "azure-postgres": 128, "cloudsql-postgres": 200}
    assert result.zones == {"example.org": 1, "example.net": 1}
    assert result.buckets == ["azure storage account examplefiles", "gs://bucket-1"]
    reasons = " | ".join(why for _, why in result.skipped)
    assert "status TERMINATED" in reasons and "private zone corp.internal." in reasons
    assert "Memorystore" in reasons
    assert result.provider is None  # two clouds: the source is left to fill in
    text = render(result, "mixed")
    assert 'provider: "current-provider"  # FILL IN:' in text
    loader_path = tmp_path / "mixed.yaml"
    loader_path.write_text(text)
    assert loader.validate_file(loader_path) == "inventory"


def test_azure_migrate_csv():
    result = import_files([FIX / "azure-migrate.csv"])
    assert {g.name: (g.count, g.vcpu, g.ram_gb, g.disk_gb) for g in result.groups} == {
        "web-vm": (4, 4, 16, 128), "sql": (2, 8, 64, 1536), "app": (5, 4, 8, 128)}
    assert result.provider is None


def test_application_discovery_and_migration_factory_csv():
    ads = import_files([FIX / "ads-import.csv"])  # Applications column, then role:x tag
    assert {g.name: (g.count, g.vcpu, g.ram_gb) for g in ads.groups} == {
        "shop-web": (5, 4, 8), "shop-db": (2, 16, 128), "reports-batch": (1, 8, 32)}
    by_role = import_files([FIX / "ads-import.csv"], group_by=("role", "type"))
    assert {g.name: (g.count, g.vcpu, g.ram_gb) for g in by_role.groups} == {
        "web": (5, 4, 8), "db": (2, 16, 128), "batch": (1, 8, 32)}
    factory = import_files([FIX / "migration-factory.csv"])
    assert {g.name: (g.count, g.vcpu, g.ram_gb) for g in factory.groups} == {
        "shop-web": (3, 2, 8), "shop-db": (1, 8, 64)}  # app_name, then server_tier
    by_role = import_files([FIX / "migration-factory.csv"], group_by=("role", "type"))
    assert {g.name: (g.count, g.vcpu, g.ram_gb) for g in by_role.groups} == {
        "web": (3, 2, 8), "db": (1, 8, 64)}
    # on-premises servers moving into AWS: the form names their target sizes, not their
    # provider, so source.provider is left to fill in (issue 26)
    assert factory.provider is None


def test_plain_csv_with_optional_columns(tmp_path):
    result = import_files([FIX / "plain.csv"])
    assert {g.name: (g.count, g.vcpu, g.ram_gb, g.disk_gb) for g in result.groups} == {
        "web": (10, 4, 8, 80), "api": (6, 8, 16, 100), "database": (2, 16, 64, 1000),
        "cache": (3, 4, 32, 50)}
    extra = tmp_path / "extra.csv"
    extra.write_text("# our servers\nname,count,vcpu,ram_gb,disk_gb,role,type,tier,data_gb\n"
                     "gpu-box,2,,,,ml,g5.xlarge,1,300\nedge,1,2,4,,,,4,\n")
    groups = {g.name: g for g in import_files([extra]).groups}
    assert (groups["ml"].count, groups["ml"].gpu, groups["ml"].tier) == (2, 1, 1)
    assert (groups["ml"].data_gb, groups["edge"].tier) == (300, 4)
    assert "tier: 1\n" in render(import_files([extra]), "x")


def test_several_files_merge_and_a_server_in_two_files_counts_once(tmp_path):
    both = write_json(tmp_path / "more.json", {"Reservations": [{"Instances": [
        instance("i-00000000000000001", "m5.xlarge", "web-01", Role="web"),
        instance("i-9", "m5.xlarge", "web-99", Role="web")]}]})
    result = import_files([FIX / "describe-instances.json", both])
    assert {g.name: g.count for g in result.groups}["web"] == 41
    assert any("counted once" in why for _, why in result.skipped)


# --- instance types --------------------------------------------------------------------------

def test_shipped_tables_are_sourced_and_cover_the_three_clouds():
    table = shipped()
    assert len(table) > 1500
    for path in TABLE_DIR.glob("*.csv"):
        lines = path.read_text().splitlines()
        declared = {m.group(1) for m in map(re.compile(r"# source (\S+):").match, lines) if m}
        rows = list(csv.DictReader(ln for ln in lines if not ln.startswith("#")))
        assert rows and declared
        for row in rows:
            assert set(row["source"].split("+")) <= declared, row
            assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", row["as_of"]), row
    types = TypeTable()
    for name, spec in [("m5.xlarge", (4, 16, "x86_64", 0)), ("t4g.medium", (2, 4, "arm64", 0)),
                       ("g5.12xlarge", (48, 192, "x86_64", 4)),
                       ("c4.8xlarge", (36, 60, "x86_64", 0)),
                       ("db.r6g.large", (2, 16, "arm64", 0)),
                       ("cache.m5.large", (2, 8, "x86_64", 0)),
                       ("Standard_E96s_v5", (96, 672, "x86_64", 0)),
                       ("GP_Standard_D4s_v3", (4, 16, "x86_64", 0)),
                       ("standard_d64ps_v5", (64, 208, "arm64", 0)),
                       ("n1-standard-4", (4, 15, "x86_64", 0)),
                       ("zones/us-central1-a/machineTypes/e2-medium", (1, 4, "x86_64", 0)),
                       ("n2-custom-6-20480", (6, 20, "x86_64", 0)),
                       ("db-custom-2-7680", (2, 7.5, "x86_64", 0)),
                       ("a2-highgpu-2g", (24, 170, "x86_64", 2))]:
        found = types.lookup(name)
        assert found is not None, name
        assert (found.vcpu, found.ram_gb, found.arch, found.gpu) == spec, name
    assert types.lookup("x9.mega") is None


def test_unknown_type_is_reported_and_types_file_supplies_it(tmp_path):
    data = write_json(tmp_path / "ec2.json", {"Reservations": [{"Instances": [
        instance("i-1", "x9.mega", "web-1"), instance("i-2", "m5.large", "web-2")]}]})
    out = tmp_path / "inv.yaml"
    first = run(data, "-o", out)
    assert first.exit_code == 0, first.output
    assert "unknown type x9.mega" in first.output and "--types" in first.output
    assert "unknown type x9.mega" in out.read_text()
    types = tmp_path / "types.csv"
    types.write_text("type,vcpu,ram_gb,arch\nx9.mega,12,96,arm64\n")
    second = run(data, "-o", out, "--types", types, "--force")
    assert second.exit_code == 0, second.output
    assert groups_of(loader.load_inventory(out)) == {
        "web-x9-mega": (1, 12, 96, "arm64"), "web-m5-large": (1, 2, 8, "x86_64")}
    merged = run(data, "-o", out, "--types", types, "--force", "--group-by", "role")
    assert merged.exit_code == 0, merged.output
    assert groups_of(loader.load_inventory(out)) == {"web": (2, 12, 96, "any")}
    assert "sizes differ within the group" in out.read_text()


# --- grouping --------------------------------------------------------------------------------

def test_group_by_keys():
    by_env = import_files([FIX / "describe-instances.json"], group_by=("tag:Env",))
    assert [(g.count, g.arch) for g in by_env.groups] == [(130, "any")]
    by_shape = import_files([FIX / "describe-instances.json"], group_by=("shape",))
    # every role has its own shape here (m5.large and t4g.large differ by arch alone)
    assert sorted(g.count for g in by_shape.groups) == [6, 6, 6, 10, 12, 20, 30, 40]
    assert parse_group_by(" role , tag:Team ") == ("role", "tag:Team")
    with pytest.raises(PlannerError, match="--group-by"):
        parse_group_by("colour")


@pytest.mark.parametrize("name, prefix", [
    ("web-01", "web"), ("api12", "api"), ("db-primary-3", "db-primary"), ("Web_EU_1a", "web-eu"),
    ("ip-10-0-0-1", "ip"), ("42", ""), ("", "")])
def test_name_prefix(name, prefix):
    assert name_prefix(name) == prefix


# --- the written file -----------------------------------------------------------------------

def test_written_inventory_marks_every_placeholder_and_has_no_stub_words(tmp_path):
    text = render(import_files([FIX / "terraform-state.json"]), "x")
    data = yaml.safe_load(text)
    for line in text.splitlines():
        if re.match(r"\s*(deadline_hours|egress_gbps|tier|stored_tb|current_ns_ttl_seconds):",
                    line):
            assert "# FILL IN:" in line, line
    assert data["deadline_hours"] == 24 and data["source"]["egress_gbps"] == 1
    assert not re.search(r"\b(TODO|FIXME|XXX)\b", text)


def test_output_is_written_atomically_and_not_overwritten_without_force(tmp_path):
    out = tmp_path / "inventory.yaml"
    out.write_text("mine\n")
    refused = run(FIX / "plain.csv", "-o", out)
    assert refused.exit_code == 1 and "--force" in refused.output
    assert out.read_text() == "mine\n"
    done = run(FIX / "plain.csv", "-o", out, "--force", "-q")
    assert done.exit_code == 0 and done.output == ""
    assert not list(tmp_path.glob(".*.tmp"))


def test_registered_on_the_main_cli(tmp_path):
    from planner.cli.main import main

    if "import" not in main.commands:
        cli_imports.register(main)
    out = tmp_path / "inv.yaml"
    result = CliRunner().invoke(main, ["import", str(FIX / "plain.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


# --- dependencies between groups ------------------------------------------------------------

def test_terraform_state_dependencies_with_their_evidence(tmp_path, catalog):
    """The fixture's network shows web -> api (through the internal load balancer), api ->
    rds-postgres and api -> redis (security group rules), worker -> rds-postgres (the RDS
    address in the launch template's base64 user_data) and sidecar -> redis (the endpoint
    in plain user_data); its decoys (CIDR rules, self rules, a stopped server's group, a
    security group named db-access, a database identifier in text) make no edge."""
    result = import_files([FIX / "terraform-state.json"])
    groups = {g.name: g for g in result.groups}
    assert {n: g.depends_on for n, g in groups.items() if g.depends_on} == {
        "web": ["api"], "api": ["rds-postgres", "redis"], "worker": ["rds-postgres"],
        "sidecar": ["redis"]}
    why = {(n, d): " | ".join(w) for n, g in groups.items() for d, w in g.depends_why.items()}
    assert re.search(r"security group sg-\w+ \(aws_security_group\.api_alb\) allows tcp/443 "
                     r"from sg-\w+ \(aws_security_group\.web\), which aws_instance\.web\[0\] "
                     r"has; it is load balancer aws_lb\.api's, whose target group "
                     r"aws_lb_target_group\.api sends to module\.api\.aws_instance\.this\[\"a\"\]",
                     why["web", "api"])
    assert re.search(r"\(aws_security_group\.db\) allows tcp/5432 from sg-\w+ "
                     r"\(aws_security_group\.api\), which module\.api\.aws_instance\.this\[\"a\"\]"
                     r" has; aws_db_instance\.main has it", why["api", "rds-postgres"])
    assert why["api", "redis"].startswith(
        "aws_vpc_security_group_ingress_rule.cache_from_api: security group ")
    assert "allows tcp/6379" in why["api", "redis"]
    assert why["worker", "rds-postgres"] == (
        "the user_data of aws_launch_template.workers (base64-decoded) names "
        "main-db.c9akciq32xyz.us-east-1.rds.amazonaws.com, the endpoint of aws_db_instance.main")
    assert why["sidecar", "redis"].startswith(
        "the user_data of module.api.module.sidecar.aws_instance.this[0] names "
        "sessions.x7kq2m.ng.0001.use1.cache.amazonaws.com, the endpoint of "
        "aws_elasticache_replication_group.sessions")
    # the decoys: nothing from the bastion, the CIDR rules, the legacy group; no self-edge
    assert groups["bastion"].depends_on == [] and groups["web"].depends_on == ["api"]
    assert all(g.name not in g.depends_on for g in result.groups)
    evidence = " ".join(why.values())
    assert not re.search(r"10\.20\.0\.0|0\.0\.0\.0|legacy|db_access|bastion|public", evidence)
    assert not any(w.startswith("depends_on") for w, _ in result.skipped)  # no cycle here
    out = tmp_path / "deps.yaml"
    out.write_text(render(result, "deps"))
    text = out.read_text()
    assert "    depends_on: [rds-postgres, redis]  # inferred" in text
    assert "    # depends_on redis: aws_vpc_security_group_ingress_rule.cache_from_api" in text
    inventory = loader.load_inventory(out)
    assert {g.name: g.depends_on for g in inventory.groups if g.depends_on} == {
        "web": ["api"], "api": ["rds-postgres", "redis"], "worker": ["rds-postgres"],
        "sidecar": ["redis"]}
    assert loader.validate_file(out) == "inventory"


def test_cli_reports_dependencies_and_planner_validate_accepts_them(tmp_path):
    from planner.cli.main import main

    if "import" not in main.commands:
        cli_imports.register(main)
    out = tmp_path / "inv.yaml"
    done = CliRunner().invoke(main, ["import", str(FIX / "terraform-state.json"), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "  api depends on rds-postgres, redis (evidence in the written file)" in done.output
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


SG_A, SG_B, SG_DB = "sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb2", "sg-0dddddddddddddd03"


def _sg(name, sg, *sources, cidrs=()):
    rules = [{"protocol": "tcp", "from_port": 443, "to_port": 443, "security_groups": [src],
              "cidr_blocks": [], "self": False} for src in sources]
    rules += [{"protocol": "tcp", "from_port": 443, "to_port": 443, "security_groups": [],
               "cidr_blocks": list(cidrs), "self": False}] if cidrs else []
    return res("aws_security_group", name, {"id": sg, "name": name, "ingress": rules})


def _ec2(name, sg, n, **values):
    return res("aws_instance", name, {"id": f"i-{n:017x}", "instance_type": "m5.large",
                                      "tags": {"Name": f"{name}-1"},
                                      "vpc_security_group_ids": [sg], **values})


def test_a_cycle_is_broken_and_reported(tmp_path):
    """a and b admit each other (a cycle an inventory cannot hold); both call the database.
    Edges into the database are kept first, then by name: b -> a closes the cycle, so it
    is dropped and said so, in the summary and in the written file."""
    data = state([
        _ec2("alpha", SG_A, 1), _ec2("beta", SG_B, 2),
        _sg("alpha", SG_A, SG_B), _sg("beta", SG_B, SG_A), _sg("db", SG_DB, SG_A, SG_B),
        res("aws_db_instance", "main", {"engine": "postgres", "instance_class": "db.m5.large",
                                        "allocated_storage": 20, "arn": "arn:db",
                                        "vpc_security_group_ids": [SG_DB]})])
    result = import_files([write_json(tmp_path / "cycle.json", data)])
    assert {g.name: g.depends_on for g in result.groups} == {
        "alpha": ["beta", "rds-postgres"], "beta": ["rds-postgres"], "rds-postgres": []}
    dropped = [(w, y) for w, y in result.skipped if w.startswith("depends_on")]
    assert len(dropped) == 1 and dropped[0][0] == "depends_on beta -> alpha"
    assert "the cycle beta -> alpha -> beta" in dropped[0][1]
    assert any("skipped depends_on beta -> alpha: dropped" in ln for ln in result.summary())
    out = tmp_path / "cycle.yaml"
    out.write_text(render(result, "cycle"))
    assert "#   - depends_on beta -> alpha: dropped" in out.read_text()
    assert loader.validate_file(out) == "inventory"


def test_no_edge_from_names_cidrs_hashes_or_own_members(tmp_path):
    """Names that resemble (a security group called db-clients, a Role tag), CIDR rules,
    a user_data SHA-1 (of a script that does name the endpoint), and a group admitting its
    own members prove no dependency."""
    host = "orders.cluster-c1x2.eu-west-1.rds.amazonaws.com"
    script = f"#!/bin/sh\nexport PGHOST={host}\n"
    data = state([
        _ec2("app", SG_A, 1, user_data=hashlib.sha1(script.encode()).hexdigest(),
             tags={"Name": "app-1", "Role": "app", "Backend": "orders-db"}),
        _ec2("jobs", SG_B, 2), _sg("db-clients", SG_A, SG_A),
        _sg("orders-db", SG_DB, cidrs=["10.0.0.0/8"]),
        res("aws_security_group_rule", "jobs_self", {
            "type": "ingress", "security_group_id": SG_B, "source_security_group_id": SG_B,
            "protocol": "tcp", "from_port": 1, "to_port": 2}),
        res("aws_security_group_rule", "egress", {
            "type": "egress", "security_group_id": SG_DB, "source_security_group_id": SG_A,
            "protocol": "-1", "from_port": 0, "to_port": 0}),
        res("aws_db_instance", "orders", {"engine": "postgres", "instance_class": "db.m5.large",
                                          "allocated_storage": 20, "arn": "arn:orders",
                                          "identifier": "orders-db", "address": host,
                                          "vpc_security_group_ids": [SG_DB]})])
    result = import_files([write_json(tmp_path / "decoys.json", data)])
    assert [g.name for g in result.groups] == ["app", "jobs", "rds-postgres"]
    assert all(g.depends_on == [] for g in result.groups)


def test_asg_target_groups_listener_rules_rds_clusters_and_tags(tmp_path):
    """An ASG in a target group (target_group_arns) behind a balancer a listener rule
    forwards to; the balancer's security group admits the edge servers': edge -> front. An
    Aurora cluster's writer endpoint in a tag of the report server: report -> the cluster's
    instances (which take the cluster's security groups). The public balancer that nothing
    admits by security group is user-facing: no edge into front from it."""
    lb, tg = "arn:aws:elasticloadbalancing:lb/app/front", "arn:aws:elasticloadbalancing:tg/front"
    writer = "orders.cluster-c1x2.eu-west-1.rds.amazonaws.com"
    data = state([
        _ec2("edge", SG_A, 1), _sg("front-lb", SG_B, SG_A), _sg("front", SG_DB, SG_B),
        _ec2("report", "sg-0ccccccccccccccc4", 3, tags={"Name": "report-1", "PGHOST": writer}),
        res("aws_launch_template", "front", {"id": "lt-1", "instance_type": "c5.large",
                                             "vpc_security_group_ids": [SG_DB]}),
        res("aws_autoscaling_group", "front", {
            "name": "front", "desired_capacity": 2, "target_group_arns": [tg],
            "launch_template": [{"id": "lt-1"}], "tag": [{"key": "Role", "value": "front"}]}),
        res("aws_lb", "front", {"arn": lb, "security_groups": [SG_B],
                                "dns_name": "internal-front-1.eu-west-1.elb.amazonaws.com"}),
        res("aws_lb", "public", {"arn": f"{lb}-public",
                                 "security_groups": ["sg-0eeeeeeeeeeeeee05"]}),
        res("aws_lb_target_group", "front", {"arn": tg, "load_balancer_arns": []}),
        res("aws_lb_listener", "front", {"arn": f"{lb}/l1", "load_balancer_arn": lb,
                                         "default_action": [{"type": "fixed-response"}]}),
        res("aws_lb_listener", "public", {"arn": f"{lb}-public/l2",
                                          "load_balancer_arn": f"{lb}-public",
                                          "default_action": [{"target_group_arn": tg}]}),
        res("aws_lb_listener_rule", "front", {"listener_arn": f"{lb}/l1", "action": [
            {"type": "forward", "forward": [{"target_group": [{"arn": tg, "weight": 1}]}]}]}),
        res("aws_rds_cluster", "orders", {"cluster_identifier": "orders", "endpoint": writer,
                                          "vpc_security_group_ids": ["sg-0fffffffffffffff6"]}),
        *[res("aws_rds_cluster_instance", "orders", {
            "cluster_identifier": "orders", "instance_class": "db.r6g.large",
            "engine": "aurora-postgresql", "arn": f"arn:orders-{i}",
            "endpoint": f"orders-{i}.c1x2.eu-west-1.rds.amazonaws.com"}, i) for i in range(2)]])
    result = import_files([write_json(tmp_path / "lb.json", data)])
    groups = {g.name: g for g in result.groups}
    assert {n: g.depends_on for n, g in groups.items() if g.depends_on} == {
        "edge": ["front"], "report": ["rds-aurora-postgresql"]}
    assert ("it is load balancer aws_lb.front's, whose target group aws_lb_target_group.front "
            "sends to aws_autoscaling_group.front (launch template aws_launch_template.front)"
            ) in groups["edge"].depends_why["front"][0]
    assert groups["report"].depends_why["rds-aurora-postgresql"] == [
        f"tag PGHOST of aws_instance.report names {writer}, the endpoint of "
        "aws_rds_cluster_instance.orders[0] (in aws_rds_cluster.orders)"]


def test_security_group_rules_in_a_state_apply_to_an_ec2_export(tmp_path):
    """The EC2 export says which security groups each instance holds; a state holding only
    the rules says who admits whom: api -> db and api, web -> cache, across the files."""
    held = {}
    for reservation in json.loads((FIX / "describe-instances.json").read_text())["Reservations"]:
        for inst in reservation["Instances"]:
            role = inst["Tags"][0]["Value"].split("-")[0]
            held.setdefault(role, inst["SecurityGroups"][0]["GroupId"])
    rules = state([
        res("aws_vpc_security_group_ingress_rule", "db_from_api", {
            "security_group_id": held["db"], "referenced_security_group_id": held["api"],
            "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432}),
        *[res("aws_security_group_rule", f"cache_from_{role}", {
            "type": "ingress", "security_group_id": held["cache"], "protocol": "tcp",
            "source_security_group_id": held[role], "from_port": 6379, "to_port": 6379})
          for role in ("api", "web")]])
    result = import_files([FIX / "describe-instances.json",
                           write_json(tmp_path / "rules.json", rules)])
    assert {g.name: g.depends_on for g in result.groups if g.depends_on} == {
        "web": ["cache"], "api": ["cache", "db"]}
    why = {g.name: g.depends_why for g in result.groups}
    assert why["api"]["db"] == [
        f"aws_vpc_security_group_ingress_rule.db_from_api: security group {held['db']} allows "
        f"tcp/5432 from {held['api']}, which EC2 instance i-00000000000000029 (api-01) has; "
        "EC2 instance i-00000000000000071 (db-01) has it"]


@pytest.mark.parametrize("value, expected", [
    (hashlib.sha1(b"x").hexdigest(), []),                                   # only its hash
    ("#!/bin/sh\necho db.example.com\n", [("w", "#!/bin/sh\necho db.example.com\n")]),
    (base64.b64encode(b"PGHOST=db.example.com\n").decode(),
     [("w (base64-decoded)", "PGHOST=db.example.com\n")]),
    (base64.b64encode(gzip.compress(b"#cloud-config\nhost: db.example.com\n")).decode(),
     [("w (base64-decoded)", "#cloud-config\nhost: db.example.com\n")]),
    (None, []), (42, []), ("", [])])
def test_user_data_plain_base64_gzip_or_only_a_hash(value, expected):
    assert user_data(value, "w") == expected


@pytest.mark.parametrize("value, expected", [
    ("main.abc.rds.amazonaws.com:5432", "main.abc.rds.amazonaws.com"),
    ("rediss://Sessions.x.cache.amazonaws.com:6379/0", "sessions.x.cache.amazonaws.com"),
    ("db", None), ("10.0.0.1", None), (None, None), ("a b.com", None)])
def test_endpoint_host_names(value, expected):
    assert host(value) == expected


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, fmt, expected", [
    ('{"Reservations": [\n  {"Instances": [}\n]}', None, r":2: not valid JSON"),
    ('{"Reservations": [{"Instances": [{"InstanceId": "i-1", "InstanceType": 5}]}]}', None,
     r"Reservations\[0\]\.Instances\[0\]\.InstanceType: missing or not text"),
    ('{"Reservations": {}}', None, r"Reservations: expected a list"),
    ('{"format_version": "1.0", "terraform_version": "1", "values": {"root_module": '
     '{"resources": {}}}}', None, r"values\.root_module\.resources: expected a list"),
    ('{"values": {"root_module": {"resources": [{"type": "aws_autoscaling_group", "name": "a",'
     ' "values": {"desired_capacity": 2.5}}]}}}', None, r"desired_capacity must be a whole"),
    ('{"hello": 1}', None, r"neither `aws ec2 describe-instances`"),
    ("name,count,vcpu,ram_gb,disk_gb,role\nweb,two,4,8,80,web\n", None, r":2: count: count"),
    ("name,count,vcpu,ram_gb\nweb,1,4,99999999\n", None, r":2: ram_gb: ram_gb must be in"),
    ("Server name,Cores,Memory (In MB)\nvm1,4,\n", None, r":2: missing Memory \(In MB\)"),
    ("colour,size\nred,2\n", None, r":1: cannot tell the format"),
    ("name,count,vcpu,ram_gb,disk_gb,role\nweb,1,4,8,80,web\n", "azure-migrate",
     r":1: an Azure Migrate CSV needs the column\(s\) server name; cores"),
    ("", None, r"the file is empty"),
])
def test_malformed_files_give_one_clear_error_naming_the_file(tmp_path, body, fmt, expected):
    path = tmp_path / "input.txt"
    path.write_text(body)
    with pytest.raises(InputError) as caught:
        import_files([path], fmt)
    assert str(path) in str(caught.value)
    assert re.search(expected, str(caught.value)), str(caught.value)
    result = run(path, "-o", tmp_path / "out.yaml", *(["--from", fmt] if fmt else []))
    assert result.exit_code == 1 and result.output.startswith("error: ")
    assert "Traceback" not in result.output and not (tmp_path / "out.yaml").exists()


def test_binary_and_missing_files(tmp_path):
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        import_files([binary])
    result = run(tmp_path / "nope.json", "-o", tmp_path / "o.yaml")
    assert result.exit_code == 1 and "cannot read" in result.output


def test_nothing_importable_says_why(tmp_path):
    path = write_json(tmp_path / "stopped.json", {"Reservations": [{"Instances": [
        instance("i-1", "m5.large", "web-1", state="stopped")]}]})
    with pytest.raises(InputError, match="no servers to import.*state stopped"):
        import_files([path])


# --- property: arbitrary input raises only PlannerError --------------------------------------

KEYS = ["Reservations", "Instances", "InstanceId", "InstanceType", "State", "Name", "Tags",
        "Key", "Value", "Architecture", "values", "planned_values", "root_module", "resources",
        "child_modules", "type", "name", "address", "mode", "index", "instance_type",
        "instance_state", "tags", "tag", "desired_capacity", "min_size", "launch_template",
        "mixed_instances_policy", "override", "id", "allocated_storage", "instance_class",
        "node_type", "num_cache_clusters", "zone_id", "vpc", "size", "sku", "instances",
        "machine_type", "settings", "tier", "disk_size", "target_size", "version",
        "instance_template", "root_block_device", "volume_size", "guest_accelerator", "count",
        "storage_mb", "sku_name", "default_node_pool", "node_count", "vm_size", "labels",
        "broker_node_group_info", "number_of_broker_nodes", "scaling_config", "desired_size",
        "instance_types", "cluster_config", "ebs_options", "engine", "dns_name", "zone_name",
        "managed_zone", "bucket", "format_version", "terraform_version",
        # the evidence of dependencies
        "ingress", "security_groups", "vpc_security_group_ids", "security_group_ids",
        "security_group_id", "source_security_group_id", "referenced_security_group_id",
        "from_port", "to_port", "protocol", "target_group_arns", "target_group_arn",
        "target_id", "load_balancer_arns", "load_balancer_arn", "listener_arn",
        "default_action", "action", "forward", "target_group", "arn", "dns_name",
        "user_data", "user_data_base64", "network_interfaces", "address", "endpoint",
        "primary_endpoint_address", "cache_nodes", "cluster_identifier", "SecurityGroups",
        "NetworkInterfaces", "Groups", "GroupId"]
TYPES = sorted(HANDLERS) + ["aws_launch_template", "aws_route53_zone", "aws_route53_record",
                            "google_compute_instance_template", "aws_s3_bucket", "aws_sqs_queue",
                            "azurerm_dns_zone", "google_dns_managed_zone", "aws_rds_cluster",
                            *sorted(NETWORK)]
SCALARS = (st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats()
           | st.text(max_size=6) | st.sampled_from([
               "running", "stopped", "m5.large", "db.r5.large", "Standard_D2s_v5", "e2-medium",
               "lt-1", *TYPES]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=5), max_leaves=30)
RESOURCE = st.fixed_dictionaries({"type": st.sampled_from(TYPES), "name": st.text(max_size=4)},
                                 optional={"values": st.dictionaries(st.sampled_from(KEYS), JSON,
                                                                     max_size=6), "mode": JSON})
DOCUMENTS = JSON | st.builds(
    lambda rs, kids: {"values": {"root_module": {"resources": rs, "child_modules": kids}}},
    st.lists(RESOURCE, max_size=5), st.lists(st.fixed_dictionaries(
        {"resources": st.lists(RESOURCE, max_size=3)}), max_size=2)) | st.builds(
    lambda insts: {"Reservations": [{"Instances": insts}]},
    st.lists(st.dictionaries(st.sampled_from(KEYS), JSON, max_size=6), max_size=4))


def _only_planner_errors(path, fmt):
    try:
        result = import_files([path], fmt)
        yaml.safe_load(render(result, "fuzz"))
    except PlannerError:
        pass


@SETTINGS
@given(data=st.binary(max_size=300), fmt=st.sampled_from([None, *FORMATS]))
def test_arbitrary_bytes_raise_only_planner_errors(tmp_path_factory, data, fmt):
    path = tmp_path_factory.mktemp("bytes") / "input"
    path.write_bytes(data)
    _only_planner_errors(path, fmt)


@SETTINGS
@given(doc=DOCUMENTS, fmt=st.sampled_from([None, "aws-ec2", "terraform"]))
def test_arbitrary_json_raises_only_planner_errors(tmp_path_factory, doc, fmt):
    path = tmp_path_factory.mktemp("json") / "input.json"
    path.write_text(json.dumps(doc))
    _only_planner_errors(path, fmt)


HEADERS = ["name,count,vcpu,ram_gb,disk_gb,role,type,arch,gpu,tier,data_gb",
           "Server name,Cores,Memory (In MB),Disk 1 size (In GB),OS architecture,Tags",
           "ExternalId,HostName,CPU.NumberOfCores,CPU.NumberOfLogicalCores,RAM.TotalSizeInMB,Tags",
           "server_name,instanceType,server_tier"]
CELL = st.text(alphabet="0123456789.,-eE xnaifr;\"\n", max_size=6) | st.sampled_from(
    ["4", "8192", "m5.large", "web", "x64", "arm64", "role:db", "1e9", "nan", "-1", "0"])


@SETTINGS
@given(header=st.sampled_from(HEADERS), rows=st.lists(st.lists(CELL, max_size=12), max_size=4),
       fmt=st.sampled_from([None, "azure-migrate", "aws-ads", "csv"]))
def test_arbitrary_csv_raises_only_planner_errors(tmp_path_factory, header, rows, fmt):
    path = tmp_path_factory.mktemp("csv") / "input.csv"
    with open(path, "w", newline="") as handle:
        handle.write(header + "\n")
        csv.writer(handle).writerows(rows)
    _only_planner_errors(path, fmt)


def test_a_managed_engine_grouped_with_a_server_keeps_the_servers_architecture():
    """Review: {any, arm64} is arm64 (the plain server's image is arm64), not any."""
    from planner.importers.grouping import group_servers
    from planner.importers.records import Server

    members = [Server("kafka-1", "kafka", "tag", "m6g.large", 2, 8, arch="any", kind="queue"),
               Server("kafka-2", "kafka", "tag", "m6g.large", 2, 8, arch="arm64", kind="queue")]
    (group,) = group_servers(members, ("role",))
    assert group.arch == "arm64" and not any("mixes" in n for n in group.notes)


def test_the_servers_region_today_becomes_the_plans_hub(tmp_path):
    """Most of the exported servers run in us-east-1, which the shipped catalog places in
    Ashburn: the inventory gathers the new servers there (policy.near_metro), with why."""
    from planner.cli.main import main
    out = tmp_path / "inv.yaml"
    result = CliRunner().invoke(main, ["import", str(FIX / "describe-instances.json"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "  near_metro: ashburn  # 130 of the servers run in us-east-1" in text
    plain = tmp_path / "plain.yaml"
    CliRunner().invoke(main, ["import", str(FIX / "plain.csv"), "-o", str(plain)])
    assert "near_metro" not in plain.read_text()  # a CSV says no region


@pytest.mark.parametrize("rtype,values,metro", [
    ("azurerm_linux_virtual_machine", {"size": "Standard_D4s_v5", "location": "westeurope"},
     "amsterdam"),
    # us-central1 is in Council Bluffs, where no other provider has a region: the nearest
    # metro with one (Des Moines, about 190 km) is the hub, and the comment says why
    ("google_compute_instance", {"machine_type": "n2-standard-4", "zone": "us-central1-a"},
     "des-moines"),
])
def test_azure_and_google_locations_become_the_hub(tmp_path, rtype, values, metro):
    """An Azure location and a Google zone are read as the region the VMs run in, placed by
    the shipped catalog's azure and google-cloud regions; the hub is a metro where another
    provider has a region."""
    path = write_json(tmp_path / "state.json", state([
        res(rtype, "app", {"name": f"app-{i}", **values}, i) for i in range(3)]))
    out = tmp_path / "inv.yaml"
    result = run(path, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"  near_metro: {metro}  # 3 of the servers run in " in out.read_text()
