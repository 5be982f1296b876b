"""Tabular inventories: the helpers every table importer reads records with (numbers, roles,
applications and tags, power states), and the plain format
`name,count,vcpu,ram_gb,disk_gb,role` (optional: type, arch, gpu, data_gb, tier).

The vendors' formats are in azure_migrate.py, migration_hub.py and rvtools.py."""

from __future__ import annotations

import math
import re

from planner.importers.reading import CsvTable, parse_number
from planner.importers.records import Collector, Server, name_prefix, role_of

Record = dict[str, str]

# Power states that say a machine does not run today (RVTools poweredOff/suspended, Azure
# Migrate OFF, Hyper-V Off/Saved/Paused): nothing to move capacity for.
NOT_RUNNING = {"off", "poweredoff", "suspended", "stopped", "deallocated", "saved", "paused",
               "shutdown"}


def squash(key: str) -> str:
    """A header without spaces, underscores or case: `Memory (In MB)` -> `memory(inmb)`."""
    return re.sub(r"[\s_]+", "", key.lower())


def key_of(keys: list[str] | set[str], *alternatives: str) -> str | None:
    """The first header in `keys` whose squashed form is one of `alternatives`."""
    wanted = {squash(a) for a in alternatives}
    return next((k for k in keys if squash(k) in wanted), None)


def first(rec: Record, *keys: str) -> str:
    return next((rec[k] for k in keys if rec.get(k, "")), "")


def number_in(col: Collector, rec: Record, line: int, keys: tuple[str, ...], what: str,
              lo: float, hi: float, *, integer: bool = False, default: float | None = None,
              scale: float = 1.0, open_low: bool = False, whole: bool = False) -> float | None:
    """The number in the first of `keys` present and not empty (thousands separators and
    decimal commas read as exports write them; with `whole`, the column holds whole numbers,
    so `16.384` is 16384); checked against [lo, hi] (or (lo, hi] with
    open_low); `default` when all are empty."""
    key = next((k for k in keys if rec.get(k, "") != ""), None)
    if key is None:
        if default is None:
            raise col.error(f"missing {what}: the column {keys[0]!r} is absent or empty",
                            line=line)
        return default
    try:
        value = parse_number(rec[key], whole) * scale
    except ValueError:
        raise col.error(f"{what} must be a number (got {rec[key]!r})", path=key,
                        line=line) from None
    low_bad = value <= lo if open_low else value < lo
    if not math.isfinite(value) or low_bad or value > hi or (integer and value != int(value)):
        bound = f"{'(' if open_low else '['}{lo:g}, {hi:g}]"
        raise col.error(f"{what} must be {'a whole number ' if integer else ''}in {bound} "
                        f"(got {rec[key]!r})", path=key, line=line)
    return value


def role_from(rec: Record, keys: tuple[str, ...], name: str) -> tuple[str, str]:
    """A role from the first of `keys` with a value (a `role:x` entry in a tags column, the
    first of a list), else from the name."""
    for key in keys:
        value = split_list(rec.get(key, ""))[:1]
        if key == "tags":
            value = [parse_tags(rec.get(key, "")).get("role", "")]
        if value and value[0]:
            return value[0], f"column {key}"
    return role_of({}, name, "server")


def split_list(text: str) -> list[str]:
    """`"Payments, Ledger"` or `a;b` -> the items, trimmed, empty ones dropped."""
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


def parse_tags(text: str) -> dict[str, str]:
    """`"zone:1, critical:yes"` (Migration Hub) or `role=web;env=prod` -> a mapping."""
    tags = {}
    for part in split_list(text):
        found = re.match(r"([^:=]+?)\s*[:=]\s*(.*)$", part)
        if found:
            tags.setdefault(found[1].strip().lower(), found[2].strip())
    return tags


def add_applications(server: Server, apps: list[str], column: str) -> None:
    """The first application is the server's `application` tag (a grouping key); the others
    are kept in a note and in `applications`."""
    if not apps:
        return
    server.tags.setdefault("application", apps[0])
    if len(apps) > 1:
        server.tags.setdefault("applications", ", ".join(apps))
        server.notes.append(f"{column} lists {len(apps)} applications: {', '.join(apps)}; "
                            f"the first, {apps[0]}, names the role")


def not_running(state: str) -> bool:
    return squash(state) in NOT_RUNNING


def disks(col: Collector, rec: Record, line: int, pattern: str) -> tuple[float, bool]:
    keys = [k for k in rec if re.fullmatch(pattern, k)]
    sizes = [number_in(col, rec, line, (k,), k, 0, 1e7, default=0.0) or 0.0 for k in keys]
    return sum(sizes), any(rec.get(k) for k in keys)


def require(table: CsvTable, col: Collector, what: str, *needed: tuple[str, ...]) -> None:
    """Each of `needed` is a set of alternative columns, one of which the header must have."""
    missing = [" or ".join(alt) for alt in needed if not set(alt) & set(table.keys)]
    if missing:
        raise col.error(f"{what} needs the column(s) {'; '.join(missing)}, which the header "
                        "lacks", line=table.header_line)


def import_plain(table: CsvTable, col: Collector) -> None:
    require(table, col, "a plain CSV (name,count,vcpu,ram_gb,disk_gb,role)", ("name",),
            ("vcpu", "type"))
    for line, rec in table.records():
        name = rec.get("name", "")
        if not name:
            raise col.error("empty name", line=line)
        n = int(number_in(col, rec, line, ("count",), "count", 1, 1_000_000, integer=True,
                          default=1) or 1)
        role = (rec["role"], "column role") if rec.get("role") else (
            name_prefix(name) or name, "name")
        itype = rec.get("type") or None
        if itype and not rec.get("vcpu") and not rec.get("ram_gb"):
            server = col.server(name, role, itype, f"line {line}: {name}", count=n)
            if server is None:
                continue
        else:
            vcpu = number_in(col, rec, line, ("vcpu",), "vcpu", 0, 1024, open_low=True)
            ram = number_in(col, rec, line, ("ram_gb",), "ram_gb", 0, 65536, open_low=True)
            arch = rec.get("arch", "").lower() or "x86_64"
            if arch not in ("x86_64", "arm64", "any"):
                raise col.error(f"arch must be x86_64, arm64 or any (got {arch!r})",
                                path="arch", line=line)
            server = col.add(Server(name, role[0], role[1], itype, vcpu, ram, arch,  # type: ignore
                                    count=n, origin=f"line {line}: {name}"))
        gpu = number_in(col, rec, line, ("gpu", "gpu_count"), "gpu", 0, 64, integer=True,
                        default=-1)
        if gpu is not None and gpu >= 0:
            server.gpu = int(gpu)
        disk = number_in(col, rec, line, ("disk_gb",), "disk_gb", 0, 1e7, default=-1)
        if disk is not None and disk >= 0:
            server.disk_gb, server.disk_known = disk, True
        data = number_in(col, rec, line, ("data_gb",), "data_gb", 0, 1e9, default=-1)
        if data is not None and data >= 0:
            server.data_gb, server.data_known = data, True
        tier = number_in(col, rec, line, ("tier",), "tier", 1, 4, integer=True, default=-1)
        if tier is not None and tier >= 1:
            server.tier = int(tier)
