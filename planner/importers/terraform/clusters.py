"""Terraform AWS clusters: Aurora (aws_rds_cluster and its aws_rds_cluster_instance, the
servers), Neptune (aws_neptune_cluster and aws_neptune_cluster_instance) and EKS
(aws_eks_cluster: its nodes are its node groups, read in aws.py). A cluster without
instances in the file is not lost: a serverless one gets a placeholder, the others a
reason in the skipped list."""

from __future__ import annotations

import math

from planner.importers.records import Collector, Server, block, number, text
from planner.importers.terraform.aws import managed_server
from planner.importers.terraform.state import Index, Res, plain, slug

# Aurora Serverless v2: "Each ACU is a combination of approximately 2 gibibytes (GiB) of
# memory, corresponding CPU, and networking" (docs.aws.amazon.com/AmazonRDS/latest/
# AuroraUserGuide/aurora-serverless-v2.how-it-works.html).
GIB_PER_ACU = 2


def _cluster_of(r: Res, index: Index, rtype: str) -> Res | None:
    ident = text(r.values.get("cluster_identifier"))
    found = index.by_ref.get((rtype, ident)) if ident else None
    return found or next(iter(index.named(r, rtype)), None)


def _placeholder(r: Res, col: Collector, cluster: Res | None, why: str) -> None:
    scaling = block((cluster or r).values.get("serverlessv2_scaling_configuration")) or block(
        (cluster or r).values.get("scaling_configuration"))
    acu = number(scaling.get("max_capacity"))
    ram = max(4.0, min(acu * GIB_PER_ACU, 1024.0)) if acu else 8.0
    vcpu = float(max(2, math.ceil(ram / 8)))
    engine = text((cluster or r).values.get("engine")) or "aurora"
    server = col.add(Server(
        r.address, f"rds-{slug(engine)}", "the service and engine", None, vcpu, ram,
        arch="any", kind="database", origin=f"{r.address} (Aurora Serverless {engine})",
        ident=text(r.values.get("arn"))))
    server.notes.append(
        f"{why}: a planner estimate of {vcpu:g} vCPU, {ram:g} GiB "
        + (f"from its {acu:g} ACU maximum (about {GIB_PER_ACU} GiB each)" if acu else
           "(no ACU maximum in the file)") + "; size it to the load you see")


def aws_rds_cluster_instance(r: Res, col: Collector, index: Index) -> None:
    engine = text(r.values.get("engine")) or "aurora"
    if (text(r.values.get("instance_class")) or "").lower() == "db.serverless":
        _placeholder(r, col, _cluster_of(r, index, "aws_rds_cluster"),
                     "an Aurora Serverless v2 instance (db.serverless)")
        return
    managed_server(r, col, "instance_class", 1, f"rds-{slug(engine)}", "database",
                   f"RDS {engine} cluster instance; Aurora storage is not in the state")


def _has_members(r: Res, index: Index) -> bool:
    keys = {text(r.values.get(k)) for k in ("cluster_identifier", "id", "arn")}
    return bool(index.members & ({k for k in keys if k} | {plain(r.address)}))


def aws_rds_cluster(r: Res, col: Collector, index: Index) -> None:
    if _has_members(r, index):
        return  # its instances are the servers
    mode = text(r.values.get("engine_mode")) or "provisioned"
    if mode == "serverless" or block(r.values.get("serverlessv2_scaling_configuration")):
        _placeholder(r, col, r, f"an Aurora Serverless cluster ({mode}) without instances "
                     "in this file")
        return
    col.skip(r.address, "Aurora cluster without aws_rds_cluster_instance in this file: its "
             "instances are its servers; import the file that holds them")


def aws_neptune_cluster_instance(r: Res, col: Collector, index: Index) -> None:
    managed_server(r, col, "instance_class", 1, "neptune", "database",
                   "Neptune graph database instance; cluster storage is not in the state")


def aws_neptune_cluster(r: Res, col: Collector, index: Index) -> None:
    if not _has_members(r, index):
        col.skip(r.address, "Neptune cluster without aws_neptune_cluster_instance in this "
                 "file: its instances are its servers; import the file that holds them")


def aws_eks_cluster(r: Res, col: Collector, index: Index) -> None:
    name = text(r.values.get("name")) or r.address
    groups = sum(1 for x in index.by_address.values() for g in x
                 if g.type == "aws_eks_node_group" and g.values.get("cluster_name") == name)
    if groups:
        col.skip(r.address, f"EKS control plane of {name}, run by AWS: its nodes are its "
                 f"{groups} node group(s), imported")
    else:
        col.skip(r.address, f"EKS cluster {name} without node groups in this file: its "
                 "nodes (self-managed, Karpenter or Fargate) are not counted; add them")


HANDLERS = {
    "aws_rds_cluster_instance": aws_rds_cluster_instance, "aws_rds_cluster": aws_rds_cluster,
    "aws_neptune_cluster_instance": aws_neptune_cluster_instance,
    "aws_neptune_cluster": aws_neptune_cluster, "aws_eks_cluster": aws_eks_cluster,
}
