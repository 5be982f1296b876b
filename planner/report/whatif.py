"""Render comparisons, sweeps, drills and readiness reports: Markdown (Jinja2) for the
files, a few capped lines for the terminal, with the filters the files use."""

from __future__ import annotations

from planner.models.comparison import Comparison, Drill, Readiness, ScenarioRow
from planner.report.filters import capped, count, money, num, pct, signed, signed_money
from planner.report.render import render_template

CHART_HOURS = (0, 6, 12, 24, 36, 48, 72, 96, 168)


def _hours(horizon: int, deadline: int) -> list[int]:
    return sorted({h for h in CHART_HOURS if h <= horizon} | {deadline, horizon})


def render_comparison(comparison: Comparison) -> str:
    horizon = min(len(r.coverage_by_hour) for r in comparison.rows) - 1
    return render_template("compare.md.j2", c=comparison,
                           hours=_hours(horizon, comparison.deadline_hours), horizon=horizon)


def render_drill(drill: Drill) -> str:
    return render_template("drill.md.j2", d=drill)


def render_readiness(readiness: Readiness) -> str:
    return render_template("readiness.md.j2", r=readiness)


# Terminal lines per report: the rest is in the Markdown file, said in the last line.
TERMINAL_ROWS = 12


def _everything_by(hour: int | None) -> str:
    return f"everything by hour {hour}" if hour is not None else \
        "not everything within the horizon"


def _scenario_line(r: ScenarioRow, currency: str) -> str:
    return (f"  {r.name}: {r.status}, {num(r.servers_at_deadline)} of "
            f"{count(r.servers_total, 'server')} at the deadline ({pct(r.coverage_at_deadline)}), "
            f"{_everything_by(r.full_coverage_hour)}, {money(r.one_time_cost, currency)} "
            f"one-time, {money(r.monthly_cost, currency)} per month, "
            f"{count(len(r.providers_used), 'provider or vendor', 'providers and vendors')} "
            "used, survives "
            f"{count(r.losses_survived, 'provider loss', 'provider losses')}")


def comparison_lines(comparison: Comparison, file: str) -> list[str]:
    return capped([_scenario_line(r, comparison.currency) for r in comparison.rows],
                  TERMINAL_ROWS, f"more in {file}")


def drill_lines(drill: Drill, file: str) -> list[str]:
    lines = []
    for r in drill.rows:
        later = ", ".join(f"{x.demand} -{x.points:.1f} points ({pct(x.relative)} of it)"
                          for x in r.lost_over_horizon) or "no loss"
        when = (f" at hour {r.refused_at_hour} ({num(r.servers_gone)} made there lost, "
                f"{num(r.servers_stopped)} stopped elsewhere)" if r.refused_at_hour else "")
        lost = (f"-{r.coverage_lost_at_deadline * 100:.1f} points"
                if r.coverage_lost_at_deadline >= 0.0005 else "no loss")
        lines.append(f"  {' + '.join(r.lost)} refuses{when}: {num(r.servers_at_deadline)} at "
                     f"the deadline ({lost}); to the "
                     f"horizon: {later}; {signed_money(r.extra_one_time, drill.currency)} "
                     "one-time")
    return capped(lines, TERMINAL_ROWS, f"more in {file}, worst first")


def readiness_lines(readiness: Readiness, file: str) -> list[str]:
    lines = []
    for r in readiness.rows:
        gain = r.servers_at_deadline_gain
        ready = ", ".join(r.services_ready_by_deadline) or "none"
        lines.append(f"  {r.item}: {signed(gain)} {'server' if abs(gain) == 1 else 'servers'}"
                     f" at the deadline; services ready by it: {ready}")
    return capped(lines, TERMINAL_ROWS, f"more in {file}")
