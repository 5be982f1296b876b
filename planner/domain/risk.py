"""Refusal risk: scenarios sampled from the catalog's refusal risks, and what a fixed plan
keeps in each. Pure functions; the same seed gives the same scenarios on any machine, in
any order, in any chunking (each scenario draws from its own seeded stream).

The sampler keeps each entry's `refusal_risk` r as its marginal and makes refusals move
together (policy.risk, models/risk.py):
- A common shock, with probability q, hits the entries of the shocked jurisdictions: their
  risk is then h = min(1, m l), where l is the calm-day risk solving q h + (1 - q) l = r.
- Entries of one organization share one draw: the riskier refuses whenever the other does.
- A refusal comes at an hour drawn uniformly from the entry's onboarding to the deadline
  (at its onboarding when that is later): servers built there before it stop then.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from planner.domain.served import counted, reach_by_hour, through_gate, users_by_hour
from planner.models.catalog import Catalog, CatalogEntry
from planner.models.inventory import Inventory
from planner.models.plan import Plan, VendorChoice
from planner.models.risk import Outcome, Refusal, RefusalScenario, RiskPolicy


def split(risk: float, shock_probability: float, multiplier: float) -> tuple[float, float]:
    """(calm-day risk l, shocked risk h) with q h + (1 - q) l = `risk` and h = min(1, m l)."""
    q, m = shock_probability, multiplier
    if q <= 0 or q >= 1 or m <= 1:
        return risk, risk
    calm = risk / (1 + q * (m - 1))
    if m * calm <= 1:
        return calm, m * calm
    return (risk - q) / (1 - q), 1.0  # m l > 1 only when risk > q: l >= 0


def shocked_jurisdictions(inventory: Inventory, catalog: Catalog,
                          policy: RiskPolicy) -> list[str]:
    """The policy's, else the source provider's own jurisdiction (none if not catalogued)."""
    if policy.shock_jurisdictions is not None:
        return sorted(set(policy.shock_jurisdictions))
    source = catalog.provider(inventory.source.provider)
    return [source.jurisdiction] if source is not None else []


def _entries(inventory: Inventory, catalog: Catalog) -> list[CatalogEntry]:
    """Every entry but the source and its organization's (they have left already)."""
    source = catalog.provider(inventory.source.provider)
    gone = {inventory.source.provider} | ({source.organization} if source is not None
                                          and source.organization else set())
    return sorted((e for e in [*catalog.providers, *catalog.services]
                   if e.id not in gone and e.organization not in gone), key=lambda e: e.id)


def _stream(seed: int, index: int, name: str) -> random.Random:
    # a string seed is hashed with SHA-512: the same stream on every platform and run
    return random.Random(f"planner-risk:{seed}:{index}:{name}")


def sample(inventory: Inventory, catalog: Catalog, policy: RiskPolicy,
           indices: Sequence[int]) -> list[RefusalScenario]:
    """The scenarios numbered `indices` (each the same whatever else is drawn). `catalog`
    is the timed one (domain/calendar.timed: onboarding in hours from the decision)."""
    scope = set(shocked_jurisdictions(inventory, catalog, policy))
    deadline = inventory.deadline_hours
    entries = _entries(inventory, catalog)
    odds = {e.id: split(e.refusal_risk.value, policy.shock_probability,
                        policy.shock_multiplier) if e.jurisdiction in scope
            else (e.refusal_risk.value, e.refusal_risk.value) for e in entries}
    orgs: dict[str, list[CatalogEntry]] = {}
    for e in entries:
        orgs.setdefault(e.organization or e.id, []).append(e)
    out = []
    for index in indices:
        shock = _stream(policy.seed, index, "shock").random() < policy.shock_probability
        refusals = []
        for org in sorted(orgs):
            stream = _stream(policy.seed, index, org)
            draw, when = stream.random(), stream.random()
            for e in orgs[org]:
                if draw < odds[e.id][1 if shock else 0]:
                    ready = math.ceil(e.onboarding_hours.value)
                    last = max(deadline, ready)
                    refusals.append(Refusal(entry=e.id,
                                            hour=ready + int(when * (last - ready + 1))))
        out.append(RefusalScenario(index=index, shock=shock,
                                   refusals=sorted(refusals, key=lambda r: r.entry)))
    return out


def _cut(values: Sequence[float], hour: int | None) -> list[float]:
    """`values` with every hour from `hour` on at 0 (unchanged when `hour` is None)."""
    return list(values) if hour is None else [v if t < hour else 0.0
                                              for t, v in enumerate(values)]


def gate_by_hour(edge: VendorChoice | None, gone: dict[str, int], hours: int) -> list[float]:
    """1 while users can pass the edge: from its ready hour until it refuses, and again
    once its fallback (of another organization) is ready, counted from the refusal, until
    that one refuses in turn. 1 everywhere with no edge."""
    if edge is None:
        return [1.0] * hours
    ready, end = edge.ready_hour, gone.get(edge.vendor, hours)
    again = until = hours
    if end < hours and edge.fallback and edge.fallback_ready_hour is not None:
        again, until = end + edge.fallback_ready_hour, gone.get(edge.fallback, hours)
    return [1.0 if (ready is not None and ready <= t < end) or again <= t < until else 0.0
            for t in range(hours)]


def working(inventory: Inventory, servers: dict[str, list[float]]) -> dict[str, list[float]]:
    """Servers of each group that can work: at most the share of each group it depends on
    that works (the model's `dependency` rule, count_h x served_g <= count_g x served_h),
    through chains of dependencies. A plan keeps the rule; a refusal can break it, and an
    api whose database is gone serves nothing."""
    groups = {g.name: g for g in inventory.groups}
    out: dict[str, list[float]] = {}

    def of(name: str, seen: frozenset) -> list[float]:
        if name not in out:
            mine = list(servers[name])
            for need in [n for n in groups[name].needs if n not in seen]:  # (no cycles)
                theirs = of(need, seen | {name})
                scale = groups[name].count / groups[need].count
                mine = [min(a, b * scale) for a, b in zip(mine, theirs)]
            out[name] = mine
        return out[name]

    for name in groups:
        of(name, frozenset())
    return out


def outcome(plan: Plan, scenario: RefusalScenario,
            nominal: Outcome | None = None) -> Outcome:
    """What `plan` serves when the scenario's entries refuse at their hours and nothing is
    re-planned: their servers and service shares stop, and the servers of the groups that
    depend on what stopped (`working`); users reach the rest through the DNS vendors still
    answering and the edge still open. `nominal` (the outcome with no
    refusal) gives tier 1's reference; without it, the scenario is its own."""
    inventory, H, D = plan.inventory, plan.horizon_hours, plan.deadline_hours
    hours = H + 1
    gone = {r.entry: r.hour for r in scenario.refusals}
    servers: dict[str, list[float]] = {g.name: [0.0] * hours for g in inventory.groups}
    for row in plan.schedule:
        up = _cut(row.up_by_hour, gone.get(row.provider))
        servers[row.group] = [a + b for a, b in zip(servers[row.group], up)]
    dns = [_cut(r.share_by_hour, gone.get(r.vendor)) for r in plan.services if r.kind == "dns"]
    front = through_gate(reach_by_hour(inventory, dns, hours),
                         None if plan.edge is None else gate_by_hour(plan.edge, gone, hours))
    able = working(inventory, servers)
    served = {g.name: counted(g, able[g.name], front if g.user_facing else None)
              for g in inventory.groups}
    total = sum(g.count for g in inventory.groups) or 1
    share = [sum(s[t] for s in served.values()) / total for t in range(hours)]
    users = users_by_hour(inventory, served, front) or share
    after = range(D, hours)
    tier1 = sum(served[g.name][D] for g in inventory.groups if g.tier == 1)
    base = tier1 if nominal is None else nominal.tier1_servers
    used = set(plan.providers_used) | {c.vendor for c in (plan.edge,) if c is not None}
    compute = {row.provider for row in plan.schedule}
    return Outcome(
        index=scenario.index, shock=scenario.shock,
        refused=[r for r in scenario.refusals if r.entry in used],
        compute_refusals=sum(r.entry in compute for r in scenario.refusals),
        users_at_deadline=round(users[D], 9),
        users_over_horizon=round(sum(users[t] for t in after) / len(after), 9),
        servers_at_deadline=round(share[D], 9),
        servers_over_horizon=round(sum(share[t] for t in after) / len(after), 9),
        tier1_kept=None if base <= 0 else round(min(1.0, tier1 / base), 9),
        tier1_servers=tier1)
