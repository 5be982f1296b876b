"""Terraform AWS resources as evidence of who calls whom (attribute names as the AWS
provider writes them in state): security groups and their ingress rules, load balancers,
listeners, target groups and attachments (`read`, into the file's Network); and what each
server resource holds or says (`links_of`): its security groups (its own, its launch
template's, its RDS cluster's), target groups, endpoints and user_data."""

from __future__ import annotations

from typing import Any

from planner.importers.network import (
    MAX_REFS,
    Balancer,
    Links,
    Network,
    Rule,
    host,
    ports,
    user_data,
)
from planner.importers.network import strings as refs
from planner.importers.records import block, items, obj, text
from planner.importers.terraform.state import Index, Res

# Resource type -> the attributes holding the host names its servers answer on.
ENDPOINTS = {
    "aws_db_instance": ("address", "endpoint"),
    "aws_rds_cluster_instance": ("endpoint",),
    "aws_rds_cluster": ("endpoint", "reader_endpoint"),
    "aws_elasticache_cluster": ("cluster_address", "configuration_endpoint"),
    "aws_elasticache_replication_group": ("primary_endpoint_address", "reader_endpoint_address",
                                          "configuration_endpoint_address"),
}
SECURITY_GROUPS = {"aws_instance": ("vpc_security_group_ids", "security_groups"),
                   "aws_db_instance": ("vpc_security_group_ids",),
                   "aws_rds_cluster": ("vpc_security_group_ids",),
                   "aws_elasticache_cluster": ("security_group_ids",),
                   "aws_elasticache_replication_group": ("security_group_ids",)}


# --- network facts ----------------------------------------------------------------------------

def _security_group(r: Res, net: Network) -> None:
    sg = text(r.values.get("id"))
    if not sg:
        return
    net.groups[sg] = r.address
    name = text(r.values.get("name"))
    if name:
        net.names.setdefault(name, set()).add(sg)
    for rule in items(r.values.get("ingress"))[:MAX_REFS]:
        rule = obj(rule)  # `self = true` lets members call one another: peers, not a tier
        what = ports(rule.get("protocol"), rule.get("from_port"), rule.get("to_port"))
        net.rules += [Rule(sg, src, what, r.address) for src in refs(rule.get("security_groups"))]


def _rule(r: Res, net: Network) -> None:
    v = r.values
    if r.type == "aws_security_group_rule":
        if v.get("type") != "ingress":
            return
        source, protocol = text(v.get("source_security_group_id")), v.get("protocol")
    else:
        source, protocol = text(v.get("referenced_security_group_id")), v.get("ip_protocol")
    target = text(v.get("security_group_id"))
    if target and source:  # a CIDR block or prefix list names no servers
        net.rules.append(Rule(target, source, ports(protocol, v.get("from_port"),
                                                    v.get("to_port")), r.address))


def _balancer(r: Res, net: Network) -> None:
    arn = text(r.values.get("arn")) or text(r.values.get("id"))
    if arn:
        net.balancers[arn] = Balancer(r.address, refs(r.values.get("security_groups")),
                                      host(r.values.get("dns_name")))


def _target_group(r: Res, net: Network) -> None:
    arn = text(r.values.get("arn")) or text(r.values.get("id"))
    if arn:
        net.target_groups[arn] = r.address
        net.tg_balancers.setdefault(arn, set()).update(refs(r.values.get("load_balancer_arns")))


def _attachment(r: Res, net: Network) -> None:
    tg, target = text(r.values.get("target_group_arn")), text(r.values.get("target_id"))
    if tg and target:
        net.attachments.setdefault(tg, set()).add(target)


def _forwards(actions: Any) -> list[str]:
    """Target groups an action list forwards to: `target_group_arn`, or weighted ones."""
    found = []
    for action in items(actions)[:MAX_REFS]:
        action = obj(action)
        found += [t for t in [text(action.get("target_group_arn"))] if t]
        found += [text(obj(g).get("arn")) or "" for g in
                  items(block(action.get("forward")).get("target_group"))[:MAX_REFS]]
    return [f for f in found if f]


def _listener(r: Res, net: Network) -> None:
    v = r.values
    if r.type.endswith("_rule"):
        listener, actions = text(v.get("listener_arn")), v.get("action")
    else:
        listener, actions = text(v.get("arn")) or text(v.get("id")), v.get("default_action")
        lb = text(v.get("load_balancer_arn"))
        if listener and lb:
            net.listeners[listener] = lb
    if listener:
        net.forwards.update((listener, tg) for tg in _forwards(actions))


READERS = {"aws_security_group": _security_group, "aws_security_group_rule": _rule,
           "aws_vpc_security_group_ingress_rule": _rule}
for _prefix in ("aws_lb", "aws_alb"):
    READERS |= {_prefix: _balancer, f"{_prefix}_target_group": _target_group,
                f"{_prefix}_target_group_attachment": _attachment,
                f"{_prefix}_listener": _listener, f"{_prefix}_listener_rule": _listener}
NETWORK = set(READERS)


def read(r: Res, net: Network) -> None:
    READERS[r.type](r, net)


# --- what a server resource holds and says ----------------------------------------------------

def _template(links: Links, index: Index, specs: list[dict[str, Any]],
              config: str | None = None) -> None:
    """Add the security groups and user_data of the launch template (or configuration)
    the servers start from."""
    found = next((index.by_ref[("aws_launch_template", ref)] for spec in specs
                  for ref in (text(spec.get("id")), text(spec.get("name")))
                  if ref and ("aws_launch_template", ref) in index.by_ref), None)
    if found is None and config:
        found = index.by_ref.get(("aws_launch_configuration", config))
    if found is None:
        return
    v = found.values
    links.holder += f" (launch template {found.address})"
    links.security_groups += refs(v.get("vpc_security_group_ids")) + refs(
        v.get("security_group_names")) + refs(v.get("security_groups"))
    for nic in items(v.get("network_interfaces"))[:MAX_REFS]:
        links.security_groups += refs(obj(nic).get("security_groups"))
    for key in ("user_data", "user_data_base64"):
        links.texts += user_data(v.get(key), f"the {key} of {found.address}")


def _endpoints(r: Res) -> list[Any]:
    v = r.values
    found = [v.get(key) for key in ENDPOINTS.get(r.type, ())]
    if r.type == "aws_elasticache_cluster":
        found += [obj(node).get("address") for node in items(v.get("cache_nodes"))[:MAX_REFS]]
    return found


def links_of(r: Res, index: Index) -> Links:
    v, links = r.values, Links(holder=r.address)
    for key in SECURITY_GROUPS.get(r.type, ()):
        links.security_groups += refs(v.get(key))
    raw = _endpoints(r)
    if r.type == "aws_instance":
        for key in ("user_data", "user_data_base64"):
            links.texts += user_data(v.get(key), f"the {key} of {r.address}")
        _template(links, index, [block(v.get("launch_template"))])
    elif r.type == "aws_eks_node_group":
        _template(links, index, [block(v.get("launch_template"))])
    elif r.type == "aws_autoscaling_group":
        links.target_groups += refs(v.get("target_group_arns"))
        policy = block(block(v.get("mixed_instances_policy")).get("launch_template"))
        spec = block(policy.get("launch_template_specification"))
        _template(links, index, [block(v.get("launch_template")),
                                 {"id": spec.get("launch_template_id"),
                                  "name": spec.get("launch_template_name")}],
                  text(v.get("launch_configuration")))
    elif r.type == "aws_rds_cluster_instance":  # the cluster holds the security groups
        cluster = index.by_ref.get(("aws_rds_cluster", text(v.get("cluster_identifier")) or ""))
        if cluster is not None:
            links.holder += f" (in {cluster.address})"
            links.security_groups += refs(cluster.values.get("vpc_security_group_ids"))
            raw += _endpoints(cluster)
    links.endpoints = [h for h in dict.fromkeys(map(host, raw)) if h]
    return links
