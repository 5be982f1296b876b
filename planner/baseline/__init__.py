"""Layer 5, the greedy wave planner: what a team does without this tool, the yardstick of
the benchmarks, and the solver's warm start (waves; services and state are its parts)."""
