"""PNG charts of comparisons (optional: needs the `charts` extra, matplotlib).

The Markdown reports carry the same figures as tables and Mermaid charts, so nothing is lost
without it.
"""

from __future__ import annotations

import io

from planner.errors import PlannerError
from planner.models.comparison import Comparison


def check_charts() -> None:
    """Refuse --png before any work when matplotlib is not installed."""
    pyplot()


def pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlannerError("--png needs matplotlib, this package's `charts` extra: "
                           "pip install -e '.[charts]' in a checkout, or "
                           "pip install matplotlib") from None
    return plt


def comparison_png(comparison: Comparison) -> bytes:
    """Coverage over time, one line per row; for a sweep, also the figures against the
    parameter. Deterministic bytes: no timestamp or software version in the file."""
    plt = pyplot()
    sweep = comparison.parameter is not None
    fig, axes = plt.subplots(1, 2 if sweep else 1, figsize=(12 if sweep else 8, 4.5), dpi=100)
    axes = list(axes) if sweep else [axes]
    for r in comparison.rows:
        axes[0].step(range(len(r.coverage_by_hour)), r.coverage_by_hour, where="post",
                     label=r.name)
    axes[0].axvline(comparison.deadline_hours, color="grey", linestyle=":", linewidth=1)
    axes[0].set(xlabel="hours from the decision", ylabel="share of servers serving",
                ylim=(0, 1.02), title=f"{comparison.title}: {comparison.inventory}")
    axes[0].legend(fontsize="small")
    if sweep:
        xs = [float(r.parameter) for r in comparison.rows]
        axes[1].plot(xs, [r.coverage_at_deadline for r in comparison.rows], marker="o",
                     label="share serving at the deadline")
        axes[1].set(xlabel=comparison.parameter, ylabel="share", ylim=(0, 1.02))
        cost = axes[1].twinx()
        cost.plot(xs, [r.one_time_cost + r.monthly_cost for r in comparison.rows],
                  marker="s", color="tab:red", label="one-time + one month")
        cost.set_ylabel(f"cost ({comparison.currency})")
        axes[1].legend(loc="upper left", fontsize="small")
        cost.legend(loc="lower right", fontsize="small")
    return png_bytes(fig)


def png_bytes(fig) -> bytes:
    """The figure as PNG bytes, closed. Deterministic: no timestamp or software version."""
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    pyplot().close(fig)
    return buffer.getvalue()
