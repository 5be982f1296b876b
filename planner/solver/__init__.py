"""Layer 5, solving: the two phases (phases), the back-ends and their statuses
(backends, highs, highs_arrays), time budgets (budget), the warm start (warmstart, start,
restricted), bounds that need no solver or one LP per period (bounds, period_floor), and
the cost phase on the plan's own candidates (search)."""
