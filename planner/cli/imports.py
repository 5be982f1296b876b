"""Command line for `planner import`: read inventories people already have and write a
commented inventory YAML. I/O only; the work is in planner.importers."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.common import today
from planner.cli.writers import check_not_inputs, check_output, write_atomic
from planner.errors import PlannerError
from planner.importers.detect import FORMATS
from planner.importers.files import import_files
from planner.importers.grouping import DEFAULT_KEYS, SIZE_TOLERANCE, parse_group_by
from planner.importers.listing import SUFFIX, report_csv, report_path
from planner.importers.writer import render

EXIT_INPUT = 1


def _beside(output: Path) -> Path | None:
    """The report beside the output; none when the output is not a file (/dev/stdout)."""
    if output.exists() and not output.is_file():
        return None
    return report_path(output)


def _relative(report: Path, output: Path) -> str:
    """The report as the inventory's header names it: by its name when beside it."""
    return report.name if report.parent.resolve() == output.parent.resolve() else str(report)


def register(main: click.Group) -> None:
    @main.command("import")
    @click.argument("files", nargs=-1, required=True, metavar="FILE...",
                    type=click.Path(path_type=Path))
    @click.option("--from", "fmt", type=click.Choice(list(FORMATS)),
                  help="Format of the files (default: told from their content): "
                  + "; ".join(f"{k} = {v}" for k, v in FORMATS.items()) + ".")
    @click.option("-o", "--output", type=click.Path(path_type=Path),
                  default=Path("inventory.yaml"), show_default=True,
                  help="Inventory file to write.")
    @click.option("--group-by", default=",".join(DEFAULT_KEYS), show_default=True,
                  help="What makes servers one group, comma-separated: app (Application, "
                  "App or Service tag, with the role a tag or column states; else the role), size "
                  "(vCPU and RAM, near-equal sizes merged, see --size-tolerance), role (Role "
                  "tag, else the name's prefix), type, shape (exact vCPU, RAM, disk), arch, "
                  "tag:NAME. A database never joins other servers; arch and GPU always "
                  "match under size.")
    @click.option("--size-tolerance", type=click.IntRange(0, 100), metavar="PCT",
                  default=round(SIZE_TOLERANCE * 100), show_default=True,
                  help="Under size, servers join a group when their vCPU and RAM are each "
                  "within PCT% of its largest (the group takes the largest): 7.5 and 8 GB, "
                  "15.5 and 16 GB are one size; 2 and 4 vCPU stay apart. 0: exact sizes.")
    @click.option("--types", "types", multiple=True, type=click.Path(path_type=Path),
                  help="CSV of instance types the shipped tables lack, columns "
                  "type,vcpu,ram_gb,arch[,gpu] (repeatable; wins over the shipped tables).")
    @click.option("--report", type=click.Path(path_type=Path),
                  help="CSV to write the import's full table to: every server read with its "
                  "group, every entry skipped or ignored with why (default: beside the "
                  f"output, OUTPUT-STEM{SUFFIX}; none when the output is not a file).")
    @click.option("--name", help="Inventory name (default: the output file's name).")
    @click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
    @click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
    @click.pass_context
    def import_command(ctx, files, fmt, output, group_by, size_tolerance, types, report,
                       name, force, quiet):
        """Import FILE... (describe-instances JSON, terraform state, Azure Migrate,
        Application Discovery Service or plain CSV) into a commented inventory."""
        try:
            keys = parse_group_by(group_by)
            report = report or _beside(output)
            outputs = [output] + ([report] if report else [])
            for path in outputs:
                check_output(path)
            check_not_inputs(outputs, files)
            if report and Path(report).resolve() == Path(output).resolve():
                raise PlannerError(f"--report {report} is the output: give another path")
            for path in outputs:
                if path.exists() and not force:
                    raise PlannerError(f"{path} exists: give --force to overwrite it, or "
                                       "another " + ("-o" if path == output else "--report"))
            result = import_files(list(files), fmt, group_by=keys, types=tuple(types),
                                  tolerance=size_tolerance / 100)
            text = render(result, name or output.stem, today(),
                          report=_relative(report, output) if report else None)
            if report:
                write_atomic(report, report_csv(result))
            write_atomic(output, text)
        except PlannerError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        if not quiet:
            fills = text.count("# FILL IN:")
            click.echo("\n".join(result.summary(str(report) if report else None) + [
                f"wrote {output}: {fills} value(s) marked FILL IN are placeholders; replace "
                "them, then `planner validate` and `planner plan` it"]))
