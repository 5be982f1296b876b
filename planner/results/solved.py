"""The solved rows as the causes of shortfalls read them (results/diagnose and the modules
it calls), summed once by the keys they are looked up by."""

from __future__ import annotations

from planner.domain.curves import Curve
from planner.formulation.instance import Instance
from planner.models.plan import CopyRow, ScheduleRow

TOL = 1e-6
GB_TOL = 1e-3  # GB: copies are continuous, a thousandth of a GB is no room


class SolvedRows:
    """Servers, copies and candidates by group and provider (the causes ran a scan of every
    candidate and schedule row per group and provider: 23 s at 500 groups). Sums run in
    the rows' order, as the scans did."""

    def __init__(self, inst: Instance, schedule: list[ScheduleRow], copies: list[CopyRow]):
        D, H = inst.deadline_hours, inst.horizon_hours
        self.horizon_hours = H
        self._used_by_hour: dict[str, list[float]] = {}
        self.offerings: dict[tuple[str, str], list[str]] = {}
        self.providers: dict[str, set[str]] = {}
        for c in inst.candidates:
            self.offerings.setdefault((c.group, c.provider), []).append(c.offering)
            self.providers.setdefault(c.group, set()).add(c.provider)
        self.used_offering: dict[tuple[str, str], float] = {}  # servers up at D
        self.used_provider: dict[str, float] = {}              # servers up at D
        self.servers: dict[tuple[str, str], float] = {}        # (g, p): servers up at D
        self.placed: dict[tuple[str, str], float] = {}         # (g, p): servers up at H
        self.rows_at: dict[str, list[ScheduleRow]] = {}
        for r in schedule:
            up, key, at = r.up_by_hour[D], (r.provider, r.offering), (r.group, r.provider)
            self.used_offering[key] = self.used_offering.get(key, 0) + up
            self.used_provider[r.provider] = self.used_provider.get(r.provider, 0) + up
            self.servers[at] = self.servers.get(at, 0) + up
            self.placed[at] = self.placed.get(at, 0) + r.up_by_hour[H]
            self.rows_at.setdefault(r.provider, []).append(r)
        self.copied: dict[tuple[str, str], float] = {}  # (demand, target): GB by D
        self.moved_by_hour = [0.0] * (D + 1)  # all copies, GB per hour
        self.objects_by_hour = [0.0] * (D + 1)  # object-storage copies, GB per hour
        self.into: dict[str, list[float]] = {}  # target -> GB per hour
        for c in copies:
            key = (c.demand, c.target)
            self.copied[key] = self.copied.get(key, 0) + sum(c.gb_by_hour[: D + 1])
            into = self.into.setdefault(c.target, [0.0] * (D + 1))
            objects = c.demand == "object_storage"
            for t in range(D + 1):
                self.moved_by_hour[t] += c.gb_by_hour[t]
                into[t] += c.gb_by_hour[t]
                if objects:
                    self.objects_by_hour[t] += c.gb_by_hour[t]

    def used_by_hour(self, p: str) -> list[float]:
        """Servers of every group up at provider p, hour by hour 0..H (summed once)."""
        if p not in self._used_by_hour:
            rows = self.rows_at.get(p)
            self._used_by_hour[p] = [sum(hour) for hour in zip(*(r.up_by_hour for r in rows))] \
                if rows else [0.0] * (self.horizon_hours + 1)
        return self._used_by_hour[p]


def first_hour(curve: Curve, at_least: float = TOL) -> int | None:
    return next((t for t, v in enumerate(curve.values) if v >= at_least), None)


def when(hour: int | None) -> str:
    return "not within the horizon" if hour is None else f"from hour {hour}"


def last_source_hour(inst: Instance) -> int:
    """The last hour data can leave the source (its data_available_hours, by default the
    deadline)."""
    return max((t for t, v in enumerate(inst.egress.values) if v), default=0)


def hours_span(hours: list[int]) -> str:
    return f"hours {hours[0]}-{hours[-1]}" if len(hours) > 1 else f"hour {hours[0]}"


def percent(share: float) -> str:
    """A share as a percentage; one under 1% keeps two significant digits (0.005%), not 0%."""
    return f"{share:.0%}" if share >= 0.01 or share <= 0 else f"{share * 100:.2g}%"
