"""Hosts shared by several groups: the plan's rows of packed groups at one offering, laid
out together (planner/solver/layout.py) once the MILP has said how many servers of each
run there, hour by hour.

A pool is the rows at one (provider, offering) of groups that pack and hold no data (a
host that receives a copy belongs to its group: formulation/data_rows.py), two of them at
least. Its layouts never use more hosts at any hour than the rows' own did, so every limit
the MILP met on hosts (capacity, stock, quotas, rates, the team's hours) still holds, and
the bill can only fall. Each layout's hosts are counted in the row of one of its groups,
its owner (the group with most servers on it), so that everything that reads hosts from
the rows (bill, capacity, labour) counts each shared host once.
"""

from __future__ import annotations

from planner.domain import packing
from planner.formulation.instance import Instance
from planner.models.plan import HostLayout, HostPool, ScheduleRow
from planner.solver.layout import Bin, Kind, lay_out


def pooled(inst: Instance, schedule: list[ScheduleRow]) -> dict[tuple[str, str], list[int]]:
    """(provider, offering) -> positions in `schedule` of the rows that share hosts there;
    none at a provider that refuses within the hours planned (a layout's hosts never drop,
    and those go at the refusal: domain/refusal.py)."""
    at: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(schedule):
        group = inst.groups[row.group]
        if packing.packs(group) and group.data_gb == 0 and any(row.up_by_hour) \
                and inst.refused_at(row.provider) is None:
            at.setdefault((row.provider, row.offering), []).append(i)
    return {key: rows for key, rows in sorted(at.items()) if len(rows) >= 2}


def share_hosts(inst: Instance, schedule: list[ScheduleRow]
                ) -> tuple[list[ScheduleRow], list[HostPool]]:
    """The schedule with the pools' hosts counted by their owners, and the pools."""
    out, pools = list(schedule), []
    for (pid, oid), positions in pooled(inst, schedule).items():
        rows = [schedule[i] for i in positions]
        pool, owned = _pool(inst, pid, oid, rows)
        for i, row in zip(positions, rows):
            out[i] = row.model_copy(update={"hosts_by_hour": owned[row.group]})
        pools.append(pool)
    return out, pools


def _pool(inst: Instance, pid: str, oid: str, rows: list[ScheduleRow]
          ) -> tuple[HostPool, dict[str, list[int]]]:
    """The layouts of `rows` (all at pid/oid) and the hosts each row then counts."""
    provider, offering = inst.providers[pid], inst.offering(pid, oid)
    kinds = [Kind(size=packing.size(g), most=packing.host_limit(inst.inventory, g),
                  alone=packing.per_host(inst.inventory, g, provider, offering))
             for g in (inst.groups[r.group] for r in rows)]
    hours = _breakpoints(rows)
    hours, need, cap = _distinct(hours, [[r.up_by_hour[t] for r in rows] for t in hours],
                                 [sum(r.hosts[t] for r in rows) for t in hours])
    room = packing.room(inst.inventory, provider, offering)
    found = lay_out(kinds, Bin(room=room), need, cap)
    H = len(rows[0].up_by_hour) - 1
    layouts = []
    owned = {r.group: [0] * (H + 1) for r in rows}
    for pattern, made in zip(found.patterns, found.hosts):
        # the owner: the group with most servers on these hosts (the first row on a tie)
        owner = rows[max((g for g in range(len(rows)) if pattern[g]),
                         key=lambda g: (pattern[g], -g))].group
        by_hour = _by_hour(hours, made, H + 1)
        owned[owner] = [a + b for a, b in zip(owned[owner], by_hour)]
        layouts.append(HostLayout(servers={rows[g].group: n for g, n in enumerate(pattern) if n},
                                  owner=owner, hosts_by_hour=by_hour))
    layouts.sort(key=lambda lay: (-lay.hosts_by_hour[H], sorted(lay.servers.items())))
    return HostPool(provider=pid, offering=oid, region=rows[0].region,
                    groups=[r.group for r in rows], layouts=layouts,
                    hosts=sum(lay.hosts_by_hour[H] for lay in layouts),
                    hosts_one_group=sum(r.hosts[H] for r in rows),
                    lower_bound=found.lower_bound), owned


def _breakpoints(rows: list[ScheduleRow]) -> list[int]:
    """The hours at which some row's servers or hosts change, and the horizon: between
    two of them nothing the layout answers to moves."""
    H = len(rows[0].up_by_hour) - 1
    hours = {H}
    for r in rows:
        for series in (r.up_by_hour, r.hosts):
            hours.update(t for t in range(1, H + 1) if series[t] != series[t - 1])
    return sorted(hours)


def _distinct(hours: list[int], need: list[list[int]], cap: list[int]):
    """The breakpoints where the servers change: one where none serve needs no host, and
    of several in a row with the same servers the first alone (its cap, the smallest, holds
    them; hosts made then stay), which keeps the integer program to the hours that matter
    (a second, identical hour took a 60-item layout from 0.3 s to 12 s)."""
    kept = [i for i, n in enumerate(need) if any(n) and (i == 0 or n != need[i - 1])]
    if not kept:  # nothing serves: the horizon alone
        kept = [len(hours) - 1]
    return [hours[i] for i in kept], [need[i] for i in kept], [cap[i] for i in kept]


def _by_hour(hours: list[int], made: list[int], length: int) -> list[int]:
    """Hosts by each hour 0..H from their number at each breakpoint (made at the
    breakpoint, kept until the next)."""
    out, level, at = [], 0, dict(zip(hours, made))
    for t in range(length):
        level = at.get(t, level)
        out.append(level)
    return out
