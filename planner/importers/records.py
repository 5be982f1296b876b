"""What importers produce (servers and service needs, each saying where it came from) and
the typed accessors they read untrusted JSON and CSV with."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from planner.errors import InputError
from planner.importers.network import Links, Network
from planner.importers.types import Spec, TypeTable

ROLE_TAGS = ("Role", "role", "ROLE")
# Resource names that say nothing about what a server does: the module name is used instead.
GENERIC_NAMES = {"this", "main", "default", "instance", "instances", "server", "servers", "vm",
                 "vms", "node", "nodes", "host", "hosts", "resource", "example", "asg", "group"}


@dataclass
class Server:
    """`count` like servers (one, except for scaling groups and plain-CSV rows)."""

    name: str
    role: str
    role_from: str           # how the role was found, for the comment
    type: str | None          # instance type / VM size / machine type; None: shape given
    vcpu: float
    ram_gb: float
    arch: str = "x86_64"
    gpu: int = 0
    disk_gb: float = 0
    data_gb: float = 0
    count: int = 1
    kind: str = "server"      # server, database, cache, queue
    origin: str = ""          # what it was in the file, e.g. "aws_db_instance.main"
    file: str = ""
    ident: str | None = None  # cloud id, to count a server once across files
    spec: Spec | None = None
    tier: int | None = None
    disk_known: bool = False
    data_known: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    links: Links = field(default_factory=Links)  # evidence of whom it calls, who calls it
    region: str | None = None  # the cloud region it runs in (us-east-1), where the file says


@dataclass
class Collector:
    """Everything one file yields; importers add to it, `import_files` merges them."""

    file: str
    fmt: str
    types: TypeTable
    servers: list[Server] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (what, why)
    unknown: dict[str, list[str]] = field(default_factory=dict)   # type -> servers
    zones: dict[str, int | None] = field(default_factory=dict)    # zone -> records
    buckets: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)              # resource type -> n
    providers: set[str] = field(default_factory=set)
    network: Network = field(default_factory=Network)

    def error(self, message: str, path: str | None = None, line: int | None = None):
        return InputError(message, file=self.file, line=line, path=path)

    def skip(self, what: str, why: str) -> None:
        self.skipped.append((what, why))

    def server(self, name: str, role: tuple[str, str], type_name: str, origin: str,
               count: int = 1, arch_hint: str | None = None, managed: bool = False,
               **extra: Any) -> Server | None:
        """Add `count` servers of an instance type; an unknown type is recorded, not added.
        A `managed` engine (RDS, ElastiCache, OpenSearch, MQ, MSK, Azure Database, Cloud
        SQL) is replaced by servers running the same open software, which runs on either
        architecture: its arch is `any`, whatever the node type (a Graviton db.r6g too)."""
        spec = self.types.lookup(type_name)
        if spec is None:
            self.unknown.setdefault(type_name, []).append(f"{origin} ({count})" if count > 1
                                                          else origin)
            return None
        arch = spec.arch
        if arch_hint in ("arm64", "x86_64") and arch_hint != arch:
            arch = arch_hint
        server = self.add(Server(name=name, role=role[0], role_from=role[1], type=spec.type,
                                 vcpu=spec.vcpu, ram_gb=spec.ram_gb,
                                 arch="any" if managed else arch, gpu=spec.gpu,
                                 count=count, origin=origin, spec=spec, **extra))
        if managed and arch != "x86_64":
            server.notes.append(f"a managed engine on {arch} ({spec.type}): its software runs "
                                "on either architecture, so arch any")
        return server

    def add(self, server: Server) -> Server:
        server.file = self.file
        self.servers.append(server)
        return server


AWS_ZONE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d)[a-z]$")


def aws_region(zone) -> str | None:
    """us-east-1a -> us-east-1: the region of an AWS availability zone, or None."""
    found = AWS_ZONE.match(zone) if isinstance(zone, str) else None
    return found[1] if found else None


# --- roles ----------------------------------------------------------------------------------

def name_prefix(name: str) -> str:
    """`web-01` -> `web`, `api12` -> `api`, `db-primary-3` -> `db-primary`: the leading
    alphabetic parts of a name, up to the first part holding a digit."""
    kept = []
    for part in re.split(r"[-_.\s/:]+", name.strip().lower()):
        if not part:
            continue
        letters = re.match(r"[a-z]+", part)
        if letters is None:
            break
        kept.append(letters.group(0))
        if letters.end() < len(part):
            break
    return "-".join(kept)[:60]


def role_of(tags: dict[str, str], name: str | None, fallback: str,
            how: str = "the resource's name") -> tuple[str, str]:
    """(role, how it was found): a Role tag, else the Name's prefix, else `fallback`."""
    for key in ROLE_TAGS:
        value = tags.get(key, "").strip()
        if value:
            return value, f"tag {key}={value}"
    if name:
        prefix = name_prefix(name)
        if prefix:
            return prefix, f"name {name} (prefix before the dash/digits)"
    return fallback, how


def resource_role(address: str, rtype: str, name: str) -> str:
    """A role from a Terraform address: the resource name, or its module's when generic."""
    if name.lower() not in GENERIC_NAMES:
        return name_prefix(name) or name
    modules = re.findall(r"module\.([A-Za-z0-9_-]+)", address)
    if modules:
        return name_prefix(modules[-1]) or modules[-1]
    return rtype.split("_", 1)[-1]


# --- typed access to untrusted data ---------------------------------------------------------

def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def number(value: Any) -> float | None:
    """A finite JSON number (never a boolean), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def size(value: Any, limit: float = 1e7) -> float | None:
    """A size in GB within [0, limit], else None (unknown)."""
    n = number(value)
    return n if n is not None and 0 <= n <= limit else None


def mappings(listed: Any, col: Collector, path: str, what: str,
             expected: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path[i], entry) for each entry of the list `listed`, found at `path` ("" for the
    document itself). Not a list: `expected` (what the whole document should be) when
    given, else "expected a list" at `path`; an entry not a mapping: "expected `what` (a
    mapping)" at its own path."""
    if not isinstance(listed, list):
        raise col.error(expected, path=None) if expected else \
            col.error("expected a list", path=path or None)
    for i, entry in enumerate(listed):
        here = f"{path}[{i}]"
        if not isinstance(entry, dict):
            raise col.error(f"expected {what} (a mapping)", path=here)
        yield here, entry


def required_text(entry: dict[str, Any], key: str, path: str, col: Collector,
                  what: str) -> str:
    """entry[key], which every `what` must state as text: else an error at path.key."""
    value = entry.get(key)
    if not text(value):
        raise col.error(f"missing or not text: {key}, which every {what} has",
                        path=f"{path}.{key}")
    return value


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def block(value: Any) -> dict[str, Any]:
    """Terraform state writes a nested block as a list of one mapping."""
    if isinstance(value, list):
        value = value[0] if value else None
    return obj(value)


def tag_map(value: Any) -> dict[str, str]:
    """Tags as EC2 writes them ([{Key, Value}]), as Terraform does ({k: v}), or as ASG tag
    blocks ([{key, value}])."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}
    tags = {}
    for item in items(value):
        item = obj(item)
        key, val = item.get("Key", item.get("key")), item.get("Value", item.get("value"))
        if isinstance(key, str) and isinstance(val, str):
            tags[key] = val
    return tags


def count_of(value: Any) -> int | None:
    """A whole, non-negative count, else None."""
    n = number(value)
    if n is None or n < 0 or n != int(n) or n > 1_000_000:
        return None
    return int(n)
