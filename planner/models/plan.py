"""The Plan: the solved result as plain data. It round-trips through JSON without loss.

Hour-indexed lists have one entry per hour 0..horizon_hours; entry t is the state *by* the
end of hour t (for copies: GB copied during hour t). Hour 0 is the decision: nothing new runs.
Wall-clock timings are not part of the Plan, so the same inputs give byte-identical JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_serializer

from planner.models.base import StrictModel
from planner.models.catalog import Catalog
from planner.models.home import HomeStage
from planner.models.inventory import Inventory

PlanStatus = Literal["optimal", "feasible", "time_limit", "no_solution"]
CauseCode = Literal[
    "no_fit", "excluded", "end_of_life", "onboarding", "quota", "provisioning_rate",
    "delivery", "stock", "data_copy", "source_egress", "source_cutoff", "budget",
    "policy_share", "dependency", "registration", "warm_up", "dns_ttl", "capacity",
    "horizon", "provider_count", "min_footprint", "team", "latency", "refused",
    "spread_policy",
]


class SolverPhase(StrictModel):
    name: Literal["coverage", "cost", "home"]
    status: PlanStatus
    raw_status: str = Field(description="The solver's own status words, or why the "
                            "solver was not run, or the restriction it was run on.")
    objective: float | None = None
    bound: float | None = Field(None, description="Proven bound on the objective.")
    gap: float | None = Field(None, description="Relative gap |objective-bound|/|objective|.")


class SolverFacts(StrictModel):
    solver: Literal["highs", "cbc"]
    time_limit_seconds: float | None
    gap_requested: float
    variables: int
    integer_variables: int
    constraints: int
    periods: int = Field(0, description="Periods of the time grid the model was built on.")
    time_grid_exact: bool = Field(True, description="False when late data copies were "
                                  "planned in coarse steps: a restriction, valid hour by hour.")
    phases: list[SolverPhase]

    @property
    def gap_reached(self) -> float | None:
        """The largest relative gap any phase reported: the one figure set against
        `gap_requested` (the plan is optimal only when it is at most that)."""
        return max((p.gap for p in self.phases if p.gap is not None), default=None)


class Assignment(StrictModel):
    group: str
    provider: str
    offering: str
    count: int = Field(ge=1)
    first_hour: int = Field(description="First hour a server of this row is serving.")
    ready_hour: int = Field(description="Hour by which all `count` servers are serving.")
    region: str | None = Field(None, description="The provider's region they are in "
                               "(catalog regions[].id); absent: its place is not known.")
    hosts: int | None = Field(None, description="Hosts they run on at the horizon, where "
                              "several share one (ScheduleRow.per_host); absent: one each.")

    @model_serializer(mode="wrap")
    def _region_only_when_set(self, handler, info):
        data = handler(self)
        for name in ("region", "hosts"):
            if isinstance(data, dict) and data.get(name) is None:
                data.pop(name, None)
        return data


class ScheduleRow(StrictModel):
    group: str
    provider: str
    offering: str
    up_by_hour: list[int] = Field(description="Servers serving by each hour 0..H.")
    hosts_by_hour: list[int] | None = Field(None, description="Servers created by each hour "
                                            "0..H, where some exist before they serve (a "
                                            "group with data: its copy lands on them), or "
                                            "several share one (per_host; in a host pool, "
                                            "the pool's hosts this row owns); absent: as "
                                            "up_by_hour.")
    region: str | None = Field(None, description="The provider's region they are in "
                               "(catalog regions[].id); absent: its place is not known.")
    per_host: int | None = Field(None, ge=2, description="Servers of the group on each "
                                 "host (domain/packing.py): hosts_by_hour counts the hosts, "
                                 "which the provider counts and bills; absent: one each.")

    @model_serializer(mode="wrap")
    def _hosts_only_when_set(self, handler, info):
        data = handler(self)
        for name in ("hosts_by_hour", "region", "per_host"):
            if isinstance(data, dict) and data.get(name) is None:
                data.pop(name, None)
        return data

    @property
    def hosts(self) -> list[int]:
        """Servers that exist by each hour: those created, serving or not."""
        return self.hosts_by_hour if self.hosts_by_hour is not None else self.up_by_hour


class HostLayout(StrictModel):
    """Hosts that all hold the same servers of several groups (mixed packing)."""

    servers: dict[str, int] = Field(description="Servers of each group on every one of "
                                    "these hosts (at most; a slot may wait for its server).")
    owner: str = Field(description="The group whose schedule row counts these hosts in its "
                       "hosts_by_hour (each host is counted once, by one row).")
    hosts_by_hour: list[int] = Field(description="Hosts of this layout made by each hour "
                                     "0..H.")


class HostPool(StrictModel):
    """Servers of several packed groups on hosts of one offering, laid out together after
    the solve (planner/solver/layout.py): each layout's hosts are counted by its owner's
    row, so the rows' hosts are the pool's."""

    provider: str
    offering: str
    region: str | None = None
    groups: list[str] = Field(description="The groups whose rows at this offering share "
                              "hosts.")
    layouts: list[HostLayout]
    hosts: int = Field(description="Hosts at the horizon.")
    hosts_one_group: int = Field(description="Hosts at the horizon with one group per host "
                                 "(what the plan's MILP counted).")
    lower_bound: int = Field(description="Proven least hosts that hold these servers at the "
                             "horizon (column generation bound).")


class CopyRow(StrictModel):
    demand: str = Field(description="Group name, or 'object_storage'.")
    target: str = Field(description="Provider or vendor id.")
    gb_by_hour: list[float] = Field(description="GB copied during each hour 0..H.")


class ServiceRow(StrictModel):
    kind: Literal["sms", "email", "dns"]
    vendor: str
    offering: str
    share_by_hour: list[float] = Field(description="Share of the demand served by each hour.")


class CoverageRow(StrictModel):
    demand: str = Field(description="Group name, or a service kind.")
    kind: Literal["group", "sms", "email", "dns", "object_storage"]
    unit: str
    total: float
    served_by_hour: list[float]


class Cause(StrictModel):
    code: CauseCode
    provider: str | None = None
    detail: str
    remedy: str | None = Field(None, description="The change that would close the gap.")


class Shortfall(StrictModel):
    demand: str
    kind: Literal["group", "sms", "email", "dns", "object_storage"]
    unit: str
    total: float
    missing_at_deadline: float
    full_by_hour: int | None = Field(description="Hour it is fully served, None: not within "
                                     "the horizon.")
    causes: list[Cause]


class VendorChoice(StrictModel):
    """The edge or the registrar: chosen by rule (domain/gates.py), with its refusal risk
    and the fallback if it says no."""

    kind: Literal["edge", "registrar"]
    vendor: str = Field(description="Catalog id; for a registrar kept, the name the "
                        "inventory gives (empty: not named); empty with no vendor at all.")
    offering: str | None = None
    keep: bool = Field(description="A registrar kept where the domains are.")
    ready_hour: int | None = Field(description="First hour it serves (the registrar: can "
                                   "change the name servers); None: not within reach.")
    refusal_risk: float | None = Field(None, description="From the catalog; None: unknown.")
    monthly_cost: float = 0.0
    one_time_cost: float = 0.0
    fallback: str | None = Field(None, description="The next choice, of another "
                                 "organization, if it refuses.")
    fallback_offering: str | None = None
    fallback_ready_hour: int | None = None
    fallback_refusal_risk: float | None = None


class Users(StrictModel):
    """Who can use the site, hour by hour: users reach it by name only through a DNS their
    resolvers see, and use it only while its user-facing groups serve."""

    reach_by_hour: list[float] = Field(description="Share of users whose resolvers lead "
                                       "them to the new servers (1 while the old DNS "
                                       "answers).")
    served_by_hour: list[float] = Field(description="Share of users served: at most the "
                                        "reach, and at most the share of each user-facing "
                                        "group serving.")


class Costs(StrictModel):
    currency: str
    one_time: dict[str, float] = Field(description="setup_fees, source_egress, service_setup.")
    monthly: dict[str, float] = Field(description="servers, services.")
    one_time_total: float
    monthly_total: float
    hourly_run_rate: float


class StaleFact(StrictModel):
    entry: str = Field(description="Provider or vendor id.")
    field: str = Field(description="Path of the fact inside the entry.")
    as_of: str
    age_days: int
    estimate: bool


class Exclusion(StrictModel):
    id: str
    reason: str


class Override(StrictModel):
    """One change made to the inputs after they were read, in the order applied: the catalog
    layers (`-c`), each scenario file's shorthands and `set` paths (`-s`), `--set`, then the
    command-line flags, which win last."""

    source: str = Field(description="What made it: '-c', \"scenario 'NAME' (FILE)\", "
                        "'--set', or the flag ('--deadline-hours').")
    path: str = Field(description="The dotted path or scenario shorthand it set; for a "
                      "catalog layer, the layer's file.")
    value: Any = Field(default=None, description="The value it set (None for a catalog layer).")


class WorkTask(StrictModel):
    kind: Literal["provider_setup", "vendor_setup", "bootstrap", "servers"]
    who: str = Field(description="Provider or vendor id.")
    group: str | None = None
    count: int = Field(0, description="Servers made, for kind `servers`.")
    engineer_hours: float
    due_hour: int = Field(description="Hour by which it must be done.")


class Work(StrictModel):
    """The team's work (domain/labour.py): what each task takes and when it is due, and the
    engineer-hours the team has had by each hour."""

    people: int
    team_stated: bool = Field(description="False: the inventory states no team and "
                              "planner's default was assumed.")
    available_by_hour: list[float] = Field(description="Engineer-hours had by each hour 0..H.")
    tasks: list[WorkTask]

    def due_by(self, hour: int) -> float:
        return sum(t.engineer_hours for t in self.tasks if t.due_hour <= hour)


class LeadTimeStep(StrictModel):
    """A lead time the calendar changed (domain/calendar.timed): one in business hours or
    with a range. Hours count from the decision (hour 0) unless said otherwise."""

    entry: str
    step: str = Field(description="Its place in the entry, as `catalog show` prints it "
                      "(onboarding_hours, quotas.regional-vcpu.raise_hours, "
                      "offerings[10dlc].lead_hours).")
    loc: list[str | int] = Field(description="The same place as field names, list indexes "
                                 "and mapping keys.")
    clock: Literal["wall", "business"]
    time_zone: str | None = Field(None, description="The entry's working time zone, for a "
                                  "business-hours step.")
    start_known: bool = Field(description="False: no decision time was given, so a "
                              "business-hours step was taken at its longest in a week.")
    hours_p50: float = Field(description="Its duration as the catalog states it (p50), in "
                             "its clock's hours.")
    hours_p90: float | None = None
    quantile: Literal["p50", "p90"]
    begins_hour: float = Field(description="When the step starts, at the plan's quantile.")
    planned_hours: float = Field(description="Hours of the clock it takes from then, at "
                                 "the plan's quantile: the catalog value the plan uses.")
    ready_hour_p50: float
    ready_hour_p90: float

    @property
    def ready_hour(self) -> float:
        return self.begins_hour + self.planned_hours


class Plan(StrictModel):
    planner_version: str
    inputs_digest: str = Field(description="sha256 of the canonical JSON of the inputs.")
    inventory: Inventory
    catalog: Catalog
    deadline_hours: int
    horizon_hours: int
    status: PlanStatus
    solver: SolverFacts
    assignments: list[Assignment]
    schedule: list[ScheduleRow]
    copies: list[CopyRow]
    services: list[ServiceRow]
    coverage: list[CoverageRow]
    servers_total: int
    servers_at_deadline: int
    coverage_at_deadline: float = Field(description="Share of all servers serving at the "
                                        "deadline.")
    full_coverage_hour: int | None = Field(description="First hour every group and service "
                                           "is fully served; None: not within the horizon.")
    users: Users | None = Field(None, description="Users served by hour; absent when no "
                                "group is user-facing.")
    edge: VendorChoice | None = Field(None, description="The edge in front of the site; "
                                      "absent when the inventory states none.")
    registrar: VendorChoice | None = Field(None, description="Who holds the domains; "
                                           "absent when the inventory states none.")
    hub: str | None = Field(None, description="The metro the providers' regions were "
                            "chosen around (formulation/location.py); absent when the "
                            "catalog gives no regions.")
    providers_used: list[str]
    costs: Costs
    shortfalls: list[Shortfall]
    excluded: list[Exclusion]
    stale_facts: list[StaleFact] = Field(default_factory=list, description="Facts behind the "
                                         "chosen providers older than policy.max_fact_age_days.")
    warnings: list[str] = Field(default_factory=list)
    work: Work | None = Field(None, description="The team's work; absent when the catalog "
                              "states no effort for tasks.")
    host_pools: list[HostPool] = Field(default_factory=list, description="Hosts shared by "
                                       "several groups; absent from the JSON when none "
                                       "are.")
    overrides: list[Override] = Field(default_factory=list, description="The overrides "
                                      "applied to the inputs, in order; absent from the JSON "
                                      "when there were none.")
    home: HomeStage | None = Field(None, description="The home stage after the bridge "
                                   "(policy.home_day); absent when there is none.")
    lead_times: list[LeadTimeStep] = Field(default_factory=list, description="Lead times in "
                                           "business hours or with a range, as the plan took "
                                           "them (the embedded catalog holds the hours of "
                                           "the clock); absent from the JSON when none.")
