"""Rule `lead_times`: the lead times the plan was made with are its catalog's, timed on the
calendar (domain/calendar.py) from the decision and the policy's quantile."""

from __future__ import annotations

from collections.abc import Iterator

from planner.domain.calendar import restored, timed
from planner.models.catalog import lead_times_of
from planner.verify.context import Context, Violation, violated


def check_lead_times(ctx: Context) -> Iterator[Violation]:
    """The embedded catalog holds only hours of the clock (no business clock, no range
    left), and putting back each recorded step as stated, then timing it again, gives the
    same steps and the same catalog."""
    plan = ctx.plan
    for entry in [*plan.catalog.providers, *plan.catalog.services]:
        for _, path, lead in lead_times_of(entry):
            if lead.clock != "wall" or lead.p90 is not None:
                yield violated("lead_times", f"{entry.id} {path} is still "
                               f"in {lead.clock} hours or has a range: the plan did not time "
                               "it")
    if not plan.lead_times:
        return
    again, steps = timed(plan.inventory, restored(plan.catalog, plan.lead_times))
    if steps != plan.lead_times:
        differ = [f"{s.entry} {s.step}" for s in steps if s not in plan.lead_times] + \
            [f"{s.entry} {s.step}" for s in plan.lead_times if s not in steps]
        yield violated("lead_times", f"timed again from the decision, the steps differ: "
                       f"{', '.join(differ) or 'their order'}")
    elif again != plan.catalog:
        yield violated("lead_times", "timed again, the catalog's lead times differ from the "
                       "plan's")
