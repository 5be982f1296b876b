"""The JSON export formats `planner import` reads: what each is, how its content shows it,
and the importer that reads it."""

from __future__ import annotations

from typing import Any

from planner.importers import aws, terraform

FORMATS = {
    "aws-ec2": "aws ec2 describe-instances JSON",
    "terraform": "terraform show -json state",
}
IMPORTERS = {"aws-ec2": aws.import_describe_instances, "terraform": terraform.import_terraform}
EXPECTED = ("`aws ec2 describe-instances` output (Reservations[].Instances[]) nor "
            "`terraform show -json` output (values.root_module)")


def json_format(data: Any) -> str | None:
    """The format whose shape `data` has, or None."""
    if isinstance(data, dict):
        if "Reservations" in data:
            return "aws-ec2"
        values = data.get("values", data.get("planned_values"))
        if (isinstance(values, dict) and "root_module" in values) or (
                "format_version" in data and "terraform_version" in data):
            return "terraform"
    if isinstance(data, list) and data:
        flat = [x for item in data for x in (item if isinstance(item, list) else [item])]
        if flat and all(isinstance(x, dict) and "InstanceId" in x for x in flat):
            return "aws-ec2"
    return None
