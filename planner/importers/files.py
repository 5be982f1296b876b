"""Read export files, each with its format's importer, and group the servers they hold."""

from __future__ import annotations

from pathlib import Path

from planner.errors import InputError
from planner.importers import depends
from planner.importers.detect import IMPORTERS, load
from planner.importers.grouping import DEFAULT_KEYS, SIZE_TOLERANCE, Group, group_servers
from planner.importers.network import Network
from planner.importers.records import Collector, Server
from planner.importers.result import FileReport, ImportResult
from planner.importers.types import TypeTable

BROKER = ("a planner estimate: a self-hosted broker cluster (for example RabbitMQ or NATS) of "
          "3 servers, 2 vCPU and 4 GB each, replaces them; size it to your traffic")


def _dedupe(collectors: list[Collector]) -> None:
    """A server found in two files (a state and an export of the same account) counts once;
    what each file says of whom it calls is kept."""
    seen: dict[str, tuple[str, Server]] = {}
    for col in collectors:
        kept = []
        for s in col.servers:
            if s.ident and s.ident in seen:
                first, server = seen[s.ident]
                col.skip(s.origin, f"also in {first}: counted once")
                server.links.merge(s.links)
                continue
            if s.ident:
                seen[s.ident] = (col.file, s)
            kept.append(s)
        col.servers = kept


def _depend(groups: list[Group], collectors: list[Collector]) -> list[tuple[str, str]]:
    """Set each group's depends_on from the evidence of all files (a state's security group
    rules apply to an export's instances); return the edges dropped to break cycles."""
    net = Network()
    for col in collectors:
        net.update(col.network)
    edges, dropped = depends.infer(groups, net)
    for g in groups:
        g.depends_on = [b for a, b in edges if a == g.name]
        g.depends_why = {b: edges[(g.name, b)] for b in g.depends_on}
    return dropped


def _no_servers(result: ImportResult, paths) -> str:
    """Why nothing can be written: what was found instead, what was skipped."""
    parts = [f"{w}: {y}" for w, y in result.skipped[:5]]
    if len(result.skipped) > 5:
        parts.append(f"and {len(result.skipped) - 5} more")
    if result.unknown:
        parts.append(f"unknown types: {', '.join(result.unknown)}")
    skipped = f" (skipped: {'; '.join(parts)})" if parts else ""
    found = result.found()
    where = ", ".join(map(str, paths))
    if found:
        return (f"found {found} but no servers in {where}{skipped}: an inventory needs at "
                "least one group of servers; import these files together with one that "
                "lists servers (describe-instances, a Terraform state, a CSV)")
    return f"no servers to import from {where}{skipped or ' (nothing found to import)'}"


def import_files(paths: list[str | Path] | tuple[str | Path, ...], fmt: str | None = None,
                 group_by: tuple[str, ...] = DEFAULT_KEYS,
                 types: tuple[str | Path, ...] = (),
                 tolerance: float = SIZE_TOLERANCE) -> ImportResult:
    """Read every file (as `fmt`, or as its content shows), group the servers, and return
    what was imported, grouped, skipped and why. Raises InputError naming the file."""
    if not paths:
        raise InputError("no files to import")
    table = TypeTable(tuple(types))
    collectors = []
    for path in paths:
        loaded = load(Path(path), fmt)
        col = Collector(str(path), loaded.fmt, table)
        IMPORTERS[loaded.fmt](loaded.data, col)
        collectors.append(col)
    _dedupe(collectors)
    result = ImportResult([], [], [], group_by)
    for col in collectors:
        result.files.append(FileReport(col.file, col.fmt, sum(s.count for s in col.servers),
                                       len(col.skipped)))
        result.servers += col.servers
        result.skipped += [(f"{col.file}: {what}", why) for what, why in col.skipped]
        for name, where in col.unknown.items():
            result.unknown.setdefault(name, []).extend(f"{col.file}: {w}" for w in where)
        for zone, records in col.zones.items():
            result.zones[zone] = max(records or 0, result.zones.get(zone) or 0) or None
        result.buckets += col.buckets
        result.queues += col.queues
        result.ignored.update(col.ignored)
    providers = {p for col in collectors for p in col.providers}
    result.provider = providers.pop() if len(providers) == 1 else None
    if result.queues:
        result.servers.append(Server(
            "queue-broker", "queue-broker", "the managed queues and topics it replaces", None,
            2, 4,
            count=3, kind="queue", file=", ".join(sorted({c.file for c in collectors
                                                          if c.queues})),
            origin=f"{', '.join(result.queues[:5])}"
                   + (f" and {len(result.queues) - 5} more" if len(result.queues) > 5 else ""),
            notes=[BROKER]))
    if not result.servers:
        raise InputError(_no_servers(result, paths))
    result.groups = group_servers(result.servers, group_by, tolerance)
    result.skipped += _depend(result.groups, collectors)
    return result
