"""Bin packing instances as plans: the items are servers that pack, the bin is one host
offering, so planning them is packing them (Plan.host_pools), and the plan's hosts can be
compared with the bins a published solver needs.

Formats read (told from the content):
- bpp (BPPLIB, Scholl, Falkenauer single files): n, the capacity C, then n lines of one
  weight each, or of "weight demand" (the cutting stock variant);
- orlib (OR-Library binpack1-8.txt): the number of problems P, then for each a name line,
  "C n best" (best = the bins of the best known solution, published with the file) and
  n weights;
- vbp (VPSolver vector packing): the number of dimensions d, the d capacities, the number
  of item types m, then m lines of d weights and a demand.

Dimension 1 is a host's disk (GB), 2 its RAM, 3 its vCPU: the units do not matter, the
inequalities do. A dimension an instance does not use gets sizes small enough never to
bind. Each distinct size vector is a group of its multiplicity with `pack: true`, no limit
per host and no spreading policy; the one provider sells only the bin, at 1 USD a month,
so a plan's monthly server cost is its bins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pydantic

from planner.errors import PlannerError
from planner.models import Catalog, Inventory

SOURCE = {"source": "the instance file", "as_of": "2026-12"}
UNUSED_SIZE = 0.001  # a dimension the instance does not use: 1024 / 0.001 never binds
UNUSED_ROOM = 1024
FIELDS = ("disk_gb", "ram_gb", "vcpu")
LIMITS = {"disk_gb": 10_000_000, "ram_gb": 65_536, "vcpu": 1024}


@dataclass(frozen=True)
class Instance:
    name: str
    capacity: tuple[float, ...]
    items: dict[tuple[float, ...], int]  # size vector -> how many
    best_known: int | None = None  # bins of the best known solution, where the file says

    @property
    def count(self) -> int:
        return sum(self.items.values())


def _numbers(line: str, where: str) -> list[float]:
    try:
        return [float(x) for x in line.split()]
    except ValueError:
        raise PlannerError(f"{where}: expected numbers, got {line.strip()!r}") from None


def parse(text: str, name: str) -> list[Instance]:
    """The instances of one file (module docstring), with `name` for a single one."""
    lines = [(i + 1, ln) for i, ln in enumerate(text.splitlines()) if ln.strip()]
    if not lines:
        raise PlannerError(f"{name}: empty file")
    second = lines[1][1].split() if len(lines) > 1 else []
    if len(lines) > 2 and not re.fullmatch(r"[\d.\seE+-]+", lines[1][1]):
        return _orlib(lines, name)
    if len(second) > 1 or (len(lines) > 2 and len(lines[2][1].split()) > 2):
        return [_vbp(lines, name)]
    return [_bpp(lines, name)]


def _bpp(lines, name) -> Instance:
    n = int(_numbers(lines[0][1], f"{name} line {lines[0][0]}")[0])
    capacity = _numbers(lines[1][1], f"{name} line {lines[1][0]}")[0]
    items: dict[tuple[float, ...], int] = {}
    body = lines[2:]
    for number, line in body:
        values = _numbers(line, f"{name} line {number}")
        demand = int(values[1]) if len(values) > 1 else 1
        items[(values[0],)] = items.get((values[0],), 0) + demand
    if len(body) != n:
        raise PlannerError(f"{name}: the first line says {n} items (or item types), the file "
                           f"has {len(body)}")
    return _checked(Instance(name, (capacity,), items))


def _vbp(lines, name) -> Instance:
    where = lambda k: f"{name} line {lines[k][0]}"  # noqa: E731
    d = int(_numbers(lines[0][1], where(0))[0])
    capacity = tuple(_numbers(lines[1][1], where(1)))
    m = int(_numbers(lines[2][1], where(2))[0])
    if len(capacity) != d or not 1 <= d <= 3:
        raise PlannerError(f"{where(1)}: expected {d} capacities (1 to 3 dimensions), got "
                           f"{len(capacity)}")
    items: dict[tuple[float, ...], int] = {}
    for k in range(3, len(lines)):
        values = _numbers(lines[k][1], where(k))
        if len(values) != d + 1:
            raise PlannerError(f"{where(k)}: expected {d} weights and a demand")
        items[tuple(values[:d])] = items.get(tuple(values[:d]), 0) + int(values[d])
    if len(lines) - 3 != m:
        raise PlannerError(f"{name}: the header says {m} item types, the file has "
                           f"{len(lines) - 3}")
    return _checked(Instance(name, capacity, items))


def _orlib(lines, name) -> list[Instance]:
    count = int(_numbers(lines[0][1], f"{name} line {lines[0][0]}")[0])
    out, k = [], 1
    for _ in range(count):
        if k + 1 >= len(lines):
            raise PlannerError(f"{name}: the first line says {count} problems, the file ends "
                               f"after {len(out)}")
        title = lines[k][1].strip()
        capacity, n, best = _numbers(lines[k + 1][1], f"{name} line {lines[k + 1][0]}")[:3]
        weights = [_numbers(ln, f"{name} line {i}")[0] for i, ln in lines[k + 2:k + 2 + int(n)]]
        items: dict[tuple[float, ...], int] = {}
        for w in weights:
            items[(w,)] = items.get((w,), 0) + 1
        out.append(_checked(Instance(title, (capacity,), items, int(best))))
        k += 2 + int(n)
    return out


def _checked(inst: Instance) -> Instance:
    for d, room in enumerate(inst.capacity):
        if not 0 < room <= LIMITS[FIELDS[d]]:
            raise PlannerError(f"{inst.name}: capacity {room:g} in dimension {d + 1} is "
                               f"outside 0..{LIMITS[FIELDS[d]]:,}")
    for size, n in inst.items.items():
        bad = [s for s, room in zip(size, inst.capacity) if not 0 <= s <= room]
        if bad or n < 1 or not any(size):
            raise PlannerError(f"{inst.name}: item {' '.join(f'{s:g}' for s in size)} (x {n}) "
                               "is empty, negative or larger than the bin")
    return inst


def as_inputs(inst: Instance) -> tuple[dict, dict]:
    """The inventory and catalog dicts of one instance (module docstring)."""
    room = {f: (inst.capacity[d] if d < len(inst.capacity) else UNUSED_ROOM)
            for d, f in enumerate(FIELDS)}
    groups = []
    for size, n in sorted(inst.items.items(), key=lambda kv: (-kv[0][0], kv[0])):
        label = "x".join(f"{s:g}" for s in size)
        dims = {f: (size[d] if d < len(size) else UNUSED_SIZE) for d, f in enumerate(FIELDS)}
        groups.append({"name": f"item-{label}", "count": n, **dims, "tier": 1,
                       "pack": True, "max_per_host": n, "spread": False})
    inventory = {
        "name": inst.name, "deadline_hours": 24,
        "description": f"Bin packing instance {inst.name}: {inst.count} items, capacity "
                       + " x ".join(f"{c:g}" for c in inst.capacity),
        "source": {"provider": "source", "egress_gbps": 10},
        "groups": groups,
        "policy": {"survive_provider_losses": 0, "max_share_per_provider": 1.0}}
    catalog = {"providers": [
        _provider("source", {"vcpu": 1024, "ram_gb": 65536, "disk_gb": 10_000_000}, 0),
        _provider("bins", room, inst.count)], "services": []}
    return inventory, catalog


def _provider(pid: str, room: dict, count: int) -> dict:
    return {"id": pid, "name": pid.title(), "kind": "cloud", "jurisdiction": "US",
            "currency": "USD", **SOURCE, "onboarding_hours": 0,
            "quota_servers": max(count, 1), "provision_rate_per_hour": max(count, 1),
            "ingress_gbps": 10, "refusal_risk": 0,
            "offerings": [{"id": "bin", **room, "price_per_month": 1}]}


def validated(inst: Instance) -> tuple[Inventory, Catalog]:
    """as_inputs, as models (a limit of theirs the instance breaks is an input error)."""
    inventory, catalog = as_inputs(inst)
    try:
        return Inventory.model_validate(inventory), Catalog.model_validate(catalog)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        raise PlannerError(f"{inst.name}: {'.'.join(map(str, first['loc']))}: "
                           f"{first['msg']}") from None
