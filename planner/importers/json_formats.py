"""The JSON export formats `planner import` reads: what each is, how its content shows it,
and the importer that reads it. Given `--from`, a file whose shape is another format (or
none) is refused with a one-line reason, never read as zero servers."""

from __future__ import annotations

from typing import Any, Callable

from planner.importers import aws, aws_cli, azure_cli, gcloud, kubectl, terraform
from planner.importers.records import Collector
from planner.importers.terraform.raw import is_raw

FORMATS = {
    "aws-ec2": "aws ec2 describe-instances JSON",
    "terraform": "terraform show -json state or plan, or a raw terraform.tfstate",
    "aws-rds": "aws rds describe-db-instances JSON",
    "aws-elasticache": "aws elasticache describe-cache-clusters JSON",
    "aws-autoscaling": "aws autoscaling describe-auto-scaling-groups JSON",
    "azure-cli": "az vm list -d JSON",
    "gcloud": "gcloud compute instances list --format=json",
    "kubectl": "kubectl get nodes -o json",
}
SHAPES = {
    "aws-ec2": "`aws ec2 describe-instances` output (Reservations[].Instances[])",
    "terraform": "`terraform show -json` output (values.root_module or planned_values) or a "
                 "raw terraform.tfstate (version 4, resources[])",
    "aws-rds": "`aws rds describe-db-instances` output (DBInstances[])",
    "aws-elasticache": "`aws elasticache describe-cache-clusters` output (CacheClusters[])",
    "aws-autoscaling": "`aws autoscaling describe-auto-scaling-groups` output "
                       "(AutoScalingGroups[])",
    "azure-cli": "`az vm list -d` output ([{hardwareProfile.vmSize, ...}])",
    "gcloud": "`gcloud compute instances list --format=json` output ([{machineType, zone, "
              "...}])",
    "kubectl": "`kubectl get nodes -o json` output (items[] of kind Node)",
}
EXPECTED = " nor ".join(SHAPES.values())
KEYED = {"Reservations": "aws-ec2", "DBInstances": "aws-rds",
         "CacheClusters": "aws-elasticache", "AutoScalingGroups": "aws-autoscaling"}


def json_format(data: Any) -> str | None:
    """The format whose shape `data` has, or None."""
    if isinstance(data, dict):
        keyed = [fmt for key, fmt in KEYED.items() if key in data]
        if len(keyed) == 1:
            return keyed[0]
        if keyed:
            return None
        values = data.get("values", data.get("planned_values"))
        if (isinstance(values, dict) and "root_module" in values) or (
                "format_version" in data and "terraform_version" in data) or is_raw(data):
            return "terraform"
        if kubectl.is_node_list(data):
            return "kubectl"
    if isinstance(data, list) and data:
        flat = [x for item in data for x in (item if isinstance(item, list) else [item])]
        if flat and all(isinstance(x, dict) and "InstanceId" in x for x in flat):
            return "aws-ec2"
        if azure_cli.is_vm_list(data):
            return "azure-cli"
        if gcloud.is_instance_list(data):
            return "gcloud"
    return None


Importer = Callable[[Any, Collector], None]


def checked(fmt: str, importer: Importer) -> Importer:
    """`importer`, refusing a document whose shape is not `fmt` (given with --from)."""
    def read(data: Any, col: Collector) -> None:
        found = json_format(data)
        if found != fmt:
            looks = (f"it looks like {FORMATS[found]} (--from {found})" if found else
                     f"expected {SHAPES[fmt]}")
            raise col.error(f"not {FORMATS[fmt]}: {looks}")
        importer(data, col)
    return read


IMPORTERS = {fmt: checked(fmt, importer) for fmt, importer in {
    "aws-ec2": aws.import_describe_instances, "terraform": terraform.import_terraform,
    "aws-rds": aws_cli.import_db_instances, "aws-elasticache": aws_cli.import_cache_clusters,
    "aws-autoscaling": aws_cli.import_auto_scaling_groups,
    "azure-cli": azure_cli.import_vm_list, "gcloud": gcloud.import_instances,
    "kubectl": kubectl.import_nodes}.items()}
