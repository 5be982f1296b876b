"""Rules 8-14: data copies, ingress and egress, service shares, dependencies and spread."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from planner.domain import curves, data, gates, refusal, served
from planner.domain.spread import least_footprint
from planner.domain.usage import all_used, providers_by_kind
from planner.verify.context import (
    SERVICE_KINDS,
    Context,
    Violation,
    breach,
    close,
    leq,
    mismatch,
    num,
    running_sum,
    sum_lists,
    tol,
    violated,
)

# ---------------------------------------------------------------- data

def check_data_copy(ctx: Context) -> Iterator[Violation]:
    """Copy rows name a group (or object_storage); a group's copy targets a compute provider,
    copies >= 0 GB each hour and nothing at hour 0."""
    for row in ctx.plan.copies:
        where = f"copy {row.demand}->{row.target}"
        if row.demand != "object_storage" and row.demand not in ctx.groups:
            yield violated("data_copy", f"{where}: no group {row.demand!r} in the inventory")
        elif row.demand != "object_storage" and row.target not in ctx.providers:
            yield violated("data_copy", f"{where}: target is not a compute provider of the catalog")
        negative = [t for t, gb in enumerate(row.gb_by_hour) if gb < -tol(gb)]
        if negative:
            yield violated("data_copy", f"{where}: {num(row.gb_by_hour[negative[0]])} GB at hour "
                           f"{negative[0]}")
        if not close(row.gb_by_hour[0], 0.0):
            yield violated("data_copy", f"{where}: {num(row.gb_by_hour[0])} GB at hour 0")


def check_data_before_service(ctx: Context) -> Iterator[Violation]:
    """A server of g at p serves only once its share of g's data (data_gb / count) has
    arrived: for each hour t, servers(g, p, t) * data_gb / count <= GB copied for g into p
    by hour t."""
    for (gname, pid), rows in ctx.rows_at.items():
        group = ctx.groups.get(gname)
        if group is None or group.data_gb == 0:
            continue
        per_server = group.data_gb / group.count
        need = [s * per_server for s in sum_lists((r.up_by_hour for r in rows), ctx.H + 1)]
        have = running_sum(ctx.group_copy.get((gname, pid), [0.0] * (ctx.H + 1)))
        yield from breach("data_before_service",
                          f"data of {gname} needed at {pid} vs copied (GB)",
                          need, have)


def check_hosts_hold_data(ctx: Context) -> Iterator[Violation]:
    """Data lands only on hosts that exist: GB of g copied into p by hour t <=
    (data_gb / count) * hosts of g made at p by hour t (until p refuses, when its hosts
    and the data on them go: domain/refusal.py)."""
    for (gname, pid), gb in ctx.group_copy.items():
        group = ctx.groups.get(gname)
        if group is None or group.data_gb == 0:
            continue
        per_server = group.data_gb / group.count
        rows = ctx.rows_at.get((gname, pid), [])
        room = [n * per_server for n in sum_lists((r.hosts for r in rows), ctx.H + 1)]
        until = ctx.refused_at(pid)
        until = ctx.H + 1 if until is None else until
        yield from breach("hosts_hold_data", f"data of {gname} copied to {pid} vs what "
                          "its hosts made by then hold (GB)", running_sum(gb)[:until],
                          room[:until])


def check_seeded_from(ctx: Context) -> Iterator[Violation]:
    """A group seeded from another's new servers (data_from) has no more at the targets
    than they hold: its GB copied by hour t <= (D_g / D_h) x h's GB copied by hour t."""
    for name, group in ctx.groups.items():
        if group.data_from is None:
            continue
        seed = ctx.groups[group.data_from]
        mine = running_sum(sum_lists((gb for (g, _), gb in ctx.group_copy.items() if g == name),
                                     ctx.H + 1))
        theirs = running_sum(sum_lists((gb for (g, _), gb in ctx.group_copy.items()
                                        if g == group.data_from), ctx.H + 1))
        yield from breach("seeded_from", f"data of {name} seeded from {group.data_from} "
                          "(GB)", mine, [x * group.data_gb / seed.data_gb for x in theirs])


def check_shards(ctx: Context) -> Iterator[Violation]:
    """A group depending on a sharded one serves only while every shard does: served_f(t)
    = 0 whenever served_g(t) < count_g, for g sharded in depends_on(f)."""
    for name, group in ctx.groups.items():
        for dep in group.needs:
            if not ctx.groups[dep].shards:
                continue
            whole = [n >= ctx.groups[dep].count for n in ctx.served[dep]]
            bad = [t for t, (ok, n) in enumerate(zip(whole, ctx.served[name])) if n and not ok]
            if bad:
                yield violated("shards", f"{name} serves {num(ctx.served[name][bad[0]])} at "
                               f"hour {bad[0]} while {dep} has {num(ctx.served[dep][bad[0]])} "
                               f"of its {ctx.groups[dep].count} shards")


def check_target_ingress(ctx: Context) -> Iterator[Violation]:
    """GB copied into a provider during hour t, over all groups, with the replication of
    live data (data.replication_gb, none from the hour it refuses), stay within
    curves.ingress_gb(onboarding_hours, ingress_gbps, until its refusal)."""
    into: dict[str, list[float]] = {}
    for (gname, pid), gb in ctx.group_copy.items():
        group = ctx.groups.get(gname)
        if group is not None:
            replicated = data.replication_gb(ctx.plan.inventory, group, gb,
                                             ctx.refused_at(pid))
            into[pid] = sum_lists((into.get(pid, [0.0] * (ctx.H + 1)), gb, replicated),
                                  ctx.H + 1)
    for pid, gb in into.items():
        provider = ctx.providers.get(pid)
        if provider is not None:
            cap = curves.ingress_gb(provider.onboarding_hours.value, provider.ingress_gbps.value,
                                    ctx.H, ctx.refused_at(pid)).values
            yield from breach("target_ingress", f"GB into {pid}", gb, cap)


def check_object_storage_ingest(ctx: Context) -> Iterator[Violation]:
    """Object-storage copies need an object_storage demand and target an object_storage
    vendor; per hour they stay within curves.object_storage_ingest_gb of the vendor's first
    offering (the one object storage uses), none from the hour the vendor refuses."""
    for vid, gb in ctx.storage_copy.items():
        vendor = ctx.vendors.get(vid)
        if vendor is None or vendor.kind != "object_storage":
            yield violated("object_storage_ingest", f"copy object_storage->{vid}: not an "
                           "object-storage vendor of the catalog")
            continue
        cap = curves.object_storage_ingest_gb(vendor, vendor.offerings[0], ctx.H,
                                              ctx.refused_at(vid)).values
        yield from breach("object_storage_ingest", f"GB into {vid}", gb, cap)


def check_object_storage_total(ctx: Context) -> Iterator[Violation]:
    """In all, object storage holds at most what is stored, stored_tb x 1000 GB, at every
    hour (what a vendor held is gone from the hour it refuses: refusal.kept_gb), and gets
    nothing without an object_storage demand."""
    demand = ctx.service_demand("object_storage")
    total = sum(sum(gb) for gb in ctx.storage_copy.values())
    held = sum_lists((refusal.kept_gb(gb, ctx.refused_at(vid))
                      for vid, gb in ctx.storage_copy.items()), ctx.H + 1)
    most = max(held, default=0.0)
    if demand is None and total > 0:
        yield violated("object_storage_total", f"{num(total)} GB copied to object storage, "
                       "but the inventory has no object_storage demand")
    elif demand is not None and not leq(most, demand.stored_tb * 1000):
        yield violated("object_storage_total", f"{num(most)} GB held in object storage at "
                       f"hour {held.index(most)}, more than the "
                       f"{num(demand.stored_tb * 1000)} GB stored")


def _replication(ctx: Context, row) -> list[float]:
    group = ctx.groups.get(row.demand)
    return data.replication_gb(ctx.plan.inventory, group, row.gb_by_hour,
                               ctx.refused_at(row.target)) if group \
        else [0.0] * (ctx.H + 1)


def check_source_egress(ctx: Context) -> Iterator[Violation]:
    """GB leaving the source during hour t, over all copies but those seeded from new
    servers (data_from), with the replication of live data (data.replication_gb), stay
    within curves.source_egress_gb (its egress rate until the data is no longer
    available)."""
    rows = [r for r in ctx.plan.copies
            if r.demand not in ctx.groups or data.from_source(ctx.groups[r.demand])]
    total = sum_lists([r.gb_by_hour for r in rows] + [_replication(ctx, r) for r in rows],
                      ctx.H + 1)
    cap = curves.source_egress_gb(ctx.plan.inventory, ctx.H).values
    yield from breach("source_egress", "GB out of the source", total, cap)


# ---------------------------------------------------------------- services, policy

def check_service_share(ctx: Context) -> Iterator[Violation]:
    """A service row names a known vendor of its kind and one of its offerings, for a demand
    the inventory has, that the offering can serve at all (curves.service_misfit); its share
    stays in [0, curves.service_share(t)] (0 from the hour the vendor refuses)."""
    for row in ctx.plan.services:
        where = f"{row.kind} on {row.vendor}/{row.offering}"
        vendor = ctx.vendors.get(row.vendor)
        offering = ctx.service_offering(row.vendor, row.offering)
        demand = ctx.service_demand(row.kind)
        if vendor is None or offering is None:
            yield violated("service_share", f"{where}: no such service offering in the catalog")
            continue
        if vendor.kind != row.kind:
            yield violated("service_share", f"{where}: vendor kind is {vendor.kind}")
            continue
        if demand is None:
            yield violated("service_share", f"{where}: the inventory has no {row.kind} demand")
            continue
        misfit = curves.service_misfit(vendor, offering, demand)
        if misfit:
            yield violated("service_share", f"{where}: cannot serve the demand: {misfit}")
        shares = row.share_by_hour
        if any(s < -tol(s) for s in shares):
            t = next(t for t, s in enumerate(shares) if s < -tol(s))
            yield violated("service_share", f"{where}: share {num(shares[t])} at hour {t}")
        cap = curves.service_share(row.kind, vendor, offering, demand, ctx.H,
                                   ctx.plan.catalog.resolvers,
                                   gates.registrar_hour(ctx.registrar),
                                   ctx.refused_at(row.vendor)).values
        yield from breach("service_share", f"share of {where}", shares, cap)


def check_service_demand(ctx: Context) -> Iterator[Violation]:
    """A demand is carried at most once: the shares of one kind sum to at most 1 each hour
    (not DNS: every vendor of the delegation answers for the whole zone, check_dns_reach)."""
    for kind in SERVICE_KINDS:
        if kind == "dns":
            continue
        rows = [r.share_by_hour for r in ctx.plan.services if r.kind == kind]
        if rows:
            yield from breach("service_demand", f"total {kind} share",
                              sum_lists(rows, ctx.H + 1), [1.0] * (ctx.H + 1))


def check_service_stays_up(ctx: Context) -> Iterator[Violation]:
    """Service coverage never drops: the shares of one kind, summed, never decrease (vendors
    may hand over to one another); a DNS vendor's own share never decreases (a delegation
    is not handed over). At an hour something refuses (domain/refusal.py), what a vendor
    refusing then carried may go, and what needs what refuses: a self-hosted vendor's
    share (its group may stop) and, when a DNS vendor refuses, email (check_users_reach):
    the sum at t-1 leaves them out, and their own DNS share may fall."""
    dns_gone = {ctx.refused_at(v.id) for v in ctx.vendors.values() if v.kind == "dns"}

    def goes(row, t: int) -> bool:
        vendor = ctx.vendors.get(row.vendor)
        return t in ctx.refusal_hours and (ctx.refused_at(row.vendor) == t or (
            vendor is not None and vendor.self_hosted) or (row.kind == "email"
                                                           and t in dns_gone))

    for kind in SERVICE_KINDS:
        rows = [r for r in ctx.plan.services if r.kind == kind]
        if rows:
            total = sum_lists((r.share_by_hour for r in rows), ctx.H + 1)
            kept = [total[t - 1] - sum(r.share_by_hour[t - 1] for r in rows if goes(r, t))
                    for t in range(1, ctx.H + 1)]
            yield from breach("service_stays_up", f"total {kind} share, hour t-1 vs t",
                              kept, total[1:])
    for row in ctx.plan.services:
        if row.kind == "dns" and len(row.share_by_hour) == ctx.H + 1:
            shares = row.share_by_hour
            yield from breach("service_stays_up", f"dns share at {row.vendor}, hour t-1 vs t",
                              [0.0 if goes(row, t) else shares[t - 1]
                               for t in range(1, ctx.H + 1)], shares[1:])


def check_dns_reach(ctx: Context) -> Iterator[Violation]:
    """The DNS vendors are one delegation: every DNS row carries the same share of users
    each hour (those whose resolvers see it); a vendor that has refused carries none."""
    rows = [r for r in ctx.plan.services if r.kind == "dns"]

    def answering(row) -> list[float | None]:  # None from the hour it refuses
        gone = ctx.refused_at(row.vendor)
        return [None if gone is not None and t >= gone else s
                for t, s in enumerate(row.share_by_hour)]

    for row in rows[1:]:
        pairs = [(a, b) for a, b in zip(answering(row), answering(rows[0]))
                 if a is not None and b is not None]
        yield from mismatch("dns_reach", f"dns share at {row.vendor} vs {rows[0].vendor}",
                            [a for a, _ in pairs], [b for _, b in pairs])


def check_users_reach(ctx: Context) -> Iterator[Violation]:
    """Receivers see the new DKIM and SPF records only through a DNS they reach: the email
    shares sum to at most E(t) (served.reach_by_hour) each hour. (User-facing groups are
    held to count x E(t) by the coverage they are recomputed with.)"""
    reach = served.reach_by_hour(ctx.plan.inventory, [r.share_by_hour for r in
                                                      ctx.plan.services if r.kind == "dns"],
                                 ctx.H + 1)
    mail = [r.share_by_hour for r in ctx.plan.services if r.kind == "email"]
    if reach is not None and mail:
        yield from breach("users_reach", "email share vs the users' DNS reach",
                          sum_lists(mail, ctx.H + 1), reach)


def check_self_hosted(ctx: Context) -> Iterator[Violation]:
    """A self-hosted vendor's share stays within the share of the group running it
    (groups[].runs_service) serving, each hour; with no such group it carries nothing."""
    runner = {g.runs_service: g for g in ctx.groups.values() if g.runs_service}
    for row in ctx.plan.services:
        vendor = ctx.vendors.get(row.vendor)
        if vendor is None or not vendor.self_hosted:
            continue
        group = runner.get(row.kind)
        if group is None:
            if any(x > 0 for x in row.share_by_hour):
                yield violated("self_hosted", f"{row.kind} on {row.vendor}: self-hosted, but "
                               "no group of the inventory runs it")
            continue
        share = [n / group.count for n in ctx.served[group.name]]
        yield from breach("self_hosted", f"{row.kind} share on {row.vendor} vs {group.name} "
                          "serving", row.share_by_hour, share)


def check_dependency(ctx: Context) -> Iterator[Violation]:
    """A group serves at most the fraction its dependencies serve:
    served_g(t) / count_g <= served_h(t) / count_h for each h in g.depends_on (exact, in
    whole numbers: served_g * count_h <= served_h * count_g)."""
    for name, group in ctx.groups.items():
        for dep in group.needs:
            h = ctx.groups[dep]
            lhs = [s * h.count for s in ctx.served[name]]
            rhs = [s * group.count for s in ctx.served[dep]]
            bad = [t for t in range(ctx.H + 1) if lhs[t] > rhs[t]]
            if bad:
                t = bad[0]
                yield violated("dependency",
                               f"{name} serves {num(ctx.served[name][t])}/{group.count}"
                               f" at hour {t} but {dep} only {num(ctx.served[dep][t])}/{h.count} "
                               f"({len(bad)} hours)")


def check_policy_share(ctx: Context) -> Iterator[Violation]:
    """For each group with spread, at hour H, with x_p its servers at provider p and X their
    sum: x_p <= max_share_per_provider * X; and with k = survive_provider_losses > 0, the k
    largest x_p sum to at most (1 - min_surviving_share) * X. Not for a group that could
    run at a provider that refuses within the hours planned (refusal.unspread): the refusal
    is the loss the rule protects against."""
    policy = ctx.plan.inventory.policy
    lost = refusal.unspread(ctx.plan.inventory, ctx.plan.catalog)
    for name, group in ctx.groups.items():
        if not group.spread or name in lost:
            continue
        x: dict[str, float] = defaultdict(float)
        for row in ctx.plan.schedule:
            if row.group == name:
                x[row.provider] += row.up_by_hour[ctx.H]
        X = sum(x.values())
        if X <= 0:
            continue
        for pid, xp in sorted(x.items()):
            if not leq(xp, policy.max_share_per_provider * X):
                yield violated("policy_share",
                               f"{name} at hour {ctx.H}: {num(xp)} of {num(X)} servers"
                               f" on {pid}, above the max share {policy.max_share_per_provider:g}")
        k = policy.survive_provider_losses
        if k > 0:
            largest = sum(sorted(x.values(), reverse=True)[:k])
            bound = (1 - policy.min_surviving_share) * X
            if not leq(largest, bound):
                yield violated("policy_share", f"{name} at hour {ctx.H}: losing the {k} largest "
                               f"providers loses {num(largest)} of {num(X)} servers, more than "
                               f"{num(bound)} (min surviving share {policy.min_surviving_share:g})")


def check_provider_count(ctx: Context) -> Iterator[Violation]:
    """No more providers or vendors of a kind than policy.max_providers allows, and no more
    in all (domain.usage.providers_by_kind reads the plan's rows)."""
    plan = ctx.plan
    caps = plan.inventory.policy.max_providers.given()
    if not caps:
        return
    used = providers_by_kind(plan.schedule, plan.services, plan.copies, ctx.H)
    for kind, cap in caps.items():
        ids = all_used(used) if kind == "all" else used.get(kind, set())
        if len(ids) > cap:
            yield violated("provider_count", f"{len(ids)} {kind} providers used, at most {cap} "
                           f"allowed: {', '.join(sorted(ids))}")


def check_min_footprint(ctx: Context) -> Iterator[Violation]:
    """A group placed at a provider has, at hour H, at least min(min_servers_per_provider,
    count) servers there."""
    placed: dict[tuple[str, str], float] = defaultdict(float)
    for row in ctx.plan.schedule:
        placed[(row.group, row.provider)] += row.up_by_hour[ctx.H]
    yield from short_footprints(ctx, placed, "min_footprint", "")


def short_footprints(ctx: Context, placed: dict[tuple[str, str], float], constraint: str,
                     where: str) -> Iterator[Violation]:
    """Each (group, provider) of `placed` (servers there) with some servers but fewer than
    the least footprint (domain/spread.least_footprint); `where` follows the group's name."""
    policy = ctx.plan.inventory.policy
    for (g, p), n in sorted(placed.items()):
        group = ctx.groups.get(g)
        need = least_footprint(policy, group.count) if group else \
            policy.min_servers_per_provider
        if 0 < n < need:
            yield violated(constraint, f"{g}{where} has {n:g} server(s) at {p}, fewer than "
                           f"the {need} the policy asks of a group at a provider")
