"""Building blocks of the shell commands: quoting, the rows and batches to create, the
steps shown per provider, required and defaulted shell variables, loops over batches, and
the console steps for a provider without a known CLI.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from planner.models.catalog import Provider
from planner.models.provider_facts import Native, Offering


def shq(value) -> str:
    """Quote any value that reaches a shell command."""
    return shlex.quote(str(value))


@dataclass(frozen=True)
class Batch:
    """Servers `first`..`last` (1-based, within a group at a provider) serving by `hour`."""

    hour: int
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class Row:
    """One assignment row at a provider, with its server names and creation batches."""

    group: str
    label: str  # hostname label of the group at this provider, e.g. "web-hetzner-cloud"
    offering: Offering
    count: int
    first_index: int
    last_index: int
    first_hour: int
    ready_hour: int
    batches: tuple[Batch, ...]  # by the hour each batch is made
    made_early: bool = False  # made before they serve: their data is copied onto them
    servers: int = 0  # the group's servers on them (count, unless several share a host)
    per_host: int = 1  # servers of the group on each host (domain/packing.py)
    shared: bool = False  # its hosts also run other groups' servers (Plan.host_pools)


@dataclass(frozen=True)
class ToolSteps:
    """What the runbook shows for one provider: CLI commands, or console steps."""

    tool: str | None  # the CLI used for the commands; None: console only
    source: str | None  # where its syntax was taken from
    login: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    create: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # Markdown sentences
    notes: list[str] = field(default_factory=list)  # Markdown sentences


def native(row: Row) -> Native:
    """The provider's own names for the row's offering. Builders are given only rows that
    have them (`compute.tool_steps`), so a catalog id never stands in for one."""
    assert row.offering.native is not None, row.offering.id
    return row.offering.native


def addresses_file(provider: Provider) -> str:
    """The file a provider's server addresses are recorded in (DNS, copies and
    ~/.ssh/config read it), quoted."""
    return shq(f"addresses-{provider.id}.txt")


def require_var(var: str, hint: str) -> str:
    """Stop the script with `hint` when `var` is unset. Hints are fixed wording: no quotes."""
    assert not set("'\"`$\\") & set(hint), hint
    return f': "${{{var}:?{hint}}}"'


def default_var(var: str, value: str) -> str:
    return f'{var}="${{{var}:-{value}}}"'


def _loop(row: Row, batch: Batch, body: list[str]) -> list[str]:
    which = (f"server {batch.first}" if batch.count == 1
             else f"servers {batch.first}-{batch.last} ({batch.count})")
    when = "made by hour" if row.made_early else "serving by hour"
    lines = [f"# {row.label}: {which}, {when} {batch.hour}",
             f"for i in $(seq {batch.first} {batch.last}); do"]
    lines += ["  " + line for line in body]
    lines.append("done")
    return lines


def rows_to_loops(rows: list[Row], body) -> list[str]:
    lines: list[str] = []
    prefix = None
    for row in rows:
        if row.label != prefix:
            lines.append(f"PREFIX={shq(row.label)}")
            prefix = row.label
        for batch in row.batches:
            lines += _loop(row, batch, body(row))
        lines.append("")
    return lines[:-1] if lines and lines[-1] == "" else lines


def continued(parts: list[str]) -> list[str]:
    """One command over several lines, joined with backslashes."""
    out = []
    for i, part in enumerate(parts):
        text = part if i == 0 else "  " + part
        out.append(text + (" \\" if i < len(parts) - 1 else ""))
    return out


def console_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
    """Providers without a CLI that creates servers: ordered in the console."""
    where = f"<{provider.website}>" if provider.website else "the provider's console"
    steps = [f"Order in {where}: for each row of the table above, the model, the count and "
             "the server names."]
    if provider.kind in ("bare_metal", "colocation"):
        steps.append("Choose Ubuntu LTS as the operating system and add your SSH key to the "
                     "order, so servers are reachable when they are handed over.")
    if provider.cli:
        steps.append(f"The provider's own tool, `{provider.cli}`, is not used here for "
                     "creating servers: this runbook only gives commands whose syntax was "
                     "checked.")
    return ToolSteps(tool=None, source=None, console=steps)
