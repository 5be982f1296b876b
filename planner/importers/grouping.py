"""Servers with the same grouping key become one workload group with a count.

The key is `--group-by` (default `app,size`, what a person would choose): `app` (an
Application, App or Service tag, joined with the role when a Role or Component tag or a
column states it; without them the role), `size` (vCPU and RAM, near-equal sizes merged:
see SIZE_TOLERANCE; arch and GPU must match), `role` (Role tag, else the name's prefix,
else the resource), `type` (instance type, or the shape when a file gives no type), `shape`
(exact vCPU, RAM, disk, arch, GPU), `arch`, or `tag:NAME`. The kind (server, database,
cache, queue, search) is always part of it, so a database never joins web servers. When a
key joins servers of different sizes, the group takes the largest of each dimension.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from planner.errors import InputError, PlannerError
from planner.importers.records import Server

DEFAULT_KEYS = ("app", "size")
SIMPLE_KEYS = ("app", "size", "role", "type", "shape", "arch")
# `size` merges servers whose vCPU and RAM are each within 25% of the group's largest (the
# largest is at most 1.25 times the smallest), and the group takes the largest. Why 25%:
# the same machine is written 7.5, 7.75 or 8 GB, 15.5 or 16 GB, 3.75 or 4 GB by clouds,
# hypervisors and MiB rounding, and VMs are hand-sized a little up or down; instance sizes
# step by 2x, so 25% never joins two sizes of a family (2 and 4 vCPU, 8 and 16 GB stay
# apart) and a merged server gets at most 25% more than it had.
SIZE_TOLERANCE = 0.25
APP_TAGS = ("application", "app", "service")
PART_TAGS = ("role", "component")
# Tag values that say "none" (cloud-custodian's recorded EC2 tags hold Application: NULL)
NO_VALUE = {"", "null", "none", "n/a", "na", "-", "unknown", "tbd"}
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
    role_from: str = ""      # how its name (role or application) was found
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
                           f"{', '.join(SIMPLE_KEYS)} or tag:NAME (default "
                           f"{','.join(DEFAULT_KEYS)})")
    return keys


def label(s: Server) -> str:
    """The type, or the shape when the file gave none."""
    gpu = f"-{s.gpu}gpu" if s.gpu else ""
    return s.type or f"{s.vcpu:g}cpu-{s.ram_gb:g}gb{gpu}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "group"


def app_of(s: Server) -> tuple[str, str]:
    """(application, how it was found): an Application/App/Service tag (any case), joined
    with the role when one is stated, by a Role/Component tag or a column (shop-web), not
    guessed from a name; else the server's role."""
    tags = {k.strip().lower(): (k, v.strip()) for k, v in s.tags.items()
            if v.strip().lower() not in NO_VALUE}
    app = next((tags[t] for t in APP_TAGS if t in tags), None)
    if app is None:
        return s.role, s.role_from
    part = next((f"{tags[t][0]}={tags[t][1]}" for t in PART_TAGS if t in tags), None)
    role = tags[next(t for t in PART_TAGS if t in tags)][1] if part else s.role.strip()
    if part is None and s.role_from.startswith(("tag ", "column ")):
        part = s.role_from
    if part is None or not role or role.lower() == app[1].lower():
        return app[1], f"tag {app[0]}={app[1]}"
    return f"{app[1]}-{role}", f"tag {app[0]}={app[1]}, role from {part}"


def _key(s: Server, keys: tuple[str, ...]) -> tuple:
    parts: list[object] = [s.kind]
    for key in keys:
        if key == "app":
            parts.append(app_of(s)[0].strip().lower())
        elif key == "size":  # the sizes are merged within a key by _near_sizes
            parts.append((s.arch, s.gpu))
        elif key == "role":
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


def _near_sizes(members: list[Server], tolerance: float) -> list[list[Server]]:
    """Split servers into sets whose vCPU and RAM each vary by at most `tolerance` (the
    largest <= (1 + tolerance) x the smallest), largest sizes first; each set keeps the
    order of the file."""
    limit = 1 + tolerance
    sets: list[tuple[list[float], list[Server]]] = []  # [min cpu, max cpu, min ram, max ram]
    for s in sorted(members, key=lambda m: (-m.vcpu, -m.ram_gb)):
        for bounds, kept in sets:
            lo_c, hi_c = min(bounds[0], s.vcpu), max(bounds[1], s.vcpu)
            lo_r, hi_r = min(bounds[2], s.ram_gb), max(bounds[3], s.ram_gb)
            if hi_c <= limit * lo_c and hi_r <= limit * lo_r:
                bounds[:] = [lo_c, hi_c, lo_r, hi_r]
                kept.append(s)
                break
        else:
            sets.append(([s.vcpu, s.vcpu, s.ram_gb, s.ram_gb], [s]))
    order = {id(s): i for i, s in enumerate(members)}
    return [sorted(kept, key=lambda m: order[id(m)]) for _, kept in sets]


def _build(members: list[Server], keys: tuple[str, ...]) -> Group:
    first = members[0]
    role, role_from = app_of(first) if "app" in keys else (first.role, first.role_from)
    g = Group("", role, first.kind, members, role_from=role_from)
    g.count = sum(s.count for s in members)
    if g.count > 1_000_000:
        raise InputError(f"{role}: {g.count} servers in one group, more than the "
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
                       "GPU (--size-tolerance 0 or --group-by app,shape keeps sizes apart)")
    notes = Counter(n for s in members for n in dict.fromkeys(s.notes))
    g.notes += [n if k == len(members) else f"{n} ({k} of {len(members)} entries)"
                for n, k in notes.items()]
    return g


def _suffix(g: Group) -> str:
    """What tells apart groups of one name: their one type, else their size."""
    labels = {label(s) for s in g.servers}
    gpu = f"-{g.gpu}gpu" if g.gpu else ""
    return labels.pop() if len(labels) == 1 else f"{g.vcpu:g}cpu-{g.ram_gb:g}gb{gpu}"


def group_servers(servers: list[Server], keys: tuple[str, ...] = DEFAULT_KEYS,
                  tolerance: float = SIZE_TOLERANCE) -> list[Group]:
    buckets: dict[tuple, list[Server]] = {}
    for s in servers:
        buckets.setdefault(_key(s, keys), []).append(s)
    sets = [part for members in buckets.values()
            for part in (_near_sizes(members, tolerance) if "size" in keys else [members])]
    groups = sorted((_build(m, keys) for m in sets), key=lambda g: KIND_ORDER.get(g.kind, 9))
    bases = [slug(g.role) for g in groups]
    repeated = Counter(bases)
    taken: set[str] = set()
    for g, base in zip(groups, bases):
        name = base if repeated[base] == 1 else f"{base}-{slug(_suffix(g))}"
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}-{n}", n + 1
        g.name = unique
        taken.add(unique)
    return groups
