"""Provenance of catalog facts: walking them, dating them, finding the stale ones."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel

from planner.models.base import Provenance, walk
from planner.models.plan import StaleFact


def walk_facts(model: BaseModel) -> Iterator[tuple[str, Provenance]]:
    """Every sourced value (Fact, Series, working hours) inside `model`, with its dotted
    path."""
    for _, path, fact in walk(model, Provenance):
        yield path, fact


def latest_day(as_of: str) -> date:
    """The last day an `as_of` of YYYY, YYYY-MM or YYYY-MM-DD can mean: a fact is never
    called older than it may be."""
    parts = [int(p) for p in as_of.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return date(year, month, day)


def stale_facts(entries, decision_date: str, max_age_days: int) -> list[StaleFact]:
    """Facts of `entries` dated more than `max_age_days` before the decision date."""
    decided = date.fromisoformat(decision_date)
    out = []
    for entry in entries:
        for path, fact in walk_facts(entry):
            age = (decided - latest_day(fact.as_of)).days
            if age > max_age_days:
                out.append(StaleFact(entry=entry.id, field=path, as_of=fact.as_of,
                                     age_days=age, estimate=fact.estimate))
    return out
