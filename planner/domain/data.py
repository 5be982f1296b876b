"""Live data at the cut-off: which hours a group's data is still written at the source, the
replication traffic that keeps the copied part current, and how fresh each copy is when the
source goes dark. Shared by the model (formulation/families.py), the verifier and the
runbook, so that all three count the same bytes."""

from __future__ import annotations

from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory


def live_end(inventory: Inventory, group: WorkloadGroup) -> int:
    """The last hour g's data is written at the source and can be read from it: the
    cut-off (or the start of its write freeze), and no later than the data is readable;
    0 for data that is not live or is seeded from new servers (data_from)."""
    if not group.write_gb_per_hour or group.data_from is not None:
        return 0
    end = inventory.cutoff - group.live_until_freeze
    readable = inventory.source.data_available_hours
    return max(0, min(end, int(readable)) if readable is not None else end)


def live_hours(inventory: Inventory, group: WorkloadGroup, before: int, t: int) -> int:
    """Hours of (before, t] in which g's data is written at the source and replicated."""
    return max(0, min(t, live_end(inventory, group)) - before)


def replication_rate(inventory: Inventory, group: WorkloadGroup,
                     until: int | None = None) -> tuple[float, int]:
    """(GB replicated an hour per GB landed, w_g / D_g; the last hour it is) of g's copies to
    one target: while g is live, and before `until`, the hour the target refuses (what was
    there is gone); (0, 0) when there is none."""
    end = live_end(inventory, group) if group.data_gb else 0
    if until is not None:
        end = min(end, until - 1)
    return (group.write_gb_per_hour / group.data_gb, end) if end > 0 else (0.0, 0)


def replication_gb(inventory: Inventory, group: WorkloadGroup,
                   gb_by_hour: list[float], until: int | None = None) -> list[float]:
    """GB replicated in each hour to one target: the writes to the part of g's data already
    there, (w_g / D_g) x the GB copied there by the end of the hour (replication_rate)."""
    rate, end = replication_rate(inventory, group, until)
    out, landed = [], 0.0
    for t, gb in enumerate(gb_by_hour):
        landed += gb
        out.append(rate * landed if 1 <= t <= end else 0.0)
    return out


def from_source(group: WorkloadGroup) -> bool:
    """Whether g's copies leave the source (not seeded from new servers)."""
    return group.data_from is None
