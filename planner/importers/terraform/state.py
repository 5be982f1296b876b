"""A Terraform state or plan (`terraform show -json`, root module and child modules) as a
list of resources, the index of what resources point at, and readers of a resource's
attributes that every provider's handlers share."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from planner.importers.records import (
    Collector,
    count_of,
    mappings,
    resource_role,
    tag_map,
    text,
)

RECORDS = {"aws_route53_record": "zone_id", "google_dns_record_set": "managed_zone"}


@dataclass
class Res:
    type: str
    name: str
    address: str
    values: dict[str, Any]
    path: str
    values_key: str = "values"   # "attributes" in a raw state


INDEX = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def plain(address: str) -> str:
    """module.app[0].aws_instance.web["a"] -> module.app.aws_instance.web"""
    return INDEX.sub("", address)


@dataclass
class Index:
    """Resources other resources point at, by id and by name."""

    launch_templates: dict[str, str | None] = field(default_factory=dict)
    launch_configs: dict[str, str | None] = field(default_factory=dict)
    templates: dict[str, str | None] = field(default_factory=dict)   # Google instance templates
    records: Counter = field(default_factory=Counter)                 # zone key -> records
    by_ref: dict[tuple[str, str], Res] = field(default_factory=dict)  # (type, id/name) -> it
    by_address: dict[str, list[Res]] = field(default_factory=dict)   # plain address -> them
    refs: dict[str, list[str]] = field(default_factory=dict)  # plan: what configuration names
    members: set[str] = field(default_factory=set)   # clusters that have instances here
    volumes: dict[str, list[Res]] = field(default_factory=dict)  # instance -> EBS volumes

    def named(self, r: Res, rtype: str) -> list[Res]:
        """The resources of type `rtype` the configuration of `r` refers to (a plan)."""
        return [x for ref in self.refs.get(plain(r.address), [])
                if ref.rsplit(".", 2)[-2] == rtype
                for x in self.by_address.get(ref, [])]


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
        for rpath, res in mappings(module.get("resources", []), col, f"{mpath}.resources",
                                   "a resource"):
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
        stack.extend((child, cpath) for cpath, child in mappings(
            module.get("child_modules", []), col, f"{mpath}.child_modules", "a module"))
    return out


def is_record(rtype: str) -> bool:
    return rtype in RECORDS or (rtype.startswith("azurerm_dns_") and rtype.endswith("_record"))


LOOKED_UP = ("aws_launch_template", "aws_launch_configuration", "aws_rds_cluster")


def index_of(found: list[Res]) -> Index:
    index = Index()
    for r in found:
        v = r.values
        if r.type in LOOKED_UP:  # servers take security groups and user_data from these
            for key in ("id", "name", "arn", "cluster_identifier"):
                if text(v.get(key)):
                    index.by_ref[(r.type, v[key])] = r
        if r.type == "aws_launch_template":
            target, kind = index.launch_templates, text(v.get("instance_type"))
        elif r.type == "aws_launch_configuration":
            target, kind = index.launch_configs, text(v.get("instance_type"))
        elif r.type in ("google_compute_instance_template",
                        "google_compute_region_instance_template"):
            target, kind = index.templates, text(v.get("machine_type"))
        elif is_record(r.type):
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


def type_of(r: Res, col: Collector, key: str, where: dict[str, Any] | None = None,
            path: str = "") -> str | None:
    """The instance type at `key`; skipped (None) when absent, an error when not text."""
    value = (r.values if where is None else where).get(key)
    if value is None:
        col.skip(r.address, f"no {key} in the state")
        return None
    if not text(value):
        raise col.error(f"{r.address}: {key} must be text",
                        path=f"{r.path}.{r.values_key}.{path}{key}")
    return value


def count(r: Res, col: Collector, *keys: str, default: int | None = None) -> int | None:
    for key in keys:
        value = r.values.get(key)
        if value is not None:
            n = count_of(value)
            if n is None:
                raise col.error(f"{r.address}: {key} must be a whole number >= 0",
                                path=f"{r.path}.{r.values_key}.{key}")
            return n
    return default


def tags_of(r: Res) -> dict[str, str]:
    return tag_map(r.values.get("tags")) or tag_map(r.values.get("tags_all"))


def fallback(r: Res) -> str:
    return resource_role(r.address, r.type, r.name)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40] or "x"
