"""Inventory models: what runs today, what must move, by when, under which policy."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import Field, field_validator, model_serializer, model_validator

from planner.models.base import (
    EVERY_FIELD,
    Located,
    Printable,
    StrictModel,
    calendar_date,
    every_field,
    iso_date,
    without_unset,
)
from planner.models.demands import Services
from planner.models.groups import REBUILD_HOURS, WorkloadGroup
from planner.models.provider_facts import time_zone
from planner.models.risk import RiskPolicy

DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$"


class Source(StrictModel):
    """The provider being left and how fast data can leave it."""

    provider: Printable = Field(min_length=1, description="Catalog id (for its egress price) or a "
                          "name; never a target.")
    egress_gbps: float = Field(gt=0, le=10_000)
    data_available_hours: float | None = Field(None, ge=0, description="Hours data can still "
                                               "be copied out; absent: until the deadline.")
    cutoff_hours: int | None = Field(None, ge=1, le=8760, description="Hour the source stops "
                                     "serving users (it still serves them before); absent: "
                                     "the deadline. Unserved hours count from it.")

    @model_serializer(mode="wrap")
    def _cutoff_only_when_set(self, handler, info):
        return without_unset(handler(self), info, ("cutoff_hours",))


class Shift(StrictModel):
    """People on duty for `hours` from `start_hour`, every 24 hours."""

    name: Printable = Field(min_length=1, max_length=60)
    start_hour: int = Field(ge=0, le=23, description="Hours after the decision (hour 0) "
                            "at which it first starts; it repeats every 24 hours.")
    hours: int = Field(ge=1, le=24)


def _two_shifts() -> list[Shift]:
    return [Shift(name="day", start_hour=0, hours=12), Shift(name="night", start_hour=12,
                                                             hours=12)]


class Team(StrictModel):
    """The people who do the exit's work. `people` are split as evenly as the shifts allow
    (the first shifts take one more); each is on duty for their shift every day."""

    people: int = Field(ge=1, le=100_000, description="Engineers working on the exit.")
    shifts: list[Shift] = Field(default_factory=_two_shifts, min_length=1)
    handoff_hours: float = Field(0.5, ge=0, le=1, description="Hours each person coming on "
                                 "duty spends on the hand-off (the first shift: the kick-off).")
    productive_share: float = Field(0.75, gt=0, le=1, description="Share of the hours on "
                                    "duty that goes to the plan's tasks; the rest goes to "
                                    "incidents, calls and coordination.")
    bootstrap_hours: int = Field(2, ge=0, le=8760, description="Default hours from an "
                                 "account being ready until a group serves there (see "
                                 "groups[].bootstrap_hours).")
    note: Printable | None = None

    @model_validator(mode="after")
    def _names(self):
        names = [s.name for s in self.shifts]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise Located(f"shift name {name!r} repeats", "shifts", i, "name")
        return self

    def on_shift(self) -> list[int]:
        """People on each shift, in order."""
        n = len(self.shifts)
        return [self.people // n + (1 if i < self.people % n else 0) for i in range(n)]


# The team assumed when an inventory states none: said in a warning in the plan and the
# runbook. Four engineers, two on duty at a time, is what a small company can put on an
# exit at a day's notice; an inventory with more people says so.
DEFAULT_TEAM = Team(people=4, note="planner's default: no team stated in the inventory")


PROVIDER_KINDS = ("compute", "sms", "email", "dns", "object_storage")


class ProviderCaps(StrictModel):
    """How many providers and vendors a plan may use, by kind, and in `all`; absent: no cap.
    Each one more is an account to open, a console to learn and a bill to watch at 3 am."""

    compute: int | None = Field(None, ge=1, le=1000)
    sms: int | None = Field(None, ge=1, le=1000)
    email: int | None = Field(None, ge=1, le=1000)
    dns: int | None = Field(None, ge=1, le=1000)
    object_storage: int | None = Field(None, ge=1, le=1000)
    all: int | None = Field(None, ge=1, le=5000)

    @model_serializer(mode="wrap")
    def _only_the_caps_given(self, handler, info):
        data = handler(self)
        if isinstance(data, dict) and not every_field(info):
            return {k: v for k, v in data.items() if v is not None}
        return data

    def given(self) -> dict[str, int]:
        return {k: v for k, v in self.model_dump(context=EVERY_FIELD).items() if v is not None}


# Policy fields added after plans were saved: left out of the JSON at their default, so a
# saved plan's embedded inventory, and so its inputs digest, reads back the same.
LATER_POLICY = {"max_providers": {}, "min_servers_per_provider": 1, "near_metro": None,
                "cpu_overcommit": {}, "refused_at_hour": {},
                "provider_overhead_per_month": 0.0, "buy_support": True,
                "lead_time_quantile": "p50", "home_day": 30, "max_providers_home": 3,
                "risk": {}}


class Policy(StrictModel):
    excluded_providers: list[str] = Field(default_factory=list)
    max_share_per_provider: float = Field(1.0, gt=0, le=1, description="Largest share of any "
                                          "group one provider may hold once placed.")
    survive_provider_losses: int = Field(0, ge=0, le=10)
    min_surviving_share: float = Field(0.5, ge=0, lt=1, description="Share of each group that "
                                       "must remain after losing the largest k providers.")
    one_time_budget: float | None = Field(None, ge=0, description="In the inventory currency.")
    monthly_budget: float | None = Field(None, ge=0, description="In the inventory currency.")
    run_rate_months: float = Field(1.0, ge=0, le=120, description="Months of run-rate counted "
                                   "with one-time costs when choosing the cheapest plan.")
    cpu_overcommit: dict[Literal["cloud", "bare_metal", "colocation", "self_hosted"],
                         float] = Field(
        default_factory=dict, description="vCPUs of packed servers per vCPU (hardware "
        "thread) of their host, by the kind of provider; absent: 1 (no overcommit). RAM and "
        "disk are never overcommitted.")
    @field_validator("cpu_overcommit")
    @classmethod
    def _overcommit_ratio(cls, value):
        for kind, ratio in value.items():
            if not 1 <= ratio <= 16:
                raise Located(f"cpu_overcommit for {kind} is {ratio:g}: a ratio from 1 (none) "
                              "to 16", kind)
        return value

    near_metro: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9._-]*$", description=
                                   "Metro the plan gathers its servers around (the catalog's "
                                   "regions[].metro: where the users are); absent: the one "
                                   "where the most servers can be had by the deadline.")
    max_fact_age_days: int = Field(365, ge=1, le=36500, description="Catalog facts older "
                                   "than this at the decision date are flagged as stale.")
    max_providers: ProviderCaps = Field(default_factory=ProviderCaps, description="Most "
                                        "providers and vendors used, by kind and in all.")
    min_servers_per_provider: int = Field(1, ge=1, le=100_000, description="Fewest servers "
                                          "of a group at any provider it is placed at (all of "
                                          "the group when it is smaller): no one-server "
                                          "footprints to build, watch and fail over.")
    provider_overhead_per_month: float = Field(0.0, ge=0, le=1e9, description="What each "
                                               "provider or vendor used costs besides its "
                                               "prices (account, on-call, audits), in the "
                                               "inventory currency per month; an estimate.")
    buy_support: bool = Field(True, description="Buy the support plan the catalog states for "
                              "each compute provider used (its `support`): in a crisis a quota "
                              "raise or a refusal needs an answer in hours.")
    refused_at_hour: dict[str, int] = Field(
        default_factory=dict, description="Providers or vendors (by id or organization) "
        "that refuse at an hour: their capacity curves are 0 from it on, and what ran there "
        "stops then (planner/domain/refusal.py; `planner drill --at`).")

    @field_validator("refused_at_hour")
    @classmethod
    def _refusal_hours(cls, value):
        for name, hour in value.items():
            if not 0 <= hour <= 8760:
                raise Located(f"refused_at_hour for {name} is {hour}: an hour from 0 (the "
                              "decision) to 8760", name)
        return dict(sorted(value.items()))

    lead_time_quantile: Literal["p50", "p90"] = Field(
        "p50", description="Which lead times the plan is made with: p50, the catalog's "
        "median `value`; p90, each lead time's `p90` where it states one (nine times out of "
        "ten it is done by then). The runbook shows the range either way.")

    home_day: int | None = Field(30, ge=1, le=365, description="The day (from the "
                                 "decision) by which everything runs on its home, the few "
                                 "providers chosen for their run-rate after the bridge; null: "
                                 "no home stage.")
    max_providers_home: int = Field(3, ge=1, le=100, description="Most compute providers of "
                                    "the home.")
    risk: RiskPolicy = Field(default_factory=RiskPolicy, description="How refusals are "
                             "sampled (planner stress), and whether the plan hedges "
                             "against them (measure: cvar).")

    @model_serializer(mode="wrap")
    def _later_fields_only_when_set(self, handler, info):
        data = handler(self)
        if isinstance(data, dict) and not every_field(info):
            for name, default in LATER_POLICY.items():
                if data.get(name) == default:
                    data.pop(name)
        return data


class Inventory(StrictModel):
    name: Printable = Field(min_length=1, max_length=200)
    description: Printable | None = None
    source: Source
    deadline_hours: int = Field(ge=1, le=8760)
    horizon_hours: int | None = Field(None, ge=1, le=8760, description="Last hour planned; "
                                      "absent: three times the deadline, at least 72.")
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    decision_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description=
                                      "Day of the decision (hour 0): providers past their "
                                      "end of life by then are never chosen.")
    decision_datetime: str | None = Field(
        None, pattern=DATETIME, description="Date and time of the decision (hour 0), "
        "YYYY-MM-DDTHH:MM, with a UTC offset (+01:00) or `time_zone`: lead times in business "
        "hours follow each vendor's working days from it, and the runbook shows local times.")
    time_zone: str | None = Field(None, description="IANA time zone of the team "
                                  "(America/Los_Angeles): decision_datetime is read in it "
                                  "and the runbook's local times are written in it.")
    groups: list[WorkloadGroup] = Field(min_length=1)
    services: Services = Field(default_factory=Services)
    policy: Policy = Field(default_factory=Policy)
    team: Team | None = Field(None, description="Who does the work; absent: DEFAULT_TEAM, "
                              "with a warning.")

    _decision_date = field_validator("decision_date", mode="before")(lambda v: iso_date(v))
    _decision_day = field_validator("decision_date")(lambda v: calendar_date(v))
    _decision_time = field_validator("decision_datetime", mode="before")(
        lambda v: iso_date(v))
    _zone = field_validator("time_zone")(lambda v: None if v is None else time_zone(v))

    @model_validator(mode="before")
    @classmethod
    def _day_of_the_decision(cls, data):
        """decision_date is the day of decision_datetime when only the latter is given."""
        if isinstance(data, dict) and data.get("decision_datetime") is not None \
                and data.get("decision_date") is None:
            text = iso_date(data["decision_datetime"])
            try:  # a wrong one is said at its own field
                data = {**data, "decision_date": datetime.datetime.fromisoformat(text)
                        .date().isoformat()}
            except (TypeError, ValueError):
                pass
        return data

    @model_validator(mode="after")
    def _decision_instant(self):
        if self.decision_datetime is None:
            if self.time_zone is not None:
                raise Located("time_zone is given without decision_datetime", "time_zone")
            return self
        try:
            moment = datetime.datetime.fromisoformat(self.decision_datetime)
        except ValueError:
            raise Located(f"{self.decision_datetime} is not a date and time of the calendar",
                          "decision_datetime") from None
        if moment.tzinfo is None and self.time_zone is None:
            raise Located("decision_datetime has no UTC offset: add one (+01:00) or give "
                          "time_zone", "decision_datetime")
        if self.decision_date != self.decision_datetime[:10]:
            raise Located(f"decision_date {self.decision_date} is not the day of "
                          f"decision_datetime {self.decision_datetime}", "decision_date")
        return self

    @model_validator(mode="after")
    def _check(self):
        names = [g.name for g in self.groups]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise Located(f"group name {name!r} repeats (first at groups[{names.index(name)}])",
                              "groups", i, "name")
        for i, group in enumerate(self.groups):
            for j, dep in enumerate(group.needs):
                if group.needs.index(dep) < j:
                    raise Located(f"group {group.name!r} depends on {dep!r} twice",
                                  "groups", i, "depends_on", j)
                if dep not in names:
                    raise Located(f"group {group.name!r} depends on unknown group {dep!r}",
                                  "groups", i, "depends_on", j)
                if dep == group.name:
                    raise Located(f"group {group.name!r} depends on itself",
                                  "groups", i, "depends_on", j)
        running = [g.runs_service for g in self.groups if g.runs_service]
        for i, group in enumerate(self.groups):
            if group.runs_service and running.count(group.runs_service) > 1:
                raise Located(f"more than one group runs the {group.runs_service} service",
                              "groups", i, "runs_service")
        for i, group in enumerate(self.groups):
            if group.data_from is None:
                continue
            if group.data_from not in names or group.data_from == group.name:
                raise Located(f"group {group.name!r} takes its data from "
                              f"{group.data_from!r}, which is not another group",
                              "groups", i, "data_from")
            seed = self.groups[names.index(group.data_from)]
            if not seed.data_gb or seed.data_from:
                raise Located(f"group {group.name!r} takes its data from "
                              f"{group.data_from!r}, which has no data copied from the "
                              "source", "groups", i, "data_from")
        cycle = _dependency_cycle({g.name: g.needs for g in self.groups})
        if cycle:
            raise Located(f"groups depend on each other in a cycle: {' -> '.join(cycle)}; "
                          "one of them must start without the other",
                          "groups", names.index(cycle[0]), "depends_on")
        if self.horizon_hours is not None and self.horizon_hours < self.deadline_hours:
            raise Located("horizon_hours must be at least deadline_hours", "horizon_hours")
        if self.source.cutoff_hours is not None and self.source.cutoff_hours > self.horizon:
            raise Located(f"the cut-off is after the last hour planned ({self.horizon})",
                          "source", "cutoff_hours")
        return self

    @model_serializer(mode="wrap")
    def _team_only_when_set(self, handler, info):
        return without_unset(handler(self), info, ("team", "decision_datetime", "time_zone"))

    @property
    def crew(self) -> Team:
        """The team the plan counts on: the stated one, else DEFAULT_TEAM."""
        return self.team or DEFAULT_TEAM

    def bootstrap(self, group: WorkloadGroup) -> int:
        """Hours from an account being ready until `group` serves there."""
        return group.bootstrap_hours if group.bootstrap_hours is not None \
            else self.crew.bootstrap_hours

    def wait(self, group: WorkloadGroup, arch: str) -> int:
        """Hours from an account being ready until `group` serves there on a server of
        `arch`: its bootstrap, and a rebuild of its images when `arch` is not its own."""
        other = group.arch not in ("any", arch)
        rebuild = group.rebuild_hours if group.rebuild_hours is not None else REBUILD_HOURS
        return self.bootstrap(group) + (rebuild if other else 0)

    @property
    def cutoff(self) -> int:
        """The hour from which unserved hours count in full (the source is dark)."""
        return self.source.cutoff_hours or self.deadline_hours

    @property
    def horizon(self) -> int:
        return self.horizon_hours or max(3 * self.deadline_hours, self.deadline_hours + 48, 72)


def _dependency_cycle(depends_on: dict[str, list[str]]) -> list[str] | None:
    """The first cycle of `depends_on` (a path that comes back to its start), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for dep in depends_on.get(name, []):
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return None

    for name in depends_on:
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None
