"""The command line: reading inputs, running the pipeline, writing outputs. I/O lives here."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

import click

from planner import __version__, pipeline
from planner.cli import binpack as cli_binpack
from planner.cli import export as cli_export
from planner.cli import imports as cli_imports
from planner.cli import stress as cli_stress
from planner.cli import whatif as cli_whatif
from planner.cli.common import (
    catch_signals,
    interruptible,
    load_catalog,
    received,
    stopped,
    today,
)
from planner.cli.writers import (
    check_folder,
    check_not_inputs,
    check_output,
    write_atomic,
    write_together,
)
from planner.errors import InternalError, PlannerError
from planner.inputs import loader, overrides
from planner.inputs.planfile import load_plan, plan_json
from planner.models.plan import Override
from planner.report.catalog import KINDS, entries, list_json, list_table, show_text
from planner.report.render import TEMPLATES, render_runbook
from planner.report.summary import summary_json, summary_text

EXIT_INPUT, EXIT_BUG = 1, 3
QUIET_TRACKER = "ignore:resource_tracker:UserWarning"


def _bug_report(exc: BaseException) -> str:
    """Write what a bug report needs (version, command line, the error in full, traceback)
    to a new file in the temporary folder; its path, or why it could not be written."""
    text = (f"planner {__version__}\ncommand: {' '.join(sys.argv)}\n"
            f"time: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n\n{exc}\n\n"
            + "".join(traceback.format_exception(exc)))
    try:
        fd, path = tempfile.mkstemp(prefix="planner-bug-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return path
    except OSError as err:
        return f"(not written: {err.strerror})"


class _Group(click.Group):
    """Input and plan errors end in one clear message and exit 1; a bug (a plan the verifier
    rejects, any unexpected exception) in a one-line message and exit 3, its details in a
    file; Ctrl-C in exit 130, SIGTERM in 143. Outputs are written whole or not at all, so
    either way the previous ones are intact."""

    def invoke(self, ctx):
        catch_signals()
        # A what-if stopped by Ctrl-C leaves its pool's semaphores to multiprocessing's
        # resource tracker, which cleans them up and warns that it did: not the user's news.
        # The tracker is started with these options.
        if QUIET_TRACKER not in sys.warnoptions:
            sys.warnoptions.append(QUIET_TRACKER)
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except KeyboardInterrupt as exc:
            _stopped(ctx, exc)
        except Exception as exc:  # noqa: BLE001 - a bug: say so, never a traceback
            if (signal_exc := received()) is not None:  # a Ctrl-C a library wrapped
                _stopped(ctx, signal_exc)
            if isinstance(exc, PlannerError):
                click.echo(f"error: {exc}", err=True)
                ctx.exit(EXIT_INPUT)
            what = (str(exc) if isinstance(exc, InternalError)
                    else f"{type(exc).__name__}: {exc}").splitlines()[0][:200]
            click.echo(f"internal error (a bug in planner, not in your input): {what}; "
                       f"nothing was written; details in {_bug_report(exc)}", err=True)
            ctx.exit(EXIT_BUG)


def _stopped(ctx, exc: KeyboardInterrupt):
    """End the command as stopped by Ctrl-C (130) or SIGTERM (143)."""
    message, code = stopped(exc)
    click.echo(message, err=True)
    ctx.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planner")
def main():
    """Plan an emergency exit from a cloud provider, hour by hour."""


@main.command("plan")
@click.argument("inventory", type=click.Path(path_type=Path))
@click.option("-c", "--catalog", "catalogs", multiple=True, type=click.Path(path_type=Path),
              help="Catalog layer over the shipped one (repeatable; later wins).")
@click.option("--no-default-catalog", is_flag=True, help="Use only the -c layers.")
@click.option("--deadline-hours", type=click.IntRange(1, 8760), help="Override the deadline.")
@click.option("--exclude", multiple=True, help="Provider id or organization to exclude.")
@click.option("--max-fact-age-days", type=click.IntRange(1, 36500),
              help="Flag catalog facts older than this at the decision date.")
@click.option("-s", "--scenario", "scenarios", multiple=True, type=click.Path(path_type=Path),
              help="Scenario file applied to the inputs (repeatable; applied in order).")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Override after the scenarios (repeatable), e.g. deadline_hours=48.")
@click.option("--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0.1),
              help="Seconds for the solver, both phases together (the cost phase gets at "
              "least 1 s); the best plan found is returned with its gap.")
@click.option("--gap", type=click.FloatRange(0, 1), default=1e-4, show_default=True,
              help="Relative optimality gap to stop at.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out"),
              show_default=True, help="Folder for plan.json and runbook.md.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Format of the summary on standard output.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def plan_command(inventory, catalogs, no_default_catalog, deadline_hours, exclude,
                 max_fact_age_days, scenarios, sets, solver, time_limit, gap, output, fmt,
                 quiet):
    """Plan the exit for INVENTORY and write DIR/plan.json and DIR/runbook.md."""
    files = [output / "plan.json", output / "runbook.md"]
    check_folder(output)  # before any work: a run that cannot write its plan is not started
    for path in files:
        check_output(path)
    check_not_inputs(files, [inventory, *catalogs, *scenarios])
    _warn_placeholders(inventory)
    catalog = load_catalog(catalogs, no_default_catalog)
    inv, catalog, applied = overrides.apply_all(
        loader.load_inventory(inventory), catalog,
        [(str(p), loader.load_scenario(p)) for p in scenarios],
        dict(overrides.parse_set(s) for s in sets),
        overrides.Flags(deadline_hours, tuple(exclude), max_fact_age_days), today())
    applied = [Override(source="-c", path=str(p)) for p in catalogs] + applied
    run = interruptible(lambda: pipeline.plan(inv, catalog, solver=solver,
                                              time_limit=time_limit, gap=gap,
                                              overrides=applied))
    if run.plan.status == "no_solution":
        said = "; ".join(f"{p.name}: {p.raw_status}" for p in run.plan.solver.phases)
        raise PlannerError(f"no plan was found ({said}); nothing was written. Give the solver "
                           "more time (--time-limit) or try --solver cbc")
    runbook = render_runbook(run.plan)
    write_together(output, [("plan.json", plan_json(run.plan)), ("runbook.md", runbook)])
    if fmt == "json":  # asked for: printed even with -q, for scripts
        click.echo(summary_json(run.plan, run.seconds))
    elif not quiet:
        click.echo(summary_text(run.plan, [str(f) for f in files], run.seconds))
    if quiet:  # -q hides the summary, never a warning
        for warning in run.plan.warnings:
            click.echo(f"warning: {warning}", err=True)


@main.command("verify")
@click.argument("plan_file", type=click.Path(path_type=Path))
def verify_command(plan_file):
    """Check a saved plan against its inputs, without the solver."""
    violations = pipeline.audit(load_plan(plan_file))
    if violations:
        for v in violations:
            click.echo(f"violated: {v.constraint}: {v.detail}", err=True)
        raise PlannerError(f"{plan_file}: {len(violations)} constraint(s) violated")
    click.echo(f"{plan_file}: valid")


def _warn_placeholders(path: Path) -> None:
    """A warning (never hidden by -q) for the values an import left to fill in."""
    lines = loader.placeholder_lines(path)
    if lines:
        shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
        click.echo(f"warning: {path}: {len(lines)} value(s) still marked FILL IN (line "
                   f"{shown}): placeholders, not facts; replace them before trusting a plan",
                   err=True)


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_command(files):
    """Check inventories, catalogs and scenario files without solving."""
    failed = []
    for path in files:
        try:
            click.echo(f"{path}: valid {loader.validate_file(path)}")
            _warn_placeholders(path)
        except PlannerError as exc:
            click.echo(f"error: {exc}", err=True)
            failed.append(path)
    if failed:
        sys.exit(EXIT_INPUT)


@main.group("catalog")
def catalog_group():
    """Browse and check the provider catalog (shipped, with your layers over it)."""


def _catalog_options(command):
    command = click.option("--no-default-catalog", is_flag=True,
                           help="Use only the -c layers.")(command)
    return click.option("-c", "--catalog", "catalogs", multiple=True,
                        type=click.Path(path_type=Path),
                        help="Catalog layer over the shipped one (repeatable).")(command)


@catalog_group.command("list")
@_catalog_options
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def catalog_list(catalogs, no_default_catalog, kind, fmt):
    """List providers and vendors with the facts that decide a fast exit."""
    catalog = load_catalog(catalogs, no_default_catalog)
    click.echo(list_json(catalog, kind) if fmt == "json"
               else list_table(catalog, kind))


@catalog_group.command("show")
@_catalog_options
@click.argument("entry_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def catalog_show(catalogs, no_default_catalog, entry_id, fmt):
    """Every fact of one provider or vendor, with its source and date."""
    catalog = load_catalog(catalogs, no_default_catalog)
    entry = catalog.provider(entry_id) or catalog.vendor(entry_id)
    if entry is None:
        known = ", ".join(e.id for e in entries(catalog))
        raise PlannerError(f"no provider or vendor {entry_id!r} in the catalog; known: {known}")
    click.echo(entry.model_dump_json(indent=2) if fmt == "json"
               else show_text(entry))


@catalog_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def catalog_validate(files):
    """Check catalog files, each as a layer over the shipped catalog."""
    failed = False
    for path in files:
        try:
            kind = loader.validate_file(path)
            if kind != "catalog":
                raise PlannerError(f"{path}: this is an {kind} file, not a catalog")
            click.echo(f"{path}: valid catalog")
        except PlannerError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
    if failed:
        sys.exit(EXIT_INPUT)


@main.command("render")
@click.argument("plan_file", type=click.Path(path_type=Path))
@click.option("--template", type=click.Choice(sorted(TEMPLATES)), default="runbook",
              show_default=True,
              help="Document to render: the runbook, or the same plan as a documented exit plan.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default: stdout).")
def render_command(plan_file, template, output):
    """Render a saved plan.json as Markdown."""
    if output:
        check_output(output)
        check_not_inputs([output], [plan_file])
    text = render_runbook(load_plan(plan_file), template=template)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


cli_whatif.register(main)
cli_imports.register(main)
cli_stress.register(main)
cli_export.register(main)
cli_binpack.register(main)
