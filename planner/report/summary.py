"""The short terminal summary of a Plan (text or JSON)."""

from __future__ import annotations

import json

from planner.domain.labour import work_overdue
from planner.models.plan import Plan
from planner.report.filters import capped, count, money, num, pct

# The terminal shows the first few; the runbook has them all. Warnings are never capped.
TERMINAL_NAMES = 12
TERMINAL_SHORTFALLS = 12


def gap_text(plan: Plan) -> str:
    """Reached and requested gap side by side: `optimal` means the first is at most the
    second, so a reader can check the label."""
    reached = plan.solver.gap_reached
    return (f"gap reached {'-' if reached is None else f'{reached:.2g}'}, "
            f"requested {plan.solver.gap_requested:.2g}")


def work_figures(plan: Plan) -> dict | None:
    """The team's work at the deadline and at the horizon, and the first hour the work due
    exceeds the team's hours (None: it never does); None without `work`."""
    work = plan.work
    if work is None:
        return None
    late = work_overdue(work)
    D, H = plan.deadline_hours, plan.horizon_hours
    return {"people": work.people, "team_stated": work.team_stated,
            "engineer_hours_due_by_deadline": round(work.due_by(D), 2),
            "engineer_hours_had_by_deadline": round(work.available_by_hour[D], 2),
            "engineer_hours_due_by_horizon": round(work.due_by(H), 2),
            "engineer_hours_had_by_horizon": round(work.available_by_hour[H], 2),
            "short_from_hour": None if late is None else late[0]}


def work_line(plan: Plan) -> str | None:
    figures = work_figures(plan)
    if figures is None:
        return None
    who = f"{figures['people']} engineers" + ("" if figures["team_stated"]
                                                else " (planner's default)")
    line = (f"work: {num(figures['engineer_hours_due_by_deadline'])} engineer-hours due by "
            f"hour {plan.deadline_hours}; {who} have had "
            f"{num(figures['engineer_hours_had_by_deadline'])}")
    if figures["short_from_hour"] is not None:
        line += f"; not enough from hour {figures['short_from_hour']}"
    return line


def home_figures(plan: Plan) -> dict:
    """The home stage in a few figures (Plan.home)."""
    home = plan.home
    return {"day": home.day, "status": home.status, "providers": home.providers,
            "served_by_hour": home.served_by_hour, "staying": home.staying,
            "negotiated": home.negotiated, "servers": home.servers,
            "monthly_cost": home.monthly_cost, "bridge_servers": home.bridge_servers,
            "bridge_monthly_cost": home.bridge_monthly_cost,
            "bridge_monthly_every_server": home.bridge_monthly_every_server,
            "move_one_time_cost": home.move_one_time_cost}


def home_line(plan: Plan) -> str | None:
    home = plan.home
    if home is None:
        return None
    when = f"everything home by hour {home.served_by_hour}" \
        if home.served_by_hour is not None else f"{', '.join(home.staying)} stay on the bridge"
    return (f"home by day {home.day}: {', '.join(home.providers) or 'none'}; {when}; "
            f"{money(home.monthly_cost, plan.costs.currency)} a month for {home.servers} "
            f"servers (bridge {money(home.bridge_monthly_cost, plan.costs.currency)} for "
            f"{home.bridge_servers})")


def summary_data(plan: Plan) -> dict:
    return {
        "inventory": plan.inventory.name,
        "status": plan.status,
        "gap": plan.solver.gap_reached,
        "gap_requested": plan.solver.gap_requested,
        "deadline_hours": plan.deadline_hours,
        "servers_at_deadline": plan.servers_at_deadline,
        "servers_total": plan.servers_total,
        "coverage_at_deadline": plan.coverage_at_deadline,
        **({"users_served_at_deadline": plan.users.served_by_hour[plan.deadline_hours],
            "users_reach_at_deadline": plan.users.reach_by_hour[plan.deadline_hours]}
           if plan.users is not None else {}),
        "full_coverage_hour": plan.full_coverage_hour,
        "one_time_cost": plan.costs.one_time_total,
        "monthly_cost": plan.costs.monthly_total,
        "currency": plan.costs.currency,
        "providers_used": plan.providers_used,
        "warnings": plan.warnings,
        **({"work": work_figures(plan)} if plan.work is not None else {}),
        **({"home": home_figures(plan)} if plan.home is not None else {}),
        "shortfalls": [{"demand": s.demand, "missing_at_deadline": s.missing_at_deadline,
                        "unit": s.unit, "full_by_hour": s.full_by_hour,
                        "causes": [c.detail for c in s.causes]} for s in plan.shortfalls],
    }


def _brief(causes) -> str:
    """Cause codes in order of first appearance, with a count where one repeats."""
    counts: dict[str, int] = {}
    for cause in causes:
        counts[cause.code] = counts.get(cause.code, 0) + 1
    return ", ".join(code.replace("_", " ") + (f" x{n}" if n > 1 else "")
                     for code, n in counts.items()) or "cause unknown"


def summary_text(plan: Plan, files: list[str] = (), seconds: dict | None = None) -> str:
    cur = plan.costs.currency
    full = plan.full_coverage_hour
    lines = [
        f"{plan.inventory.name}: {plan.status} ({gap_text(plan)})",
        f"  decided on: {plan.inventory.decision_date or 'no date given'}"
        + (" (today, UTC: the inventory gives no decision_date)"
           if any(o.path == "decision_date" and o.source.startswith("today")
                  for o in plan.overrides) else ""),
        f"  at hour {plan.deadline_hours}: {num(plan.servers_at_deadline)} of "
        f"{count(plan.servers_total, 'server')} serving ({pct(plan.coverage_at_deadline)})",
        *([f"  users served at hour {plan.deadline_hours}: "
           f"{pct(plan.users.served_by_hour[plan.deadline_hours])} (their DNS reaches "
           f"{pct(plan.users.reach_by_hour[plan.deadline_hours])})"]
          if plan.users is not None else []),
        "  everything served by: " + (f"hour {full}" if full is not None else
                                      f"not within {plan.horizon_hours} hours"),
        f"  cost: {money(plan.costs.one_time_total, cur)} one-time, "
        f"{money(plan.costs.monthly_total, cur)} per month",
        f"  providers: {len(plan.providers_used)}: "
        + (", ".join(capped(plan.providers_used, TERMINAL_NAMES)) or "none"),
    ]
    short = []
    for s in plan.shortfalls:
        if s.unit == "share":
            amount = f"{pct(s.missing_at_deadline)} of it"
        else:
            unit = s.unit[:-1] if s.unit.endswith("s") and s.missing_at_deadline == 1 else s.unit
            amount = f"{num(s.missing_at_deadline)} {unit}"
        when = f"all by hour {s.full_by_hour}" if s.full_by_hour is not None else \
            "not all within the horizon"
        short.append(f"  short at hour {plan.deadline_hours}: {s.demand}: {amount}; {when}; "
                     f"{_brief(s.causes)}")
    lines += capped(short, TERMINAL_SHORTFALLS, "more short (all in the runbook)")
    for extra in (work_line(plan), home_line(plan)):
        if extra:
            lines.append(f"  {extra}")
    lines += [f"  warning: {w}" for w in plan.warnings]
    if seconds:
        lines.append("  time: " + ", ".join(f"{k} {v:.2f}s" for k, v in seconds.items()))
    for f in files:
        lines.append(f"  wrote {f}")
    return "\n".join(lines)


def summary_json(plan: Plan, seconds: dict | None = None) -> str:
    """The summary as JSON; wall-clock `seconds` only when given (they vary run to run)."""
    data = summary_data(plan)
    if seconds:
        data["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    return json.dumps(data, indent=2, sort_keys=True)
