"""Stress: a plan against many sampled refusal scenarios (domain/risk.py), in chunks that
run anywhere (whatif/runs.py: local processes or a Dask cluster). Each scenario is drawn
from its own seeded stream and the outcomes are put back in scenario order, so the
figures do not depend on the chunking, the workers or where they ran."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from planner.domain import risk
from planner.inputs.overrides import apply
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory
from planner.models.plan import Plan
from planner.models.risk import (
    Bin,
    Distribution,
    Outcome,
    Percentiles,
    RefusalScenario,
    RiskPolicy,
    Stress,
)
from planner.models.scenario import Scenario
from planner.whatif.cases import Case, scenario_cases
from planner.whatif.drills import refusal_case

# Scenarios per task: enough that shipping the plan to a worker is worth it
CHUNK = 100
WORST = 10
BINS = 10


def plan_cases(inventory: Inventory, catalog: Catalog, extra_sets: dict,
               hedge: bool) -> list[Case]:
    """The plan to stress, as the inputs say; with `hedge`, the plain plan (no hedge) and
    the hedged one (policy.risk.measure: cvar), in that order, on the same scenarios."""
    base = scenario_cases(inventory, catalog, [], extra_sets)[0]
    if not hedge:
        return [Case("plan", base.inventory, base.catalog)]
    return [Case(name, *apply(base.inventory, base.catalog, Scenario(
        name=name, set={"policy.risk.measure": measure}))[:2])
        for name, measure in (("plain", "none"), ("hedged", "cvar"))]


def sampling_policy(plan: Plan, seed: int | None) -> RiskPolicy:
    """The plan's policy.risk, with `seed` when one is given."""
    policy = plan.inventory.policy.risk
    return policy if seed is None else policy.model_copy(update={"seed": seed})


def chunks(samples: int, size: int = CHUNK) -> list[range]:
    return [range(i, min(samples, i + size)) for i in range(0, samples, size)]


def nominal(plan: Plan) -> Outcome:
    return risk.outcome(plan, RefusalScenario(index=0, shock=False, refusals=[]))


def evaluate(job: tuple[Plan, RiskPolicy, range]) -> list[Outcome]:
    """The outcomes of scenarios `indices` for `plan` as it stands (a task: top level, so
    that it can be sent to a worker)."""
    plan, policy, indices = job
    base = nominal(plan)
    return [risk.outcome(plan, s, base)
            for s in risk.sample(plan.inventory, plan.catalog, policy, indices)]


def evaluated(plans: list[Plan], policy: RiskPolicy, samples: int,
              run: Callable[[Callable, list], list]) -> list[list[Outcome]]:
    """Each plan's outcomes in scenario order, the chunks computed by `run(fn, items)`
    (whatif/runs.run_all on some executor: one list per item, in item order)."""
    parts = chunks(samples)
    done = run(evaluate, [(plan, policy, part) for plan in plans for part in parts])
    return [[o for chunk in done[i * len(parts):(i + 1) * len(parts)] for o in chunk]
            for i in range(len(plans))]


def replan_cases(base_case: Case, base: Plan, policy: RiskPolicy,
                 samples: int) -> list[tuple[RefusalScenario, Case]]:
    """For each sampled scenario with a refusal among what `base` uses, a re-plan
    (drills.refusal_case) from the first of those refusals, with every refusal of the
    scenario in its inputs. After that hour the re-plan knows the scenario's later
    refusals: hindsight, so its figures bound what a team re-planning at each refusal
    would keep."""
    used = set(base.providers_used) | {c.vendor for c in (base.edge,) if c is not None}
    out = []
    for s in risk.sample(base.inventory, base.catalog, policy, range(samples)):
        hours = {r.entry: r.hour for r in s.refusals}
        if not used & hours.keys():
            continue  # nothing the plan uses refuses: the plan as it stands
        first = min(h for e, h in hours.items() if e in used)
        out.append((s, refusal_case(f"scenario-{s.index}", base_case.inventory,
                                    base_case.catalog, base, hours, since=first)))
    return out


def replanned(base: Plan, scenarios: list[RefusalScenario],
              plans: dict[int, Plan]) -> list[Outcome]:
    """The outcomes in scenario order: the re-plan's where there is one (the scenario
    applied to it too: its inputs stop what ran at a refused provider, and an edge that
    refuses closes), the base plan's elsewhere (nothing it uses refused); the refusals
    listed are those among what the base plan uses."""
    reference = nominal(base)
    out = []
    for s in scenarios:
        plan = plans.get(s.index)
        if plan is None:
            out.append(risk.outcome(base, s, reference))
            continue
        kept = risk.outcome(plan, s, reference)
        mine = risk.outcome(base, s, reference)  # which of the base's entries refused
        out.append(kept.model_copy(update={"refused": mine.refused,
                                           "compute_refusals": mine.compute_refusals}))
    return out


def percentile(values: Sequence[float], k: int) -> float:
    """The k-th percentile by nearest rank: the least value with at least k% of the
    values at or below it (P10 is a value 10% of scenarios do not beat)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(k / 100 * len(ordered)) - 1)]


def _percentiles(values: Sequence[float]) -> Percentiles:
    return Percentiles(p10=percentile(values, 10), p50=percentile(values, 50),
                       p90=percentile(values, 90), mean=round(sum(values) / len(values), 9))


def histogram(values: Sequence[float], bins: int = BINS) -> list[Bin]:
    """Scenarios by share, in `bins` equal bins over [0, 1] (the last one closed)."""
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v * bins + 1e-9))] += 1
    return [Bin(low=round(i / bins, 6), high=round((i + 1) / bins, 6), scenarios=n)
            for i, n in enumerate(counts)]


def distribution(label: str, plan: Plan, outcomes: list[Outcome]) -> Distribution:
    base = nominal(plan)
    k = plan.inventory.policy.survive_provider_losses
    kept = [o.tier1_kept for o in outcomes if o.tier1_kept is not None]
    worst = sorted(outcomes, key=lambda o: (o.users_at_deadline, o.users_over_horizon,
                                            o.index))[:WORST]
    return Distribution(
        label=label, status=plan.status, monthly_cost=plan.costs.monthly_total,
        one_time_cost=plan.costs.one_time_total, providers_used=plan.providers_used,
        nominal_users_at_deadline=base.users_at_deadline,
        nominal_users_over_horizon=base.users_over_horizon,
        users_at_deadline=_percentiles([o.users_at_deadline for o in outcomes]),
        users_over_horizon=_percentiles([o.users_over_horizon for o in outcomes]),
        servers_over_horizon=_percentiles([o.servers_over_horizon for o in outcomes]),
        tier1_half_kept=round(sum(k >= 0.5 for k in kept) / len(outcomes), 9)
        if kept else None,
        expected_refusals=round(sum(len(o.refused) for o in outcomes) / len(outcomes), 9),
        survive_provider_losses=k,
        within_policy=round(sum(o.compute_refusals <= k for o in outcomes) / len(outcomes), 9),
        histogram=histogram([o.users_at_deadline for o in outcomes]), worst=worst)


def stress(plan: Plan, policy: RiskPolicy, samples: int, mode: str,
           results: list[tuple[str, Plan, list[Outcome]]]) -> Stress:
    """The report over `results` (label, plan, its outcomes in scenario order)."""
    shocks = sum(o.shock for o in results[0][2])
    return Stress(
        inventory=plan.inventory.name, currency=plan.costs.currency, mode=mode,
        samples=samples, seed=policy.seed, shock_probability=policy.shock_probability,
        shock_multiplier=policy.shock_multiplier,
        shock_jurisdictions=risk.shocked_jurisdictions(plan.inventory, plan.catalog, policy),
        shocks=shocks, deadline_hours=plan.deadline_hours, horizon_hours=plan.horizon_hours,
        plans=[distribution(label, p, outcomes) for label, p, outcomes in results])
