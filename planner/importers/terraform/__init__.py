"""`terraform show -json` output (a state or a plan: the root module and its child modules,
recursively), or a raw `terraform.tfstate` (raw.py).

Each managed resource is one entry of the state (a counted or for_each resource has one
per index). Compute resources become servers (handlers in aws.py and clouds.py); managed
services become the groups or service needs that replace them; buckets become object
storage, zones DNS zones; security groups, their rules and load balancers are evidence
of dependencies (links.py); the rest is counted as ignored.
"""

from __future__ import annotations

from typing import Any

from planner.importers.records import Collector, items, text
from planner.importers.terraform import aws, clouds, clusters, links, plan
from planner.importers.terraform.raw import is_raw, raw_resources
from planner.importers.terraform.state import Index, Res, index_of, is_record, resources

HANDLERS = {**aws.HANDLERS, **clusters.HANDLERS, **clouds.HANDLERS}
QUEUES = {"aws_sqs_queue", "aws_sns_topic", "aws_kinesis_stream", "google_pubsub_topic",
          "azurerm_servicebus_namespace", "azurerm_eventhub_namespace"}
BUCKETS = {"aws_s3_bucket": ("bucket", "s3://"), "google_storage_bucket": ("name", "gs://"),
           "azurerm_storage_account": ("name", "azure storage account ")}
ZONES = {"aws_route53_zone", "google_dns_managed_zone", "azurerm_dns_zone"}
UNSIZED = {
    "aws_dynamodb_table": "DynamoDB table", "aws_efs_file_system": "EFS file system",
    "aws_lambda_function": "Lambda function", "aws_ecs_service": "ECS service",
    "azurerm_mssql_database": "Azure SQL database", "azurerm_cosmosdb_account": "Cosmos DB",
    "azurerm_redis_cache": "Azure Cache for Redis", "google_redis_instance": "Memorystore",
    "google_bigtable_instance": "Bigtable", "google_spanner_instance": "Spanner",
    "google_cloudfunctions_function": "Cloud Function", "google_cloud_run_service": "Cloud Run",
}
REFERENCED = {"aws_launch_template", "aws_launch_configuration", "aws_ebs_volume",
              "aws_volume_attachment",
              "google_compute_instance_template", "google_compute_region_instance_template"}
SOURCE_OF = {"aws": "aws-ec2", "azurerm": "azure", "google": "google-cloud"}


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
    found = raw_resources(data, col) if is_raw(data) else resources(data, col)
    index = index_of(found)
    index.refs = plan.references(data)
    plan.link(found, index)
    for r in found:
        prefix = r.type.split("_", 1)[0]
        if r.type in HANDLERS:
            before = len(col.servers)
            HANDLERS[r.type](r, col, index)
            for server in col.servers[before:]:
                server.links = links.links_of(r, index)
        elif r.type in links.NETWORK:  # read as evidence of dependencies, not ignored
            links.read(r, col.network)
            continue
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
        elif r.type in REFERENCED or is_record(r.type):
            continue
        else:
            col.ignored[r.type] += 1
            continue
        if prefix in SOURCE_OF:
            col.providers.add(SOURCE_OF[prefix])
