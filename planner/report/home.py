"""The home stage for the documents: bridge and home side by side, what to negotiate and
by when, the home's servers, and the dated moves with local times (Plan.home)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.curves import HOURS_PER_MONTH, provider_servers
from planner.domain.home import NEGOTIATION_HOURS, PER_SERVER_LINES
from planner.models.plan import Plan
from planner.report.calendar import local_time


@dataclass(frozen=True)
class Side:
    """One column of the bridge-and-home table."""

    providers: int
    servers: int
    monthly: dict[str, float]
    monthly_total: float
    per_server: float | None


@dataclass(frozen=True)
class Ask:
    provider: str
    servers: int
    quota: float
    by_hour: int
    by_local: str


def _compute(plan: Plan, providers) -> int:
    return sum(1 for p in providers if plan.catalog.provider(p) is not None)


def _per_server(monthly: dict[str, float], servers: int) -> float | None:
    spend = sum(v for k, v in monthly.items() if k in PER_SERVER_LINES)
    return spend / servers if servers else None


def home_context(plan: Plan) -> dict:
    home = plan.home
    if home is None:
        return {"home": None}
    local = local_time(plan)
    bridge_providers = sorted({r.provider for r in plan.schedule
                               if r.up_by_hour[plan.horizon_hours] > 0})
    sides = (Side(len(bridge_providers), home.bridge_servers, plan.costs.monthly,
                  home.bridge_monthly_cost, _per_server(plan.costs.monthly, home.bridge_servers)),
             Side(_compute(plan, home.providers) + sum(
                 1 for p in {r.provider for r in plan.schedule if r.group in home.staying}
                 if p not in home.providers), home.servers, home.monthly, home.monthly_cost,
                 _per_server(home.monthly, home.servers)))
    first_use = {}
    for move in home.moves:
        for p in move.new_servers:
            first_use[p] = min(first_use.get(p, move.starts_hour), move.starts_hour)
    asks = [Ask(p, n, _quota_at(plan, p, 24 * home.day), first_use.get(p, 24 * home.day),
                local(first_use.get(p, 24 * home.day)))
            for p, n in sorted(home.negotiated.items())]
    lines = sorted(set(plan.costs.monthly) | set(home.monthly))
    return {"home": home, "home_sides": sides, "home_lines": lines, "home_asks": asks,
            "home_local": local, "negotiation_days": NEGOTIATION_HOURS // 24,
            "home_hour": 24 * home.day,
            "bridge_months": (home.served_by_hour or 24 * home.day) / HOURS_PER_MONTH}


def _quota_at(plan: Plan, provider_id: str, hour: int) -> float:
    return provider_servers(plan.catalog.provider(provider_id), hour).values[hour]
