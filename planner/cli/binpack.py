"""Command line for `planner binpack`: bin packing instances solved as plans with packing
(planner/importers/binpacking.py), each plan verified, with the bins, the proven lower
bound and, where known, the published best, instance by instance."""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

import click
import yaml

from planner import pipeline
from planner.cli.common import interruptible
from planner.cli.writers import check_folder, write_together
from planner.errors import PlannerError
from planner.importers.binpacking import Instance, as_inputs, parse, validated
from planner.models.plan import Plan

EXIT_INPUT = 1


def published(path: Path | None) -> dict[str, int]:
    """name -> bins, from a CSV with columns name,bins (a published solver's results)."""
    if path is None:
        return {}
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        return {r["name"].strip(): int(r["bins"]) for r in rows}
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise PlannerError(f"{path}: expected a CSV with columns name,bins ({exc})") from None


def outcome(inst: Instance, plan: Plan, seconds: float, best: int | None) -> dict:
    """What one instance's plan says: bins (hosts at the horizon), the proven bound."""
    H = plan.horizon_hours
    bins = sum(r.hosts[H] for r in plan.schedule)
    bound = min((p.lower_bound + bins - p.hosts for p in plan.host_pools), default=bins)
    return {"name": inst.name, "items": inst.count,
            "capacity": list(inst.capacity), "bins": bins, "lower_bound": bound,
            "published": best, "vs_published": None if best is None else bins - best,
            "served": plan.servers_at_deadline, "status": plan.status,
            "seconds": round(seconds, 2)}


def safe_name(name: str) -> str:
    """A file name from an instance's name: letters, digits, '.', '_' and '-' only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "instance"


def register(main: click.Group) -> None:
    @main.command("binpack")
    @click.argument("files", nargs=-1, required=True, metavar="FILE...",
                    type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--published", "results", type=click.Path(path_type=Path),
                  help="CSV name,bins of a published solver's results to compare with "
                  "(OR-Library files carry their best known bins themselves).")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                  show_default=True)
    @click.option("-o", "--output", type=click.Path(path_type=Path),
                  help="Folder to write each instance's inventory and catalog into "
                  "(NAME.inventory.yaml, NAME.catalog.yaml), to plan them again.")
    @click.pass_context
    def binpack_command(ctx, files, results, fmt, output):
        """Solve bin packing instances (BPPLIB, OR-Library or VPSolver .vbp files) as plans
        with packing: items are servers, the bin is the one host offering."""
        try:
            known = published(results)
            instances = [i for f in files
                         for i in parse(f.read_text(encoding="utf-8"), f.stem)]
            if output is not None:
                check_folder(output)
                output.mkdir(parents=True, exist_ok=True)
                write_together(output, [
                    (f"{safe_name(i.name)}.{kind}.yaml", yaml.safe_dump(d, sort_keys=False))
                    for i in instances for kind, d in zip(("inventory", "catalog"),
                                                           as_inputs(i))])
            rows = []
            for inst in instances:
                inventory, catalog = validated(inst)
                started = time.perf_counter()
                run = interruptible(lambda: pipeline.plan(inventory, catalog))
                rows.append(outcome(inst, run.plan, time.perf_counter() - started,
                                    known.get(inst.name, inst.best_known)))
        except (PlannerError, UnicodeDecodeError, OSError) as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        click.echo(json.dumps(rows, indent=1) if fmt == "json" else table(rows))


def table(rows: list[dict]) -> str:
    head = ("instance", "items", "bins", "lower bound", "published", "vs published",
            "seconds")
    body = [(r["name"], str(r["items"]), str(r["bins"]), str(r["lower_bound"]),
             "-" if r["published"] is None else str(r["published"]),
             "-" if r["vs_published"] is None else f"{r['vs_published']:+d}",
             f"{r['seconds']:.2f}") for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(x[i].ljust(widths[i]) if i == 0 else x[i].rjust(widths[i])
                       for i in range(len(head))) for x in [head, *body]]
    solved = [r for r in rows if r["published"] is not None]
    if solved:
        lines.append(f"{sum(r['vs_published'] <= 0 for r in solved)} of {len(solved)} "
                     "instances at the published bins")
    lines.append(f"{sum(r['bins'] == r['lower_bound'] for r in rows)} of {len(rows)} proven "
                 "optimal (bins = lower bound)")
    return "\n".join(lines)
