"""Render a stress report: Markdown (Jinja2), a few lines for the terminal, and a PNG of
the distributions (with the charts extra)."""

from __future__ import annotations

from planner.models.risk import Stress
from planner.report.charts import png_bytes, pyplot
from planner.report.filters import money, pct
from planner.report.render import render_template


def render_stress(stress: Stress) -> str:
    return render_template("stress.md.j2", s=stress)


def stress_lines(stress: Stress, file: str) -> list[str]:
    lines = [f"  {stress.samples} scenarios, {stress.shocks} with the common shock "
             f"({', '.join(stress.shock_jurisdictions) or 'none'})"]
    for p in stress.plans:
        a, h = p.users_at_deadline, p.users_over_horizon
        lines.append(f"  {p.label}: users at the deadline {pct(p.nominal_users_at_deadline)} "
                     f"with no refusal, P10 {pct(a.p10)} P50 {pct(a.p50)} P90 {pct(a.p90)}; "
                     f"to the horizon P10 {pct(h.p10)} P50 {pct(h.p50)}; "
                     f"{money(p.monthly_cost, stress.currency)} per month")
    return lines + [f"  more in {file}"]


def stress_png(stress: Stress) -> bytes:
    """Histograms of users served at the deadline and to the horizon, one bar set per
    plan. Deterministic bytes: no timestamp or software version in the file."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), dpi=100)
    width = 0.1 / max(1, len(stress.plans))
    for i, p in enumerate(stress.plans):
        lows = [b.low + i * width for b in p.histogram]
        axes[0].bar(lows, [b.scenarios for b in p.histogram], width=width, align="edge",
                    label=p.label)
    axes[0].set(xlabel="share of users served at the deadline", ylabel="scenarios",
                xlim=(0, 1), title=f"Refusal stress: {stress.inventory}")
    for p in stress.plans:
        spread = p.users_over_horizon
        axes[1].errorbar([p.label], [spread.p50], yerr=[[spread.p50 - spread.p10],
                                                        [spread.p90 - spread.p50]],
                         fmt="o", capsize=6)
    axes[1].set(ylabel="users served, deadline to horizon (P10 / P50 / P90)", ylim=(0, 1.02))
    axes[0].legend(fontsize="small")
    return png_bytes(fig)
