"""A MIP over a plan's own candidates, for models too large to solve whole in the time left.

From about 2,000 synthetic servers up, HiGHS cannot get through the whole model's root
relaxation within a 30 s limit, and the cost phase was not run: the plan kept the greedy
plan's cost. Capacity is what is short there, so a plan uses few of its candidates (at
2,000 servers 119 of 1,423 for the yardstick's greedy plan, 111 for the planner's start;
at 10,000 servers in 100 groups 222 and 207 of 5,119). The search frees the
server variables of every candidate the plan uses (all their hours), the copies to where
those candidates are, every other continuous column and every binary; it fixes the rest at
the plan's values (planner/solver/restricted.py takes them out) and lets HiGHS solve what is left.
The plan itself is feasible there and is HiGHS's first incumbent, so the result is never
worse, and it is a point of the whole model. The restriction's bound is not a bound of the
whole model: the solve stage reports none.

Measured on the cost phase with the greedy plan's coverage held (bench/run.py): 2,000
servers, 2.2 s, cost 0.974 of the greedy plan's; 10,000 servers in 100 groups, 6.0 s, 0.989;
both optimal on the restriction. On the coverage phase it does not pay: at 2,000 servers
HiGHS found a 7.5% better plan only after 20 s of root cuts, at 10,000 the restriction's
root relaxation alone took 12 s and nothing better came within 30 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulp

from planner.formulation.model import Model
from planner.solver.restricted import make_integer, restrict, set_start

USED = 0.5  # a server variable above this is a server the plan runs


@dataclass
class SearchResult:
    values: dict[str, float] | None  # None when HiGHS found no point (then keep the plan's)
    raw_status: str                  # HiGHS's own words
    solved: bool                     # the restriction solved within the gap (not timed out)


def neighbourhood(model: Model, point: dict[str, float]) -> tuple[set[str], int]:
    """Names of the columns left free around `point`, and how many candidates that is: the
    server variables of every candidate with a server at some hour, the copies of data to
    the providers those candidates are at (copies elsewhere stay as `point` has them),
    every other continuous column, and the vendors' use binaries."""
    candidates, grid = model.instance.candidates, model.instance.grid
    used = {ci for (ci, _), var in model.r.items() if point.get(var.name, 0.0) > USED}
    pairs = {(candidates[ci].group, candidates[ci].provider) for ci in used}
    free = {model.r[(ci, t)].name for ci in used for t in grid if (ci, t) in model.r}
    free.update(var.name for (g, p, _), var in model.copy.items() if (g, p) in pairs)
    copies = {var.name for var in model.copy.values()}
    free.update(v.name for v in model.lp.variables()
                if v.cat != pulp.LpInteger and v.name not in copies)
    free.update(v.name for v in (*model.use.values(), *model.store_use.values()))
    return free, len(used)


def improve(model: Model, point: dict[str, float], free: set[str], time_limit: float | None,
            gap: float) -> SearchResult:
    """HiGHS on `model.lp`'s objective and rows with every column outside `free` fixed at
    `point`, starting from `point` (feasible), for at most `time_limit` seconds."""
    import highspy

    restriction = restrict(model.lp, point, free)
    if restriction is None:
        return SearchResult(None, "the plan does not satisfy the restriction's fixed rows",
                            False)
    h = restriction.highs
    make_integer(restriction, (v.name for v in model.lp.variables()
                               if v.cat == pulp.LpInteger and v.name in free))
    options = {"mip_rel_gap": float(gap), "random_seed": 0, "presolve": "on"}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    for option, value in options.items():
        h.setOptionValue(option, value)
    set_start(restriction, point)
    h.run()
    status = h.getModelStatus()
    found = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    return SearchResult(restriction.point() if found else None, h.modelStatusToString(status),
                        status == highspy.HighsModelStatus.kOptimal)
