"""`gcloud compute instances list --format=json` output: a list of Compute Engine instances
as the API's Instance resource (`kind` "compute#instance", `name`, `id` (a string),
`machineType` and `zone` as URLs, `status` RUNNING/TERMINATED/STOPPED/SUSPENDED,
`labels`, `disks[]` with `boot` and `diskSizeGb` (an int64, written as a string),
`guestAccelerators[].acceleratorCount`; cloud.google.com/compute/docs/reference/rest/v1/
instances). Running instances become servers; the others are skipped with their status."""

from __future__ import annotations

import re
from typing import Any

from planner.importers.records import (
    Collector,
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

ZONE = re.compile(r"([a-z]+-[a-z]+\d+)-[a-z]$")


def is_instance_list(data: Any) -> bool:
    return isinstance(data, list) and bool(data) and all(
        isinstance(x, dict) and text(x.get("machineType")) and (
            x.get("kind") == "compute#instance" or "zone" in x) for x in data)


def _gb(value: Any) -> float | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return size(value)


def import_instances(data: Any, col: Collector) -> None:
    col.providers.add("google-cloud")
    for path, inst in mappings(data, col, "", "an instance",
                               "expected a list of instances (the output of "
                               "`gcloud compute instances list --format=json`)"):
        machine = required_text(inst, "machineType", path, col, "instance")
        name = text(inst.get("name")) or path
        status = inst.get("status", "RUNNING")
        if status != "RUNNING":
            col.skip(name, f"status {status if isinstance(status, str) else '?'} (only "
                     "RUNNING instances are imported)")
            continue
        labels = tag_map(inst.get("labels"))
        zone = ZONE.search((text(inst.get("zone")) or "").rstrip("/").rsplit("/", 1)[-1])
        ident = inst.get("id")
        server = col.server(name, role_of(labels, name, "server"), machine.rsplit("/", 1)[-1],
                            f"Compute Engine instance {name}",
                            ident=str(ident) if isinstance(ident, (str, int)) else None,
                            tags=labels, region=zone[1] if zone else None)
        if server is None:
            continue
        disks = [obj(d) for d in items(inst.get("disks"))]
        sizes = [_gb(d.get("diskSizeGb")) for d in disks]
        if disks and all(s is not None for s in sizes):
            server.disk_gb, server.disk_known = sum(sizes), True  # type: ignore[arg-type]
            data_gb = [s for d, s in zip(disks, sizes) if d.get("boot") is not True]
            if data_gb:
                server.data_gb, server.data_known = sum(data_gb), True  # type: ignore
        gpus = sum(count_of(obj(a).get("acceleratorCount")) or 0
                   for a in items(inst.get("guestAccelerators")))
        if gpus:
            server.gpu = max(server.gpu, min(gpus, 64))
