"""Terraform AWS resources that hold servers: instances, autoscaling groups (through their
launch template), EKS node groups, and the managed services replaced by servers (RDS,
ElastiCache, Amazon MQ, MSK, OpenSearch)."""

from __future__ import annotations

from typing import Any

from planner.importers.records import (
    Collector,
    Server,
    aws_region,
    block,
    count_of,
    items,
    role_of,
    size,
    tag_map,
    text,
)
from planner.importers.terraform.state import (
    Index,
    Res,
    count,
    fallback,
    slug,
    tags_of,
    type_of,
)


def aws_instance(r: Res, col: Collector, index: Index) -> None:
    v, tags = r.values, tags_of(r)
    state = v.get("instance_state")
    if isinstance(state, str) and state not in ("running", "pending"):
        col.skip(r.address, f"instance_state {state} (only running instances are imported)")
        return
    itype = type_of(r, col, "instance_type")
    if itype is None:
        return
    name = tags.get("Name")
    server = col.server(name or r.address, role_of(tags, name, fallback(r)), itype, r.address,
                        ident=text(v.get("id")), tags=tags,
                        region=aws_region(v.get("availability_zone")))
    if server is not None:
        disks = [block(v.get("root_block_device"))] + [
            d for d in items(v.get("ebs_block_device")) if isinstance(d, dict)]
        sizes = [size(d.get("volume_size")) for d in disks if d]
        if sizes and all(s is not None for s in sizes):
            server.disk_gb, server.disk_known = sum(sizes), True  # type: ignore[arg-type]
        _attached(r, server, index)


def _attached(r: Res, server: Server, index: Index) -> None:
    """EBS volumes attached by aws_volume_attachment: data, on top of the instance's disks."""
    found = index.volumes.get(text(r.values.get("id")) or "", []) or index.volumes.get(
        r.address, [])
    if not found:
        return
    sizes = [size(vol.values.get("size")) for vol in found]
    known = [s for s in sizes if s is not None]
    server.data_gb += sum(known)
    server.disk_gb += sum(known)
    server.data_known = len(known) == len(sizes)
    server.notes.append(f"{len(found)} attached EBS data volume(s) "
                        f"({', '.join(v.address for v in found[:4])}): "
                        f"{sum(known):g} GB counted as data and disk")


def _template_type(v: dict[str, Any], index: Index) -> tuple[str | None, str]:
    template = block(v.get("launch_template"))
    policy = block(block(v.get("mixed_instances_policy")).get("launch_template"))
    if policy:
        for override in items(policy.get("override")):
            itype = text(override.get("instance_type")) if isinstance(override, dict) else None
            if itype:
                return itype, "first override of its mixed instances policy"
        spec = block(policy.get("launch_template_specification"))
        template = {"id": spec.get("launch_template_id"), "name": spec.get("launch_template_name")}
    if template:
        ref = text(template.get("id")) or text(template.get("name")) or "?"
        for key in ("id", "name"):
            found = index.launch_templates.get(text(template.get(key)) or "")
            if found:
                return found, f"launch template {ref}"
        return None, (f"launch template {ref} is not in this state or sets no instance_type, "
                      "so its instance type is unknown")
    config = text(v.get("launch_configuration"))
    if config:
        found = index.launch_configs.get(config)
        return (found, f"launch configuration {config}") if found else (
            None, f"launch configuration {config} is not in this state")
    return None, "no launch template or launch configuration"


def _planned(r: Res, index: Index) -> tuple[str | None, str] | None:
    """In a plan the template's id is unknown until apply: the configuration names it."""
    for rtype, key in (("aws_launch_template", "instance_type"),
                       ("aws_launch_configuration", "instance_type")):
        named = index.named(r, rtype)
        if named:
            what = rtype.replace("aws_", "").replace("_", " ")
            itype = text(named[0].values.get(key))
            return (itype, f"{what} {named[0].address} (named in the plan's configuration)"
                    ) if itype else (None, f"{what} {named[0].address} sets no instance_type "
                                     "(or it is unknown until apply)")
    return None


def _asg_type(v: dict[str, Any], index: Index, r: Res) -> tuple[str | None, str]:
    itype, how = _template_type(v, index)
    if itype is None:
        return _planned(r, index) or (itype, how)
    return itype, how


def aws_autoscaling_group(r: Res, col: Collector, index: Index) -> None:
    n = count(r, col, "desired_capacity", "min_size", default=0)
    if not n:
        col.skip(r.address, "desired capacity 0")
        return
    itype, how = _asg_type(r.values, index, r)
    if itype is None:
        col.skip(r.address, how)
        return
    tags = tag_map(r.values.get("tag")) or tag_map(r.values.get("tags"))
    zones = [aws_region(z) for z in items(r.values.get("availability_zones"))]
    col.server(text(r.values.get("name")) or r.address,
               role_of(tags, tags.get("Name"), fallback(r)), itype,
               f"{r.address} (desired capacity {n}, {how})", count=n, tags=tags,
               region=next((z for z in zones if z), None))


def aws_eks_node_group(r: Res, col: Collector, index: Index) -> None:
    scaling = block(r.values.get("scaling_config"))
    n = count_of(scaling.get("desired_size"))
    # AWS provider docs: instance_types "Defaults to [\"t3.medium\"]"
    types = [t for t in items(r.values.get("instance_types")) if text(t)] or ["t3.medium"]
    if not n:
        col.skip(r.address, "desired_size 0 or not in the state")
        return
    tags = tags_of(r)
    col.server(r.address, role_of(tags, None, fallback(r)), types[0],
               f"{r.address} (EKS node group, desired size {n})", count=n, tags=tags)


def managed_server(r: Res, col: Collector, key: str, n: int, role: str, kind: str, what: str,
             data_gb: float | None = None, disk_gb: float | None = None) -> Server | None:
    itype = type_of(r, col, key)
    if itype is None or n == 0:
        if n == 0:
            col.skip(r.address, "zero nodes")
        return None
    tags = tags_of(r)
    server = col.server(r.address, role_of(tags, None, role, "the service and engine"), itype,
                        f"{r.address} ({what})",
                        count=n, kind=kind, ident=text(r.values.get("arn")), tags=tags,
                        managed=True)
    if server is not None and data_gb is not None:
        server.data_gb, server.data_known = data_gb, True
    if server is not None and disk_gb is not None:
        server.disk_gb, server.disk_known = disk_gb, True
    return server


def aws_db_instance(r: Res, col: Collector, index: Index) -> None:
    v = r.values
    engine = text(v.get("engine")) or "database"
    alloc = size(v.get("allocated_storage")) or 0
    most = max(alloc, size(v.get("max_allocated_storage")) or 0)
    what = f"RDS {engine}, {alloc:g} GB allocated storage copied as data"
    server = managed_server(r, col, "instance_class", 1, f"rds-{slug(engine)}", "database", what,
                      alloc or None, most or None)
    if server is not None:
        notes = server.notes
        if v.get("multi_az") is True:
            notes.append("Multi-AZ: the standby is not counted (add one per instance to keep it)")
        if text(v.get("replicate_source_db")):
            notes.append("read replica: data_gb counts its full copy")


def aws_elasticache_cluster(r: Res, col: Collector, index: Index) -> None:
    group = text(r.values.get("replication_group_id"))
    if group:
        col.skip(r.address, f"member of replication group {group}, counted there")
        return
    engine = text(r.values.get("engine")) or "cache"
    managed_server(r, col, "node_type", count(r, col, "num_cache_nodes", default=1) or 0,
             slug(engine), "cache", f"ElastiCache {engine} cluster")


def aws_elasticache_replication_group(r: Res, col: Collector, index: Index) -> None:
    n = count(r, col, "num_cache_clusters", "number_cache_clusters")
    if n is None:
        groups = count(r, col, "num_node_groups", default=1) or 1
        n = groups * ((count(r, col, "replicas_per_node_group", default=0) or 0) + 1)
    engine = text(r.values.get("engine")) or "redis"
    managed_server(r, col, "node_type", n, slug(engine), "cache",
             f"ElastiCache {engine} replication group, {n} node(s)")


def aws_mq_broker(r: Res, col: Collector, index: Index) -> None:
    mode = text(r.values.get("deployment_mode")) or "SINGLE_INSTANCE"
    n = {"ACTIVE_STANDBY_MULTI_AZ": 2, "CLUSTER_MULTI_AZ": 3}.get(mode, 1)
    engine = text(r.values.get("engine_type")) or "broker"
    managed_server(r, col, "host_instance_type", n, f"mq-{slug(engine)}", "queue",
             f"Amazon MQ {engine} broker, {mode}")


def aws_msk_cluster(r: Res, col: Collector, index: Index) -> None:
    nodes = block(r.values.get("broker_node_group_info"))
    n = count(r, col, "number_of_broker_nodes", default=0) or 0
    ebs = block(block(nodes.get("storage_info")).get("ebs_storage_info"))
    disk = size(ebs.get("volume_size")) or size(nodes.get("ebs_volume_size"))
    itype = type_of(r, col, "instance_type", nodes, "broker_node_group_info[0].")
    if itype is None or n == 0:
        return
    server = col.server(r.address, ("kafka", "MSK cluster"), itype,
                        f"{r.address} (MSK Kafka, {n} brokers)", count=n, kind="queue",
                        managed=True)
    if server is not None and disk:
        server.disk_gb, server.disk_known = disk, True


def aws_opensearch_domain(r: Res, col: Collector, index: Index) -> None:
    config = block(r.values.get("cluster_config"))
    n = count_of(config.get("instance_count")) or 1
    volume = size(block(r.values.get("ebs_options")).get("volume_size"), 1e5)
    itype = type_of(r, col, "instance_type", config, "cluster_config[0].")
    if itype is not None:
        server = col.server(r.address, ("search", "OpenSearch domain"), itype,
                            f"{r.address} (OpenSearch, {n} data nodes)", count=n, kind="search",
                            managed=True)
        if server is not None and volume:
            server.disk_gb, server.disk_known = volume, True
            server.data_gb, server.data_known = volume * n, True


HANDLERS = {
    "aws_instance": aws_instance, "aws_autoscaling_group": aws_autoscaling_group,
    "aws_eks_node_group": aws_eks_node_group, "aws_db_instance": aws_db_instance,
    "aws_elasticache_cluster": aws_elasticache_cluster,
    "aws_elasticache_replication_group": aws_elasticache_replication_group,
    "aws_mq_broker": aws_mq_broker, "aws_msk_cluster": aws_msk_cluster,
    "aws_opensearch_domain": aws_opensearch_domain,
    "aws_elasticsearch_domain": aws_opensearch_domain,
}
