"""AWS tables: the Migration Hub import template and its "Export recommendations" file, and
Cloud Migration Factory intake forms.

Import template fields and meanings as AWS documents them (Application Discovery Service
user guide, "Importing data into Migration Hub", github.com/awsdocs/
amazon-application-discovery-user-guide doc_source/discovery-import.md):
`CPU.NumberOfProcessors` "the number of CPUs" (4), `CPU.NumberOfCores` "the total number of
physical cores" (8, already a total: not per processor), `CPU.NumberOfLogicalCores` "the
total number of threads" (16), `RAM.TotalSizeInMB`; `Applications` and `Tags` are
comma-delimited lists in quotes (`"zone:1, critical:yes"`). A record needs only one
identifier (ExternalId, IPAddress, MACAddress, HostName, VMware.MoRefId with
VMware.VCenterId): one with nothing to size is skipped, not an error.

The recommendations export (`Server.*` columns, `Recommendation.EC2.*`) is what AWS'
Cloud Migration Factory reads back (github.com/aws-solutions/cloud-migration-factory-on-aws,
its EC2 recommendation import test).

A Migration Factory intake form (`wave_name`, `app_name`, `server_name`, `server_os_family`,
`server_fqdn`, `instanceType`, ...) lists on-premises servers to move INTO AWS: it says
nothing of where they run, and its instanceType is the planned target size."""

from __future__ import annotations

from planner.importers.csvs import (
    add_applications,
    first,
    number_in,
    parse_tags,
    require,
    role_from,
    split_list,
)
from planner.importers.reading import CsvTable
from planner.importers.records import Collector, Server

IDS = ("vmware.vmname", "hostname", "externalid", "vmware.morefid", "ipaddress", "macaddress",
       "smbiosid", "serverid")
CPU = ("cpu.numberoflogicalcores", "cpu.numberofcores", "cpu.numberofprocessors")
REC_IDS = ("server.vmware.vmname", "server.hostname", "server.externalid", "serverid",
           "server.vmware.morefid", "server.smbiosid")


def recognised_import(keys: list[str]) -> bool:
    return bool(set(keys) & {"cpu.numberoflogicalcores", "ram.totalsizeinmb", "externalid"})


def recognised_factory(keys: list[str]) -> bool:
    return "server_name" in keys and bool(set(keys) & {"instancetype", "server_os_family",
                                                        "wave_name", "app_name"})


def recognised_recommendations(keys: list[str]) -> bool:
    return any(k.startswith("server.") for k in keys) and any(
        k.startswith("recommendation.ec2.") or k in ("server.ram.totalsizeinmb",
                                                     "server.cpu.numberoflogicalcores")
        for k in keys)


def cpu_of(col: Collector, rec: dict[str, str], line: int, prefix: str = "") -> float:
    """Logical cores (what a cloud vCPU is), else the total physical cores, else the CPUs."""
    for key, what in (("cpu.numberoflogicalcores", "CPU.NumberOfLogicalCores"),
                      ("cpu.numberofcores", "CPU.NumberOfCores"),
                      ("cpu.numberofprocessors", "CPU.NumberOfProcessors")):
        if rec.get(prefix + key):
            return number_in(col, rec, line, (prefix + key,), prefix + what, 0, 1024,
                             open_low=True) or 1
    return 0


def tag_server(server: Server, rec: dict[str, str], apps_key: str, tags_key: str) -> None:
    for key, value in parse_tags(rec.get(tags_key, "")).items():
        server.tags.setdefault(key, value)
    add_applications(server, split_list(rec.get(apps_key, "")), "Applications")
    if rec.get("applicationwave"):
        server.tags.setdefault("wave", rec["applicationwave"])


def import_ads(table: CsvTable, col: Collector) -> None:
    if "server_name" in table.keys:
        return import_factory(table, col)
    require(table, col, "a Migration Hub import CSV", IDS, CPU, ("ram.totalsizeinmb",))
    for line, rec in table.records():
        name = first(rec, *IDS)
        if not name:
            col.skip(f"line {line}", "no identifier (ExternalId, HostName, VMware.VMName, "
                     "IPAddress, MACAddress): Migration Hub rejects such a record too")
            continue
        where = f"line {line}: {name}"
        has_cpu, has_ram = any(rec.get(k) for k in CPU), bool(rec.get("ram.totalsizeinmb"))
        if not has_cpu or not has_ram:
            lacks = " nor ".join(w for w, h in (("CPU", has_cpu), ("RAM.TotalSizeInMB",
                                                                  has_ram)) if not h)
            col.skip(where, f"no {lacks} to size it (an identifier-only record, which "
                     "Migration Hub allows)")
            continue
        cores = cpu_of(col, rec, line)
        ram = number_in(col, rec, line, ("ram.totalsizeinmb",), "RAM.TotalSizeInMB", 0,
                        65536, scale=1 / 1024, open_low=True)
        role = role_from(rec, ("role", "tags", "applications"), name)
        server = col.add(Server(name, role[0], role[1], None, cores, ram,  # type: ignore
                                ident=rec.get("externalid") or None,
                                origin=where + (f" ({rec['os.name']})" if rec.get("os.name")
                                                else "")))
        if not rec.get("cpu.numberoflogicalcores") and not rec.get("cpu.numberofcores"):
            server.notes.append("only CPU.NumberOfProcessors is given: taken as the vCPUs")
        tag_server(server, rec, "applications", "tags")


def import_recommendations(table: CsvTable, col: Collector) -> None:
    require(table, col, "a Migration Hub recommendations export", REC_IDS,
            ("server.cpu.numberoflogicalcores", "server.cpu.numberofcores",
             "server.cpu.numberofprocessors", "recommendation.ec2.requestedvcpu"),
            ("server.ram.totalsizeinmb", "recommendation.ec2.requestedraminmb"))
    for line, rec in table.records():
        name = first(rec, *REC_IDS)
        if not name:
            col.skip(f"line {line}", "no identifier (ServerId, Server.HostName, ...)")
            continue
        where = f"line {line}: {name}"
        cores = cpu_of(col, rec, line, "server.") or (number_in(
            col, rec, line, ("recommendation.ec2.requestedvcpu",),
            "Recommendation.EC2.RequestedvCPU", 0, 1024, open_low=True, default=0) or 0)
        ram = number_in(col, rec, line, ("server.ram.totalsizeinmb",
                                         "recommendation.ec2.requestedraminmb"),
                        "Server.RAM.TotalSizeInMB", 0, 65536, scale=1 / 1024, open_low=True,
                        default=0) or 0
        if not cores or not ram:
            col.skip(where, "no CPU or RAM to size it")
            continue
        role = role_from(rec, ("role", "tags", "applications"), name)
        server = col.add(Server(name, role[0], role[1], None, cores, ram,
                                ident=rec.get("server.externalid") or None,
                                origin=where + (f" ({rec['server.os.name']})"
                                                if rec.get("server.os.name") else "")))
        model = rec.get("recommendation.ec2.instance.model", "")
        if model:
            server.notes.append(f"Migration Hub recommends EC2 {model} as its target; the "
                                "shape is the server's own")
        tag_server(server, rec, "applications", "tags")


def import_factory(table: CsvTable, col: Collector) -> None:
    """No `source.provider`: the servers are on premises (the writer asks for it)."""
    require(table, col, "a Migration Factory intake form", ("server_name",))
    for line, rec in table.records():
        name, itype = rec.get("server_name", ""), rec.get("instancetype", "")
        where = f"line {line}: {name}"
        if not name:
            col.skip(f"line {line}", "empty server_name")
            continue
        if not itype:
            col.skip(where, "no instanceType: the intake form gives no size for it")
            continue
        role = role_from(rec, ("role", "server_role", "server_tier", "app_name"), name)
        server = col.server(name, role, itype, where)
        if server is None:
            continue
        server.notes.append("instanceType is the EC2 size the Migration Factory intake form "
                            "plans for this on-premises server (its target): its vCPU and "
                            "RAM, from the AWS type table, are used as the shape")
        add_applications(server, split_list(rec.get("app_name", "")), "app_name")
        for key, tag in (("wave_name", "wave"), ("server_environment", "environment")):
            if rec.get(key):
                server.tags.setdefault(tag, rec[key])
