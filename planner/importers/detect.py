"""Read an import file and tell its format from its content.

JSON: `Reservations` (or a list of instances with `InstanceId`) is `aws ec2
describe-instances` output; `values.root_module` (or `planned_values`, or `format_version`
with `terraform_version`) is `terraform show -json` output. CSV: the header decides:
`Server name` with `Cores` or `Memory (In MB)` is Azure Migrate; `CPU.NumberOfLogicalCores`,
`RAM.TotalSizeInMB` or `ExternalId` is an AWS Application Discovery Service (Migration Hub)
import file, `server_name` with `instanceType` a Migration Factory intake form; `name` with
`vcpu` or `type` is the plain format.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError

FORMATS = {
    "aws-ec2": "aws ec2 describe-instances JSON",
    "terraform": "terraform show -json state",
    "azure-migrate": "Azure Migrate CSV",
    "aws-ads": "AWS Application Discovery Service / Migration Factory CSV",
    "csv": "plain CSV (name,count,vcpu,ram_gb,disk_gb,role)",
}
JSON_FORMATS, CSV_FORMATS = ("aws-ec2", "terraform"), ("azure-migrate", "aws-ads", "csv")
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class CsvTable:
    """Rows with the line each starts on; `keys` are the headers, lower-cased and trimmed."""

    header: list[str]
    keys: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def records(self):
        for line, row in self.rows:
            yield line, {k: (row[i].strip() if i < len(row) else "")
                         for i, k in enumerate(self.keys)}


@dataclass
class Loaded:
    fmt: str
    data: Any   # parsed JSON, or a CsvTable


def norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().lower().split())


def read_text(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    if len(data) > MAX_BYTES:
        raise InputError("larger than 200 MB: split the export", file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text (save the export as UTF-8)", file=str(path),
                         line=line) from None


def parse_json(text: str, file: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=file,
                         line=exc.lineno) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", file=file) from None


def parse_csv(text: str, file: str, empty_message: str = "the file is empty") -> CsvTable:
    """Rows of a CSV (delimiter sniffed from the header: `,` `;` or tab), skipping blank and
    `#` comment lines, each with the line it starts on."""
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: CsvTable | None = None
    try:
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            if table is None:
                table = CsvTable(row, [norm(h) for h in row], line)
            else:
                table.rows.append((line, row))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {exc}", file=file,
                         line=reader.line_num) from None
    if table is None:
        raise InputError(empty_message, file=file)
    return table


def json_format(data: Any) -> str | None:
    if isinstance(data, dict):
        if "Reservations" in data:
            return "aws-ec2"
        values = data.get("values", data.get("planned_values"))
        if (isinstance(values, dict) and "root_module" in values) or (
                "format_version" in data and "terraform_version" in data):
            return "terraform"
    if isinstance(data, list) and data:
        flat = [x for item in data for x in (item if isinstance(item, list) else [item])]
        if flat and all(isinstance(x, dict) and "InstanceId" in x for x in flat):
            return "aws-ec2"
    return None


def csv_format(keys: list[str]) -> str | None:
    have = set(keys)
    if "server name" in have and have & {"cores", "memory (in mb)"}:
        return "azure-migrate"
    if have & {"cpu.numberoflogicalcores", "ram.totalsizeinmb", "externalid"} or (
            "server_name" in have and "instancetype" in have):
        return "aws-ads"
    if "name" in have and have & {"vcpu", "type"}:
        return "csv"
    return None


def load(path: Path, fmt: str | None = None) -> Loaded:
    """Read `path` and parse it as `fmt` (or as the format its content shows)."""
    file = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", file=file)
    text = read_text(path)
    if not text.strip():
        raise InputError("the file is empty", file=file)
    looks_json = text.lstrip()[:1] in ("{", "[")
    if fmt in JSON_FORMATS or (fmt is None and looks_json):
        data = parse_json(text, file)
        found = json_format(data)
        if fmt is None and found is None:
            raise InputError("JSON, but neither `aws ec2 describe-instances` output "
                             "(Reservations[].Instances[]) nor `terraform show -json` output "
                             "(values.root_module); give --from if it is one of them",
                             file=file)
        return Loaded(fmt or found, data)  # type: ignore[arg-type]
    table = parse_csv(text, file)
    found = csv_format(table.keys)
    if fmt is None and found is None:
        raise InputError(
            "cannot tell the format from the header "
            f"({', '.join(table.header[:6])}{', ...' if len(table.header) > 6 else ''}): "
            "expected Azure Migrate (Server name, Cores, Memory (In MB)), Migration Hub "
            "(ExternalId, CPU.NumberOfLogicalCores, RAM.TotalSizeInMB), Migration Factory "
            "(server_name, instanceType) or plain (name,count,vcpu,ram_gb,disk_gb,role) "
            "columns; give --from to say which", file=file, line=table.header_line)
    return Loaded(fmt or found, table)  # type: ignore[arg-type]
