"""`planner stress`: the plan against many sampled refusal scenarios, on local processes or
a Dask cluster. I/O only; the work is in planner.whatif.stress and planner.domain.risk."""

from __future__ import annotations

import click

from planner.cli.common import executor_from, run_with_progress
from planner.cli.whatif import solve_cases, whatif_inputs, whatif_options
from planner.cli.writers import write_together
from planner.domain import risk
from planner.inputs.overrides import parse_set
from planner.inputs.planfile import plan_json
from planner.report.stress import render_stress, stress_lines, stress_png
from planner.whatif import stress as stressing


def register(main: click.Group) -> None:
    @main.command("stress")
    @whatif_options
    @click.option("--samples", type=click.IntRange(1, 1_000_000), default=1000,
                  show_default=True, help="Refusal scenarios sampled.")
    @click.option("--seed", type=click.IntRange(0, 2**31 - 1),
                  help="Sampler seed (default: policy.risk.seed).")
    @click.option("--mode", type=click.Choice(["evaluate", "replan"]), default="evaluate",
                  show_default=True, help="evaluate: each plan as it stands, refusals "
                  "applied; replan: re-plan each scenario from its first refusal (a solve "
                  "per scenario with a refusal among the plan's providers).")
    @click.option("--hedge", is_flag=True, help="Also plan with the CVaR hedge "
                  "(policy.risk.measure: cvar) and show what hedging costs.")
    def stress(inventory, catalogs, no_default_catalog, sets, solver, time_limit, gap,
               workers, scheduler, output, quiet, png, samples, seed, mode, hedge):
        """Sample refusal scenarios (correlated, at an hour after onboarding) and report
        what the plan keeps in them: P10/P50/P90 of users served, tier 1, worst cases."""
        dated, catalog = whatif_inputs(inventory, catalogs, no_default_catalog, output, png)
        extra = dict(parse_set(s) for s in sets)
        cases = stressing.plan_cases(dated, catalog, extra, hedge)
        executor = executor_from(workers, scheduler)

        def solve(some, label):
            return solve_cases(some, solver, time_limit, gap, workers, quiet, label,
                               scheduler=scheduler)

        plans = solve(cases, "plans")
        policy = stressing.sampling_policy(plans[0], seed)
        if mode == "evaluate":
            outcomes = stressing.evaluated(plans, policy, samples, lambda fn, items:
                                           run_with_progress(fn, items, executor,
                                                             "scenarios", quiet))
        else:
            outcomes = [_replanned(case, plan, policy, samples, solve)
                        for case, plan in zip(cases, plans)]
        results = [(case.name, plan, mine)
                   for case, plan, mine in zip(cases, plans, outcomes)]
        report = stressing.stress(plans[0], policy, samples, mode, results)
        files = [("stress.json", report.model_dump_json(indent=1) + "\n"),
                 ("stress.md", render_stress(report))]
        if png:
            files.insert(0, ("stress.png", stress_png(report)))
        write_together(output / "plans", [(f"{case.name}.json", plan_json(plan))
                                          for case, plan in zip(cases, plans)])
        write_together(output, files)
        if not quiet:
            click.echo("\n".join(stress_lines(report, "stress.md")
                                 + [f"  wrote {output / 'stress.md'} and stress.json"]))


def _replanned(case, plan, policy, samples, solve):
    """The outcomes of `plan` re-planned in each scenario (whatif/stress.replan_cases)."""
    pairs = stressing.replan_cases(case, plan, policy, samples)
    solved = solve([c for _, c in pairs], f"re-plans of {case.name}")
    scenarios = risk.sample(plan.inventory, plan.catalog, policy, range(samples))
    return stressing.replanned(plan, scenarios, {s.index: p for (s, _), p
                                                 in zip(pairs, solved)})
