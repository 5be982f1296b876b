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
from planner.importers.grouping import parse_group_by
from planner.importers.writer import render

EXIT_INPUT = 1


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
    @click.option("--group-by", default="role,type", show_default=True,
                  help="What makes servers one group: role, type, shape, arch, tag:NAME "
                  "(comma-separated).")
    @click.option("--types", "types", multiple=True, type=click.Path(path_type=Path),
                  help="CSV of instance types the shipped tables lack, columns "
                  "type,vcpu,ram_gb,arch[,gpu] (repeatable; wins over the shipped tables).")
    @click.option("--name", help="Inventory name (default: the output file's name).")
    @click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
    @click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
    @click.pass_context
    def import_command(ctx, files, fmt, output, group_by, types, name, force, quiet):
        """Import FILE... (describe-instances JSON, terraform state, Azure Migrate,
        Application Discovery Service or plain CSV) into a commented inventory."""
        try:
            keys = parse_group_by(group_by)
            check_output(output)
            check_not_inputs([output], files)
            if output.exists() and not force:
                raise PlannerError(f"{output} exists: give --force to overwrite it, or "
                                   "another -o")
            result = import_files(list(files), fmt, group_by=keys, types=tuple(types))
            text = render(result, name or output.stem, today())
            write_atomic(output, text)
        except PlannerError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        if not quiet:
            fills = text.count("# FILL IN:")
            click.echo("\n".join(result.summary() + [
                f"wrote {output}: {fills} value(s) marked FILL IN are placeholders; replace "
                "them, then `planner validate` and `planner plan` it"]))
