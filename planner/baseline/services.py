"""The greedy baseline's services, object storage, serving and costs (see
planner/baseline/waves.py)."""

from __future__ import annotations

import math

from planner.baseline.state import (
    EPS,
    CopyRow,
    ServerRow,
    ServiceRow,
    State,
    egress_price_of,
    to_money,
    unit_costs,
    within_budget,
)
from planner.domain import curves, labour
from planner.domain.curves import DAYS_PER_MONTH
from planner.formulation.instance import Candidate, Instance


def place_storage(state: State) -> CopyRow | None:
    inst, H = state.inst, state.H
    demand = inst.inventory.services.object_storage
    vendors = [v for v in inst.storage_vendors if state.may_use(v, "object_storage")]
    if demand is None or not vendors:
        return None

    def rank(v: str):
        curve = inst.storage_ingest[v].values
        first = next((t for t in range(1, H + 1) if curve[t] > 0), math.inf)
        o, cur = inst.vendors[v].offerings[0], inst.vendors[v].currency
        price = to_money(inst, o.setup_fee, cur) + to_money(inst, o.price_per_month, cur) + \
            to_money(inst, o.price_per_unit, cur) * demand.stored_tb
        return first, price, v

    first, price, v = min(rank(v) for v in vendors)
    if first is math.inf:
        return None
    total_gb = demand.stored_tb * 1000
    o, cur = inst.vendors[v].offerings[0], inst.vendors[v].currency
    per_gb = egress_price_of(inst) + to_money(inst, o.price_per_unit, cur) / 1000
    fixed = to_money(inst, o.setup_fee, cur) + to_money(inst, o.price_per_month, cur)
    for budget, spent in ((state.one_time_budget, state.one_time),
                          (state.monthly_budget, state.monthly)):
        if budget is not None:
            if spent + fixed > budget + EPS:
                return None
            if per_gb > 0:
                total_gb = min(total_gb, (budget - spent - fixed) / per_gb)
    ingest = inst.storage_ingest[v].values
    opening = _opened(state, v, first)
    if opening is None:  # rule 7: its setup fits none of the team's hours left
        return None
    gb, left = [0.0] * (H + 1), total_gb
    for t in range(max(opening, 1), H + 1):
        x = min(state.egress_left[t], ingest[t], left)
        if x > 0:
            gb[t] = x
            left -= x
            state.egress_left[t] -= x
    if not any(gb):
        return None
    copied = sum(gb)
    state.vendors[v] = "object_storage"
    state.one_time += to_money(inst, o.setup_fee, cur) + egress_price_of(inst) * copied
    state.monthly += to_money(inst, o.price_per_month, cur) + \
        to_money(inst, o.price_per_unit, cur) * copied / 1000
    return CopyRow("object_storage", v, tuple(gb))


def _opened(state: State, vendor: str, first: int) -> int | None:
    """The hour `vendor` (able to carry from hour `first`) opens: `first` without the team;
    with it (rule 7), the first of its opening choices where its setup fits the team's hours
    left (charged then); None when none does."""
    if state.ledger is None:
        return first
    setup = labour.vendor_setup_hours(state.inst.catalog, state.inst.vendors[vendor])
    return state.ledger.open_vendor(vendor, first, setup)


def _service_volume(inst: Instance, kind: str) -> float:
    demand = getattr(inst.inventory.services, kind)
    return float(len(demand.zones)) if kind == "dns" else demand.messages_per_day * DAYS_PER_MONTH


def choose_service(state: State, kind: str) -> list[ServiceRow]:
    """Rule 5 for one kind: the one offering whose curve reaches full service soonest
    (then first serves at all, then is cheapest) and fits the budgets (and with the team,
    rule 7, whose vendor's setup fits its hours left); none when no offering does."""
    inst, H = state.inst, state.H
    if getattr(inst.inventory.services, kind) is None:
        return []
    options = []
    for sc in (s for s in inst.service_candidates if s.kind == kind):
        share = sc.share.values
        if max(share[1:], default=0.0) <= 1e-6:
            continue  # serves nothing within the horizon
        o, cur = inst.service_offering(sc.vendor, sc.offering), inst.vendors[sc.vendor].currency
        one_time = to_money(inst, o.setup_fee, cur)
        monthly = to_money(inst, o.price_per_month, cur) + \
            to_money(inst, o.price_per_unit, cur) * _service_volume(inst, kind) * share[H]
        full = next((t for t in range(1, H + 1) if share[t] >= 1 - 1e-6), math.inf)
        first = next(t for t in range(1, H + 1) if share[t] > 1e-6)
        options.append(((full, first, one_time + monthly, sc.vendor, sc.offering),
                        sc, one_time, monthly))
    for (_, first, *_), sc, one_time, monthly in sorted(options, key=lambda x: x[0]):
        if within_budget(state, 1, one_time, monthly) < 1 or not state.may_use(sc.vendor, kind):
            continue
        opening = _opened(state, sc.vendor, first)
        if opening is None:  # rule 7: its setup fits none of the team's hours left
            continue
        state.one_time += one_time
        state.monthly += monthly
        state.vendors[sc.vendor] = kind
        return [ServiceRow(kind, sc.vendor, sc.offering, (0.0,) + tuple(
            min(1.0, s) if t >= opening else 0.0
            for t, s in enumerate(sc.share.values[1:], start=1)))]
    return []


def serving_counts(inst: Instance, rows: list[ServerRow]) -> dict[str, list[int]]:
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
            for h in group.needs:
                dep, n_h = visit(h), inst.groups[h].count
                if inst.groups[h].shards:  # all its shards, or nothing
                    dep = [d if d >= n_h else 0 for d in dep]
                out = [min(o, (group.count * d) // n_h) for o, d in zip(out, dep)]
            serving[g] = out
        return serving[g]

    for g in inst.groups:
        visit(g)
    return serving


def full_hour(values, total: float) -> int | None:
    return curves.full_from(values, total)


def baseline_costs(inst: Instance, rows, copies, services) -> tuple[dict, dict]:
    """Like planner/results/assemble.py `plan_costs`, from the baseline's rows."""
    H = inst.horizon_hours
    setup = monthly_servers = 0.0
    for row in rows:
        one, month = unit_costs(inst, Candidate(row.group, row.provider, row.offering))
        setup += row.up_by_hour[H] * one
        monthly_servers += row.up_by_hour[H] * month
    egress = egress_price_of(inst) * sum(sum(c.gb_by_hour) for c in copies)
    service_setup = monthly_services = 0.0
    for row in services:
        o, cur = inst.service_offering(row.vendor, row.offering), inst.vendors[row.vendor].currency
        service_setup += to_money(inst, o.setup_fee, cur)
        monthly_services += to_money(inst, o.price_per_month, cur) + \
            to_money(inst, o.price_per_unit, cur) * _service_volume(inst, row.kind) \
            * row.share_by_hour[H]
    for row in (c for c in copies if c.demand == "object_storage"):
        vendor = inst.vendors[row.target]
        o = vendor.offerings[0]
        service_setup += to_money(inst, o.setup_fee, vendor.currency)
        monthly_services += to_money(inst, o.price_per_month, vendor.currency) + \
            to_money(inst, o.price_per_unit, vendor.currency) * sum(row.gb_by_hour) / 1000
    return ({"setup_fees": setup, "source_egress": egress, "service_setup": service_setup},
            {"servers": monthly_servers, "services": monthly_services})


