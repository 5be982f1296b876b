"""`planner stress`: the plan against many sampled refusal scenarios, on local processes or
a Dask cluster. I/O only; the work is in planner.whatif.stress and planner.domain.risk."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.common import (
    executor_from,
    executor_options,
    load_catalog,
    run_with_progress,
    today,
    with_progress,
)
from planner.cli.writers import check_folder, write_together
from planner.domain import risk
from planner.inputs import loader
from planner.inputs.overrides import parse_set, with_decision_date
from planner.inputs.planfile import plan_json
from planner.report.charts import check_charts
from planner.report.stress import render_stress, stress_lines, stress_png
from planner.whatif import stress as stressing
from planner.whatif.runs import Settings, solve_all


def register(main: click.Group) -> None:
    @main.command("stress")
    @click.argument("inventory", type=click.Path(path_type=Path))
    @click.option("-c", "--catalog", "catalogs", multiple=True,
                  type=click.Path(path_type=Path), help="Catalog layer (repeatable).")
    @click.option("--no-default-catalog", is_flag=True, help="Use only the -c layers.")
    @click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
                  help="Override (repeatable), e.g. policy.risk.shock_probability=0.5.")
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
    @click.option("--solver", type=click.Choice(["highs", "cbc"]), default="highs",
                  show_default=True)
    @click.option("--time-limit", type=click.FloatRange(min=0.1),
                  help="Seconds per plan for the solver.")
    @click.option("--gap", type=click.FloatRange(0, 1), default=1e-4, show_default=True)
    @executor_options
    @click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="Folder for the report (Markdown and JSON).")
    @click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary.")
    @click.option("--png", is_flag=True, help="Also write a PNG chart (needs the charts "
                  "extra: matplotlib).")
    def stress(inventory, catalogs, no_default_catalog, sets, samples, seed, mode, hedge, solver,
               time_limit, gap, workers, scheduler, output, quiet, png):
        """Sample refusal scenarios (correlated, at an hour after onboarding) and report
        what the plan keeps in them: P10/P50/P90 of users served, tier 1, worst cases."""
        check_folder(output)
        if png:
            check_charts()
        dated, _ = with_decision_date(loader.load_inventory(inventory), today())
        catalog = load_catalog(catalogs, no_default_catalog)
        extra = dict(parse_set(s) for s in sets)
        cases = stressing.plan_cases(dated, catalog, extra, hedge)
        executor = executor_from(workers, scheduler)
        settings = Settings(solver=solver, time_limit=time_limit, gap=gap)
        plans = with_progress(len(cases), "plans", quiet, lambda step: solve_all(
            cases, settings, executor.workers, step, scheduler=executor.scheduler))
        policy = stressing.sampling_policy(plans[0], seed)
        if mode == "evaluate":
            outcomes = stressing.evaluated(plans, policy, samples, lambda fn, items:
                                           run_with_progress(fn, items, executor,
                                                             "scenarios", quiet))
        else:
            outcomes = [_replanned(case, plan, policy, samples, settings, executor, quiet)
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


def _replanned(case, plan, policy, samples, settings, executor, quiet):
    """The outcomes of `plan` re-planned in each scenario (whatif/stress.replan_cases)."""
    pairs = stressing.replan_cases(case, plan, policy, samples)
    solved = with_progress(len(pairs), f"re-plans of {case.name}", quiet, lambda step: solve_all(
        [c for _, c in pairs], settings, executor.workers, step, scheduler=executor.scheduler))
    scenarios = risk.sample(plan.inventory, plan.catalog, policy, range(samples))
    return stressing.replanned(plan, scenarios, {s.index: p for (s, _), p
                                                 in zip(pairs, solved)})
