"""What a plan's `configuration` section says that its `planned_values` cannot: which
resource an attribute refers to when the value is unknown until apply (an autoscaling
group's launch template, a volume attachment's volume and instance). Shape as
developer.hashicorp.com/terraform/internals/json-format documents it:
`configuration.root_module.resources[]` with `address` and `expressions` (an expression
is {"constant_value": ...} or {"references": ["aws_launch_template.web.id",
"aws_launch_template.web"]}, a nested block a list of expression mappings) and
`module_calls.NAME.module` for child modules. Also links what resources name in a state:
cluster members and EBS volume attachments."""

from __future__ import annotations

from typing import Any

from planner.importers.records import obj, text
from planner.importers.terraform.state import Index, Res, plain

NOT_RESOURCES = ("var", "local", "module", "data", "each", "count", "path", "self",
                 "terraform")
MAX_DEPTH = 40


def _collect(value: Any, out: list[str], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            _collect(item, out, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "references" and isinstance(item, list):
                out += [r for r in item if isinstance(r, str)]
            else:
                _collect(item, out, depth + 1)


def _resource_ref(ref: str) -> str | None:
    parts = plain(ref).split(".")
    if len(parts) < 2 or parts[0] in NOT_RESOURCES or "_" not in parts[0]:
        return None
    return f"{parts[0]}.{parts[1]}"


def references(data: Any) -> dict[str, list[str]]:
    """Plain resource address -> the plain addresses of the resources it refers to."""
    config = obj(obj(data).get("configuration")).get("root_module")
    out: dict[str, list[str]] = {}
    stack = [(obj(config), "", 0)]
    while stack:
        module, prefix, depth = stack.pop()
        for res in module.get("resources", []) if isinstance(module.get("resources"),
                                                             list) else []:
            address = text(obj(res).get("address"))
            if not address:
                continue
            found: list[str] = []
            _collect(obj(res).get("expressions"), found)
            refs = [prefix + r for r in (_resource_ref(x) for x in found) if r]
            out[prefix + plain(address)] = list(dict.fromkeys(refs))
        if depth < MAX_DEPTH:
            for name, call in obj(module.get("module_calls")).items():
                stack.append((obj(obj(call).get("module")), f"{prefix}module.{name}.",
                              depth + 1))
    return out


def link(found: list[Res], index: Index) -> None:
    """Fill the index's addresses, cluster members and EBS attachments."""
    for r in found:
        index.by_address.setdefault(plain(r.address), []).append(r)
    volumes = {text(r.values.get("id")): r for r in found if r.type == "aws_ebs_volume"}
    for r in found:
        v = r.values
        if r.type in ("aws_rds_cluster_instance", "aws_neptune_cluster_instance"):
            index.members.add(text(v.get("cluster_identifier")) or "")
            index.members.update(plain(x.address) for x in index.named(
                r, r.type.replace("_instance", "")))
        elif r.type == "aws_volume_attachment":
            volume = volumes.get(text(v.get("volume_id"))) if text(v.get("volume_id")) else (
                next(iter(index.named(r, "aws_ebs_volume")), None))
            instance = text(v.get("instance_id"))
            if instance is None:
                named = index.named(r, "aws_instance")
                same = [x for x in named if x.address[len(plain(x.address)):] ==
                        r.address[len(plain(r.address)):]]
                pick = named if len(named) == 1 else same
                instance = pick[0].address if len(pick) == 1 else None
            if volume is not None and instance:
                index.volumes.setdefault(instance, []).append(volume)
    index.members.discard("")
