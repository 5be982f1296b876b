"""Azure Migrate tables: the import template (`*Server name`, `*Cores`, `*Memory (In MB)`,
`*OS name`, the asterisk marking required columns; learn.microsoft.com, "Assess servers
using an imported CSV file"), and the discovered-servers and assessment exports (`Machine
Name`, `Cores`, `Memory (in MB)`, `Operating System`, `Power Stats`, as the Azure Migrate
Export utility writes them: github.com/Azure/azure-migrate-export,
src/Common/DiscoveryReportConstants.cs and CoreReportConstants.cs). Machines whose power
state says they are off are skipped."""

from __future__ import annotations

from planner.importers.csvs import (
    add_applications,
    disks,
    first,
    key_of,
    not_running,
    number_in,
    role_from,
    split_list,
)
from planner.importers.reading import CsvTable
from planner.importers.records import Collector, Server

NAMES = ("server name", "machine name", "machine", "vm name", "display name")
CORES = ("cores", "number of cores", "logical cores", "vcpus")
MEMORY = ("memory (in mb)", "memory (mb)", "memory(mb)", "memory in mb", "ram (mb)",
          "allocated memory (in mb)")
POWER = ("power status", "power stats", "power state", "powerstate")
OS = ("os name", "operating system", "os")
DISKS = r"disk \d+ size \(in gb\)|storage \(in gb\)|storage\(gb\)|storage \(gb\)"


def columns(keys: list[str]) -> dict[str, str | None]:
    return {"name": key_of(keys, *NAMES), "cores": key_of(keys, *CORES),
            "memory": key_of(keys, *MEMORY), "power": key_of(keys, *POWER),
            "os": key_of(keys, *OS), "size": key_of(keys, "recommended size",
                                                    "recommended vm size")}


def recognised(keys: list[str]) -> bool:
    found = columns(keys)
    return bool(found["name"] and (found["cores"] or found["memory"]))


def import_azure_migrate(table: CsvTable, col: Collector) -> None:
    found = columns(table.keys)
    missing = [what for what, key, names in (("Server name", found["name"], NAMES),
                                             ("Cores", found["cores"], CORES),
                                             ("Memory (In MB)", found["memory"], MEMORY))
               if key is None]
    if missing:
        raise col.error("an Azure Migrate CSV needs the column(s) "
                        f"{'; '.join(m.lower() for m in missing)} (the template's "
                        "*Server name, *Cores, *Memory (In MB); an export's Machine Name, "
                        "Cores, Memory (in MB)), which the header lacks",
                        line=table.header_line)
    name_key, cores_key, memory_key = found["name"], found["cores"], found["memory"]
    for line, rec in table.records():
        name = rec.get(name_key, "")  # type: ignore[arg-type]
        if not name:
            raise col.error(f"empty {name_key}", line=line)
        power = rec.get(found["power"] or "", "")
        if power and not_running(power):
            col.skip(f"line {line}: {name}", f"power state {power}: not running today")
            continue
        cores = number_in(col, rec, line, (cores_key,), "Cores", 0, 1024,  # type: ignore
                          open_low=True)
        ram = number_in(col, rec, line, (memory_key,), "Memory (In MB)", 0,  # type: ignore
                        65536, scale=1 / 1024, open_low=True)
        disk, known = disks(col, rec, line, DISKS)
        apps = split_list(first(rec, "application", "applications", "application name"))
        role = role_from(rec, ("role", "application", "applications", "application name",
                               "tags"), name)
        arch = "arm64" if "arm" in rec.get("os architecture", "").lower() else "x86_64"
        os_name = rec.get(found["os"] or "", "")
        server = col.add(Server(name, role[0], role[1], None, cores, ram, arch,  # type: ignore
                                disk_gb=min(disk, 1e7), disk_known=known,
                                ident=rec.get("machine id") or None,
                                origin=f"line {line}: {name}"
                                + (f" ({os_name})" if os_name else "")))
        add_applications(server, apps, "the application column")
        if found["size"] and rec.get(found["size"]):
            server.notes.append(f"Azure Migrate's assessment recommends {rec[found['size']]}; "
                                "the shape is the machine's own")
