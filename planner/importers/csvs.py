"""CSV inventories: Azure Migrate, AWS Application Discovery Service (Migration Hub import
template) and Migration Factory intake forms, and the plain format
`name,count,vcpu,ram_gb,disk_gb,role` (optional: type, arch, gpu, data_gb, tier)."""

from __future__ import annotations

import math
import re

from planner.importers.reading import CsvTable
from planner.importers.records import Collector, Server, name_prefix, role_of

Record = dict[str, str]


def _value(col: Collector, rec: Record, line: int, keys: tuple[str, ...], what: str,
           lo: float, hi: float, *, integer: bool = False, default: float | None = None,
           scale: float = 1.0, open_low: bool = False) -> float | None:
    """The number in the first of `keys` present and not empty; checked against
    [lo, hi] (or (lo, hi] with open_low); `default` when all are empty."""
    key = next((k for k in keys if rec.get(k, "") != ""), None)
    if key is None:
        if default is None:
            raise col.error(f"missing {what}: the column {keys[0]!r} is absent or empty",
                            line=line)
        return default
    raw = rec[key].replace(" ", "")
    try:
        value = float(raw) * scale
    except ValueError:
        raise col.error(f"{what} must be a number (got {rec[key]!r})", path=key,
                        line=line) from None
    low_bad = value <= lo if open_low else value < lo
    if not math.isfinite(value) or low_bad or value > hi or (integer and value != int(value)):
        bound = f"{'(' if open_low else '['}{lo:g}, {hi:g}]"
        raise col.error(f"{what} must be {'a whole number ' if integer else ''}in {bound} "
                        f"(got {rec[key]!r})", path=key, line=line)
    return value


def _role(rec: Record, keys: tuple[str, ...], name: str) -> tuple[str, str]:
    for key in keys:
        value = rec.get(key, "").split(";")[0].strip()
        if key == "tags":
            found = re.search(r"(?:^|[;,\s])role\s*[:=]\s*([^;,]+)", rec.get(key, ""), re.I)
            value = found.group(1).strip() if found else ""
        if value:
            return value, f"column {key}"
    return role_of({}, name, "server")


def _disks(col: Collector, rec: Record, line: int, pattern: str) -> tuple[float, bool]:
    keys = [k for k in rec if re.fullmatch(pattern, k)]
    sizes = [_value(col, rec, line, (k,), k, 0, 1e7, default=0.0) or 0.0 for k in keys]
    return sum(sizes), bool(keys)


def _require(table: CsvTable, col: Collector, what: str, *needed: tuple[str, ...]) -> None:
    """Each of `needed` is a set of alternative columns, one of which the header must have."""
    missing = [" or ".join(alt) for alt in needed if not set(alt) & set(table.keys)]
    if missing:
        raise col.error(f"{what} needs the column(s) {'; '.join(missing)}, which the header "
                        "lacks", line=table.header_line)


def import_azure_migrate(table: CsvTable, col: Collector) -> None:
    _require(table, col, "an Azure Migrate CSV", ("server name",),
             ("cores", "number of cores"), ("memory (in mb)", "memory (mb)"))
    for line, rec in table.records():
        name = rec.get("server name", "")
        if not name:
            raise col.error("empty Server name", line=line)
        cores = _value(col, rec, line, ("cores", "number of cores"), "Cores", 0, 1024,
                       open_low=True)
        ram = _value(col, rec, line, ("memory (in mb)", "memory (mb)"), "Memory (In MB)", 0,
                     65536, scale=1 / 1024, open_low=True)
        disk, known = _disks(col, rec, line, r"disk \d+ size \(in gb\)|storage \(in gb\)")
        role = _role(rec, ("role", "application", "application name", "tags"), name)
        arch = "arm64" if "arm" in rec.get("os architecture", "").lower() else "x86_64"
        os_name = rec.get("os name", rec.get("operating system", rec.get("os", "")))
        col.add(Server(name, role[0], role[1], None, cores, ram, arch,  # type: ignore
                       disk_gb=min(disk, 1e7), disk_known=known,
                       origin=f"line {line}: {name}" + (f" ({os_name})" if os_name else "")))


def import_ads(table: CsvTable, col: Collector) -> None:
    if "server_name" in table.keys:
        return _migration_factory(table, col)
    _require(table, col, "a Migration Hub import CSV", ("vmware.vmname", "hostname",
             "externalid"), ("cpu.numberoflogicalcores", "cpu.numberofcores"),
             ("ram.totalsizeinmb",))
    for line, rec in table.records():
        name = rec.get("vmware.vmname") or rec.get("hostname") or rec.get("externalid", "")
        if not name:
            raise col.error("no server name: VMware.VMName, HostName and ExternalId are "
                            "all empty", line=line)
        if rec.get("cpu.numberoflogicalcores"):
            cores = _value(col, rec, line, ("cpu.numberoflogicalcores",),
                           "CPU.NumberOfLogicalCores", 0, 1024, open_low=True) or 1
        else:
            per = _value(col, rec, line, ("cpu.numberofcores",), "CPU.NumberOfLogicalCores "
                         "(or CPU.NumberOfCores)", 0, 1024, open_low=True) or 1
            cores = per * (_value(col, rec, line, ("cpu.numberofprocessors",),
                                  "CPU.NumberOfProcessors", 1, 64, integer=True,
                                  default=1) or 1)
        ram = _value(col, rec, line, ("ram.totalsizeinmb",), "RAM.TotalSizeInMB", 0, 65536,
                     scale=1 / 1024, open_low=True)
        disk, known = _disks(col, rec, line, r"(disk|storage)\S*sizeingb\S*")
        role = _role(rec, ("role", "tags", "applications"), name)
        ident = rec.get("externalid") or None
        col.add(Server(name, role[0], role[1], None, min(cores, 1024), ram,  # type: ignore
                       disk_gb=min(disk, 1e7), disk_known=known, ident=ident,
                       origin=f"line {line}: {name}" + (f" ({rec['os.name']})"
                                                        if rec.get("os.name") else "")))


def _migration_factory(table: CsvTable, col: Collector) -> None:
    _require(table, col, "a Migration Factory intake form", ("instancetype",))
    col.providers.add("aws-ec2")
    for line, rec in table.records():
        name, itype = rec.get("server_name", ""), rec.get("instancetype", "")
        if not name or not itype:
            raise col.error("server_name and instanceType must not be empty", line=line)
        role = _role(rec, ("role", "server_role", "server_tier", "app_name"), name)
        col.server(name, role, itype, f"line {line}: {name}")


def import_plain(table: CsvTable, col: Collector) -> None:
    _require(table, col, "a plain CSV (name,count,vcpu,ram_gb,disk_gb,role)", ("name",),
             ("vcpu", "type"))
    for line, rec in table.records():
        name = rec.get("name", "")
        if not name:
            raise col.error("empty name", line=line)
        n = int(_value(col, rec, line, ("count",), "count", 1, 1_000_000, integer=True,
                       default=1) or 1)
        role = (rec["role"], "column role") if rec.get("role") else (
            name_prefix(name) or name, "name")
        itype = rec.get("type") or None
        if itype and not rec.get("vcpu") and not rec.get("ram_gb"):
            server = col.server(name, role, itype, f"line {line}: {name}", count=n)
            if server is None:
                continue
        else:
            vcpu = _value(col, rec, line, ("vcpu",), "vcpu", 0, 1024, open_low=True)
            ram = _value(col, rec, line, ("ram_gb",), "ram_gb", 0, 65536, open_low=True)
            arch = rec.get("arch", "").lower() or "x86_64"
            if arch not in ("x86_64", "arm64", "any"):
                raise col.error(f"arch must be x86_64, arm64 or any (got {arch!r})",
                                path="arch", line=line)
            server = col.add(Server(name, role[0], role[1], itype, vcpu, ram, arch,  # type: ignore
                                    count=n, origin=f"line {line}: {name}"))
        gpu = _value(col, rec, line, ("gpu", "gpu_count"), "gpu", 0, 64, integer=True,
                     default=-1)
        if gpu is not None and gpu >= 0:
            server.gpu = int(gpu)
        disk = _value(col, rec, line, ("disk_gb",), "disk_gb", 0, 1e7, default=-1)
        if disk is not None and disk >= 0:
            server.disk_gb, server.disk_known = disk, True
        data = _value(col, rec, line, ("data_gb",), "data_gb", 0, 1e9, default=-1)
        if data is not None and data >= 0:
            server.data_gb, server.data_known = data, True
        tier = _value(col, rec, line, ("tier",), "tier", 1, 4, integer=True, default=-1)
        if tier is not None and tier >= 1:
            server.tier = int(tier)
