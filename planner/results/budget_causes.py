"""The budgets (policy.one_time_budget, monthly_budget) that what would close a shortfall
would exceed, against what the plan spends; costs counted as the cost rows count them
(formulation/objectives.costs), in the plan's currency."""

from __future__ import annotations

from planner.domain.curves import DAYS_PER_MONTH
from planner.formulation.instance import Instance, ServiceCandidate
from planner.models.plan import Cause, Costs
from planner.results.solved import TOL


def over_budget(inst: Instance, costs: Costs, what: str, one_time: tuple[float, str],
                monthly: tuple[float, str]) -> list[Cause]:
    """A budget cause for each budget that `what` would exceed: it costs at least
    one_time[0] once and monthly[0] a month, each made of what its [1] says."""
    policy, currency = inst.inventory.policy, inst.inventory.currency
    out = []
    for name, limit, spent, (more, made_of), when in (
            ("one-time", policy.one_time_budget, costs.one_time_total, one_time, "once"),
            ("monthly", policy.monthly_budget, costs.monthly_total, monthly, "a month")):
        if limit is not None and limit - spent < more - TOL:
            out.append(Cause(code="budget", detail=(
                f"{name} budget of {limit:,.0f} {currency}: the plan spends {spent:,.0f}, "
                f"{max(limit - spent, 0):,.0f} left; {what} costs at least {more:,.0f} {when} "
                f"({made_of})")))
    return out


def budgets_set(inst: Instance) -> bool:
    policy = inst.inventory.policy
    return policy.one_time_budget is not None or policy.monthly_budget is not None


def to_plan(inst: Instance, fact, currency: str) -> float:
    """A catalog price in the plan's currency (0 when not given)."""
    return inst.to_plan_currency(fact.value, currency) if fact is not None else 0.0


def egress_price(inst: Instance) -> float:
    """The source's price per GB copied out, in the plan's currency."""
    source = inst.catalog.provider(inst.inventory.source.provider)
    return to_plan(inst, source.egress_price_per_gb, source.currency) if source else 0.0


def share_costs(inst: Instance, sc: ServiceCandidate, share: float, used: bool
                ) -> tuple[float, float]:
    """(one-time, monthly) cost of `share` more of a service demand on offering sc: its
    setup fee and monthly fee unless its vendor's offering is already `used`, and its
    price per unit at that share of the demand's volume."""
    vendor = inst.vendors[sc.vendor]
    offering = inst.service_offering(sc.vendor, sc.offering)
    demand = getattr(inst.inventory.services, sc.kind)
    volume = len(demand.zones) if sc.kind == "dns" else demand.messages_per_day * DAYS_PER_MONTH
    fixed = not used and sc.fixed_fees
    one_time = to_plan(inst, offering.setup_fee, vendor.currency) if fixed else 0.0
    monthly = to_plan(inst, offering.price_per_unit, vendor.currency) * volume * share
    if fixed:
        monthly += to_plan(inst, offering.price_per_month, vendor.currency)
    return one_time, monthly
