"""Reading import files: bytes to text (the encodings exports come in: UTF-8 with or without a
BOM, UTF-16 as PowerShell and Excel write it), text to JSON or to a table of records with the
line each starts on; an Excel workbook (.xlsx, read with openpyxl) or a ZIP of CSV files (as
RVTools' "Export all to csv" is uploaded) to the same table."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable
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
    sheet: str | None = None   # the workbook sheet (or ZIP member) the rows came from

    def records(self):
        for line, row in self.rows:
            yield line, {k: (row[i].strip() if i < len(row) else "")
                         for i, k in enumerate(self.keys)}


def norm(header: str) -> str:
    """Lower-cased, spaces collapsed, without the `*` Azure Migrate's template marks its
    required columns with (`*Server name` -> `server name`)."""
    return " ".join(header.replace("\ufeff", "").strip().lstrip("*").lower().split())


THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")          # 16,384 / 1,234.5
EURO_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")           # 1.234,5
DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3}){2,}")                 # 1.219.776
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")                           # 2,5 (not 3 digits)


def parse_number(raw: str, whole: bool = False) -> float:
    """A number as exports write it: `16384`, `16,384` or `16 384` (thousands separators),
    `1.219.776` (dots that can only group thousands), `1.234,5` or `2,5` (decimal comma).
    Raises ValueError for anything else, and for `1,5,7`-like text whose reading would be a
    guess."""
    text = raw.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?", text):
        text = text.replace(" ", "")
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif DOT_GROUPS.fullmatch(text) or (whole and re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", text)):
        # two dots or more can only group thousands (de-DE Excel); one does too in a column
        # of whole numbers (RVTools' MiB: `16.384` is 16384, not sixteen)
        text = text.replace(".", "")
    elif EURO_THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif DECIMAL_COMMA.fullmatch(text) and not re.fullmatch(r"[+-]?\d{1,3},\d{3}", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", text):
        raise ValueError(raw)
    return float(text)


def read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    if len(data) > MAX_BYTES:
        raise InputError("larger than 200 MB: split the export", file=str(path))
    return data


def utf16_without_bom(data: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when the NUL bytes show it (ASCII text in UTF-16 has a NUL
    in every other byte), else None."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


NOT_TEXT = ("not UTF-8 or UTF-16 text, nor an .xlsx workbook (save the export as UTF-8 CSV "
            "or as .xlsx)")


def decode(data: bytes, file: str) -> str:
    """Text from the bytes: UTF-8 (with or without a BOM), UTF-16 LE/BE with a BOM (what
    PowerShell's Export-Csv and Out-File write in Windows PowerShell 5), or UTF-16 without
    one when the NUL pattern shows it."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = utf16_without_bom(data) or "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(NOT_TEXT, file=file, line=line) from None
    if encoding.startswith("utf-16"):
        # Arbitrary bytes after an FF FE pair decode to something: a table or a JSON
        # document has ASCII structure (newlines, delimiters, braces) and no NULs.
        if "\x00" in text or (text.strip() and not re.search(r"[\n,;\t{\[]", text)):
            raise InputError(NOT_TEXT, file=file)
        text = text.lstrip("\ufeff")
    return text


def read_text(path: Path) -> str:
    return decode(read_bytes(path), str(path))


Recognise = Callable[[list[str]], Any]


def read_input(path: Path, recognise: Recognise) -> str | CsvTable:
    """The file's text, or, for an Excel workbook or a ZIP of CSV files, the table of the
    sheet (member) holding the servers: RVTools' `vInfo`, else the first whose header
    `recognise` knows, else the first."""
    file = str(path)
    data = read_bytes(path)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("an old Excel .xls workbook (or another OLE file): save it as .xlsx "
                         "or CSV", file=file)
    if data.startswith(b"PK\x03\x04"):
        return read_zip(data, file, recognise)
    return decode(data, file)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


MAX_ROWS = 1_000_000


def sheet_table(rows, name: str, file: str) -> CsvTable | None:
    table: CsvTable | None = None
    for number, values in enumerate(rows, start=1):
        row = [cell_text(v) for v in values]
        if not "".join(row).strip() or (row and row[0].lstrip().startswith("#")):
            continue
        if table is None:
            while row and not row[-1].strip():
                row.pop()
            table = CsvTable(row, [norm(h) for h in row], number, sheet=name)
        else:
            table.rows.append((number, row))
        if number > MAX_ROWS:
            raise InputError(f"sheet {name!r} has more than {MAX_ROWS} rows: split the export",
                             file=file)
    return table


def choose(tables: list[CsvTable], recognise: Recognise, file: str, what: str) -> CsvTable:
    if not tables:
        raise InputError(f"{what} with no sheet holding a table", file=file)
    for table in tables:
        if (table.sheet or "").lower().removesuffix(".csv").endswith("vinfo"):
            return table
    # An assessment workbook has a sheet per target (SQL servers, web apps, every VM): the
    # recognised sheet with the most rows lists the most machines (Azure Migrate Export's
    # Core report: All_VM_IaaS_Server_Rehost_Perf, not the 21 SQL servers' sheet before it).
    known = [t for t in tables if recognise(t.keys)]
    return max(known, key=lambda t: len(t.rows)) if known else tables[0]


def read_zip(data: bytes, file: str, recognise: Recognise) -> CsvTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(f"a damaged ZIP or .xlsx file: {exc}", file=file) from None
    if "[Content_Types].xml" in names:
        return read_xlsx(data, file, recognise)
    tables = []
    for name in names:
        if not name.lower().endswith(".csv"):
            continue
        try:
            raw = archive.read(name)
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
            raise InputError(f"cannot read {name} in the ZIP: {exc}", file=file) from None
        if len(raw) > MAX_BYTES:
            raise InputError(f"{name} in the ZIP is larger than 200 MB", file=file)
        member = f"{file}[{name}]"
        try:
            table = parse_csv(decode(raw, member), member)
        except InputError:
            continue
        table.sheet = name.rsplit("/", 1)[-1]
        tables.append(table)
    return choose(tables, recognise, file, "a ZIP archive (not .xlsx) with no CSV file")


def read_xlsx(data: bytes, file: str, recognise: Recognise) -> CsvTable:
    import openpyxl  # imported here: only workbooks need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged or foreign files
        raise InputError(f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}",
                         file=file) from None
    try:
        names = list(book.sheetnames)
        ordered = sorted(names, key=lambda n: n.lower() != "vinfo")
        tables = []
        for name in ordered:
            try:
                table = sheet_table(book[name].iter_rows(values_only=True), name, file)
            except InputError:
                raise
            except Exception as exc:
                raise InputError(f"cannot read sheet {name!r}: {type(exc).__name__}: {exc}",
                                 file=file) from None
            if table is not None:
                tables.append(table)
                if name.lower() == "vinfo":
                    break
    finally:
        book.close()
    return choose(tables, recognise, file, "an .xlsx workbook")


def parse_json(text: str, file: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=file,
                         line=exc.lineno) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", file=file) from None


def parse_csv(text: str, file: str, empty_message: str = "the file is empty") -> CsvTable:
    """Rows of a CSV (delimiter from an Excel `sep=;` first line, else sniffed from the
    header: `,` `;` or tab), skipping blank and `#` comment lines, each with the line it
    starts on."""
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    sep = re.fullmatch(r'"?sep=(.)"?\s*', first)   # Excel's `sep=;` first line
    if sep:
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = "\n" + text   # keep line numbers: the `sep=` line counts as one
    delimiter = sep[1] if sep else max(",;\t", key=first.count) if first else ","
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
