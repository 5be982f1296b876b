"""Refusal risk: how refusals are sampled (policy.risk), one sampled scenario, and what a
plan keeps in it (`planner stress`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_serializer

from planner.models.base import StrictModel, every_field


class RiskPolicy(StrictModel):
    """How providers' refusals are sampled, and whether the plan hedges against them.

    Each catalog entry's `refusal_risk` is the chance it refuses us; the sampler keeps it as
    each entry's marginal and makes refusals move together: with `shock_probability` a
    common shock hits every entry in `shock_jurisdictions` (the 2021 vendors in the source's
    country left the same day), whose risk is then `shock_multiplier` times its calm-day
    risk; entries of one organization refuse together. A refusal comes at an hour between
    the entry's onboarding and the deadline: after servers may exist."""

    measure: Literal["none", "cvar"] = Field(
        "none", description="none: the plan serves as much as it can, risk only reported; "
        "cvar: phase 1 also minimises the mean loss of the worst 1 - alpha of `samples` "
        "scenarios (Rockafellar-Uryasev), weighted by `weight`.")
    alpha: float = Field(0.9, ge=0.5, le=0.99, description="CVaR level: the hedge weighs "
                         "the mean of the worst (1 - alpha) of the scenarios.")
    weight: float = Field(1.0, gt=0, le=100, description="Weight of the CVaR of the lost "
                          "weighted server-hours against the unserved ones.")
    samples: int = Field(50, ge=1, le=1000, description="Scenarios the hedge is made over.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Seed of the sampler: the same "
                      "seed, the same scenarios.")
    shock_probability: float = Field(0.3, ge=0, le=1, description="Chance of a common shock "
                                     "(an estimate: a judgement, not a measured rate).")
    shock_multiplier: float = Field(2.0, ge=1, le=100, description="Each shocked entry's "
                                    "risk in a shock, as a multiple of its calm-day risk "
                                    "(at most 1); an estimate.")
    shock_jurisdictions: list[str] | None = Field(
        None, description="Jurisdictions (the catalog's) the shock hits; absent: the "
        "source provider's own.")

    @model_serializer(mode="wrap")
    def _only_what_is_given(self, handler, info):
        data = handler(self)
        if isinstance(data, dict) and not every_field(info):
            return {k: v for k, v in data.items()
                    if v != RiskPolicy.model_fields[k].default}
        return data


class Refusal(StrictModel):
    entry: str = Field(description="Catalog id of the provider or vendor that refuses.")
    hour: int = Field(ge=0, description="Hour it refuses from: its servers stop then.")


class RefusalScenario(StrictModel):
    index: int = Field(ge=0)
    shock: bool
    refusals: list[Refusal] = Field(description="In catalog-id order.")


class Outcome(StrictModel):
    """What a fixed plan keeps in one scenario: its refusals applied, nothing re-planned."""

    index: int
    shock: bool
    refused: list[Refusal] = Field(description="The refusals among what the plan uses.")
    compute_refusals: int = Field(description="Of them, compute providers the plan has "
                                  "servers at.")
    users_at_deadline: float = Field(description="Share of users served at the deadline "
                                     "(of servers, when no group is user-facing).")
    users_over_horizon: float = Field(description="Mean share of users served from the "
                                      "deadline to the horizon.")
    servers_at_deadline: float = Field(description="Share of all servers serving then.")
    servers_over_horizon: float = Field(description="Mean share of servers serving from "
                                        "the deadline to the horizon.")
    tier1_servers: float = Field(description="Tier-1 servers serving at the deadline.")
    tier1_kept: float | None = Field(description="tier1_servers as a share of the plan's "
                                     "own with no refusal; None: no tier-1 server serves "
                                     "then in the plan.")


class Percentiles(StrictModel):
    p10: float
    p50: float
    p90: float
    mean: float


class Bin(StrictModel):
    low: float
    high: float
    scenarios: int


class Distribution(StrictModel):
    """One plan's outcomes over the scenarios."""

    label: str
    status: str
    monthly_cost: float
    one_time_cost: float
    providers_used: list[str]
    nominal_users_at_deadline: float = Field(description="With no refusal.")
    nominal_users_over_horizon: float
    users_at_deadline: Percentiles
    users_over_horizon: Percentiles
    servers_over_horizon: Percentiles
    tier1_half_kept: float | None = Field(description="Share of scenarios in which tier 1 "
                                          "keeps at least half of its servers at the "
                                          "deadline; None: no tier 1 in the plan then.")
    expected_refusals: float = Field(description="Mean refusals among the providers and "
                                     "vendors the plan uses.")
    survive_provider_losses: int = Field(description="The losses the policy's spread rule "
                                         "survives (policy.survive_provider_losses).")
    within_policy: float = Field(description="Share of scenarios in which at most that "
                                 "many of the plan's compute providers refuse.")
    histogram: list[Bin] = Field(description="Scenarios by users served at the deadline.")
    worst: list[Outcome] = Field(description="The worst scenarios, worst first.")


class Stress(StrictModel):
    inventory: str
    currency: str
    mode: Literal["evaluate", "replan"]
    samples: int
    seed: int
    shock_probability: float
    shock_multiplier: float
    shock_jurisdictions: list[str]
    shocks: int = Field(description="Scenarios with the common shock.")
    deadline_hours: int
    horizon_hours: int
    plans: list[Distribution] = Field(description="The plan, then the hedged plan if asked.")
