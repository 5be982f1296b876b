"""The home stage of a plan: after the bridge (the emergency spread to the deadline and a few
days past it), everything moves onto a few providers chosen for their run-rate, by a day the
policy names. planner/results/home.py makes it, planner/verify/home.py checks it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from planner.models.base import StrictModel

HomeStatus = Literal["optimal", "feasible", "time_limit", "no_solution"]


class HomeRow(StrictModel):
    """Servers of a group at one offering of a home provider."""

    group: str
    provider: str
    offering: str
    region: str | None = None
    servers: int = Field(ge=1)
    hosts: int = Field(ge=1, description="What the provider counts and bills (several "
                       "servers of a packed group share one).")
    kept: int = Field(ge=0, description="Of `servers`, those the bridge already runs there "
                      "(same provider and offering): they stay, with no move.")


class Retired(StrictModel):
    """Bridge servers of a group switched off once it is home."""

    provider: str
    offering: str
    servers: int = Field(ge=1)


class HomeMove(StrictModel):
    """One group's move into its home, in hours from the decision (hour 0)."""

    group: str
    new_servers: dict[str, int] = Field(description="Servers made at each home provider.")
    data_gb: float = Field(description="Data copied again, from the bridge, into each home "
                           "provider that holds none of it yet (the sum).")
    starts_hour: int = Field(description="The bridge is up and the home providers have room "
                             "for the group.")
    ready_hour: int = Field(description="Servers made, bootstrapped and their data copied.")
    cutover_hour: int = Field(description="Traffic moves to the home.")
    retire_hour: int = Field(description="The bridge servers are switched off (a day kept "
                             "to roll back).")
    retired: list[Retired] = Field(default_factory=list)


class HomeStage(StrictModel):
    day: int = Field(description="The day (from the decision) by which the home carries "
                     "everything: policy.home_day.")
    max_providers: int = Field(description="policy.max_providers_home.")
    status: HomeStatus
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    providers: list[str] = Field(description="The home's compute providers.")
    rows: list[HomeRow]
    moves: list[HomeMove]
    negotiated: dict[str, int] = Field(default_factory=dict, description="Servers beyond "
                                       "the catalog's quota the home counts on at each "
                                       "provider: a raise to agree with it before the moves "
                                       "there start.")
    staying: list[str] = Field(default_factory=list, description="Groups no home can take "
                               "with this catalog: they stay on the bridge.")
    why_staying: list[str] = Field(default_factory=list)
    served_by_hour: int | None = Field(None, description="The last cut-over: from then the "
                                       "home carries everything; None when some group stays "
                                       "on the bridge.")
    monthly: dict[str, float] = Field(description="The run-rate once home by line, priced as "
                                      "the bridge's (plan.costs.monthly), with the groups "
                                      "that stay on the bridge, in the inventory currency.")
    monthly_cost: float
    servers: int = Field(description="Servers running once home.")
    bridge_monthly_cost: float
    bridge_servers: int = Field(description="Servers the bridge runs at its horizon, which "
                                "its run-rate prices.")
    bridge_monthly_every_server: float = Field(description="The bridge's run-rate were it to "
                                               "run as many servers as the home, at its own "
                                               "cost a server (servers, addresses, support, "
                                               "traffic) with its other lines as they are: an "
                                               "estimate, to set the two side by side.")
    move_one_time_cost: float = Field(description="Setup fees of the new servers and the "
                                      "bridge's egress for the data copied again.")
    bridge_cost_until_home: float = Field(description="The bridge's run-rate over the hours "
                                          "until the last cut-over (or the home day).")
    engineer_hours: float = Field(description="Work the moves take: accounts at new "
                                  "providers, servers made, groups bootstrapped, copies.")
