"""`planner export`: a saved plan as OpenTofu modules (one per provider) and an Ansible
inventory. I/O only; the files are made in planner.report.export."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.writers import check_folder, check_not_inputs, write_together
from planner.inputs.planfile import load_plan
from planner.report.export import FORMATS, export


def _summary(result, output: Path) -> list[str]:
    lines = [f"wrote {len(result.files)} files under {output}"]
    for pid, machines in result.machines.items():
        blocks = result.resource_blocks[pid]
        lines.append(f"  opentofu/{pid}/: {machines} machines from {blocks} plan "
                     f"row{'s' if blocks != 1 else ''}")
    if result.console:
        lines.append("  left to the consoles (opentofu/CONSOLE.md): "
                     + ", ".join(result.console))
    return lines


def stale_modules(output: Path, result) -> list[Path]:
    """Module folders under DIR/opentofu that this export did not write: a provider an
    earlier plan used. Never removed here: one that was applied holds its state."""
    root = output / "opentofu"
    if not result.machines or not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                  and p.name not in result.machines)


def register(main: click.Group) -> None:
    @main.command("export")
    @click.argument("plan_file", type=click.Path(path_type=Path))
    @click.option("--format", "format_", type=click.Choice(FORMATS + ("all",)),
                  default="all", show_default=True,
                  help="opentofu: one module per provider (DIR/opentofu/); ansible: an "
                  "inventory (DIR/ansible/); all: both.")
    @click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
                  help="Folder to write into (made if missing).")
    @click.option("-q", "--quiet", is_flag=True, help="No summary.")
    def export_command(plan_file, format_, output, quiet):
        """Write a saved plan.json as infrastructure code: OpenTofu/Terraform modules and
        an Ansible inventory, servers named as the runbook names them."""
        check_folder(output)
        plan = load_plan(plan_file)
        result = export(plan, FORMATS if format_ == "all" else (format_,))
        check_not_inputs([output / name for name, _ in result.files], [plan_file])
        write_together(output, result.files)
        if not quiet:
            click.echo("\n".join(_summary(result, output)))
        for folder in stale_modules(output, result):
            click.echo(f"warning: {folder}/ is from an earlier export, and this plan puts "
                       "nothing there: if it was applied, `tofu destroy` it there before "
                       "removing the folder (it was left as it is)", err=True)
