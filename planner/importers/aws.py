"""`aws ec2 describe-instances` output: running instances become servers; the others are
counted and reported. vCPU, RAM and architecture come from the instance type."""

from __future__ import annotations

from typing import Any, Iterator

from planner.importers.network import MAX_REFS, Links
from planner.importers.records import (
    Collector,
    aws_region,
    items,
    mappings,
    obj,
    required_text,
    role_of,
    tag_map,
    text,
)


def _instances(data: Any, col: Collector) -> Iterator[tuple[str, Any]]:
    if isinstance(data, list):  # --query 'Reservations[].Instances[]' (or [][] nested)
        for i, item in enumerate(data):
            if isinstance(item, list):
                for j, inst in enumerate(item):
                    yield f"[{i}][{j}]", inst
            else:
                yield f"[{i}]", item
        return
    if not isinstance(data, dict):
        raise col.error("expected a JSON object with Reservations (the output of "
                        "`aws ec2 describe-instances`)")
    for path, reservation in mappings(data.get("Reservations"), col, "Reservations",
                                      "a reservation"):
        instances = reservation.get("Instances", [])
        if not isinstance(instances, list):
            raise col.error("expected a list", path=f"{path}.Instances")
        for i, inst in enumerate(instances):
            yield f"{path}.Instances[{i}]", inst


def _security_groups(inst: dict[str, Any]) -> list[str]:
    """The GroupIds an instance holds, on itself and on its network interfaces."""
    held = items(inst.get("SecurityGroups"))[:MAX_REFS]
    for nic in items(inst.get("NetworkInterfaces"))[:MAX_REFS]:
        held += items(obj(nic).get("Groups"))[:MAX_REFS]
    return list(dict.fromkeys(g for g in (text(obj(h).get("GroupId")) for h in held) if g))


def import_describe_instances(data: Any, col: Collector) -> None:
    col.providers.add("aws-ec2")
    for path, inst in _instances(data, col):
        if not isinstance(inst, dict):
            raise col.error("expected an instance (a mapping)", path=path)
        itype = required_text(inst, "InstanceType", path, col, "instance")
        iid = text(inst.get("InstanceId")) or path
        tags = tag_map(inst.get("Tags"))
        name = tags.get("Name", "").strip() or iid
        label = iid if name == iid else f"{iid} ({name})"
        state = obj(inst.get("State")).get("Name", "running")
        if state != "running":
            col.skip(label, f"state {state if isinstance(state, str) else '?'} (only running "
                     "instances are imported)")
            continue
        server = col.server(name, role_of(tags, name if name != iid else None, "server",
                                          "nothing: no Role or Name tag"),
                            itype, f"EC2 instance {label}", ident=iid, tags=tags,
                            arch_hint=text(inst.get("Architecture")),
                            region=aws_region(obj(inst.get("Placement")).get(
                                "AvailabilityZone")))
        if server is None:
            continue
        server.links = Links(security_groups=_security_groups(inst))
        volumes = len(items(inst.get("BlockDeviceMappings")))
        server.notes.append(f"{volumes} EBS volume(s) each, sizes not in the export"
                            if volumes else "no EBS volumes listed")
        if inst.get("InstanceLifecycle") == "spot":
            server.notes.append("spot instance")
