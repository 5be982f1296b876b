"""Instance types to specs: the shipped tables (AWS, Azure, Google) and the user's own.

A table is a CSV file: `#` lines are comments (the shipped tables say there, in
`# source KEY: text` lines, what each row's `source` key stands for); then a header with
at least `type,vcpu,ram_gb` and optionally `arch`, `gpu`, `source`, `as_of`. Memory is the
provider's GiB, written as ram_gb. Comments in the written inventory cite the key.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planner.errors import InputError
from planner.importers.reading import parse_csv

TABLE_DIR = Path(__file__).parent / "instance_types"
ARCHES = {"x86_64": "x86_64", "amd64": "x86_64", "x64": "x86_64", "x86-64": "x86_64",
          "i386": "x86_64", "arm64": "arm64", "aarch64": "arm64", "arm": "arm64"}
CUSTOM = re.compile(r"^(?:db-)?(?:([a-z0-9]+)-)?custom-(\d{1,4})-(\d{3,8})(?:-ext)?$")
MAX_TABLE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Spec:
    type: str
    vcpu: float
    ram_gb: float
    arch: str
    gpu: int
    source: str
    as_of: str

    def describe(self) -> str:
        gpu = f", {self.gpu} GPU" if self.gpu else ""
        return (f"{self.type}: {self.vcpu:g} vCPU, {self.ram_gb:g} GiB, {self.arch}{gpu} "
                f"({self.source}{', ' + self.as_of if self.as_of else ''})")


def _number(cell: str, what: str, file: str, line: int, integer: bool = False) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"{what} must be a number (got {cell!r})", file=file,
                         line=line) from None
    if not math.isfinite(value) or value < 0 or (integer and value != int(value)):
        raise InputError(f"{what} must be a {'whole ' if integer else ''}number >= 0 "
                         f"(got {cell!r})", file=file, line=line)
    return value


def read_table(text: str, file: str, default_source: str | None = None) -> dict[str, Spec]:
    """Parse one table; keys are lower-case type names."""
    parsed = parse_csv(text, file, empty_message="no header: expected "
                       "type,vcpu,ram_gb,arch[,gpu]")
    header, head_line = parsed.keys, parsed.header_line
    body = [(line, [cell.strip() for cell in row]) for line, row in parsed.rows]
    missing = [c for c in ("type", "vcpu", "ram_gb") if c not in header]
    if missing:
        raise InputError(f"the header lacks {', '.join(missing)}: expected "
                         "type,vcpu,ram_gb,arch[,gpu]", file=file, line=head_line)
    table: dict[str, Spec] = {}
    for line, row in body:
        cell = dict(zip(header, row + [""] * (len(header) - len(row))))
        name = cell["type"]
        if not name:
            raise InputError("empty type name", file=file, line=line)
        vcpu = _number(cell["vcpu"], "vcpu", file, line)
        ram = _number(cell["ram_gb"], "ram_gb", file, line)
        if vcpu <= 0 or ram <= 0 or vcpu > 1024 or ram > 65536:
            raise InputError(f"{name}: vcpu must be in (0, 1024] and ram_gb in (0, 65536]",
                             file=file, line=line)
        arch_cell = cell.get("arch", "").lower() or "x86_64"
        if arch_cell not in ARCHES:
            raise InputError(f"{name}: arch must be x86_64 or arm64 (got {arch_cell!r})",
                             file=file, line=line)
        gpu = int(_number(cell.get("gpu") or "0", "gpu", file, line, integer=True))
        source = cell.get("source", "") or default_source or file
        table[name.lower()] = Spec(name, vcpu, ram, ARCHES[arch_cell], min(gpu, 64), source,
                                   cell.get("as_of", ""))
    return table


@lru_cache(maxsize=1)
def shipped() -> dict[str, Spec]:
    table: dict[str, Spec] = {}
    for path in sorted(TABLE_DIR.glob("*.csv")):
        table.update(read_table(path.read_text(encoding="utf-8"), str(path)))
    return table


def _candidates(name: str):
    low = name.strip().lower()
    yield low
    if "/" in low:  # a URL or path such as zones/z/machineTypes/e2-medium
        low = low.rstrip("/").rsplit("/", 1)[-1]
        yield low
    for prefix in ("db.", "cache.", "kafka.", "mq.", "db-"):
        if low.startswith(prefix):
            yield low[len(prefix):]
    for suffix in (".search", ".elasticsearch"):
        if low.endswith(suffix):
            yield low[:-len(suffix)]
    azure = re.search(r"(standard_.+)$", low)  # GP_Standard_D4s_v3 (flexible servers)
    if azure:
        yield azure.group(1)
    elif "_" in low and not low.startswith("basic_"):
        yield "standard_" + low


class TypeTable:
    """Looks types up in the user's tables first, then in the shipped ones."""

    def __init__(self, user_files: tuple[str | Path, ...] = ()):
        self.user: dict[str, Spec] = {}
        for path in user_files:
            try:
                data = Path(path).read_bytes()[:MAX_TABLE_BYTES + 1]
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
            if len(data) > MAX_TABLE_BYTES:
                raise InputError("larger than 5 MB: not an instance-type table", file=str(path))
            try:
                body = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError("not UTF-8 text", file=str(path)) from None
            self.user.update(read_table(body, str(path), f"your table {path}"))

    def lookup(self, name: str) -> Spec | None:
        for key in _candidates(name):
            for table in (self.user, shipped()):
                if key in table:
                    return table[key]
        custom = CUSTOM.match(name.strip().lower().rsplit("/", 1)[-1])
        if custom:
            family, cpus, mb = custom.groups()
            if 0 < int(cpus) <= 1024 and 0 < int(mb) <= 65536 * 1024:
                return Spec(name, float(cpus), round(int(mb) / 1024, 2),
                            "arm64" if family in ("t2a", "c4a") else "x86_64", 0,
                            "computed from the custom machine type's name (vCPUs-memory MB)",
                            "")
        return None
