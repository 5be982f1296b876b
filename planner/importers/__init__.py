"""Import the inventory people already have: `aws ec2 describe-instances` output,
`terraform show -json` state, Azure Migrate, Application Discovery Service / Migration
Factory and plain CSV files, turned into a commented inventory with placeholders.

`import_files` reads and groups; `ImportResult.render` writes the YAML text; the CLI
(planner.cli.imports) writes the file and prints `ImportResult.summary()`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import InputError
from planner.importers import aws, csvs, terraform
from planner.importers.detect import FORMATS, load
from planner.importers.grouping import DEFAULT_KEYS, Group, group_servers, parse_group_by
from planner.importers.records import Collector, Server
from planner.importers.types import TypeTable

__all__ = ["FORMATS", "ImportResult", "import_files", "parse_group_by"]

IMPORTERS = {"aws-ec2": aws.import_describe_instances, "terraform": terraform.import_terraform,
             "azure-migrate": csvs.import_azure_migrate, "aws-ads": csvs.import_ads,
             "csv": csvs.import_plain}
BROKER = ("a planner estimate: a self-hosted broker cluster (for example RabbitMQ or NATS) of "
          "3 servers, 2 vCPU and 4 GB each, replaces them; size it to your traffic")


@dataclass
class FileReport:
    path: str
    fmt: str
    imported: int
    skipped: int

    @property
    def description(self) -> str:
        return FORMATS[self.fmt]


@dataclass
class ImportResult:
    files: list[FileReport]
    servers: list[Server]
    groups: list[Group]
    group_by: tuple[str, ...]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    zones: dict[str, int | None] = field(default_factory=dict)
    buckets: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    provider: str | None = None

    def render(self, name: str) -> str:
        from planner.importers.writer import render

        return render(self, name)

    def summary(self) -> list[str]:
        lines = [f"imported {f.imported} server(s) from {f.path} ({f.description}), "
                 f"skipped {f.skipped}" for f in self.files]
        lines.append(f"grouped by {','.join(self.group_by)} into {len(self.groups)} group(s):")
        for g in self.groups:
            gpu = f", {g.gpu} GPU" if g.gpu else ""
            lines.append(f"  {g.name}: {g.count} x {g.vcpu:g} vCPU, {g.ram_gb:g} GB, {g.arch}"
                         f"{gpu} ({'; '.join(g.types)})")
        if self.zones:
            lines.append(f"DNS zones: {', '.join(self.zones)}")
        if self.buckets:
            lines.append(f"object storage: {len(self.buckets)} bucket(s)")
        if self.queues:
            lines.append(f"queues and topics: {len(self.queues)}, replaced by a broker group")
        for what, why in self.skipped[:20]:
            lines.append(f"skipped {what}: {why}")
        if len(self.skipped) > 20:
            lines.append(f"skipped {len(self.skipped) - 20} more (the first 30 are listed in "
                         "the written file's header)")
        for name, where in self.unknown.items():
            lines.append(f"unknown type {name} ({len(where)} server entries, e.g. {where[0]}): "
                         "not imported; give its specs with --types FILE.csv "
                         "(columns type,vcpu,ram_gb,arch)")
        if self.ignored:
            top = ", ".join(f"{t} x{n}" for t, n in self.ignored.most_common(8))
            lines.append(f"ignored {sum(self.ignored.values())} resource(s) that hold no "
                         f"servers or data: {top}{', ...' if len(self.ignored) > 8 else ''}")
        return lines


def _dedupe(collectors: list[Collector]) -> None:
    """A server found in two files (a state and an export of the same account) counts once."""
    seen: dict[str, str] = {}
    for col in collectors:
        kept = []
        for s in col.servers:
            if s.ident and s.ident in seen:
                col.skip(s.origin, f"also in {seen[s.ident]}: counted once")
                continue
            if s.ident:
                seen[s.ident] = col.file
            kept.append(s)
        col.servers = kept


def import_files(paths: list[str | Path] | tuple[str | Path, ...], fmt: str | None = None,
                 group_by: tuple[str, ...] = DEFAULT_KEYS,
                 types: tuple[str | Path, ...] = ()) -> ImportResult:
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
        reasons = "; ".join(f"{w}: {y}" for w, y in result.skipped[:5]) or "none found"
        unknown = f"; unknown types: {', '.join(result.unknown)}" if result.unknown else ""
        raise InputError(f"no servers to import from {', '.join(map(str, paths))} "
                         f"(skipped: {reasons}{unknown})")
    result.groups = group_servers(result.servers, group_by)
    return result
