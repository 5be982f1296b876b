"""Servers with the same grouping key become one workload group with a count.

The key is `--group-by` (default `role,type`): `role` (Role tag, else the name's prefix,
else the resource), `type` (instance type, or the shape when a file gives no type),
`shape` (vCPU, RAM, disk, arch, GPU), `arch`, or `tag:NAME`. The kind (server, database,
cache, queue, search) is always part of it, so a database never joins web servers. When a
key joins servers of different sizes, the group takes the largest of each dimension.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from planner.errors import InputError, PlannerError
from planner.importers.records import Server

DEFAULT_KEYS = ("role", "type")
SIMPLE_KEYS = ("role", "type", "shape", "arch")
KIND_ORDER = {"server": 0, "search": 1, "cache": 2, "queue": 3, "database": 4}


@dataclass
class Group:
    name: str
    role: str
    kind: str
    servers: list[Server]
    count: int = 0
    vcpu: float = 0
    ram_gb: float = 0
    disk_gb: float = 0
    arch: str = "x86_64"
    gpu: int = 0
    data_gb: float = 0
    tier: int | None = None
    disk_known: bool = False
    data_known: bool = False
    notes: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)             # set by depends.infer
    depends_why: dict[str, list[str]] = field(default_factory=dict)  # group -> evidence

    @property
    def types(self) -> list[str]:
        seen: dict[str, int] = {}
        for s in self.servers:
            seen[label(s)] = seen.get(label(s), 0) + s.count
        return [f"{n} x {t}" for t, n in seen.items()]


def parse_group_by(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    bad = [k for k in keys if k not in SIMPLE_KEYS and not re.fullmatch(r"tag:.+", k)]
    if not keys or bad:
        raise PlannerError(f"--group-by {text!r}: use a comma-separated list of "
                           f"{', '.join(SIMPLE_KEYS)} or tag:NAME (default role,type)")
    return keys


def label(s: Server) -> str:
    """The type, or the shape when the file gave none."""
    gpu = f"-{s.gpu}gpu" if s.gpu else ""
    return s.type or f"{s.vcpu:g}cpu-{s.ram_gb:g}gb{gpu}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "group"


def _key(s: Server, keys: tuple[str, ...]) -> tuple:
    parts: list[object] = [s.kind]
    for key in keys:
        if key == "role":
            parts.append(s.role.strip().lower())
        elif key == "type":
            parts.append(label(s).lower())
        elif key == "shape":
            parts.append((s.vcpu, s.ram_gb, s.disk_gb, s.arch, s.gpu))
        elif key == "arch":
            parts.append(s.arch)
        else:
            parts.append(s.tags.get(key[4:], ""))
    return tuple(parts)


def _build(members: list[Server]) -> Group:
    first = members[0]
    g = Group("", first.role, first.kind, members)
    g.count = sum(s.count for s in members)
    if g.count > 1_000_000:
        raise InputError(f"{first.role}: {g.count} servers in one group, more than the "
                         "1,000,000 an inventory group may hold")
    g.vcpu = max(s.vcpu for s in members)
    g.ram_gb = max(s.ram_gb for s in members)
    g.gpu = max(s.gpu for s in members)
    g.disk_gb = max(s.disk_gb for s in members)
    g.disk_known = all(s.disk_known for s in members)
    g.data_gb = min(sum(s.data_gb for s in members), 1e9)
    g.data_known = all(s.data_known for s in members)
    arches = {s.arch for s in members} - {"any"}  # a managed engine runs on either
    g.arch = next(iter(arches)) if len(arches) == 1 else "any"
    if len(arches) > 1:
        g.notes.append("mixes x86_64 and arm64 servers: arch any (the software runs on both)")
    tiers = {s.tier for s in members}
    g.tier = tiers.pop() if len(tiers) == 1 else None
    if len({(s.vcpu, s.ram_gb, s.gpu) for s in members}) > 1:
        g.notes.append("sizes differ within the group: it takes the largest vCPU, RAM and "
                       "GPU (use --group-by role,type to keep sizes apart)")
    notes = Counter(n for s in members for n in dict.fromkeys(s.notes))
    g.notes += [n if k == len(members) else f"{n} ({k} of {len(members)} entries)"
                for n, k in notes.items()]
    return g


def group_servers(servers: list[Server], keys: tuple[str, ...] = DEFAULT_KEYS) -> list[Group]:
    buckets: dict[tuple, list[Server]] = {}
    for s in servers:
        buckets.setdefault(_key(s, keys), []).append(s)
    groups = sorted((_build(m) for m in buckets.values()), key=lambda g: KIND_ORDER.get(
        g.kind, 9))
    bases = [slug(g.role) for g in groups]
    repeated = Counter(bases)
    taken: set[str] = set()
    for g, base in zip(groups, bases):
        name = base if repeated[base] == 1 else f"{base}-{slug(label(g.servers[0]))}"
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}-{n}", n + 1
        g.name = unique
        taken.add(unique)
    return groups
