"""The full report of an import, written next to the inventory as `<stem>.import.csv`: one
row per thing read, nothing cut. The console summary and the inventory's header show the
first few and point here.

Columns: status (imported, skipped, unknown type, ignored, dns zone, bucket, queue), file,
entry (what it was in the file), count, vcpu, ram_gb, arch, gpu, type, group (the group or
service it went to), why (how the group was named, why it was skipped or left out).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from planner.importers.grouping import app_of, label
from planner.importers.result import ImportResult
from planner.importers.writer import clean

COLUMNS = ("status", "file", "entry", "count", "vcpu", "ram_gb", "arch", "gpu", "type",
           "group", "why")
SUFFIX = ".import.csv"


def report_path(output: Path) -> Path:
    """inventory.yaml -> inventory.import.csv, beside it."""
    return output.with_name(output.stem + SUFFIX)


def cell(value: object) -> str:
    """Printable text on one line; text a spreadsheet would run as a formula (=, +, -, @)
    is quoted with a leading apostrophe, as the file's content is untrusted."""
    text = value if isinstance(value, str) else f"{value:g}" if isinstance(
        value, float) else str(value)
    text = clean(text, 2000)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _split(result: ImportResult, what: str) -> tuple[str, str]:
    """'FILE: entry' -> (FILE, entry), for the files read; else ('', what)."""
    for f in sorted(result.files, key=lambda f: -len(f.path)):
        if what.startswith(f"{f.path}: "):
            return f.path, what[len(f.path) + 2:]
    return "", what


def rows(result: ImportResult) -> list[tuple[object, ...]]:
    by_app = "app" in result.group_by
    out: list[tuple[object, ...]] = []
    for g in result.groups:
        for s in g.servers:
            named = app_of(s)[1] if by_app else s.role_from
            out.append(("imported", s.file, s.origin or s.name, s.count, s.vcpu, s.ram_gb,
                        s.arch, s.gpu, label(s), g.name, f"{g.kind}; named from {named}"))
    for what, why in result.skipped:
        out.append(("skipped", *_split(result, what), "", "", "", "", "", "", "", why))
    for name, where in result.unknown.items():
        for w in where:
            out.append(("unknown type", *_split(result, w), "", "", "", "", "", name, "",
                        "not in the shipped tables: give its specs with --types FILE.csv"))
    for zone, records in result.zones.items():
        out.append(("dns zone", "", zone, records if records else "", "", "", "", "", "",
                    "services.dns", "records counted" if records else "records not given"))
    for bucket in result.buckets:
        out.append(("bucket", "", bucket, "", "", "", "", "", "", "services.object_storage",
                    "replaced by object storage"))
    broker = next((g.name for g in result.groups if g.kind == "queue"), "")
    for queue in result.queues:
        out.append(("queue", "", queue, "", "", "", "", "", "", broker,
                    "replaced by a self-hosted broker group"))
    for rtype, n in sorted(result.ignored.items()):
        out.append(("ignored", "", rtype, n, "", "", "", "", "", "",
                    "holds no servers or data"))
    return out


def report_csv(result: ImportResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([cell(v) for v in row] for row in rows(result))
    return buffer.getvalue()
