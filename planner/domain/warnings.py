"""The warnings a plan states that follow from its own contents (its inputs, its time grid
and its solver phases): made once here, so that results/assemble writes them and the
verifier recomputes them from a saved plan. A solver fallback (HiGHS missing or failing)
is the one warning that does not follow from the plan; its form is FALLBACK."""

from __future__ import annotations

import re
from collections.abc import Sequence

from planner.domain.location import located
from planner.domain.spread import policy_limits
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory
from planner.models.plan import LeadTimeStep, SolverPhase

FALLBACK = re.compile(r"^HiGHS (\(highspy\) is not available|failed \(.*\)): solved with CBC "
                      r"instead$")


def plan_warnings(inventory: Inventory, catalog: Catalog, time_grid_exact: bool,
                  phases: Sequence[SolverPhase], copies: Sequence = (),
                  lead_times: Sequence[LeadTimeStep] = ()) -> list[str]:
    out = []
    guessed = sorted({s.entry for s in lead_times if not s.start_known})
    if guessed:
        out.append(f"no decision_datetime in the inventory: lead times in business hours "
                   f"({', '.join(guessed)}) were taken at their longest over a week; state "
                   "decision_datetime and time_zone to plan on the calendar")
    if not inventory.decision_date:
        out.append("no decision_date in the inventory: the age of catalog facts was not "
                   "checked")
    if not inventory.decision_date and any(
            e.end_of_life for e in [*catalog.providers, *catalog.services]):
        out.append("no decision_date in the inventory: end-of-life dates were not checked")
    for limit in policy_limits(inventory, catalog):
        out.append(f"the spread policy keeps {limit.group} short whatever the providers: "
                   f"{limit.detail(inventory.policy)}. Set spread: false on it if it may run "
                   "at one provider, or relax the policy")
    if catalog.effort is not None and inventory.team is None:
        team = inventory.crew
        out.append(f"no team in the inventory: the plan's work was not fitted to people; "
                   f"its hours are shown against planner's default of {team.people} engineers "
                   f"in {len(team.shifts)} shifts of {team.shifts[0].hours} hours. State "
                   "`team:` to plan with the people you have")
    if catalog.effort is None:
        out.append("the catalog states no effort for tasks: the team's work was not planned")
    if any(g.depends_on for g in inventory.groups) and not located(catalog):
        out.append("the catalog gives no provider's regions: the round trips between "
                   "dependent groups were not planned, and may cross an ocean")
    lost = _objects_lost(inventory, copies)
    if lost:
        out.append(lost)
    if not time_grid_exact:
        out.append("data copies after hour 72 were planned in 6- and 24-hour steps: servers "
                   "that wait for data may start a few hours later than the data allows, so "
                   "coverage can be slightly understated (never overstated)")
    if len(phases) > 1 and phases[1].status == "no_solution":
        out.append("the cost phase found no plan in time: this plan has the best coverage "
                   "found, but its cost is not minimised")
    for phase in phases:
        if phase.status == "time_limit":
            out.append(_stopped(phase))
    return out


def _stopped(phase: SolverPhase) -> str:
    gap = f" with a gap of {phase.gap:.2%}" if phase.gap is not None else ""
    if phase.raw_status.startswith("not run"):
        return (f"the {phase.name} phase was not run in the time left{gap}: its start (the "
                "greedy plan, completed) is the plan; see the solver section")
    return f"the {phase.name} phase stopped at its time limit{gap}"


def _objects_lost(inventory: Inventory, copies: Sequence) -> str | None:
    """Objects the plan leaves behind when the source can no longer be read within the
    hours planned: after that hour nothing can copy them."""
    demand = inventory.services.object_storage
    last = inventory.source.data_available_hours
    last = inventory.deadline_hours if last is None else last
    if demand is None or last >= inventory.horizon:
        return None
    total_gb = demand.stored_tb * 1000
    copied = sum(sum(row.gb_by_hour) for row in copies if row.demand == "object_storage")
    missing = total_gb - copied
    if missing <= 1e-6 * max(1.0, total_gb):
        return None
    return (f"objects left behind: {missing:,.0f} of {total_gb:,.0f} GB of object storage "
            f"are not copied by hour {last:g}, the last hour {inventory.source.provider} can "
            "be read; unless they are kept elsewhere they are lost with it")
