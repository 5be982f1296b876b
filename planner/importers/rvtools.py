"""RVTools' vInfo table (one row per VMware VM), from the .xlsx workbook or its CSV export:
`VM`, `Powerstate`, `Template`, `SRM Placeholder`, `CPUs`, `Memory` (MiB), `NICs`, `Disks`,
`Total disk capacity MiB`, `Provisioned MiB`, `In Use MiB` (RVTools before 4.x wrote `MB`
for the same MiB values), `Folder`, `Datacenter`, `Cluster`, `Host`, `OS according to the
configuration file`, `OS according to the VMware Tools`, `VM UUID`. Header names as a real
RVTools 4.x vInfo sheet has them: github.com/Yoobuu/Kylow,
vmware_rvtools_exporter/out/compare/report.md; read as github.com/lrivallain/rvtools2azmigrate
reads them (VM, Powerstate, CPUs, Memory, Provisioned MiB or MB). AWS Migration Hub, Azure
Migrate and Google Migration Center all import this export.

Powered-off and suspended VMs, templates and SRM placeholders are skipped with the reason."""

from __future__ import annotations

from planner.importers.csvs import key_of, not_running, number_in, require
from planner.importers.reading import CsvTable
from planner.importers.records import Collector, Server, role_of

REQUIRED = ("vm", "powerstate", "cpus", "memory")
DISK = ("total disk capacity mib", "total disk capacity mb", "provisioned mib",
        "provisioned mb")


def recognised(keys: list[str]) -> bool:
    return set(REQUIRED) <= set(keys)


def truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "1")


def import_rvtools(table: CsvTable, col: Collector) -> None:
    require(table, col, "an RVTools vInfo table", *((k,) for k in REQUIRED))
    disk_key = key_of(table.keys, *DISK)
    for line, rec in table.records():
        name = rec.get("vm", "")
        where = f"line {line}: {name}" if table.sheet is None else \
            f"{table.sheet} row {line}: {name}"
        if not name:
            raise col.error("empty VM name", line=line)
        if truthy(rec.get("template", "")):
            col.skip(where, "a template, not a running VM")
            continue
        if truthy(rec.get("srm placeholder", "")):
            col.skip(where, "an SRM placeholder (the replica of a VM protected elsewhere)")
            continue
        power = rec.get("powerstate", "")
        if not_running(power):
            col.skip(where, f"Powerstate {power}: not running today")
            continue
        cpus = number_in(col, rec, line, ("cpus",), "CPUs", 0, 1024, integer=True,
                         open_low=True)
        ram = number_in(col, rec, line, ("memory",), "Memory (MiB)", 0, 65536,
                        scale=1 / 1024, open_low=True, whole=True)
        disk = number_in(col, rec, line, (disk_key,), disk_key or "", 0, 1e7,
                         scale=1 / 1024, default=-1, whole=True) if disk_key else -1
        os_name = rec.get("os according to the vmware tools") or rec.get(
            "os according to the configuration file", "")
        role = role_of({}, name, "vm")
        server = col.add(Server(name, role[0], role[1], None, cpus, ram,  # type: ignore
                                origin=where + (f" ({os_name})" if os_name else ""),
                                ident=rec.get("vm uuid") or None))
        if disk is not None and disk >= 0:
            server.disk_gb, server.disk_known = disk, True
        for key in ("folder", "cluster", "datacenter", "host", "resource pool"):
            if rec.get(key):
                server.tags[key] = rec[key]
        if rec.get("annotation"):
            server.tags["annotation"] = rec["annotation"]
