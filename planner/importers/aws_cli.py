"""AWS CLI companions of describe-instances, in their documented output shape
(awscli/examples in aws/aws-cli and the API references): `aws rds describe-db-instances`
({"DBInstances": [...]}: DBInstanceIdentifier, DBInstanceClass, Engine, DBInstanceStatus,
AllocatedStorage, MultiAZ, DBClusterIdentifier, ReadReplicaSourceDBInstanceIdentifier),
`aws elasticache describe-cache-clusters` ({"CacheClusters": [...]}: CacheClusterId,
CacheNodeType, Engine, NumCacheNodes, CacheClusterStatus, ReplicationGroupId; a
replication group lists each of its nodes as a cluster of one) and `aws autoscaling
describe-auto-scaling-groups` ({"AutoScalingGroups": [...]}: AutoScalingGroupName,
DesiredCapacity, Instances[].InstanceType, MixedInstancesPolicy, LaunchTemplate, Tags)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterator

from planner.importers.records import (
    Collector,
    aws_region,
    count_of,
    items,
    mappings,
    obj,
    required_text,
    role_of,
    size,
    tag_map,
    text,
)

GONE = {"stopped", "stopping", "deleting", "deleted", "failed", "storage-full",
        "inaccessible-encryption-credentials"}


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40] or "x"


def _listed(data: Any, key: str, col: Collector, command: str) -> Iterator[tuple[str, dict]]:
    return mappings(obj(data).get(key), col, key, "an entry",
                    f"expected a JSON object with a {key} list (the output of `{command}`)")


def _type(item: dict, key: str, path: str, col: Collector) -> str:
    return required_text(item, key, path, col, "entry")


def import_db_instances(data: Any, col: Collector) -> None:
    col.providers.add("aws-ec2")
    for path, db in _listed(data, "DBInstances", col, "aws rds describe-db-instances"):
        itype = _type(db, "DBInstanceClass", path, col)
        name = text(db.get("DBInstanceIdentifier")) or path
        status = db.get("DBInstanceStatus")
        if status in GONE:
            col.skip(name, f"status {status} (only available instances are imported)")
            continue
        engine = text(db.get("Engine")) or "database"
        cluster = text(db.get("DBClusterIdentifier"))
        storage = None if cluster else size(db.get("AllocatedStorage"))
        what = (f"member of cluster {cluster}, its storage not in the export" if cluster else
                f"{storage or 0:g} GB allocated storage copied as data")
        server = col.server(name, role_of(tag_map(db.get("TagList")), None,
                                          f"rds-{slug(engine)}", "the service and engine"),
                            itype, f"RDS {engine} {name} ({what})", kind="database",
                            ident=text(db.get("DBInstanceArn")), managed=True,
                            region=aws_region(db.get("AvailabilityZone")))
        if server is None:
            continue
        if storage:
            server.data_gb = server.disk_gb = storage
            server.data_known = server.disk_known = True
        if db.get("MultiAZ") is True:
            server.notes.append("Multi-AZ: the standby is not counted (add one per instance "
                                "to keep it)")
        if text(db.get("ReadReplicaSourceDBInstanceIdentifier")):
            server.notes.append("read replica: data_gb counts its full copy")


def import_cache_clusters(data: Any, col: Collector) -> None:
    col.providers.add("aws-ec2")
    for path, cache in _listed(data, "CacheClusters", col,
                               "aws elasticache describe-cache-clusters"):
        itype = _type(cache, "CacheNodeType", path, col)
        name = text(cache.get("CacheClusterId")) or path
        status = cache.get("CacheClusterStatus")
        if status in GONE:
            col.skip(name, f"status {status} (only available clusters are imported)")
            continue
        n = count_of(cache.get("NumCacheNodes"))
        n = 1 if n is None else n
        if n == 0:
            col.skip(name, "zero nodes")
            continue
        engine = text(cache.get("Engine")) or "cache"
        group = text(cache.get("ReplicationGroupId"))
        col.server(name, (slug(engine), "the service and engine"), itype,
                   f"ElastiCache {engine} {name} ({n} node(s)"
                   + (f", a node of replication group {group})" if group else ")"),
                   count=n, kind="cache", ident=text(cache.get("ARN")), managed=True,
                   region=aws_region(cache.get("PreferredAvailabilityZone")))


def _group_type(group: dict) -> tuple[str | None, str]:
    running = Counter(t for t in (text(obj(i).get("InstanceType"))
                                  for i in items(group.get("Instances"))) if t)
    if running:
        itype, n = running.most_common(1)[0]
        return itype, f"the type of {n} of its {sum(running.values())} instances"
    policy = obj(obj(group.get("MixedInstancesPolicy")).get("LaunchTemplate"))
    for override in items(policy.get("Overrides")):
        if text(obj(override).get("InstanceType")):
            return obj(override)["InstanceType"], "first override of its mixed instances policy"
    template = obj(group.get("LaunchTemplate")) or obj(policy.get(
        "LaunchTemplateSpecification"))
    ref = text(template.get("LaunchTemplateName")) or text(template.get("LaunchTemplateId"))
    if ref:
        return None, (f"launch template {ref}: its instance type is not in this export and "
                      "the group has no instances listed")
    config = text(group.get("LaunchConfigurationName"))
    return None, (f"launch configuration {config}: its instance type is not in this export"
                  if config else "no instances, launch template or launch configuration")


def import_auto_scaling_groups(data: Any, col: Collector) -> None:
    col.providers.add("aws-ec2")
    for path, group in _listed(data, "AutoScalingGroups", col,
                               "aws autoscaling describe-auto-scaling-groups"):
        name = text(group.get("AutoScalingGroupName")) or path
        n = count_of(group.get("DesiredCapacity"))
        if not n:
            col.skip(name, "desired capacity 0")
            continue
        itype, how = _group_type(group)
        if itype is None:
            col.skip(name, how)
            continue
        tags = tag_map(group.get("Tags"))
        zones = [aws_region(z) for z in items(group.get("AvailabilityZones"))]
        server = col.server(name, role_of(tags, tags.get("Name") or name, "asg"), itype,
                            f"Auto Scaling group {name} (desired capacity {n}, {how})",
                            count=n, tags=tags, ident=text(group.get("AutoScalingGroupARN")),
                            region=next((z for z in zones if z), None))
        if server is not None:
            server.notes.append("its instances are also in `aws ec2 describe-instances`: "
                                "import one of the two, not both")
