"""Baseline: what a team does without this tool. Greedy first-fit wave planning, no solver.

It is the yardstick the benchmarks hold the planner against (bench/run.py), built from the
same eligibility and the same capacity curves (planner.prepare, read only), and costed the
way the Plan is (planner/assemble.py `_costs`), so the comparison is like for like.

The rules, in order:

1. Waves. Groups go one at a time in priority order: tier, then size (largest first), with
   each group's dependencies moved ahead of it (a team moves the database before the web
   servers that need it). Object storage is one more wave, after the groups of its tier.
2. Where a group goes. Among the group's eligible candidates (prepare(): exclusions,
   jurisdictions, arch, GPU and size fit, dominated offerings dropped), the one that can take
   a server soonest given what earlier waves already hold, ties broken by the cheapest
   (setup fee + one month); it takes as many servers as it can, the rest go to the next
   candidate, and so on. Each provider holds at most min(max_share_per_provider,
   (1 - min_surviving_share) / survive_provider_losses) of a spread group, the team's
   reading of the spread policy; a group that lands only partly is then trimmed until the
   policy holds on what landed (as the verifier checks it at the horizon).
3. Hour by hour, first come first served. Servers of a candidate come up as fast as the
   provider's server curve (onboarding, rate, quota and its raise) and the offering's curve
   (delivery, stock) allow, after what earlier waves took. Its data is copied from hour 1
   as fast as the source's egress and the target's ingress left over by earlier waves
   allow; a server counts once its share of the data has arrived. Nothing is re-planned.
4. Dependencies. A group serves at most the share its dependencies serve (the same rule the
   planner has); servers placed but waiting for a dependency cost money but do not serve.
5. Services. Each of SMS, email and DNS goes whole to the one offering whose curve reaches
   full service soonest (then first serves at all, then is cheapest); none when no offering
   serves within the horizon. Object storage goes to the vendor whose ingest starts
   soonest (then cheapest), copied with the egress left after the groups of higher tiers.
6. Budgets, when set: an allocation is cut to the servers that still fit both budgets;
   a service or the storage copy that would break one is left out.

Costs: setup fees and monthly prices of the servers *placed* at the horizon (a team pays
for a server waiting on a dependency), source egress at the source's price for every GB
copied, service setup and monthly fees and per-unit prices at the share carried at the
horizon, object storage at its price per TB; in the inventory currency.

Pure function of the inputs; `baseline(inventory, catalog)` returns a `Baseline`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from planner.curves import DAYS_PER_MONTH
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory
from planner.prepare import Candidate, Instance, prepare

EPS = 1e-9


@dataclass(frozen=True)
class ServerRow:
    """Servers of a group placed (up and with their data) on one offering, by hour 0..H."""

    group: str
    provider: str
    offering: str
    up_by_hour: tuple[int, ...]


@dataclass(frozen=True)
class CopyRow:
    """GB copied during each hour 0..H for a group (or 'object_storage') into a target."""

    demand: str
    target: str
    gb_by_hour: tuple[float, ...]


@dataclass(frozen=True)
class ServiceRow:
    kind: str
    vendor: str
    offering: str
    share_by_hour: tuple[float, ...]


@dataclass(frozen=True)
class Baseline:
    """The baseline's outcome, in the Plan's terms, plus the schedule behind it."""

    servers_total: int
    servers_at_deadline: int           # serving (placed, data in, dependencies serving)
    coverage_at_deadline: float        # servers_at_deadline / servers_total
    full_coverage_hour: int | None     # first hour every group and service is fully served
    one_time_cost: float
    monthly_cost: float
    currency: str
    run_rate_months: float
    deadline_hours: int
    horizon_hours: int
    one_time: dict[str, float] = field(default_factory=dict)
    monthly: dict[str, float] = field(default_factory=dict)
    servers: tuple[ServerRow, ...] = ()
    copies: tuple[CopyRow, ...] = ()
    services: tuple[ServiceRow, ...] = ()
    serving: dict[str, tuple[int, ...]] = field(default_factory=dict)  # group -> by hour

    @property
    def cost(self) -> float:
        """One-time cost plus run_rate_months of run-rate (the planner's phase-2 measure)."""
        return self.one_time_cost + self.run_rate_months * self.monthly_cost


class _State:
    """What earlier waves hold: servers per provider and offering, GB per hour per link."""

    def __init__(self, inst: Instance):
        H = inst.horizon_hours
        self.inst, self.H = inst, H
        self.used_p = {p: [0] * (H + 1) for p in inst.provider_curves}
        self.used_o = {k: [0] * (H + 1) for k in inst.offering_curves}
        self.ingress_left = {p: list(c.values) for p, c in inst.ingress.items()}
        self.egress_left = list(inst.egress.values)
        self.one_time = self.monthly = 0.0
        policy = inst.inventory.policy
        self.one_time_budget = policy.one_time_budget
        self.monthly_budget = policy.monthly_budget

    def headroom(self, c: Candidate) -> list[float]:
        """Servers candidate c could still have up by hour t, for a schedule that never goes
        down: the suffix minimum of the free capacity of the provider and the offering."""
        inst, H = self.inst, self.H
        cap_p, used_p = inst.provider_curves[c.provider].values, self.used_p[c.provider]
        curve_o = inst.offering_curves.get((c.provider, c.offering))
        used_o = self.used_o.get((c.provider, c.offering))
        out, low = [0.0] * (H + 1), math.inf
        for t in range(H, 0, -1):
            free = cap_p[t] - used_p[t]
            if curve_o is not None:
                free = min(free, curve_o.values[t] - used_o[t])
            low = min(low, free)
            out[t] = max(0.0, low)
        return out

    def copy_plan(self, provider: str, total_gb: float) -> list[float]:
        """GB copied in each hour, as early as the links left over allow, up to total_gb."""
        out, left = [0.0] * (self.H + 1), total_gb
        ingress = self.ingress_left[provider]
        for t in range(1, self.H + 1):
            if left <= EPS:
                break
            x = min(self.egress_left[t], ingress[t], left)
            if x > 0:
                out[t] = x
                left -= x
        return out


def _priority(inst: Instance) -> list[str | None]:
    """Group names in wave order (tier, size, dependencies first); None stands for the
    object-storage wave, after the groups of its tier."""
    key = {g.name: (g.tier, 0, -g.count, g.name) for g in inst.groups.values()}
    items = sorted(key.values())
    storage = inst.inventory.services.object_storage
    if storage is not None:
        at = next((i for i, k in enumerate(items) if k[0] > storage.tier), len(items))
        items.insert(at, None)
    order: list[str | None] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for dep in sorted(inst.groups[name].depends_on, key=key.__getitem__):
            visit(dep)
        order.append(name)

    for item in items:
        if item is None:
            order.append(None)
        else:
            visit(item[3])
    return order


def _money(inst: Instance, fact, currency: str) -> float:
    return inst.to_plan_currency(fact.value, currency) if fact is not None else 0.0


def _egress_price(inst: Instance) -> float:
    source = inst.catalog.provider(inst.inventory.source.provider)
    return _money(inst, source.egress_price_per_gb, source.currency) if source else 0.0


def _unit_costs(inst: Instance, c: Candidate) -> tuple[float, float]:
    """(one-time, monthly) of one server of candidate c, without its data."""
    o, cur = inst.offering(c.provider, c.offering), inst.providers[c.provider].currency
    return _money(inst, o.setup_fee, cur), _money(inst, o.price_per_month, cur)


def _within_budget(state: _State, n: int, one_time_each: float, monthly_each: float) -> int:
    """The largest m <= n whose costs still fit both budgets."""
    for budget, spent, each in ((state.one_time_budget, state.one_time, one_time_each),
                                (state.monthly_budget, state.monthly, monthly_each)):
        if budget is not None and each > 0:
            n = min(n, max(0, math.floor((budget - spent) / each + EPS)))
    return n


def _share_cap(inst: Instance, group) -> int:
    """Servers of a spread group any one provider may hold (the team's reading)."""
    if not group.spread:
        return group.count
    policy = inst.inventory.policy
    share = policy.max_share_per_provider
    if policy.survive_provider_losses > 0:
        share = min(share, (1 - policy.min_surviving_share) / policy.survive_provider_losses)
    return math.floor(share * group.count + EPS)


def _policy_holds(inst: Instance, group, placed: dict[str, int]) -> str | None:
    """The provider to trim one server from, or None when the spread policy holds."""
    if not group.spread:
        return None
    X = sum(placed.values())
    if X == 0:
        return None
    policy = inst.inventory.policy
    ranked = sorted(placed.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked[0][1] > policy.max_share_per_provider * X + EPS:
        return ranked[0][0]
    k = policy.survive_provider_losses
    if k > 0 and sum(n for _, n in ranked[:k]) > (1 - policy.min_surviving_share) * X + EPS:
        return ranked[0][0]
    return None


def _place_group(state: _State, name: str, rows: list[ServerRow],
                 copies: dict[tuple[str, str], list[float]]) -> None:
    inst, H = state.inst, state.H
    group = inst.groups[name]
    per_server = group.data_gb / group.count
    egress_price = _egress_price(inst)
    cap = _share_cap(inst, group)
    left = group.count
    placed: dict[str, int] = {}
    mine: list[tuple[ServerRow, list[float]]] = []
    pending = [c for c in inst.candidates if c.group == name]

    def rank(c: Candidate):
        room = state.headroom(c)
        first = next((t for t in range(1, H + 1) if room[t] >= 1), math.inf)
        setup, monthly = _unit_costs(inst, c)
        return (first, setup + monthly, c.provider, c.offering), room

    ranks = {c: rank(c) for c in pending}  # only candidates at a provider just used change
    while left > 0 and pending:
        c = min(pending, key=lambda x: ranks[x][0])
        (first, *_), room = ranks[c]
        pending.remove(c)
        if first is math.inf:
            break  # nobody can take a server of this group any more
        n = min(left, cap - placed.get(c.provider, 0))
        setup, monthly = _unit_costs(inst, c)
        n = _within_budget(state, n, setup + per_server * egress_price, monthly)
        if n <= 0:
            continue
        up = [0] + [int(min(n, math.floor(room[t] + EPS))) for t in range(1, H + 1)]
        gb = [0.0] * (H + 1)
        if per_server > 0:
            gb = state.copy_plan(c.provider, up[H] * per_server)
            copied = 0.0
            for t in range(1, H + 1):
                copied += gb[t]
                up[t] = min(up[t], math.floor(copied / per_server + EPS))
            gb = state.copy_plan(c.provider, up[H] * per_server)  # copy only what serves
        if up[H] == 0:
            continue
        _commit(state, c, up, gb)
        ranks.update((d, rank(d)) for d in pending if d.provider == c.provider)
        state.one_time += up[H] * (setup + per_server * egress_price)
        state.monthly += up[H] * monthly
        row = ServerRow(name, c.provider, c.offering, tuple(up))
        mine.append((row, gb))
        placed[c.provider] = placed.get(c.provider, 0) + up[H]
        left -= up[H]
    # A group that landed only partly: trim the largest holder until the policy holds.
    while (victim := _policy_holds(inst, group, placed)) is not None:
        i = max(i for i, (r, _) in enumerate(mine)
                if r.provider == victim and r.up_by_hour[H] > 0)
        row, gb = mine[i]
        new_total = row.up_by_hour[H] - 1
        up = tuple(min(u, new_total) for u in row.up_by_hour)
        c = Candidate(name, row.provider, row.offering)
        _release(state, c, row.up_by_hour, up)
        setup, monthly = _unit_costs(inst, c)
        state.one_time -= setup
        state.monthly -= monthly
        placed[victim] -= 1
        mine[i] = (ServerRow(name, row.provider, row.offering, up), gb)
    for row, gb in mine:
        if row.up_by_hour[H] > 0:
            rows.append(row)
        if any(gb):  # data copied for a trimmed server stays copied (and paid)
            into = copies.setdefault((name, row.provider), [0.0] * (H + 1))
            for t in range(H + 1):
                into[t] += gb[t]


def _commit(state: _State, c: Candidate, up: list[int], gb: list[float]) -> None:
    used_o = state.used_o.get((c.provider, c.offering))
    for t in range(state.H + 1):
        state.used_p[c.provider][t] += up[t]
        if used_o is not None:
            used_o[t] += up[t]
        if gb[t]:
            state.egress_left[t] -= gb[t]
            state.ingress_left[c.provider][t] -= gb[t]


def _release(state: _State, c: Candidate, before, after) -> None:
    used_o = state.used_o.get((c.provider, c.offering))
    for t in range(state.H + 1):
        state.used_p[c.provider][t] -= before[t] - after[t]
        if used_o is not None:
            used_o[t] -= before[t] - after[t]


def _place_storage(state: _State) -> CopyRow | None:
    inst, H = state.inst, state.H
    demand = inst.inventory.services.object_storage
    vendors = [v for v in inst.storage_vendors]
    if demand is None or not vendors:
        return None

    def rank(v: str):
        curve = inst.storage_ingest[v].values
        first = next((t for t in range(1, H + 1) if curve[t] > 0), math.inf)
        o, cur = inst.vendors[v].offerings[0], inst.vendors[v].currency
        price = _money(inst, o.setup_fee, cur) + _money(inst, o.price_per_month, cur) + \
            _money(inst, o.price_per_unit, cur) * demand.stored_tb
        return first, price, v

    first, price, v = min(rank(v) for v in vendors)
    if first is math.inf:
        return None
    total_gb = demand.stored_tb * 1000
    o, cur = inst.vendors[v].offerings[0], inst.vendors[v].currency
    per_gb = _egress_price(inst) + _money(inst, o.price_per_unit, cur) / 1000
    fixed = _money(inst, o.setup_fee, cur) + _money(inst, o.price_per_month, cur)
    for budget, spent in ((state.one_time_budget, state.one_time),
                          (state.monthly_budget, state.monthly)):
        if budget is not None:
            if spent + fixed > budget + EPS:
                return None
            if per_gb > 0:
                total_gb = min(total_gb, (budget - spent - fixed) / per_gb)
    ingest = inst.storage_ingest[v].values
    gb, left = [0.0] * (H + 1), total_gb
    for t in range(1, H + 1):
        x = min(state.egress_left[t], ingest[t], left)
        if x > 0:
            gb[t] = x
            left -= x
            state.egress_left[t] -= x
    if not any(gb):
        return None
    copied = sum(gb)
    state.one_time += _money(inst, o.setup_fee, cur) + _egress_price(inst) * copied
    state.monthly += _money(inst, o.price_per_month, cur) + \
        _money(inst, o.price_per_unit, cur) * copied / 1000
    return CopyRow("object_storage", v, tuple(gb))


def _service_volume(inst: Instance, kind: str) -> float:
    demand = getattr(inst.inventory.services, kind)
    return float(len(demand.zones)) if kind == "dns" else demand.messages_per_day * DAYS_PER_MONTH


def _choose_services(state: _State) -> list[ServiceRow]:
    inst, H = state.inst, state.H
    rows = []
    for kind in ("sms", "email", "dns"):
        if getattr(inst.inventory.services, kind) is None:
            continue
        options = []
        for sc in (s for s in inst.service_candidates if s.kind == kind):
            share = sc.share.values
            if max(share[1:], default=0.0) <= 1e-6:
                continue  # serves nothing within the horizon
            o, cur = inst.service_offering(sc.vendor, sc.offering), inst.vendors[sc.vendor].currency
            one_time = _money(inst, o.setup_fee, cur)
            monthly = _money(inst, o.price_per_month, cur) + \
                _money(inst, o.price_per_unit, cur) * _service_volume(inst, kind) * share[H]
            full = next((t for t in range(1, H + 1) if share[t] >= 1 - 1e-6), math.inf)
            first = next(t for t in range(1, H + 1) if share[t] > 1e-6)
            options.append(((full, first, one_time + monthly, sc.vendor, sc.offering),
                            sc, one_time, monthly))
        for _, sc, one_time, monthly in sorted(options, key=lambda x: x[0]):
            if _within_budget(state, 1, one_time, monthly) < 1:
                continue
            state.one_time += one_time
            state.monthly += monthly
            rows.append(ServiceRow(kind, sc.vendor, sc.offering,
                                   (0.0,) + tuple(min(1.0, s) for s in sc.share.values[1:])))
            break
    return rows


def _serving(inst: Instance, rows: list[ServerRow]) -> dict[str, list[int]]:
    """Servers of each group serving by hour: placed, capped by its dependencies' share."""
    H = inst.horizon_hours
    placed = {g: [0] * (H + 1) for g in inst.groups}
    for row in rows:
        for t in range(H + 1):
            placed[row.group][t] += row.up_by_hour[t]
    serving: dict[str, list[int]] = {}

    def visit(g: str) -> list[int]:
        if g not in serving:
            group = inst.groups[g]
            out = list(placed[g])
            for h in group.depends_on:
                dep, n_h = visit(h), inst.groups[h].count
                out = [min(o, (group.count * d) // n_h) for o, d in zip(out, dep)]
            serving[g] = out
        return serving[g]

    for g in inst.groups:
        visit(g)
    return serving


def _full_hour(values, total: float) -> int | None:
    tol = 1e-6 * max(1.0, total)
    return next((t for t, v in enumerate(values) if v >= total - tol), None)


def _costs(inst: Instance, rows, copies, services) -> tuple[dict, dict]:
    """Like planner/assemble.py `_costs`, from the baseline's rows."""
    H = inst.horizon_hours
    setup = monthly_servers = 0.0
    for row in rows:
        one, month = _unit_costs(inst, Candidate(row.group, row.provider, row.offering))
        setup += row.up_by_hour[H] * one
        monthly_servers += row.up_by_hour[H] * month
    egress = _egress_price(inst) * sum(sum(c.gb_by_hour) for c in copies)
    service_setup = monthly_services = 0.0
    for row in services:
        o, cur = inst.service_offering(row.vendor, row.offering), inst.vendors[row.vendor].currency
        service_setup += _money(inst, o.setup_fee, cur)
        monthly_services += _money(inst, o.price_per_month, cur) + \
            _money(inst, o.price_per_unit, cur) * _service_volume(inst, row.kind) \
            * row.share_by_hour[H]
    for row in (c for c in copies if c.demand == "object_storage"):
        vendor = inst.vendors[row.target]
        o = vendor.offerings[0]
        service_setup += _money(inst, o.setup_fee, vendor.currency)
        monthly_services += _money(inst, o.price_per_month, vendor.currency) + \
            _money(inst, o.price_per_unit, vendor.currency) * sum(row.gb_by_hour) / 1000
    return ({"setup_fees": setup, "source_egress": egress, "service_setup": service_setup},
            {"servers": monthly_servers, "services": monthly_services})


def baseline(inventory: Inventory, catalog: Catalog, instance: Instance | None = None) -> Baseline:
    """Greedy first-fit wave plan of `inventory` onto `catalog` (see the module docstring).
    `instance` may pass an already prepared Instance of the same inputs."""
    inst = instance or prepare(inventory, catalog)
    H, D = inst.horizon_hours, inst.deadline_hours
    state = _State(inst)
    rows: list[ServerRow] = []
    copies: dict[tuple[str, str], list[float]] = {}
    storage_row = None
    for name in _priority(inst):
        if name is None:
            storage_row = _place_storage(state)
        else:
            _place_group(state, name, rows, copies)
    services = _choose_services(state)
    copy_rows = [CopyRow(g, p, tuple(gb)) for (g, p), gb in copies.items()]
    if storage_row is not None:
        copy_rows.append(storage_row)
    serving = _serving(inst, rows)
    total = sum(g.count for g in inst.groups.values())
    at_deadline = sum(s[D] for s in serving.values())
    fulls = [_full_hour(s, inst.groups[g].count) for g, s in serving.items()]
    for kind in ("sms", "email", "dns"):
        if getattr(inventory.services, kind) is not None:
            shares = [sum(r.share_by_hour[t] for r in services if r.kind == kind)
                      for t in range(H + 1)]
            fulls.append(_full_hour(shares, 1.0))
    if inventory.services.object_storage is not None:
        tb, running = [], 0.0
        for t in range(H + 1):
            running += storage_row.gb_by_hour[t] if storage_row else 0.0
            tb.append(running / 1000)
        fulls.append(_full_hour(tb, inventory.services.object_storage.stored_tb))
    one_time, monthly = _costs(inst, rows, copy_rows, services)
    return Baseline(
        servers_total=total, servers_at_deadline=at_deadline,
        coverage_at_deadline=at_deadline / total,
        full_coverage_hour=None if None in fulls else max(fulls, default=0),
        one_time_cost=sum(one_time.values()), monthly_cost=sum(monthly.values()),
        currency=inventory.currency, run_rate_months=inventory.policy.run_rate_months,
        deadline_hours=D, horizon_hours=H, one_time=one_time, monthly=monthly,
        servers=tuple(rows), copies=tuple(copy_rows), services=tuple(services),
        serving={g: tuple(s) for g, s in serving.items()})


__all__ = ["Baseline", "CopyRow", "ServerRow", "ServiceRow", "baseline"]
