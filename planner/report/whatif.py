"""Render comparisons, sweeps, drills and readiness reports as Markdown (Jinja2)."""

from __future__ import annotations

from planner.models.comparison import Comparison, Drill, Readiness
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
