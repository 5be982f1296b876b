"""The greedy baseline's team (rule 7 of planner/baseline/waves.py): the engineer-hours its
waves have used, by the hour the work is due, against the team's hours by then.

The condition is the planner's own (domain/labour.py): for every hour t, the work due by t is
at most the engineer-hours the team has had by t, A(t). Work already planned is W(t), so new
work due by hour t fits when it is at most L(t) = min over t' >= t of A(t') - W(t') (work due
by t is due by every later hour too). L never falls, so a server curve cut to it never
falls either.
"""

from __future__ import annotations

import math

from planner.domain import labour
from planner.formulation.instance import Candidate, Instance

EPS = 1e-9


class Ledger:
    """Work due by each hour 0..H, the hour each provider and vendor opens (its setup
    done), and the groups bootstrapped at each provider."""

    def __init__(self, inst: Instance):
        self.inst, self.H = inst, inst.horizon_hours
        self.had = inst.team_by_hour
        self.due = [0.0] * (self.H + 1)
        self.opened: dict[str, int] = {}
        self.booted: set[tuple[str, str]] = set()
        self._room: list[float] | None = None

    def room(self) -> list[float]:
        """L(t): engineer-hours of new work that may still be due by each hour t."""
        if self._room is None:
            out, low = [0.0] * (self.H + 1), math.inf
            for t in range(self.H, -1, -1):
                low = min(low, self.had[t] - self.due[t])
                out[t] = low
            self._room = out
        return self._room

    def charge(self, hours: float, due_hour: int) -> None:
        """Add `hours` of work due by `due_hour` (negative: give it back)."""
        if hours:
            for t in range(max(due_hour, 0), self.H + 1):
                self.due[t] += hours
            self._room = None

    def charge_servers(self, c: Candidate, change: list[int]) -> None:
        """Each server made is due by the hour it serves: `change` is servers by hour."""
        each = labour.server_hours(self.inst.catalog, self.inst.providers[c.provider])
        previous = 0
        for t, x in enumerate(change):
            if x != previous:
                self.charge(each * (x - previous), t)
                previous = x

    def provider_choices(self, p: str) -> list[int]:
        """Hours at which provider p may open, as the planner's model offers them
        (Instance.start_delays); the hour it opened when an earlier wave opened it."""
        if p in self.opened:
            return [self.opened[p]]
        first = self.inst.first_hour(p)
        return [first + d for d in self.inst.start_delays.get(p, [0])]

    def vendor_choices(self, first: int) -> list[int]:
        """Hours at which a vendor that could carry from hour `first` may open, as the
        planner's model offers them (formulation/labour.py start_variables)."""
        return [first + d for d in labour.delays_from(self.inst.inventory, first)]

    def open_at(self, choices: list[int], setup_hours: float) -> int | None:
        """The first of `choices` whose setup fits the team's hours left."""
        room = self.room()
        return next((o for o in choices
                     if o <= self.H and setup_hours <= room[max(o, 0)] + EPS), None)

    def servers_curve(self, c: Candidate, room: list[float], want: int
                      ) -> tuple[list[int], int | None]:
        """Servers of c up by each hour, and the hour its provider opens: at most `want`
        and the capacity `room` (never falling), from the first opening at which the
        provider's setup and the group's bootstrap fit the team's hours left, and no more
        than those hours can make. All zeros and None when nothing fits. Charges nothing
        (`commit` does)."""
        inst, H = self.inst, self.H
        p = c.provider
        setup = 0.0 if p in self.opened else \
            labour.provider_setup_hours(inst.catalog, inst.providers[p])
        boot = 0.0 if (c.group, p) in self.booted else \
            labour.bootstrap_effort_hours(inst.catalog, inst.groups[c.group])
        each = labour.server_hours(inst.catalog, inst.providers[p])
        left, wait, due = self.room(), inst.wait_hours(c), inst.bootstrap_hours(c.group)
        for o in self.provider_choices(p):
            if o + wait > H or setup > left[max(o, 0)] + EPS \
                    or setup + boot > left[min(o + due, H)] + EPS:
                continue
            up = [0] * (H + 1)
            for t in range(max(o + wait, 1), H + 1):
                spare = left[t] - setup - boot  # for the servers themselves
                most = want if each <= 0 else math.floor(spare / each + EPS)
                if spare >= -EPS and most > 0:
                    up[t] = int(min(want, math.floor(room[t] + EPS), most))
            if up[H] > 0:
                return up, o
        return [0] * (H + 1), None

    def commit(self, c: Candidate, up: list[int], opening: int) -> None:
        """Charge c's servers (`up`, by the hour they serve), the provider's setup at
        `opening` (from `servers_curve`) when no earlier wave opened it, and its group's
        bootstrap there by the opening plus its bootstrap hours (as the model charges it,
        formulation/labour.py team_hours; the verifier's due hour, the first hour it
        serves there, is never earlier)."""
        inst, p = self.inst, c.provider
        if not any(up):
            return
        if p not in self.opened:
            self.opened[p] = opening
            self.charge(labour.provider_setup_hours(inst.catalog, inst.providers[p]), opening)
        if (c.group, p) not in self.booted:
            self.booted.add((c.group, p))
            self.charge(labour.bootstrap_effort_hours(inst.catalog, inst.groups[c.group]),
                        self.opened[p] + inst.bootstrap_hours(c.group))
        self.charge_servers(c, up)

    def open_vendor(self, vendor: str, first: int, setup_hours: float) -> int | None:
        """Open `vendor` (first able to carry at hour `first`) at the first of its choices
        where its setup fits, charging it; None when none does."""
        if vendor in self.opened:
            return self.opened[vendor]
        opening = self.open_at(self.vendor_choices(first), setup_hours)
        if opening is not None:
            self.opened[vendor] = opening
            self.charge(setup_hours, opening)
        return opening
