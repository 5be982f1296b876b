"""Refusals (policy.refused_at_hour): a provider or vendor that backs out at hour h, after
servers exist there (January 2021: the hosts that had agreed to take the site dropped it at
the last minute). The one reading of a refusal that the formulation, the plan's costs and the
verifier share, so that all three see the same refusal:

- its capacity curves are 0 from h on (curves.refused, the `until` of each curve): servers,
  stock, unit quotas and ingress at a provider; the share or the ingest of a vendor;
- what ran there stops at h: its servers drop to 0 then (the one drop servers_stay_up allows
  at a provider), the data copied there and the objects stored there are gone, and the
  setup fees of the servers made there before h stay paid (`setup_hosts`);
- what needs it may stop at h too: a group that depends, directly or through others, on a
  group that had servers there before h may drop at h, since it cannot serve without what
  it calls (`stopping`); and a self-hosted vendor's share with the group running it;
- a group that could run at a compute provider that refuses within the hours planned is
  not held to the spread policy at the horizon (`unspread`): the refusal takes away part
  of where it could be spread, the loss the policy protects against.

A refusal at hour 0 is an exclusion by another name: nothing can run there.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.domain.eligibility import exclusion_reason, misfit
from planner.models.catalog import Catalog, Provider, ServiceVendor
from planner.models.inventory import Inventory


def refusal_hour(inventory: Inventory, entry: Provider | ServiceVendor) -> int | None:
    """The hour `entry` refuses (named by its id or its organization; the earliest when
    both are), or None."""
    names = {entry.id} | ({entry.organization} if entry.organization else set())
    hours = [h for name, h in inventory.policy.refused_at_hour.items() if name in names]
    return min(hours) if hours else None


def refused_entries(inventory: Inventory, catalog: Catalog) -> dict[str, int]:
    """Catalog id -> the hour it refuses, for every provider and vendor that does."""
    out = {}
    for entry in [*catalog.providers, *catalog.services]:
        hour = refusal_hour(inventory, entry)
        if hour is not None:
            out[entry.id] = hour
    return out


def dependents(inventory: Inventory, groups: set[str]) -> set[str]:
    """The groups that depend on one of `groups`, directly or through others."""
    needs = {g.name: set(g.needs) for g in inventory.groups}
    out: set[str] = set()
    grown = True
    while grown:
        grown = False
        for name, deps in needs.items():
            if name not in out and deps & (groups | out):
                out.add(name)
                grown = True
    return out


def stopping(inventory: Inventory, catalog: Catalog, schedule,
             before: int | None = None) -> dict[int, set[str]]:
    """Hour h -> the groups that may stop serving at h (servers_stay_up lets their rows
    drop then): those that depend, directly or through others, on a group with servers at
    a provider before the hour h it refuses (schedule rows with group, provider and
    up_by_hour; only the hours before `before` read, when given)."""
    hit_at = _hit_at(inventory, catalog, schedule, before)
    return {h: dependents(inventory, groups) for h, groups in sorted(hit_at.items())}


def setup_hosts(hosts: Sequence[int], hour: int | None) -> int:
    """Hosts of a schedule row whose setup fee is paid: those at the horizon, or, at a
    provider that refuses at `hour` within it, the most made there before it (made and paid
    for, then lost)."""
    H = len(hosts) - 1
    if hour is None or hour > H:
        return hosts[H]
    return max(hosts[:hour], default=0)


def kept_gb(gb_by_hour: Sequence[float], hour: int | None) -> list[float]:
    """GB held at a target by each hour: what was copied there so far, nothing from `hour`
    on when it refuses then (what was stored there is gone)."""
    out, total = [], 0.0
    for t, gb in enumerate(gb_by_hour):
        total += gb
        out.append(0.0 if hour is not None and t >= hour else total)
    return out


def unspread(inventory: Inventory, catalog: Catalog) -> set[str]:
    """Groups not held to the spread policy (policy_share): those that fit an offering
    (eligibility.misfit) of a compute provider, not excluded, that refuses within the hours
    planned, after hour 0. A re-plan after a refusal may have no room left to spread them
    (the base plan counted on the refused provider), so the rule, which protects against
    such a loss, gives way to it; the formulation and the verifier read the same set."""
    groups = {g.name: g for g in inventory.groups}
    out: set[str] = set()
    for provider in catalog.providers:
        hour = refusal_hour(inventory, provider)  # at hour 0 it is as if excluded
        if hour is None or not 1 <= hour <= inventory.horizon \
                or exclusion_reason(provider, inventory):
            continue
        out |= {name for name, g in groups.items()
                if any(misfit(g, provider, o) is None for o in provider.offerings)}
    return out


def _hit_at(inventory: Inventory, catalog: Catalog, schedule, before: int | None
            ) -> dict[int, set[str]]:
    hours = refused_entries(inventory, catalog)
    out: dict[int, set[str]] = {}
    for row in schedule:
        h = hours.get(row.provider)
        if h is None or not 1 <= h < len(row.up_by_hour):
            continue
        if any(row.up_by_hour[:h if before is None else min(h, before)]):
            out.setdefault(h, set()).add(row.group)
    return out
