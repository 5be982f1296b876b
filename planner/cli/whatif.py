"""Command line for what-ifs: compare, sweep, drill, readiness. I/O only; the work is in
planner.whatif (cases, runs, compare, drills)."""

from __future__ import annotations

from pathlib import Path

import click

from planner import pipeline
from planner.cli.common import (
    executor_from,
    executor_options,
    interruptible,
    load_catalog,
    today,
    with_progress,
)
from planner.cli.writers import check_folder, write_together
from planner.errors import PlannerError
from planner.inputs import loader
from planner.inputs.overrides import parse_set, with_decision_date
from planner.inputs.planfile import plan_json
from planner.models.comparison import Comparison
from planner.report.charts import check_charts, comparison_png
from planner.report.whatif import (
    comparison_lines,
    drill_lines,
    readiness_lines,
    render_comparison,
    render_drill,
    render_readiness,
)
from planner.whatif import drills
from planner.whatif.cases import scenario_cases, sweep_cases
from planner.whatif.compare import comparison
from planner.whatif.runs import Settings, solve_all


def whatif_options(command):
    """Options every what-if command shares."""
    for option in reversed([
        click.argument("inventory", type=click.Path(path_type=Path)),
        click.option("-c", "--catalog", "catalogs", multiple=True,
                     type=click.Path(path_type=Path), help="Catalog layer (repeatable)."),
        click.option("--no-default-catalog", is_flag=True, help="Use only the -c layers."),
        click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
                     help="Override applied to every scenario (repeatable, after the files)."),
        click.option("--solver", type=click.Choice(["highs", "cbc"]), default="highs",
                     show_default=True),
        click.option("--time-limit", type=click.FloatRange(min=0.1),
                     help="Seconds per scenario for the solver."),
        click.option("--gap", type=click.FloatRange(0, 1), default=1e-4, show_default=True),
        executor_options,
        click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out"),
                     show_default=True, help="Folder for the report (Markdown and JSON)."),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary."),
        click.option("--png", is_flag=True, help="Also write a PNG chart (needs the charts "
                     "extra: matplotlib)."),
    ]):
        command = option(command)
    return command


def whatif_inputs(inventory, catalogs, no_default_catalog, output, png=False):
    """The inputs, once the output folder (and matplotlib, for --png) is known to be
    usable: before any solving."""
    check_folder(output)
    if png:
        check_charts()
    dated, _ = with_decision_date(loader.load_inventory(inventory), today())
    return dated, load_catalog(catalogs, no_default_catalog)


def _base_plan(inventory, catalogs, no_default_catalog, sets, solver, time_limit, gap,
               output, png):
    """The unchanged inputs and their plan, which a drill or readiness report measures
    against (neither draws a chart: --png is refused before any solving)."""
    if png:
        raise PlannerError("--png draws comparisons and sweeps")
    inv, cat = whatif_inputs(inventory, catalogs, no_default_catalog, output)
    base_case = scenario_cases(inv, cat, [], dict(parse_set(s) for s in sets))[0]
    return base_case, interruptible(lambda: pipeline.plan(
        base_case.inventory, base_case.catalog, solver=solver, time_limit=time_limit,
        gap=gap).plan)


def solve_cases(cases, solver, time_limit, gap, workers, quiet, label, scheduler=None):
    settings = Settings(solver=solver, time_limit=time_limit, gap=gap)
    executor = executor_from(workers, scheduler)
    return with_progress(len(cases), label, quiet, lambda step: solve_all(
        cases, settings, executor.workers, step, scheduler=executor.scheduler))


def _write(output: Path, stem: str, markdown: str, data, quiet: bool, lines: list[str],
           png: bool = False):
    files = [(f"{stem}.json", data.model_dump_json(indent=1) + "\n"), (f"{stem}.md", markdown)]
    if png:
        if not isinstance(data, Comparison):
            raise PlannerError("--png draws comparisons and sweeps")
        files.insert(0, (f"{stem}.png", comparison_png(data)))
    write_together(output, files)
    if not quiet:
        click.echo("\n".join(lines + [f"  wrote {output / stem}.md and {stem}.json"]))


def register(main: click.Group) -> None:
    @main.command("compare")
    @whatif_options
    @click.option("-s", "--scenario", "scenarios", multiple=True,
                  type=click.Path(path_type=Path), help="Scenario file (repeatable).")
    @click.option("--no-base", is_flag=True, help="Do not add the unchanged inputs as a row.")
    def compare(inventory, catalogs, no_default_catalog, sets, solver, time_limit, gap,
                workers, scheduler, output, quiet, png, scenarios, no_base):
        """Solve INVENTORY under each scenario and compare the plans side by side."""
        inv, cat = whatif_inputs(inventory, catalogs, no_default_catalog, output, png)
        loaded = [loader.load_scenario(path) for path in scenarios]
        extra = dict(parse_set(s) for s in sets)
        cases = scenario_cases(inv, cat, loaded, extra, include_base=not no_base)
        plans = solve_cases(cases, solver, time_limit, gap, workers, quiet, "scenarios",
                       scheduler=scheduler)
        write_together(output / "plans", [(f"{_slug(case.name)}.json", plan_json(plan))
                                          for case, plan in zip(cases, plans)])
        result = comparison("Comparison", cases, plans)
        _write(output, "comparison", render_comparison(result), result, quiet,
               comparison_lines(result, "comparison.md"), png)

    @main.command("sweep")
    @whatif_options
    @click.option("--param", required=True, metavar="PATH=VALUES",
                  help="A numeric path and its values: 12,24,36 or 12:72:12.")
    def sweep(inventory, catalogs, no_default_catalog, sets, solver, time_limit, gap,
              workers, scheduler, output, quiet, png, param):
        """Solve INVENTORY for each value of one parameter."""
        inv, cat = whatif_inputs(inventory, catalogs, no_default_catalog, output, png)
        path, cases = sweep_cases(inv, cat, param, dict(parse_set(s) for s in sets))
        plans = solve_cases(cases, solver, time_limit, gap, workers, quiet, path,
                       scheduler=scheduler)
        result = comparison(f"Sweep of {path}", cases, plans, parameter=path)
        _write(output, "sweep", render_comparison(result), result, quiet,
               comparison_lines(result, "sweep.md"), png)

    @main.command("drill")
    @whatif_options
    @click.option("-k", type=click.IntRange(1, 5), default=1, show_default=True,
                  help="Providers refusing together.")
    @click.option("--at", default="deadline", show_default=True, callback=_refusal_at,
                  metavar="start|deadline|HOUR",
                  help="When they refuse: from the start (as if excluded), or at the "
                  "deadline or an hour, after the base plan's servers there were made (the "
                  "re-plan keeps to the base plan before it).")
    def drill(inventory, catalogs, no_default_catalog, sets, solver, time_limit, gap,
              workers, scheduler, output, quiet, png, k, at):
        """Each chosen provider (or each set of k) refuses at the last minute (--at), after
        its servers were made: re-plan from that hour."""
        base_case, base = _base_plan(inventory, catalogs, no_default_catalog, sets, solver,
                                     time_limit, gap, output, png)
        cases = drills.drill_cases(base_case.inventory, base_case.catalog, base, k, at=at)
        plans = solve_cases(cases, solver, time_limit, gap, workers, quiet, "refusals",
                       scheduler=scheduler)
        result = drills.drill(base, cases, plans, k)
        _write(output, "drill", render_drill(result), result, quiet,
               drill_lines(result, "drill.md"), png)

    @main.command("readiness")
    @whatif_options
    def readiness(inventory, catalogs, no_default_catalog, sets, solver, time_limit, gap,
                  workers, scheduler, output, quiet, png):
        """What each thing arranged before a crisis buys, each measured as a what-if."""
        base_case, base = _base_plan(inventory, catalogs, no_default_catalog, sets, solver,
                                     time_limit, gap, output, png)
        cases = drills.readiness_cases(base_case.inventory, base_case.catalog, base)
        plans = solve_cases(cases, solver, time_limit, gap, workers, quiet, "readiness",
                       scheduler=scheduler)
        result = drills.readiness(base, cases, plans)
        _write(output, "readiness", render_readiness(result), result, quiet,
               readiness_lines(result, "readiness.md"), png)


def _refusal_at(ctx, param, value: str) -> str | int:
    """--at: start, deadline or a whole hour (the horizon is checked once it is known)."""
    if value in drills.AT_CHOICES:
        return value
    if value.isdigit():
        return int(value)
    raise click.BadParameter(f"{value!r}: start, deadline or an hour (a whole number)")


def _slug(name: str) -> str:
    from planner.report.filters import hostname

    return hostname(name)
