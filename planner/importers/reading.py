"""Reading import files: bytes to text (the encodings exports come in), text to JSON or to a
table of records with the line each starts on."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError

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
