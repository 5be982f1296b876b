"""Which providers and vendors a plan uses, by kind: the one reading of a plan's rows that
the costs (the overhead per provider), the caps of `policy.max_providers` and the
verifier share."""

from __future__ import annotations

from collections.abc import Iterable

from planner.models.plan import CopyRow, ScheduleRow, ServiceRow


def providers_by_kind(schedule: Iterable[ScheduleRow], services: Iterable[ServiceRow],
                      copies: Iterable[CopyRow], horizon_hours: int) -> dict[str, set[str]]:
    """compute: providers running servers at the horizon (servers stay up, so at any
    hour); sms, email, dns: vendors carrying a share at some hour; object_storage: targets
    that data is copied to. Kinds with none are left out."""
    used: dict[str, set[str]] = {}
    for row in schedule:
        if len(row.up_by_hour) > horizon_hours and row.up_by_hour[horizon_hours] > 0:
            used.setdefault("compute", set()).add(row.provider)
    for row in services:
        if row.share_by_hour and max(row.share_by_hour) > 0:
            used.setdefault(row.kind, set()).add(row.vendor)
    for row in copies:
        if row.demand == "object_storage" and sum(row.gb_by_hour) > 0:
            used.setdefault("object_storage", set()).add(row.target)
    return used


def all_used(by_kind: dict[str, set[str]]) -> set[str]:
    return set().union(*by_kind.values()) if by_kind else set()
