"""`terraform show -json` output: the root module and its child modules, recursively.

Each managed resource is one entry of the state (a counted or for_each resource has one
per index). Compute resources become servers (handlers in tf_aws and tf_clouds); managed
services become the groups or service needs that replace them; buckets become object
storage, zones DNS zones; the rest is counted as ignored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from planner.importers import tf_aws, tf_clouds
from planner.importers.records import Collector, items, text

HANDLERS = {**tf_aws.HANDLERS, **tf_clouds.HANDLERS}
QUEUES = {"aws_sqs_queue", "aws_sns_topic", "aws_kinesis_stream", "google_pubsub_topic",
          "azurerm_servicebus_namespace", "azurerm_eventhub_namespace"}
BUCKETS = {"aws_s3_bucket": ("bucket", "s3://"), "google_storage_bucket": ("name", "gs://"),
           "azurerm_storage_account": ("name", "azure storage account ")}
ZONES = {"aws_route53_zone", "google_dns_managed_zone", "azurerm_dns_zone"}
RECORDS = {"aws_route53_record": "zone_id", "google_dns_record_set": "managed_zone"}
UNSIZED = {
    "aws_dynamodb_table": "DynamoDB table", "aws_efs_file_system": "EFS file system",
    "aws_lambda_function": "Lambda function", "aws_ecs_service": "ECS service",
    "azurerm_mssql_database": "Azure SQL database", "azurerm_cosmosdb_account": "Cosmos DB",
    "azurerm_redis_cache": "Azure Cache for Redis", "google_redis_instance": "Memorystore",
    "google_bigtable_instance": "Bigtable", "google_spanner_instance": "Spanner",
    "google_cloudfunctions_function": "Cloud Function", "google_cloud_run_service": "Cloud Run",
}
REFERENCED = {"aws_launch_template", "aws_launch_configuration",
              "google_compute_instance_template", "google_compute_region_instance_template"}
SOURCE_OF = {"aws": "aws-ec2", "azurerm": "azure", "google": "google-cloud"}


@dataclass
class Res:
    type: str
    name: str
    address: str
    values: dict[str, Any]
    path: str


@dataclass
class Index:
    """Resources other resources point at, by id and by name."""

    launch_templates: dict[str, str | None] = field(default_factory=dict)
    launch_configs: dict[str, str | None] = field(default_factory=dict)
    templates: dict[str, str | None] = field(default_factory=dict)   # Google instance templates
    records: Counter = field(default_factory=Counter)                 # zone key -> records


def resources(data: Any, col: Collector) -> list[Res]:
    if not isinstance(data, dict):
        raise col.error("expected a JSON object (the output of `terraform show -json`)")
    key = "values" if "values" in data else "planned_values"
    values = data.get(key)
    if values is None:
        return []  # an empty state has no values
    if not isinstance(values, dict):
        raise col.error("expected a mapping", path=key)
    root = values.get("root_module", {})
    if not isinstance(root, dict):
        raise col.error("expected a mapping", path=f"{key}.root_module")
    out: list[Res] = []
    stack = [(root, f"{key}.root_module")]
    while stack:
        module, mpath = stack.pop(0)
        listed = module.get("resources", [])
        if not isinstance(listed, list):
            raise col.error("expected a list", path=f"{mpath}.resources")
        for i, res in enumerate(listed):
            rpath = f"{mpath}.resources[{i}]"
            if not isinstance(res, dict):
                raise col.error("expected a resource (a mapping)", path=rpath)
            if res.get("mode", "managed") != "managed":
                continue
            rtype, rvalues = res.get("type"), res.get("values", {})
            if not text(rtype):
                raise col.error("missing or not text", path=f"{rpath}.type")
            if not isinstance(rvalues, dict):
                raise col.error("expected a mapping", path=f"{rpath}.values")
            name = text(res.get("name")) or rtype
            out.append(Res(rtype, name, text(res.get("address")) or f"{rtype}.{name}",
                           rvalues, rpath))
        children = module.get("child_modules", [])
        if not isinstance(children, list):
            raise col.error("expected a list", path=f"{mpath}.child_modules")
        for j, child in enumerate(children):
            if not isinstance(child, dict):
                raise col.error("expected a module (a mapping)",
                                path=f"{mpath}.child_modules[{j}]")
            stack.append((child, f"{mpath}.child_modules[{j}]"))
    return out


def _is_record(rtype: str) -> bool:
    return rtype in RECORDS or (rtype.startswith("azurerm_dns_") and rtype.endswith("_record"))


def _index(found: list[Res]) -> Index:
    index = Index()
    for r in found:
        v = r.values
        if r.type == "aws_launch_template":
            target, kind = index.launch_templates, text(v.get("instance_type"))
        elif r.type == "aws_launch_configuration":
            target, kind = index.launch_configs, text(v.get("instance_type"))
        elif r.type in ("google_compute_instance_template",
                        "google_compute_region_instance_template"):
            target, kind = index.templates, text(v.get("machine_type"))
        elif _is_record(r.type):
            zone = text(v.get(RECORDS.get(r.type, "zone_name")))
            if zone:
                index.records[zone.lower().rstrip(".")] += 1
            continue
        else:
            continue
        for key in ("id", "name", "self_link", "self_link_unique"):
            ref = text(v.get(key))
            if ref:
                target[ref] = kind
                target[ref.rsplit("/", 1)[-1]] = kind
    return index


def _zone(r: Res, col: Collector, index: Index) -> None:
    v = r.values
    name = text(v.get("dns_name" if r.type == "google_dns_managed_zone" else "name"))
    if not name:
        col.skip(r.address, "DNS zone without a name in the state")
        return
    private = (r.type == "aws_route53_zone" and bool(items(v.get("vpc")))) or (
        v.get("visibility") == "private")
    if private:
        col.skip(r.address, f"private zone {name}: it moves with the servers, no public "
                 "delegation to change")
        return
    zone = name.lower().rstrip(".")
    keys = [zone, text(v.get("zone_id")) or "", text(v.get("name")) or ""]
    records = sum(index.records.get(k.lower().rstrip("."), 0) for k in set(keys) if k)
    col.zones[zone] = max(records, col.zones.get(zone) or 0) or None


def import_terraform(data: Any, col: Collector) -> None:
    found = resources(data, col)
    index = _index(found)
    for r in found:
        prefix = r.type.split("_", 1)[0]
        if r.type in HANDLERS:
            HANDLERS[r.type](r, col, index)
        elif r.type in ZONES:
            _zone(r, col, index)
        elif r.type in BUCKETS:
            key, scheme = BUCKETS[r.type]
            col.buckets.append(f"{scheme}{text(r.values.get(key)) or r.address}")
        elif r.type in QUEUES:
            col.queues.append(f"{r.address} ({r.type})")
        elif r.type in UNSIZED:
            col.skip(r.address, f"{UNSIZED[r.type]}: a managed service the import cannot "
                     "size; add a group for what will replace it")
        elif r.type in REFERENCED or _is_record(r.type):
            continue
        else:
            col.ignored[r.type] += 1
            continue
        if prefix in SOURCE_OF:
            col.providers.add(SOURCE_OF[prefix])
