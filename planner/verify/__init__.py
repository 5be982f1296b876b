"""Independent verifier: recompute every constraint of a Plan from the Plan alone.

The Plan embeds the resolved inventory and catalog, so `verify(plan)` needs nothing else and
never touches the solver or the formulation: capacity comes from planner/domain/curves.py (the
definition of each limit), costs from planner/verify/costs.py. An empty list means the plan is
valid; a non-empty one means a bug upstream, never a result to show.

Floats compare with a tolerance of 1e-6 x max(1, |value|); server counts compare exactly.
Per-hour rules report the first hour that breaks them and how many more hours do.

The package stays independent of the code it checks: no module in it imports pulp, highspy,
planner.formulation, planner.solver, planner.baseline or planner.results (import-linter
checks it). A rule that checks a constraint family has the family's name (check_X checks
family X of planner/formulation/families.py, its violations say X). Layout: context.py
(the plan's lookups and tolerance helpers), structure.py (the rows and the servers),
flows.py (data, services, dependencies, policy), summary.py (costs, coverage, status),
costs.py (the cost arithmetic), work.py (the team's work), location.py (regions and
latency), overrides.py (the recorded
overrides against the inputs); this module holds the public API and the order of the
checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, islice

from planner.errors import InternalError
from planner.models.plan import Plan
from planner.verify.calendar import check_lead_times
from planner.verify.context import REL_TOL, Context, Violation, hours_consistent
from planner.verify.flows import (
    check_data_before_service,
    check_data_copy,
    check_dependency,
    check_dns_reach,
    check_hosts_hold_data,
    check_min_footprint,
    check_object_storage_ingest,
    check_object_storage_total,
    check_policy_share,
    check_provider_count,
    check_seeded_from,
    check_self_hosted,
    check_service_demand,
    check_service_share,
    check_service_stays_up,
    check_shards,
    check_source_egress,
    check_target_ingress,
    check_users_reach,
)
from planner.verify.home import check_home
from planner.verify.location import check_latency, check_region
from planner.verify.overrides import check_overrides
from planner.verify.pools import check_host_pools
from planner.verify.structure import (
    check_excluded,
    check_fit,
    check_group_demand,
    check_hosts_before_service,
    check_offering_capacity,
    check_packing,
    check_provider_capacity,
    check_provider_quota,
    check_schedule,
    check_servers_stay_up,
    check_shape,
)
from planner.verify.summary import (
    check_assignments,
    check_budget,
    check_costs,
    check_coverage,
    check_shortfalls,
    check_stale_facts,
    check_status,
    check_users,
    check_vendor_choice,
    check_warnings,
)
from planner.verify.work import check_bootstrap, check_team_hours

__all__ = ["MAX_VIOLATIONS", "REL_TOL", "PlanInvalid", "Violation", "verify", "verify_or_raise"]

MAX_VIOLATIONS = 200
SHOWN = 20  # violations spelled out in a PlanInvalid message


class PlanInvalid(InternalError):
    """A Plan failed verification: a bug upstream, never a result to show."""

    def __reduce__(self):  # raised in a what-if worker, it crosses back to the parent whole
        return PlanInvalid, (self.violations,)

    def __init__(self, violations: Sequence[Violation]):
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations[:SHOWN])
        if len(self.violations) > SHOWN:
            lines += f"\n  ... and {len(self.violations) - SHOWN} more"
        super().__init__(f"plan fails verification ({len(self.violations)} "
                         f"violation{'s' if len(self.violations) != 1 else ''}):\n{lines}")


def verify(plan: Plan) -> list[Violation]:
    """Every violated constraint of `plan` (at most MAX_VIOLATIONS); empty when it is valid."""
    shape = list(islice(check_shape(plan), MAX_VIOLATIONS))
    if not hours_consistent(plan):
        return shape  # hour lists of the wrong length make every other rule meaningless
    ctx = Context.of(plan)
    # a rule named like a constraint family (planner/formulation/families.py) checks it
    checks = (check_fit, check_excluded, check_schedule, check_servers_stay_up,
              check_group_demand, check_provider_capacity, check_provider_quota,
              check_offering_capacity,
              check_hosts_before_service, check_packing, check_host_pools,
              check_data_copy, check_data_before_service, check_hosts_hold_data,
              check_seeded_from, check_target_ingress,
              check_object_storage_ingest, check_object_storage_total, check_source_egress,
              check_service_share, check_service_demand, check_service_stays_up,
              check_dns_reach, check_users_reach, check_self_hosted,
              check_dependency, check_latency, check_region, check_shards,
              check_policy_share, check_provider_count,
              check_min_footprint, check_bootstrap, check_team_hours, check_costs,
              check_budget, check_coverage, check_users, check_vendor_choice,
              check_shortfalls, check_assignments,
              check_stale_facts, check_overrides, check_lead_times, check_home,
              check_warnings, check_status)
    rest = chain.from_iterable(check(ctx) for check in checks)
    return shape + list(islice(rest, MAX_VIOLATIONS - len(shape)))


def verify_or_raise(plan: Plan) -> None:
    """Raise PlanInvalid listing the violations, if there are any."""
    violations = verify(plan)
    if violations:
        raise PlanInvalid(violations)
