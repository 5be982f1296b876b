"""Rules 1-7: the plan's shape, what runs where, and how many servers."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from itertools import chain

from planner.domain import curves, digest, packing, refusal
from planner.domain.eligibility import exclusion_reason, exclusions, smtp_misfit
from planner.models.plan import Plan
from planner.verify.context import Context, Violation, breach, num, sum_lists, violated

# ---------------------------------------------------------------- structure

def check_shape(plan: Plan) -> Iterator[Violation]:
    """Every hour list has H+1 entries; deadline and horizon match the inventory; the digest
    is that of the embedded inputs; no row (schedule, copy, service) appears twice; no
    number anywhere in it is NaN or infinite."""
    inv, H = plan.inventory, plan.horizon_hours
    odd = next(_non_finite(plan.model_dump(warnings=False)), None)
    if odd is not None:
        yield violated("shape", f"{odd[0]} is {odd[1]}, not a finite number")
    if plan.deadline_hours != inv.deadline_hours:
        yield violated("shape", f"deadline_hours {plan.deadline_hours} != inventory "
                       f"{inv.deadline_hours}")
    if H != inv.horizon:
        yield violated("shape", f"horizon_hours {H} != inventory horizon {inv.horizon}")
    if inv.deadline_hours > H:
        yield violated("shape", f"deadline {inv.deadline_hours} is past the horizon {H}")
    want = digest.inputs_digest(inv, plan.catalog)
    if plan.inputs_digest != want:
        yield violated("shape", f"inputs_digest {plan.inputs_digest} != {want}")
    named = chain(
        ((f"schedule row {r.group}/{r.provider}/{r.offering}", r.up_by_hour)
         for r in plan.schedule),
        ((f"schedule row {r.group}/{r.provider}/{r.offering} hosts", r.hosts_by_hour)
         for r in plan.schedule if r.hosts_by_hour is not None),
        ((f"copy row {r.demand}->{r.target}", r.gb_by_hour) for r in plan.copies),
        ((f"service row {r.kind}/{r.vendor}/{r.offering}", r.share_by_hour)
         for r in plan.services),
        ((f"coverage row {r.kind}/{r.demand}", r.served_by_hour) for r in plan.coverage))
    for name, values in named:
        if len(values) != H + 1:
            yield violated("shape", f"{name} has {len(values)} hours, expected {H + 1}")
    keys = chain((("schedule row", r.group, r.provider, r.offering) for r in plan.schedule),
                 (("copy row", r.demand, r.target) for r in plan.copies),
                 (("service row", r.kind, r.vendor, r.offering) for r in plan.services))
    for key, n in Counter(keys).items():
        if n > 1:
            yield violated("shape", f"{key[0]} {'/'.join(key[1:])} appears {n} times")


def check_fit(ctx: Context) -> Iterator[Violation]:
    """A schedule row names a known group and a known offering of a catalog provider that
    fits it: vcpu, ram_gb, disk_gb and gpu_count at least the group's, GPU memory at least
    its gpu_min_vram_gb, the same arch (unless the group takes any or rebuilds for the
    other), a provider jurisdiction the group allows, and outbound port 25 where it sends
    mail (eligibility.smtp_misfit)."""
    for row in ctx.plan.schedule:
        where = f"{row.group} on {row.provider}/{row.offering}"
        group = ctx.groups.get(row.group)
        offering = ctx.offering(row.provider, row.offering)
        if group is None:
            yield violated("fit", f"{where}: no group {row.group!r} in the inventory")
        if offering is None:
            yield violated("fit", f"{where}: no such compute offering in the catalog")
        if group is None or offering is None:
            continue
        gpus = offering.gpu_count.value if offering.gpu_count else 0.0
        for name, have, need in (("vcpu", offering.vcpu.value, group.vcpu),
                                 ("ram_gb", offering.ram_gb.value, group.ram_gb),
                                 ("disk_gb", offering.disk_gb.value, group.disk_gb),
                                 ("gpu_count", gpus, group.gpu_count)):
            if have < need:
                yield violated("fit", f"{where}: {name} {num(have)} < {num(need)}")
        if group.arch != "any" and offering.arch != group.arch \
                and group.arch_policy != "rebuild":
            yield violated("fit", f"{where}: arch {offering.arch} != {group.arch}")
        if gpus and not group.gpu_count:
            yield violated("fit", f"{where}: a GPU server for a group that needs no GPU")
        smtp = smtp_misfit(group, ctx.providers[row.provider])
        if smtp:
            yield violated("fit", f"{where}: {smtp}")
        vram = offering.gpu_vram_gb.value if offering.gpu_vram_gb else 0.0
        if group.gpu_count and group.gpu_min_vram_gb and vram < group.gpu_min_vram_gb:
            yield violated("fit", f"{where}: gpu_vram_gb {num(vram)} < "
                           f"{num(group.gpu_min_vram_gb)}")
        jurisdiction = ctx.providers[row.provider].jurisdiction
        if group.jurisdictions is not None and jurisdiction not in group.jurisdictions:
            yield violated("fit", f"{where}: jurisdiction {jurisdiction} not in "
                           f"{sorted(group.jurisdictions)}")


def check_excluded(ctx: Context) -> Iterator[Violation]:
    """No provider or vendor used (schedule rows, service rows, copy targets) is excluded by
    policy (by id or organization), is the source being left, or is past its end of life or
    its end of sale on the decision date (domain.eligibility); and the plan's list of
    excluded entries is the one its inputs give, reasons included."""
    plan = ctx.plan
    used = dict.fromkeys(chain((r.provider for r in plan.schedule),
                               (r.vendor for r in plan.services),
                               (r.target for r in plan.copies)))
    for entry_id in used:
        entry = ctx.providers.get(entry_id) or ctx.vendors.get(entry_id)
        if entry is None:
            continue  # unknown ids are reported by fit, data_copy and service_share
        reason = exclusion_reason(entry, plan.inventory)
        if reason:
            source = plan.inventory.source.provider
            whose = f" (the source, {source})" if source in (entry.id, entry.organization) \
                else ""
            yield violated("excluded", f"{entry.id} is used, but {reason}{whose}")
    if plan.excluded != exclusions(plan.inventory, plan.catalog):
        yield violated("excluded", "the list of excluded entries is not the one the inputs "
                       "give (domain.eligibility.exclusions)")


def check_schedule(ctx: Context) -> Iterator[Violation]:
    """up_by_hour (and hosts_by_hour, where stated) hold whole numbers >= 0 and start at 0
    at hour 0."""
    for row in ctx.plan.schedule:
        where = f"{row.group} on {row.provider}/{row.offering}"
        for what, up in (("servers", row.up_by_hour), ("hosts", row.hosts_by_hour or [])):
            odd = [t for t, v in enumerate(up) if not isinstance(v, int) or isinstance(v, bool)]
            if odd:
                yield violated("schedule", f"{where}: hour {odd[0]} holds {up[odd[0]]!r}, "
                               "not a count")
            elif any(v < 0 for v in up):
                t = next(t for t, v in enumerate(up) if v < 0)
                yield violated("schedule", f"{where}: {num(up[t])} {what} at hour {t}")
            elif up and up[0] != 0:
                yield violated("schedule", f"{where}: {num(up[0])} {what} at hour 0 (the "
                               "decision)")


def check_servers_stay_up(ctx: Context) -> Iterator[Violation]:
    """A row's servers, once up, stay up: up_by_hour never decreases, but where a refusal
    takes them (domain/refusal.py): at the hour its provider refuses, a row drops to 0;
    and at the hour h a provider refuses, a row of a group that depends, directly or
    through others, on a group with servers there before h (refusal.stopping) may drop
    (it stops serving what it can no longer reach)."""
    stopping = refusal.stopping(ctx.plan.inventory, ctx.plan.catalog, ctx.plan.schedule)
    for row in ctx.plan.schedule:
        where, up = f"{row.group} on {row.provider}/{row.offering}", row.up_by_hour
        gone = ctx.refused_at(row.provider)
        stops = {h for h, groups in stopping.items() if row.group in groups}
        drops = [t for t in range(1, len(up)) if up[t] < up[t - 1]
                 and not (t == gone and up[t] == 0) and t not in stops]
        if drops:
            t = drops[0]
            yield violated("servers_stay_up", f"{where}: drops from {num(up[t - 1])} to "
                           f"{num(up[t])} at hour {t}")


def check_packing(ctx: Context) -> Iterator[Violation]:
    """A row with several servers on a host (per_host = k) is of a group that packs, and k
    of them fit one host of its offering within the policy's overcommit and the group's
    limit per host (domain/packing.per_host)."""
    for row in ctx.plan.schedule:
        group, offering = ctx.groups.get(row.group), ctx.offering(row.provider, row.offering)
        if row.per_host is None or group is None or offering is None:
            continue
        most = packing.per_host(ctx.plan.inventory, group, ctx.providers[row.provider],
                                offering)
        if row.per_host > most:
            yield violated("packing", f"{row.group} on {row.provider}/{row.offering}: "
                           f"{row.per_host} servers on one host, at most {most} fit")


def check_hosts_before_service(ctx: Context) -> Iterator[Violation]:
    """A server serves on a host that exists, k of them at most on one (per_host, else 1),
    hosts stay, and every host made serves in the end: up_by_hour <= k hosts_by_hour each
    hour, hosts never decrease, and at the horizon they are as many as the servers (k = 1)
    or at most as many (k > 1: each host holds one at least). Where something refuses
    (domain/refusal.py), a row's hosts drop to 0 at the hour its provider refuses, and a
    group that may stop serving then (refusal.stopping) may keep hosts idle at the
    horizon."""
    stopping = set().union(*refusal.stopping(ctx.plan.inventory, ctx.plan.catalog,
                                             ctx.plan.schedule).values())
    for row in ctx.plan.schedule:
        if row.hosts_by_hour is None:
            continue
        where, made, up = (f"{row.group} on {row.provider}/{row.offering}", row.hosts_by_hour,
                           row.up_by_hour)
        k = row.per_host or 1
        if (row.provider, row.offering, row.group) in ctx.shared:
            continue  # its servers have slots on the pool's hosts: check_host_pools
        yield from breach("hosts_before_service", f"{where}: serving vs {k} x hosts made", up,
                          [k * m for m in made], exact=True)
        gone = ctx.refused_at(row.provider)  # hosts there go at its refusal
        drops = [t for t in range(1, len(made)) if made[t] < made[t - 1]
                 and not (t == gone and made[t] == 0)]
        if drops:
            yield violated("hosts_before_service", f"{where}: hosts drop from "
                           f"{num(made[drops[0] - 1])} to {num(made[drops[0]])} at hour "
                           f"{drops[0]}")
        idle = row.group in stopping  # hosts may wait idle at H
        if not idle and (made[ctx.H] != up[ctx.H] if k == 1 else made[ctx.H] > up[ctx.H]):
            yield violated("hosts_before_service", f"{where}: {num(made[ctx.H])} hosts made "
                           f"but {num(up[ctx.H])} serve at the horizon")


# ---------------------------------------------------------------- servers

def check_group_demand(ctx: Context) -> Iterator[Violation]:
    """A group never runs more servers than its count: sum of its rows <= count, each hour."""
    for name, group in ctx.groups.items():
        yield from breach("group_demand", f"group {name} (count {group.count})",
                          ctx.served[name], [group.count] * (ctx.H + 1), exact=True)


def check_provider_capacity(ctx: Context) -> Iterator[Violation]:
    """Servers at a provider (hosts made, serving or not), over all its rows, stay within
    curves.provider_servers."""
    for pid in dict.fromkeys(r.provider for r in ctx.plan.schedule):
        provider = ctx.providers.get(pid)
        if provider is None:
            continue
        total = sum_lists((r.hosts for r in ctx.plan.schedule if r.provider == pid),
                          ctx.H + 1)
        cap = ctx.server_cap(pid)
        yield from breach("provider_capacity", f"provider {pid}", total, cap, exact=True)


def check_provider_quota(ctx: Context) -> Iterator[Violation]:
    """Servers at a provider, over all its rows, take no more of each of its limits in
    vCPU, RAM, GPUs or IPv4 than curves.provider_quota allows, in the unit enforced
    (curves.quota_units per server of each row's offering)."""
    for pid in dict.fromkeys(r.provider for r in ctx.plan.schedule):
        provider = ctx.providers.get(pid)
        if provider is None:
            continue
        rows = [r for r in ctx.plan.schedule if r.provider == pid]
        for name, quota in sorted(provider.unit_quotas.items()):
            taken = curves.quota_taken(provider, quota, rows, ctx.H + 1)
            limit = curves.provider_quota(provider, quota, ctx.H, ctx.refused_at(pid)).values
            yield from breach("provider_quota", f"{pid} quota {name} ({quota.unit})", taken,
                              limit)


def check_offering_capacity(ctx: Context) -> Iterator[Violation]:
    """Servers of one offering, over all groups, stay within curves.offering_servers
    (delivery time and stock) where that curve exists."""
    for pid, oid in dict.fromkeys((r.provider, r.offering) for r in ctx.plan.schedule):
        offering = ctx.offering(pid, oid)
        curve = offering and curves.offering_servers(ctx.providers[pid], offering, ctx.H,
                                                     ctx.refused_at(pid))
        if curve is None:
            continue
        total = sum_lists((r.hosts for r in ctx.plan.schedule
                           if (r.provider, r.offering) == (pid, oid)), ctx.H + 1)
        yield from breach("offering_capacity", f"offering {pid}/{oid}", total, curve.values,
                          exact=True)


def _non_finite(value, path: str = "plan"):
    """(path, value) of every NaN or infinite number inside a dumped Plan."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if _may_hold(item):
                yield from _non_finite(item, f"{path}.{key}")
    elif isinstance(value, list) and not _finite_numbers(value):
        for index, item in enumerate(value):
            if _may_hold(item):
                yield from _non_finite(item, f"{path}[{index}]")


def _may_hold(item) -> bool:
    """A non-finite number, or a dict or list that may hold one: no generator per leaf."""
    return isinstance(item, (dict, list)) or (isinstance(item, float)
                                              and not math.isfinite(item))


def _finite_numbers(values: list) -> bool:
    """Every item is a finite number: math.fsum is exact, so a finite sum has no NaN or
    infinity in it. An item of another kind, or an overflow, says nothing: the items are
    then looked at one by one (the hour lists were most of a 10,000-server check)."""
    try:
        return math.isfinite(math.fsum(values))
    except (TypeError, ValueError, OverflowError):
        return False
