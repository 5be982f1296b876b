"""The greedy baseline's rows, result, working state and money (see planner/baseline/waves.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from planner.baseline.labour import Ledger
from planner.domain.bill import ipv4_monthly
from planner.domain.data import replication_gb, replication_rate
from planner.formulation.instance import Candidate, Instance

EPS = 1e-9


@dataclass(frozen=True)
class ServerRow:
    """Servers of a group placed (up and with their data) on one offering, by hour 0..H."""

    group: str
    provider: str
    offering: str
    up_by_hour: tuple[int, ...]
    hosts_by_hour: tuple[int, ...] | None = None  # made by each hour, when before serving

    @property
    def hosts(self) -> tuple[int, ...]:
        return self.hosts_by_hour if self.hosts_by_hour is not None else self.up_by_hour


@dataclass(frozen=True)
class CopyRow:
    """GB copied during each hour 0..H for a group (or 'object_storage') into a target."""

    demand: str
    target: str
    gb_by_hour: tuple[float, ...]


@dataclass(frozen=True)
class ServiceRow:
    kind: str
    vendor: str
    offering: str
    share_by_hour: tuple[float, ...]


@dataclass(frozen=True)
class Baseline:
    """The baseline's outcome, in the Plan's terms, plus the schedule behind it."""

    servers_total: int
    servers_at_deadline: int           # serving (placed, data in, dependencies serving)
    coverage_at_deadline: float        # servers_at_deadline / servers_total
    full_coverage_hour: int | None     # first hour every group and service is fully served
    one_time_cost: float
    monthly_cost: float
    currency: str
    run_rate_months: float
    deadline_hours: int
    horizon_hours: int
    one_time: dict[str, float] = field(default_factory=dict)
    monthly: dict[str, float] = field(default_factory=dict)
    servers: tuple[ServerRow, ...] = ()
    copies: tuple[CopyRow, ...] = ()
    services: tuple[ServiceRow, ...] = ()
    serving: dict[str, tuple[int, ...]] = field(default_factory=dict)  # group -> by hour
    # with the team (rule 7): the hour each provider and vendor opens, its setup done
    opened: dict[str, int] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        """One-time cost plus run_rate_months of run-rate (the planner's phase-2 measure)."""
        return self.one_time_cost + self.run_rate_months * self.monthly_cost


class State:
    """What earlier waves hold: servers per provider and offering, GB per hour per link,
    with the team (`team`, rule 7) the work planned so far (`ledger`), and with the
    policy's caps (`caps`, rule 8) the vendors used."""

    def __init__(self, inst: Instance, team: bool = False, caps: bool = True):
        H = inst.horizon_hours
        self.inst, self.H = inst, H
        self.ledger = Ledger(inst) if team else None
        self.used_p = {p: [0] * (H + 1) for p in inst.provider_curves}
        self.used_o = {k: [0] * (H + 1) for k in inst.offering_curves}
        self.used_q = {k: [0.0] * (H + 1) for k in inst.quota_curves}  # in the quota's unit
        self._quotas_of = {p: [k for k in inst.quota_curves if k[0] == p]
                           for p in inst.provider_curves}
        # headroom by (provider, offering with a curve of its own or None), valid until the
        # provider's next hold changes: candidates of one provider share it, and most
        # groups place nothing at most providers (10,000 synthetic servers in 500 groups:
        # 35,000 look-ups, about 1,500 changes)
        self._rooms: dict[tuple[str, str | None], list[float]] = {}
        self.ingress_left = {p: list(c.values) for p, c in inst.ingress.items()}
        self.egress_left = list(inst.egress.values)
        self.one_time = self.monthly = 0.0
        policy = inst.inventory.policy
        self.one_time_budget = policy.one_time_budget
        self.monthly_budget = policy.monthly_budget
        self.caps = policy.max_providers.given() if caps else {}  # rule 8
        self.vendors: dict[str, str] = {}  # vendor -> the kind it carries

    def compute_used(self) -> set[str]:
        """The compute providers holding servers at the horizon."""
        return {p for p, held in self.used_p.items() if held[self.H] > 0}

    def may_use(self, who: str, kind: str = "compute") -> bool:
        """Rule 8: `who` (a compute provider, or a vendor of `kind`) is used already, or
        using it keeps within the policy's max_providers for its kind and in all."""
        compute = self.compute_used()
        if who in compute or who in self.vendors:
            return True
        same = len(compute) if kind == "compute" else \
            sum(1 for k in self.vendors.values() if k == kind)
        return same < self.caps.get(kind, math.inf) and \
            len(compute | set(self.vendors)) < self.caps.get("all", math.inf)

    def headroom(self, c: Candidate) -> list[float]:
        """Servers candidate c could still have up by hour t, for a schedule that never goes
        down: the suffix minimum of the free capacity of the provider and the offering (so
        it never falls), none before the group's bootstrap at the provider ends. Shared
        between calls: read it, do not change it."""
        own = (c.provider, c.offering) in self.used_o or self._quotas_of[c.provider]
        key = (c.provider, c.offering if own else None, self.inst.wait_hours(c))
        room = self._rooms.get(key)
        if room is None:
            room = self._rooms[key] = self._headroom(c)
        return room

    def _headroom(self, c: Candidate) -> list[float]:
        inst, H = self.inst, self.H
        cap_p, used_p = inst.provider_curves[c.provider].values, self.used_p[c.provider]
        curve_o = inst.offering_curves.get((c.provider, c.offering))
        used_o = self.used_o.get((c.provider, c.offering))
        quotas = [(inst.quota_curves[k].values, self.used_q[k], inst.quota_units[k][c.offering])
                  for k in self._quotas_of[c.provider] if c.offering in inst.quota_units[k]]
        out, low = [0.0] * (H + 1), math.inf
        for t in range(H, 0, -1):
            free = cap_p[t] - used_p[t]
            if curve_o is not None:
                free = min(free, curve_o.values[t] - used_o[t])
            for limit, used, units in quotas:  # a limit in vCPU, RAM, GPUs or IPv4
                free = min(free, math.floor((limit[t] - used[t]) / units + EPS))
            low = min(low, free)
            out[t] = max(0.0, low)
        ready = inst.first_hour(c.provider) + inst.wait_hours(c)
        return [0.0 if t < ready else room for t, room in enumerate(out)]

    def hold(self, c: Candidate, change: list[int]) -> None:
        """Add `change` (servers by hour, negative to give back) to what c's provider and
        offering hold."""
        used_p, used_o = self.used_p[c.provider], self.used_o.get((c.provider, c.offering))
        quotas = [(self.used_q[k], self.inst.quota_units[k][c.offering])
                  for k in self._quotas_of[c.provider] if c.offering in self.inst.quota_units[k]]
        for t, x in enumerate(change):
            used_p[t] += x
            if used_o is not None:
                used_o[t] += x
            for used, units in quotas:
                used[t] += units * x
        for key in [k for k in self._rooms if k[0] == c.provider]:
            del self._rooms[key]

    def copy_plan(self, provider: str, total_gb: float,
                  room_gb: list[float] | None = None, from_source: bool = True,
                  group: str | None = None) -> list[float]:
        """GB copied in each hour, as early as the links left over allow, up to total_gb,
        and by each hour t no more than room_gb[t] (what the hosts made by then hold, or
        what the seed group's servers hold); through the source's egress unless not
        `from_source` (seeded from new servers).

        The writes to `group`'s live data that has landed follow it through the same
        links (domain/data.replication_gb): in a live hour t, with L the GB landed before
        it and rho = w_g / D_g, the copy x_t and the replication rho (L + x_t) share the
        link left, x_t <= (link_t - rho L) / (1 + rho); and what has landed never exceeds
        what a later live hour's link can replicate, L + x_t <= min_{t < t' <= end}
        link_t' / rho. Without that the greedy plan overran the links (10,000 executable
        synthetic servers: 44 hours of target ingress, by up to 76 GB), no start could be
        completed from it, and the planner returned no plan at all."""
        out, left = [0.0] * (self.H + 1), total_gb
        ingress = self.ingress_left[provider]
        link = [min(self.egress_left[t] if from_source else math.inf, ingress[t])
                for t in range(self.H + 1)]
        rho, end = self.replication(provider, group)
        most = [math.inf] * (self.H + 2)  # most[t]: what may have landed by the end of t
        for t in range(end - 1, 0, -1):
            most[t] = min(most[t + 1], link[t + 1] / rho)
        landed = 0.0
        for t in range(1, self.H + 1):
            if left <= EPS:
                break
            room = math.inf if room_gb is None else room_gb[t] - (total_gb - left)
            live = rho if t <= end else 0.0
            x = min((link[t] - live * landed) / (1 + live), left, room, most[t] - landed)
            if x > 0:
                out[t] = x
                left -= x
                landed += x
        return out

    def replication(self, provider: str, group: str | None) -> tuple[float, int]:
        """domain/data.replication_rate of `group`'s copies to `provider` ((0, 0) for none)."""
        g = self.inst.groups.get(group) if group is not None else None
        return (0.0, 0) if g is None else \
            replication_rate(self.inst.inventory, g, self.inst.refused_at(provider))

    def take_links(self, provider: str, group: str, gb: list[float],
                   from_source: bool = True) -> None:
        """Take a copy's GB by hour, and the replication of what it landed (domain/data.
        replication_gb, as the verifier counts it), from the target's ingress and (from the
        source) the source's egress."""
        replicated = replication_gb(self.inst.inventory, self.inst.groups[group], gb,
                                    self.inst.refused_at(provider))
        for t, (copied, written) in enumerate(zip(gb, replicated)):
            if used := copied + written:
                if from_source:
                    self.egress_left[t] -= used
                self.ingress_left[provider][t] -= used


def to_money(inst: Instance, fact, currency: str) -> float:
    return inst.to_plan_currency(fact.value, currency) if fact is not None else 0.0


def egress_price_of(inst: Instance) -> float:
    source = inst.catalog.provider(inst.inventory.source.provider)
    return to_money(inst, source.egress_price_per_gb, source.currency) if source else 0.0


def unit_costs(inst: Instance, c: Candidate) -> tuple[float, float]:
    """(one-time, monthly) of one server of candidate c, without its data; the monthly
    with its public IPv4 addresses where they are billed apart."""
    provider = inst.providers[c.provider]
    o, cur = inst.offering(c.provider, c.offering), provider.currency
    return to_money(inst, o.setup_fee, cur), to_money(inst, o.price_per_month, cur) + \
        inst.to_plan_currency(ipv4_monthly(provider, o), cur)


def within_budget(state: State, n: int, one_time_each: float, monthly_each: float) -> int:
    """The largest m <= n whose costs still fit both budgets."""
    for budget, spent, each in ((state.one_time_budget, state.one_time, one_time_each),
                                (state.monthly_budget, state.monthly, monthly_each)):
        if budget is not None and each > 0:
            n = min(n, max(0, math.floor((budget - spent) / each + EPS)))
    return n


