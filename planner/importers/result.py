"""What an import found: the files read, the servers and their groups, and what was skipped
and why. `planner.importers.writer.render` turns it into inventory YAML."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from planner.importers.detect import FORMATS
from planner.importers.grouping import Group
from planner.importers.records import Server


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

    def summary(self, report: str | None = None, shown: int = 20) -> list[str]:
        """What the console prints; lists longer than `shown` say how many more there are
        and where all of them are (`report`, the full table of the import)."""
        where = f"all in {report}" if report else "all in the written file's header"
        lines = [f"imported {f.imported} server(s) from {f.path} ({f.description}), "
                 f"skipped {f.skipped}" for f in self.files]
        lines.append(f"grouped by {','.join(self.group_by)} into {len(self.groups)} group(s):")
        for g in self.groups:
            gpu = f", {g.gpu} GPU" if g.gpu else ""
            lines.append(f"  {g.name}: {g.count} x {g.vcpu:g} vCPU, {g.ram_gb:g} GB, {g.arch}"
                         f"{gpu} ({'; '.join(g.types)})")
        for g in self.groups:
            if g.depends_on:
                lines.append(f"  {g.name} depends on {', '.join(g.depends_on)} (evidence in "
                             "the written file)")
        if self.zones:
            zones = list(self.zones)
            more = f" and {len(zones) - shown} more ({where})" if len(zones) > shown else ""
            lines.append(f"DNS zones: {', '.join(zones[:shown])}{more}")
        if self.buckets:
            lines.append(f"object storage: {len(self.buckets)} bucket(s)")
        if self.queues:
            lines.append(f"queues and topics: {len(self.queues)}, replaced by a broker group")
        for what, why in self.skipped[:shown]:
            lines.append(f"skipped {what}: {why}")
        if len(self.skipped) > shown:
            lines.append(f"skipped {len(self.skipped) - shown} more ({where})")
        for name, found in self.unknown.items():
            lines.append(f"unknown type {name} ({len(found)} server entries, e.g. {found[0]}): "
                         "not imported; give its specs with --types FILE.csv "
                         "(columns type,vcpu,ram_gb,arch)")
        if self.ignored:
            top = ", ".join(f"{t} x{n}" for t, n in self.ignored.most_common(8))
            more = len(self.ignored) - 8
            lines.append(f"ignored {sum(self.ignored.values())} resource(s) that hold no "
                         f"servers or data: {top}"
                         + (f" and {more} more type(s) ({where})" if more > 0 else ""))
        if report:
            lines.append(f"wrote {report}: every server read, its group, and every entry "
                         "skipped or ignored, with why")
        return lines

    def found(self) -> str:
        """What was found besides servers, e.g. '2 DNS zone(s) and 3 bucket(s)'."""
        parts = [f"{len(self.zones)} DNS zone(s) ({', '.join(list(self.zones)[:3])}"
                 f"{', ...' if len(self.zones) > 3 else ''})" if self.zones else "",
                 f"{len(self.buckets)} bucket(s)" if self.buckets else "",
                 f"{sum(self.ignored.values())} other resource(s)" if self.ignored else ""]
        parts = [p for p in parts if p]
        return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(
            parts)
