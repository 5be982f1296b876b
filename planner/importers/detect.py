"""Read an import file and tell its format from its content: a JSON document by its shape
(planner/importers/json_formats.py), a table by its header (table_formats.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import InputError
from planner.importers import json_formats, table_formats
from planner.importers.reading import CsvTable, parse_csv, parse_json, read_input

FORMATS = {**json_formats.FORMATS, **table_formats.FORMATS}
IMPORTERS = {**json_formats.IMPORTERS, **table_formats.IMPORTERS}


@dataclass
class Loaded:
    fmt: str
    data: Any   # parsed JSON, or a CsvTable


def load(path: Path, fmt: str | None = None) -> Loaded:
    """Read `path` and parse it as `fmt` (or as the format its content shows)."""
    file = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", file=file)
    content = read_input(path, table_formats.table_format)
    if isinstance(content, CsvTable):   # a sheet of a workbook (or a CSV in a ZIP)
        if fmt in json_formats.FORMATS:
            raise InputError(f"a workbook, not the JSON that {fmt} is", file=file)
        return _table(content, fmt, file)
    text = content
    if not text.strip():
        raise InputError("the file is empty", file=file)
    looks_json = text.lstrip()[:1] in ("{", "[")
    if fmt in json_formats.FORMATS or (fmt is None and looks_json):
        data = parse_json(text, file)
        found = json_formats.json_format(data)
        if fmt is None and found is None:
            inner = wrapped(data)
            if inner is not None:
                key, what = inner
                raise InputError(f"JSON holding {FORMATS[what]} under the key {key!r}, not "
                                 f"at its top: take it out first (jq '.{key}' FILE > "
                                 "out.json) and import that", file=file)
            raise InputError(f"JSON, but neither {json_formats.EXPECTED}; give --from if it "
                             "is one of them", file=file)
        return Loaded(fmt or found, data)  # type: ignore[arg-type]
    return _table(parse_csv(text, file), fmt, file)


def wrapped(data: Any) -> tuple[str, str] | None:
    """(key, format) when a document of a known format sits one level down, under a key of
    an object (`{"tfplan": {...}}`, a recorded API response's `{"data": {...}}`)."""
    if not isinstance(data, dict):
        return None
    for key in sorted(data, key=str):
        found = json_formats.json_format(data[key])
        if found is not None and isinstance(key, str) and key.isidentifier():
            return key, found
    return None


def _table(table: CsvTable, fmt: str | None, file: str) -> Loaded:
    found = table_formats.table_format(table.keys)
    if fmt is None and found is None:
        sheet = f"sheet {table.sheet!r}: " if table.sheet else ""
        raise InputError(
            f"{sheet}cannot tell the format from the header "
            f"({', '.join(table.header[:6])}{', ...' if len(table.header) > 6 else ''}): "
            f"{table_formats.EXPECTED}; give --from to say which", file=file,
            line=table.header_line)
    return Loaded(fmt or found, table)  # type: ignore[arg-type]
