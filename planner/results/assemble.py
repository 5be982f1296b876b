"""Plan: turn solver values into a plain, self-contained Plan (no solver objects inside)."""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter, itemgetter

from planner import __version__
from planner.domain import curves, labour
from planner.domain.bill import (
    buys_support,
    egress_cost,
    ipv4_monthly,
    priced_traffic,
    support_costs,
    target_traffic,
)
from planner.domain.curves import DAYS_PER_MONTH, HOURS_PER_MONTH
from planner.domain.digest import inputs_digest
from planner.domain.facts import stale_facts
from planner.domain.gates import gate_costs
from planner.domain.refusal import kept_gb, setup_hosts
from planner.domain.served import counted, front_reach, reach_by_hour, users_by_hour
from planner.domain.usage import all_used, providers_by_kind
from planner.domain.warnings import plan_warnings
from planner.formulation.families import Model
from planner.formulation.instance import Instance
from planner.models.plan import (
    Assignment,
    CopyRow,
    Costs,
    CoverageRow,
    Plan,
    ScheduleRow,
    ServiceRow,
    Users,
    Work,
    WorkTask,
)
from planner.results.diagnose import shortfalls
from planner.results.layout import share_hosts
from planner.solver.phases import SolveResult

TINY = 1e-9


# HiGHS's MIP feasibility tolerance. A share or a stored GB within it of 0 in a row that a
# closed opening bounds (formulation/labour.py vendor_start) is 0: read as carried, 2e-7 GB
# at an object-storage vendor before it opened put its setup due then, and the verifier
# rejected the plan (a team of 6 in tests/test_team.py).
NOISE = 1e-6


def clean(x: float) -> float:
    """Drop solver noise so the JSON is stable and readable."""
    return 0.0 if abs(x) < TINY else round(x, 9)


def carried(x: float) -> float:
    """`clean`, and a share or GB within the solver's tolerance of 0 (or below it) is 0."""
    return 0.0 if x < NOISE else clean(x)


def _value(values: dict[str, float], var) -> float:
    return values.get(var.name, 0.0) if hasattr(var, "name") else float(var)


def nonzero_values(values: dict[str, float]) -> dict[str, float]:
    """The values that are not 0: read as `values.get(name, 0.0)` they give the same, and
    at scale they are a few percent of them (62,534 of 1,960,990 at 10,000 servers), so
    the look-ups of every variable below stay in a small table."""
    return dict(filter(itemgetter(1), values.items()))


def nonzero(values: dict[str, float], variables: dict) -> Iterator[tuple]:
    """(key, value) of the variables whose value is set and not 0, in their order, picked
    out by iterators rather than a Python step per variable (most are 0)."""
    found = map(values.get, map(attrgetter("name"), variables.values()))
    return filter(itemgetter(1), zip(variables, found))


def _schedule(inst: Instance, model: Model, values, made: list) -> list[ScheduleRow]:
    """`made`: nonzero(values, model.hosts), read once for this and _copies."""
    rows = []
    order = {g: i for i, g in enumerate(inst.groups)}
    at: dict[int, dict[int, int]] = {}  # candidate -> period start -> servers (non-zero only)
    for (ci, t), x in nonzero(values, model.r):
        x = round(x)
        if x:
            at.setdefault(ci, {})[t] = x
    hosts: dict[int, dict[int, int]] = {}  # candidate -> period start -> hosts made
    for (ci, t), x in made:
        x = round(x)
        if x:
            hosts.setdefault(ci, {})[t] = x
    for ci, c in enumerate(inst.candidates):
        if ci not in at and ci not in hosts:  # hosts made for data a refusal took first
            continue
        mine, made, k = at.get(ci, {}), hosts.get(ci, {}), c.per_host
        up = [0] + [mine.get(inst.period_start[t], 0) for t in range(1, inst.horizon_hours + 1)]
        made_by = [0] + [max(made.get(inst.period_start[t], 0), -(-up[t] // k))
                         for t in range(1, inst.horizon_hours + 1)]
        if any(made_by):
            rows.append(ScheduleRow(group=c.group, provider=c.provider, offering=c.offering,
                                    up_by_hour=up, region=inst.region_of(c.provider),
                                    hosts_by_hour=made_by if made_by != up or k > 1 else None,
                                    per_host=k if k > 1 else None))
    return sorted(rows, key=lambda r: (order[r.group], r.provider, r.offering))


def _cumulative_to_hourly(inst: Instance, cumulative: list[float]) -> list[float]:
    """GB per hour from the cumulative GB at each hour. What arrives by a grid point t is
    spread evenly over the hours since the previous point (t', t]; the grid puts a point
    wherever a rate changes, so every hour of such a stretch has the same rates."""
    out = [0.0] * len(cumulative)
    for t in inst.grid:
        flow = max(0.0, cumulative[t] - cumulative[inst.previous_point[t]])
        hours = t - inst.previous_point[t]
        for h in range(inst.previous_point[t] + 1, t + 1):
            out[h] = clean(flow / hours)
    return out


def cumulative_by_hour(values, variables: dict, key: tuple, hours: int) -> list[float]:
    """GB by each hour 0..hours: the last variable at or before it (the rule of
    Model.copied and Model.moved, in one forward pass: their backward search per hour was
    quadratic, 91 s of a 102 s plan at an 8,760-hour horizon)."""
    out, last = [], 0.0
    for t in range(hours + 1):
        var = variables.get((*key, t))
        if var is not None:
            last = carried(_value(values, var))
        out.append(last)
    return out


def _host_gb(inst: Instance, made: list) -> dict[tuple[str, str, int], float]:
    """GB the hosts of g made at p by each period start (g, p, t) hold, their counts rounded
    as the schedule rounds them: a copy the solver put on a host of 1e-9 (within its
    tolerances) is noise. Hosts of no value add 0.0: left out."""
    at: dict[tuple[str, str, int], float] = {}
    for (ci, t), x in made:
        c = inst.candidates[ci]
        group = inst.groups[c.group]
        key = (c.group, c.provider, t)
        at[key] = at.get(key, 0.0) + round(x) * group.data_gb / group.count
    return at


def _copies(inst: Instance, model: Model, values, made: list) -> list[CopyRow]:
    H, rows = inst.horizon_hours, []
    order = {g: i for i, g in enumerate(inst.groups)}
    at = _host_gb(inst, made)
    pairs: dict[tuple[str, str], dict] = {}  # (g, p) -> its copy variables, one pass
    for key, var in model.copy.items():
        pairs.setdefault(key[:2], {})[key] = var
    for g, p in sorted(pairs, key=lambda k: (order[k[0]], k[1])):
        variables = pairs[(g, p)]
        if not any(map(values.get, map(attrgetter("name"), variables.values()))):
            continue  # nothing copied, no row: 4,296 of 4,573 pairs at 10,000 servers
        cumulative = cumulative_by_hour(values, variables, (g, p), H)
        held = [at.get((g, p, inst.period_start[t]), 0.0) if t else 0.0 for t in range(H + 1)]
        cumulative = [min(x, cap) for x, cap in zip(cumulative, held)]  # solver noise only
        gone = inst.refused_at(p)
        if gone is not None:  # its hosts are gone from then; what was copied stays copied
            kept = cumulative[gone - 1] if gone > 0 else 0.0
            cumulative = cumulative[:gone] + [kept] * (len(cumulative) - gone)
        if cumulative[-1] > 0:
            rows.append(CopyRow(demand=g, target=p,
                                gb_by_hour=_cumulative_to_hourly(inst, cumulative)))
    for v in sorted({v for v, _ in model.store}):
        cumulative = cumulative_by_hour(values, model.store, (v,), H)
        if cumulative[-1] > 0:
            rows.append(CopyRow(demand="object_storage", target=v,
                                gb_by_hour=_cumulative_to_hourly(inst, cumulative)))
    return rows


def _services(inst: Instance, model: Model, values) -> list[ServiceRow]:
    rows = []
    for si, sc in enumerate(inst.service_candidates):
        shares = [0.0] + [carried(_value(values, model.share_at(si, t)))
                          for t in range(1, inst.horizon_hours + 1)]
        if max(shares) > 0:
            rows.append(ServiceRow(kind=sc.kind, vendor=sc.vendor, offering=sc.offering,
                                   share_by_hour=shares))
    return rows


def _coverage(inst: Instance, schedule, copies, services) -> list[CoverageRow]:
    H, rows = inst.horizon_hours, []
    of_group: dict[str, list[ScheduleRow]] = {}  # in schedule order, as summed before
    for r in schedule:
        of_group.setdefault(r.group, []).append(r)
    reach, front = _reach(inst, services), _front(inst, services)
    for g, group in inst.groups.items():
        mine = of_group.get(g, [])
        served = counted(group, [sum(r.up_by_hour[t] for r in mine) for t in range(H + 1)],
                         front if group.user_facing else None)
        rows.append(CoverageRow(demand=g, kind="group", unit="servers", total=group.count,
                                served_by_hour=[clean(x) for x in served]))
    for kind in ("sms", "email", "dns"):
        if getattr(inst.inventory.services, kind) is not None:
            served = [clean(sum(r.share_by_hour[t] for r in services if r.kind == kind))
                      for t in range(H + 1)] if kind != "dns" else [clean(x) for x in reach]
            rows.append(CoverageRow(demand=kind, kind=kind, unit="share", total=1.0,
                                    served_by_hour=served))
    storage = inst.inventory.services.object_storage
    if storage is not None:
        held = [kept_gb(c.gb_by_hour, inst.refused_at(c.target)) for c in copies
                if c.demand == "object_storage"]  # none from a vendor's refusal
        served = [clean(sum(gb[t] for gb in held) / 1000) for t in range(H + 1)]
        rows.append(CoverageRow(demand="object_storage", kind="object_storage", unit="TB",
                                total=storage.stored_tb, served_by_hour=served))
    return rows


def _reach(inst: Instance, services) -> list[float] | None:
    return reach_by_hour(inst.inventory, [r.share_by_hour for r in services if r.kind == "dns"],
                         inst.horizon_hours + 1)


def _front(inst: Instance, services) -> list[float] | None:
    return front_reach(inst.inventory, [r.share_by_hour for r in services if r.kind == "dns"],
                       inst.edge, inst.horizon_hours + 1)


def _users(inst: Instance, coverage: list[CoverageRow], services) -> Users | None:
    reach = _front(inst, services)
    served = users_by_hour(inst.inventory, {r.demand: r.served_by_hour for r in coverage
                                            if r.kind == "group"}, reach)
    if served is None:
        return None
    return Users(reach_by_hour=[clean(x) for x in reach or [1.0] * len(served)],
                 served_by_hour=[clean(x) for x in served])


def full_hour(row: CoverageRow) -> int | None:
    return curves.full_from(row.served_by_hour, row.total)


def plan_costs(inst: Instance, schedule, copies, services) -> Costs:
    """Costs recomputed from the Plan's rows (not from the solver's objective)."""
    H, money = inst.horizon_hours, inst.to_plan_currency

    def fee(fact, currency):
        return money(fact.value, currency) if fact is not None else 0.0

    setup = monthly_servers = ipv4 = 0.0
    priced_ipv4 = False  # the line only where a provider used bills addresses apart
    for row in schedule:
        o, cur = inst.offering(row.provider, row.offering), inst.providers[row.provider].currency
        hosts = row.hosts[H]  # what is billed (several servers may share one)
        setup += setup_hosts(row.hosts, inst.refused_at(row.provider)) * fee(o.setup_fee, cur)
        monthly_servers += hosts * fee(o.price_per_month, cur)
        provider = inst.providers[row.provider]
        priced_ipv4 |= provider.ipv4_price_per_month is not None and hosts > 0
        ipv4 += hosts * money(ipv4_monthly(provider, o), cur)
    source = inst.catalog.provider(inst.inventory.source.provider)
    moved_gb = sum(sum(c.gb_by_hour) for c in copies)
    egress = money(egress_cost(source, moved_gb), source.currency) if source else 0.0
    service_setup = monthly_services = 0.0
    for row in services:
        o, cur = inst.service_offering(row.vendor, row.offering), inst.vendors[row.vendor].currency
        demand = getattr(inst.inventory.services, row.kind)
        volume = (len(demand.zones) if row.kind == "dns"
                  else demand.messages_per_day * DAYS_PER_MONTH)
        service_setup += fee(o.setup_fee, cur)
        monthly_services += fee(o.price_per_month, cur) + fee(o.price_per_unit, cur) * volume \
            * row.share_by_hour[H]
    for row in (c for c in copies if c.demand == "object_storage"):
        vendor = inst.vendors[row.target]
        o = vendor.offerings[0]
        service_setup += fee(o.setup_fee, vendor.currency)
        monthly_services += fee(o.price_per_month, vendor.currency) + \
            fee(o.price_per_unit, vendor.currency) * \
            kept_gb(row.gb_by_hour, inst.refused_at(row.target))[H] / 1000
    gate_once, gate_monthly = gate_costs(inst.edge, inst.registrar)
    one_time = {"setup_fees": clean(setup), "source_egress": clean(egress),
                "service_setup": clean(service_setup),
                **{k: clean(v) for k, v in gate_once.items()}}
    monthly = {"servers": clean(monthly_servers), "services": clean(monthly_services),
               **{k: clean(v) for k, v in gate_monthly.items()}}
    if priced_ipv4:
        monthly["ipv4"] = clean(ipv4)
    if buys_support(inst.catalog, inst.inventory.policy.buy_support):
        monthly["support"] = clean(sum(
            money(s.cost, inst.providers[s.provider].currency)
            for s in support_costs(inst.catalog, True, schedule, H)))
    if priced_traffic(inst.inventory.groups):
        monthly["target_egress"] = clean(sum(
            money(inst.providers[t.provider].egress_price_per_gb.value * t.overage_gb,
                  inst.providers[t.provider].currency)
            for t in target_traffic(inst.catalog, inst.inventory.groups, schedule, H)))
    overhead = inst.inventory.policy.provider_overhead_per_month
    if overhead > 0:  # the key only when the policy charges one: saved plans read the same
        used = all_used(providers_by_kind(schedule, services, copies, H))
        monthly["provider_overhead"] = clean(overhead * len(used))
    monthly_total = clean(sum(monthly.values()))
    return Costs(currency=inst.inventory.currency, one_time=one_time, monthly=monthly,
                 one_time_total=clean(sum(one_time.values())), monthly_total=monthly_total,
                 hourly_run_rate=clean(monthly_total / HOURS_PER_MONTH))


def _stale(inst: Instance, used: set[str]):
    decided = inst.inventory.decision_date
    if decided is None:
        return []
    entries = [e for e in [*inst.catalog.providers, *inst.catalog.services] if e.id in used]
    return stale_facts(entries, decided, inst.inventory.policy.max_fact_age_days)


def _warnings(inst: Instance, result: SolveResult, copies: list[CopyRow]) -> list[str]:
    """The solver's own (a fallback to CBC), then those that follow from the plan
    (domain/warnings.py, which the verifier recomputes)."""
    grid_exact = inst.grid_exact
    return list(result.warnings) + plan_warnings(inst.inventory, inst.catalog, grid_exact,
                                                 result.facts.phases, copies, inst.lead_times)


def plan_work(inst: Instance, model: Model, values: dict[str, float]) -> Work | None:
    """The team's work the plan of `values` asks for (domain/labour.py), or None when the
    catalog states no effort."""
    if not inst.labour:
        return None
    values = nonzero_values(values)
    made = list(nonzero(values, model.hosts))
    return _work(inst, _schedule(inst, model, values, made), _services(inst, model, values),
                 _copies(inst, model, values, made))


def _work(inst: Instance, schedule, services, copies) -> Work | None:
    if not inst.labour:
        return None
    tasks = labour.plan_tasks(inst.inventory, inst.catalog, schedule, services, copies)
    return Work(people=inst.inventory.crew.people, team_stated=inst.inventory.team is not None,
                available_by_hour=[clean(h) for h in inst.team_by_hour],
                tasks=[WorkTask(kind=t.kind, who=t.who, group=t.group, count=t.count,
                                engineer_hours=clean(t.hours), due_hour=t.due_hour)
                       for t in tasks])


def build_plan(inst: Instance, model: Model, result: SolveResult) -> Plan:
    values, H, D = nonzero_values(result.values), inst.horizon_hours, inst.deadline_hours
    made = list(nonzero(values, model.hosts))
    schedule, pools = share_hosts(inst, _schedule(inst, model, values, made))
    shared = {(r.provider, r.offering, g) for r in pools for g in r.groups}
    copies = _copies(inst, model, values, made)
    services = _services(inst, model, values)
    coverage = _coverage(inst, schedule, copies, services)
    assignments = [
        Assignment(group=r.group, provider=r.provider, offering=r.offering,
                   count=r.up_by_hour[H],
                   first_hour=next(t for t, u in enumerate(r.up_by_hour) if u),
                   ready_hour=r.up_by_hour.index(r.up_by_hour[H]), region=r.region,
                   hosts=r.hosts[H] if r.per_host or (r.provider, r.offering, r.group)
                   in shared else None)
        for r in schedule if r.up_by_hour[H] > 0]
    total = sum(g.count for g in inst.groups.values())
    at_deadline = int(sum(r.up_by_hour[D] for r in schedule))
    fulls = [full_hour(row) for row in coverage]
    used = all_used(providers_by_kind(schedule, services, copies, H))
    costs = plan_costs(inst, schedule, copies, services)
    return Plan(
        planner_version=__version__, inputs_digest=inputs_digest(inst.inventory, inst.catalog),
        inventory=inst.inventory, catalog=inst.catalog, deadline_hours=D, horizon_hours=H,
        status=result.status,
        solver=result.facts.model_copy(update={"periods": len(inst.grid),
                                               "time_grid_exact": inst.grid_exact}),
        assignments=assignments, schedule=schedule,
        copies=copies, services=services, coverage=coverage, servers_total=total,
        servers_at_deadline=at_deadline, coverage_at_deadline=clean(at_deadline / total),
        full_coverage_hour=None if None in fulls else max(fulls, default=0),
        users=_users(inst, coverage, services), edge=inst.edge, registrar=inst.registrar,
        hub=inst.hub, host_pools=pools, lead_times=inst.lead_times,
        providers_used=sorted(used), costs=costs,
        shortfalls=shortfalls(inst, schedule, copies, services, coverage, costs),
        excluded=inst.exclusions, stale_facts=_stale(inst, used),
        warnings=_warnings(inst, result, copies), work=_work(inst, schedule, services, copies))
