"""Comparisons of Plans: what-if scenarios side by side, sweeps, drills and readiness."""

from __future__ import annotations

from pydantic import Field

from planner.models.base import StrictModel


class HomeFigures(StrictModel):
    """A plan's home stage beside its bridge (models/home.HomeStage)."""

    day: int
    providers: list[str]
    served_by_hour: int | None
    staying: list[str]
    servers: int
    monthly_cost: float
    negotiated_servers: int


class ScenarioRow(StrictModel):
    name: str
    description: str | None = None
    parameter: int | float | str | None = Field(None, description="Swept value, for sweeps.")
    status: str
    gap: float | None = Field(description="Largest relative optimality gap of the plan's "
                              "solver phases, as in the summary (SolverFacts.gap_reached).")
    servers_at_deadline: int
    servers_total: int
    coverage_at_deadline: float
    full_coverage_hour: int | None
    one_time_cost: float
    monthly_cost: float
    providers_used: list[str]
    losses_survived: int = Field(description="Largest k such that losing any k providers "
                                 "leaves every spread group its policy's surviving share.")
    shortfalls: list[str]
    coverage_by_hour: list[float] = Field(description="Share of all servers serving, by hour.")
    inputs_digest: str
    home: HomeFigures | None = Field(None, description="The plan's home stage in a few "
                                     "figures; absent when it has none.")


class Moved(StrictModel):
    group: str
    provider: str
    servers_before: int
    servers_after: int


class Change(StrictModel):
    """What changed in a row against the first row."""

    name: str
    providers_added: list[str]
    providers_dropped: list[str]
    moved: list[Moved]
    coverage_delta: float
    servers_at_deadline_delta: int
    one_time_delta: float
    monthly_delta: float


class Comparison(StrictModel):
    title: str
    inventory: str
    deadline_hours: int
    currency: str
    parameter: str | None = None
    rows: list[ScenarioRow]
    changes: list[Change]


class HorizonLoss(StrictModel):
    """What a refusal costs one demand from the deadline to the horizon: the share of it
    served, averaged over those hours, in the base plan and in the drill's."""

    demand: str = Field(description="'servers' (all groups), or a service kind.")
    base_share: float
    share: float
    points: float = Field(description="(base_share - share) x 100: percentage points.")
    relative: float = Field(description="(base_share - share) / base_share: the part of "
                            "what the base plan served that is lost.")


class DrillRow(StrictModel):
    lost: list[str] = Field(description="Providers that refuse.")
    refused_at_hour: int = Field(0, description="The hour they refuse: 0, from the start "
                                 "(excluded); later, after the base plan's servers there "
                                 "were made, which the re-plan keeps to before that hour.")
    servers_gone: int = Field(0, description="Servers the base plan ran at them in the hour "
                              "before they refuse: made, then lost.")
    servers_stopped: int = Field(0, description="Servers elsewhere that stop serving at the "
                                 "refusal hour in the re-plan: they depend on what was lost.")
    status: str
    servers_at_deadline: int
    coverage_lost_at_deadline: float = Field(description="Share of all servers.")
    services_lost: list[str] = Field(default_factory=list, description="Services or object "
                                     "storage served later than in the base plan.")
    recovery_hour: int | None = Field(description="First hour serving as many servers as the "
                                      "base plan did at the deadline; None: not in the horizon.")
    extra_one_time: float
    extra_monthly: float
    replacements: list[str] = Field(description="Providers used instead.")
    lost_over_horizon: list[HorizonLoss] = Field(
        default_factory=list, description="Demands served less, from the deadline to the "
        "horizon, than in the base plan; largest loss in points first.")


class Drill(StrictModel):
    inventory: str
    k: int
    refused_at_hour: int = Field(0, description="The hour every row's providers refuse "
                                 "(DrillRow.refused_at_hour); 0: from the start.")
    deadline_hours: int | None = Field(None, description="The base plan's deadline.")
    currency: str
    base: ScenarioRow
    rows: list[DrillRow]


class ReadinessRow(StrictModel):
    item: str
    what: str
    status: str
    servers_at_deadline_gain: int
    coverage_gain: float
    full_coverage_hour: int | None
    services_ready_by_deadline: list[str]
    one_time_delta: float
    monthly_delta: float


class Readiness(StrictModel):
    inventory: str
    currency: str
    base: ScenarioRow
    rows: list[ReadinessRow]
