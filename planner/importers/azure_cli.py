"""`az vm list -d` (--show-details) output: a list of VMs as the Azure CLI prints them
(camelCase of the Compute API's VirtualMachine: `name`, `id`, `location`, `resourceGroup`,
`tags`, `hardwareProfile.vmSize`, `storageProfile.osDisk.diskSizeGb`,
`storageProfile.dataDisks[].diskSizeGb`), with -d adding `powerState` ("VM running",
"VM deallocated", "VM stopped"; Azure/azure-cli vm custom.py get_vm_details). Running VMs
become servers; the others are skipped with their power state."""

from __future__ import annotations

from typing import Any

from planner.importers.records import (
    Collector,
    items,
    mappings,
    obj,
    role_of,
    size,
    tag_map,
    text,
)


def is_vm_list(data: Any) -> bool:
    return isinstance(data, list) and bool(data) and all(
        isinstance(x, dict) and isinstance(x.get("hardwareProfile"), dict) for x in data)


def import_vm_list(data: Any, col: Collector) -> None:
    col.providers.add("azure")
    for path, vm in mappings(data, col, "", "a VM",
                             "expected a list of VMs (the output of `az vm list -d`)"):
        vm_size = obj(vm.get("hardwareProfile")).get("vmSize")
        if not text(vm_size):
            raise col.error("missing or not text: every VM has a hardwareProfile.vmSize",
                            path=f"{path}.hardwareProfile.vmSize")
        name = text(vm.get("name")) or path
        label = f"{name} ({vm['resourceGroup']})" if text(vm.get("resourceGroup")) else name
        power = vm.get("powerState")
        if text(power) and power != "VM running":
            col.skip(label, f"power state {power} (only running VMs are imported)")
            continue
        tags = tag_map(vm.get("tags"))
        location = text(vm.get("location"))
        server = col.server(name, role_of(tags, name, "server"), vm_size,
                            f"Azure VM {label}", ident=text(vm.get("id")), tags=tags,
                            region=location.lower().replace(" ", "") if location else None)
        if server is None:
            continue
        if power is None:
            server.notes.append("no powerState in the export (list with `az vm list -d` to "
                                "leave stopped VMs out)")
        storage = obj(vm.get("storageProfile"))
        os_gb = size(obj(storage.get("osDisk")).get("diskSizeGb"))
        data_disks = [size(obj(d).get("diskSizeGb")) for d in items(storage.get("dataDisks"))]
        if os_gb is not None and all(d is not None for d in data_disks):
            server.disk_gb, server.disk_known = os_gb + sum(data_disks), True  # type: ignore
        if data_disks and all(d is not None for d in data_disks):
            server.data_gb, server.data_known = sum(data_disks), True  # type: ignore[arg-type]
