"""The home stage for the documents: bridge and home side by side, what to negotiate and
by when, the home's servers, and the dated moves with local times (Plan.home)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.curves import HOURS_PER_MONTH, provider_servers
from planner.domain.home import NEGOTIATION_HOURS, PER_SERVER_LINES, priced_rows
from planner.models.plan import Plan


@dataclass(frozen=True)
class Side:
    """One column of the bridge-and-home table."""

    providers: int
    servers: int
    per_server: float | None


@dataclass(frozen=True)
class Ask:
    provider: str
    servers: int
    quota: float
    by_hour: int


def _side(rows, hour: int, monthly: dict[str, float]) -> Side:
    """What `rows` run at `hour`: their compute providers, servers, and the per-server lines
    of `monthly` a server."""
    running = [r for r in rows if r.up_by_hour[hour] > 0]
    servers = sum(r.up_by_hour[hour] for r in running)
    spend = sum(v for k, v in monthly.items() if k in PER_SERVER_LINES)
    return Side(len({r.provider for r in running}), servers,
                spend / servers if servers else None)


def home_context(plan: Plan) -> dict:
    home = plan.home
    if home is None:
        return {"home": None}
    H = plan.horizon_hours
    sides = (_side(plan.schedule, H, plan.costs.monthly),
             _side(priced_rows(home.rows, plan.schedule, home.staying, H), H, home.monthly))
    first_use = {}
    for move in home.moves:
        for p in move.new_servers:
            first_use[p] = min(first_use.get(p, move.starts_hour), move.starts_hour)
    asks = [Ask(p, n, _quota_at(plan, p, 24 * home.day), first_use.get(p, 24 * home.day))
            for p, n in sorted(home.negotiated.items())]
    lines = sorted(set(plan.costs.monthly) | set(home.monthly))
    return {"home": home, "home_sides": sides, "home_lines": lines, "home_asks": asks,
            "negotiation_days": NEGOTIATION_HOURS // 24,
            "home_hour": 24 * home.day,
            "bridge_months": (home.served_by_hour or 24 * home.day) / HOURS_PER_MONTH}


def _quota_at(plan: Plan, provider_id: str, hour: int) -> float:
    return provider_servers(plan.catalog.provider(provider_id), hour).values[hour]
