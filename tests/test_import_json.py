"""planner import, JSON exports (issue 26): raw terraform.tfstate, plans whose autoscaling
groups name their launch template only in `configuration`, Aurora, Neptune, EKS and EBS
data volumes in Terraform; `az vm list -d`, `gcloud compute instances list --format=json`,
`kubectl get nodes -o json` and the AWS CLI's rds, elasticache and autoscaling listings.
Each fixture under fixtures/import/json is built from the shape its vendor documents (the
docstring of each test says where); a file given with --from another format is refused."""

import json
from pathlib import Path

import pytest

from planner import pipeline
from planner.errors import InputError
from planner.importers.detect import load
from planner.importers.files import import_files
from planner.importers.writer import render
from planner.inputs import loader
from planner.verify import verify

FIX = Path(__file__).parent / "fixtures" / "import" / "json"


@pytest.fixture(scope="module")
def catalog():
    return loader.load_catalog(loader.shipped_catalog_paths())


def shape(result):
    return {g.name: (g.count, g.vcpu, g.ram_gb, g.arch, g.kind) for g in result.groups}


def reasons(result):
    return {what.split(": ", 1)[1]: why for what, why in result.skipped}


def plans(result, tmp_path, catalog, name):
    out = tmp_path / f"{name}.yaml"
    out.write_text(render(result, name))
    assert loader.validate_file(out) == "inventory"
    plan = pipeline.plan(loader.load_inventory(out), catalog).plan
    assert verify(plan) == []
    return out.read_text()


@pytest.mark.parametrize("name, fmt", [
    ("terraform.tfstate", "terraform"), ("plan.json", "terraform"),
    ("az-vm-list-d.json", "azure-cli"), ("gcloud-instances.json", "gcloud"),
    ("kubectl-nodes.json", "kubectl"), ("rds-describe-db-instances.json", "aws-rds"),
    ("elasticache-describe-cache-clusters.json", "aws-elasticache"),
    ("autoscaling-describe-auto-scaling-groups.json", "aws-autoscaling")])
def test_format_is_told_from_content_and_other_formats_are_refused(name, fmt):
    assert load(FIX / name).fmt == fmt
    other = "gcloud" if fmt != "gcloud" else "azure-cli"
    with pytest.raises(InputError, match=rf"^.*not .*: it looks like .*\(--from {fmt}\)"):
        import_files([FIX / name], other)


def test_from_terraform_on_unrelated_json_is_an_error_not_zero_servers(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"items": [], "kind": "Pod"}))
    with pytest.raises(InputError) as err:
        import_files([path], "terraform")
    assert "not terraform show -json" in str(err.value) and "\n" not in str(err.value)


def test_raw_tfstate_v4_plans_end_to_end(tmp_path, catalog):
    """Raw state v4 as `terraform state pull` writes it (resources[] with mode, type, name,
    module, provider, each, instances[] with index_key and attributes; hashicorp/terraform
    internal/states/statefile/version4.go). Aurora instances are the servers, a Serverless
    v2 cluster without instances gets a placeholder, Neptune instances are servers, the EKS
    node group counts desired_size x instance type, EBS attachments add data."""
    result = import_files([FIX / "terraform.tfstate"])
    assert shape(result) == {
        "app": (2, 4, 16, "x86_64", "server"), "workers": (3, 2, 8, "x86_64", "server"),
        "rds-aurora-postgresql": (2, 2, 16, "any", "database"),
        "rds-aurora-mysql": (1, 4, 32, "any", "database"),   # 16 ACU x 2 GiB, an estimate
        "neptune": (1, 2, 16, "any", "database")}
    app = next(s for s in result.servers if s.ident == "i-0a0")
    assert (app.disk_gb, app.data_gb, app.data_known) == (230, 200, True)
    why = reasons(result)
    assert why["aws_instance.old"].startswith("instance_state stopped")
    assert "EKS control plane of prod" in why["module.eks.aws_eks_cluster.this"]
    assert result.ignored == {"aws_vpc": 1}
    assert result.files[0].fmt == "terraform"
    text = plans(result, tmp_path, catalog, "tfstate")
    assert "module.db.aws_rds_cluster_instance.this[\"one\"]" in text
    assert "planner estimate" in text


def test_plan_asg_takes_its_launch_template_from_the_configuration():
    """A plan (developer.hashicorp.com/terraform/internals/json-format): the group's
    launch_template id is in after_unknown, planned_values lacks it, and
    configuration.root_module.module_calls.web.module.resources[].expressions names
    aws_launch_template.this in `references`. Was skipped: "launch template ? is not in
    this state"."""
    result = import_files([FIX / "plan.json"])
    assert shape(result) == {"web": (4, 2, 4, "x86_64", "server")}   # c5.large x 4
    assert "module.web.aws_launch_template.this (named in the plan's configuration)" in (
        result.servers[0].origin)
    assert result.skipped == []


def test_eks_cluster_alone_and_provisioned_aurora_without_instances_leave_a_reason(tmp_path):
    state = {"version": 4, "terraform_version": "1.9.5", "resources": [
        {"mode": "managed", "type": t, "name": "x", "instances": [{"attributes": a}]}
        for t, a in [("aws_eks_cluster", {"name": "k"}),
                     ("aws_rds_cluster", {"cluster_identifier": "c", "engine": "aurora-mysql"}),
                     ("aws_neptune_cluster", {"cluster_identifier": "g"}),
                     ("aws_instance", {"instance_type": "t3.small", "id": "i-1"})]]}
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    why = reasons(import_files([path]))
    assert "without node groups" in why["aws_eks_cluster.x"]
    assert "without aws_rds_cluster_instance" in why["aws_rds_cluster.x"]
    assert "without aws_neptune_cluster_instance" in why["aws_neptune_cluster.x"]


def test_raw_state_of_version_3_is_refused_clearly(tmp_path):
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps({"version": 3, "terraform_version": "0.11.14", "modules": []}))
    with pytest.raises(InputError, match="only version 4"):
        import_files([path])


def test_az_vm_list_d_plans_end_to_end(tmp_path, catalog):
    """`az vm list -d`: the Compute API's VirtualMachine in the CLI's camelCase
    (hardwareProfile.vmSize, storageProfile.osDisk/dataDisks[].diskSizeGb, location, tags,
    resourceGroup) plus -d's powerState, publicIps, privateIps, fqdns (Azure/azure-cli
    command_modules/vm custom.py get_vm_details; "VM running" as in learn.microsoft.com
    quickstart outputs). Deallocated VMs are skipped."""
    result = import_files([FIX / "az-vm-list-d.json"])
    assert shape(result) == {"web": (2, 4, 16, "x86_64", "server"),
                             "db": (1, 8, 64, "x86_64", "server")}
    db = next(s for s in result.servers if s.name == "db-1")
    assert (db.disk_gb, db.data_gb, db.region) == (542, 512, "westeurope")
    assert reasons(result)["test-1 (SHOP-RG)"].startswith("power state VM deallocated")
    assert result.provider == "azure"
    plans(result, tmp_path, catalog, "azure")


def test_gcloud_instances_list_plans_end_to_end(tmp_path, catalog):
    """`gcloud compute instances list --format=json`: the API's Instance (kind
    compute#instance, machineType and zone as URLs, status, labels, disks[] with boot and
    diskSizeGb as a string, id as a string; cloud.google.com/compute/docs/reference/rest/
    v1/instances). TERMINATED instances are skipped; custom types are computed."""
    result = import_files([FIX / "gcloud-instances.json"])
    assert shape(result) == {"api": (2, 4, 16, "x86_64", "server"),
                             "db": (1, 8, 32, "x86_64", "server"),
                             "batch": (1, 4, 16, "x86_64", "server")}
    pg = next(s for s in result.servers if s.name == "pg-1")
    assert (pg.disk_gb, pg.data_gb, pg.region, pg.ident) == (550, 500, "us-east4", "1113")
    assert reasons(result)["old-1"].startswith("status TERMINATED")
    assert result.provider == "google-cloud"
    plans(result, tmp_path, catalog, "gcloud")


def test_kubectl_nodes():
    """`kubectl get nodes -o json`: a List of Node (metadata.labels with the well-known
    node.kubernetes.io/instance-type, kubernetes.io/arch, topology.kubernetes.io/region;
    status.capacity cpu and memory in Ki; spec.providerID; spec.unschedulable when
    cordoned; kubernetes.io/docs/reference/labels-annotations-taints/). Nodes group by their
    node group; an unknown type takes its shape from status.capacity."""
    result = import_files([FIX / "kubectl-nodes.json"])
    assert shape(result) == {"general": (3, 4, 16, "x86_64", "server"),
                             "odd": (1, 8, 32, "arm64", "server")}
    assert {s.ident for s in result.servers} >= {"i-0k0", "i-0k1", "i-0k2"}
    assert "cordoned" in reasons(result)["ip-10-0-2-9.ec2.internal"]


def test_aws_cli_rds_elasticache_autoscaling():
    """Shapes from aws/aws-cli awscli/examples: rds/describe-db-instances.rst (DBInstances[]),
    elasticache/describe-cache-clusters.rst (CacheClusters[], a replication group's nodes
    each listed with NumCacheNodes 1 and ReplicationGroupId), autoscaling/
    describe-auto-scaling-groups.rst (AutoScalingGroups[] with Instances[], Tags[])."""
    rds = import_files([FIX / "rds-describe-db-instances.json"])
    assert shape(rds) == {"rds-postgres": (1, 4, 16, "any", "database"),
                          "rds-aurora-postgresql": (1, 2, 16, "any", "database")}
    assert next(g for g in rds.groups if g.name == "rds-postgres").data_gb == 100
    assert reasons(rds)["legacy"].startswith("status stopped")
    cache = import_files([FIX / "elasticache-describe-cache-clusters.json"])
    assert shape(cache) == {"redis": (3, 2, 16, "any", "cache"),
                            "memcached": (3, 2, 8, "any", "cache")}
    asg = import_files([FIX / "autoscaling-describe-auto-scaling-groups.json"])
    assert shape(asg) == {"web": (2, 2, 8, "x86_64", "server"),
                          "batch-asg": (3, 8, 16, "x86_64", "server")}
    why = reasons(asg)
    assert why["idle-asg"] == "desired capacity 0"
    assert "launch configuration my-launch-config" in why["bare-asg"]


def test_a_source_region_where_no_other_provider_runs_points_to_the_nearest_metro_with_one():
    """gcloud's europe-west1 is in St. Ghislain, where no other provider of the catalog has a
    region: near_metro there would leave the plan nowhere to put a server. The import names
    the nearest metro that has one instead, and says so."""
    from planner.importers.writer import nearest_metro
    from planner.inputs.loader import load_catalog, shipped_catalog_paths

    catalog = load_catalog(shipped_catalog_paths())
    google = catalog.provider("google-cloud")
    region = next(r for r in google.regions if r.id == "europe-west1")
    metro, km = nearest_metro(catalog, google, region)
    assert metro != region.metro and 0 < km < 300
    assert any(r.metro == metro for p in catalog.providers if p.organization != "google"
               for r in p.regions or [])
    ashburn = next(r for r in google.regions if r.id == "us-east4")
    assert nearest_metro(catalog, google, ashburn) == ("ashburn", 0.0)


def test_a_document_wrapped_under_a_key_is_named_with_the_way_out(tmp_path):
    """Real files wrap exports: a plan saved as {"tfplan": {...}}, cloud-custodian's
    recorded responses as {"status_code": 200, "data": {...}}. The error says what is
    inside and how to take it out."""
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"status_code": 200, "data": {"Reservations": []}}))
    with pytest.raises(InputError, match=r"aws ec2 describe-instances JSON under the key "
                                         r"'data'.*jq '\.data'"):
        load(path)
