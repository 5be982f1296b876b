"""Packing: how many servers of a group one host of an offering holds.

One definition for the formulation (a packed candidate's hosts h and servers r, with
r <= k h) and the verifier. A host holds k servers of ONE group (hosts are not shared
between groups: each host is one group's, its image and its deploy), with

    k = min(floor(rho_kind vcpu_o / vcpu_g), floor(ram_o / ram_g), floor(disk_o / disk_g),
            max_per_host_g)

rho_kind the policy's cpu_overcommit for the provider's kind (1 when absent; RAM and disk
are never overcommitted), disk only where the group needs some, and max_per_host_g the
group's anti-affinity limit: absent, the share of it a loss may take,
floor((1 - min_surviving_share) count_g), at least 1, so that losing one host costs no
more of the group than losing a provider may.
"""

from __future__ import annotations

import math

from planner.models.catalog import Provider
from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory
from planner.models.provider_facts import Offering


def packs(group: WorkloadGroup) -> bool:
    """Whether its servers may share a host: only where the inventory says so (`pack:
    true`). Packing every stateless group by default took the 2021 case from 6 s to 2-5
    minutes of solving (HiGHS, 2 cores): hosts and servers both integer, the LP
    relaxation packs fractional hosts; it is the user's choice, group by group."""
    return bool(group.pack)


def host_limit(inventory: Inventory, group: WorkloadGroup) -> int:
    """The most servers of `group` on one host (module docstring)."""
    if group.max_per_host is not None:
        return group.max_per_host
    share = 1 - inventory.policy.min_surviving_share
    return max(1, math.floor(share * group.count + 1e-9))


def room(inventory: Inventory, provider: Provider, offering: Offering) -> tuple[float, ...]:
    """What one host of `offering` holds: vCPU with the policy's overcommit, RAM, disk."""
    rho = inventory.policy.cpu_overcommit.get(provider.kind, 1.0)
    return (rho * offering.vcpu.value, offering.ram_gb.value, offering.disk_gb.value)


def size(group: WorkloadGroup) -> tuple[float, ...]:
    """What one server of `group` takes of a host, in room()'s dimensions."""
    return (group.vcpu, group.ram_gb, group.disk_gb)


def per_host(inventory: Inventory, group: WorkloadGroup, provider: Provider,
             offering: Offering) -> int:
    """k of the module docstring; 1 for a group that does not pack (or where one server
    takes most of the host)."""
    if not packs(group):
        return 1
    fits = [math.floor(r / s + 1e-9) for r, s in
            zip(room(inventory, provider, offering), size(group)) if s > 0]
    return max(1, min(*fits, host_limit(inventory, group)))


def overfull(inventory: Inventory, servers: dict[str, int], groups: dict[str, WorkloadGroup],
             provider: Provider, offering: Offering) -> str | None:
    """Why one host of `offering` cannot hold `servers` (group -> servers on it), or None:
    sum_g a_g size_g <= room in every dimension, and a_g <= the group's limit per host."""
    for name, n in sorted(servers.items()):
        if n > host_limit(inventory, groups[name]):
            return f"{n} of {name} on one host, its limit is {host_limit(inventory, groups[name])}"
    for d, (word, cap) in enumerate(zip(("vCPU", "GB RAM", "GB disk"),
                                        room(inventory, provider, offering))):
        used = sum(n * size(groups[name])[d] for name, n in servers.items())
        if used > cap + 1e-9:
            return f"{used:g} {word} on a host with {cap:g}"
    return None
