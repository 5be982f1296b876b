"""Every offering of the shipped catalog gets commands built from its provider's own names,
or console steps: never a catalog id standing in for a machine type (issue 25).

One row of two servers per offering goes through `tool_steps`; its script must parse, pass
shellcheck, name the native type, size what the offering includes, and use only the flags the
tool documents (tests/cli_flags.py, each entry sourced)."""

from __future__ import annotations

import re
import shlex

import pytest

from planner.inputs.loader import load_catalog, shipped_catalog_paths
from planner.models.catalog import Provider
from planner.models.provider_facts import Offering
from planner.report.shell.base import Batch, Row, ToolSteps
from planner.report.shell.compute import tool_steps
from tests.shell_checks import bash_syntax_errors, shellcheck_findings

COMPUTE_KINDS = ("cloud", "bare_metal", "colocation", "self_hosted")
CATALOG = load_catalog(shipped_catalog_paths())
OFFERINGS = [(p, o) for p in CATALOG.providers if p.kind in COMPUTE_KINDS
             for o in p.offerings or []]


def one_row(offering: Offering) -> Row:
    return Row(group="web", label="web-x", offering=offering, count=2, first_index=1,
               last_index=2, first_hour=1, ready_hour=3, batches=(Batch(3, 1, 2),),
               servers=2)


def script(steps: ToolSteps) -> str:
    return "\n".join(steps.login + steps.setup + [""] + steps.create + [""] + steps.addresses)


def commands(text: str) -> list[list[str]]:
    """Each command of a script as its words, continuation lines joined."""
    joined = text.replace("\\\n", " ")
    out = []
    for line in joined.split("\n"):
        words = shlex.split(line, comments=True)
        if words:
            out.append(words)
    return out


def test_the_shipped_catalog_has_offerings_with_and_without_native_names():
    assert len(OFFERINGS) > 80
    assert sum(o.native is not None for _, o in OFFERINGS) > 80
    assert any(o.native is None for _, o in OFFERINGS)  # placeholders go to the console


@pytest.mark.parametrize("provider, offering", OFFERINGS,
                         ids=[f"{p.id}:{o.id}" for p, o in OFFERINGS])
def test_every_offering_gets_native_commands_or_console_steps(provider: Provider,
                                                              offering: Offering):
    steps = tool_steps(provider, [one_row(offering)])
    assert steps.create or steps.console, "neither commands nor console steps"
    if not steps.create:
        return
    assert offering.native is not None
    native, text = offering.native, script(steps)
    words = [w for c in commands(text) for w in c]
    values = {w.split("=", 1)[-1] for w in words} | set(words)
    assert native.type in values, f"{native.type} not in the commands"
    if offering.id != native.type:
        catalog_id = re.compile(rf"(?<![\w.-]){re.escape(offering.id)}(?![\w.-])")
        assert not catalog_id.search(text), f"catalog id {offering.id} used in a command"
    for disk in ([native.boot_disk] if native.boot_disk else []) + native.volumes:
        assert any(str(disk.size_gb) in v for v in values), f"{disk.size_gb} GB not sized"
        if disk.type:
            assert disk.type in values, f"disk type {disk.type} not set"
    if native.image:
        assert native.image in values
    assert bash_syntax_errors(text) == "", text
    assert shellcheck_findings(text) == [], text


def test_a_provider_with_a_cli_but_rows_without_native_names_is_ordered_in_the_console():
    hetzner = next(p for p in CATALOG.providers if p.id == "hetzner-cloud")
    named = next(o for o in hetzner.offerings if o.native is not None)
    bare = named.model_copy(update={"id": "mystery-box", "native": None})
    steps = tool_steps(hetzner, [one_row(named), one_row(bare)])
    assert steps.tool is None and steps.create == [] and steps.console
    assert "`mystery-box`" in " ".join(steps.notes)


def test_no_block_of_the_2021_documents_uses_a_catalog_id_for_a_native_name():
    """Commands, zone exports and configurations alike: an offering's catalog id appears in
    no code block of the runbook or the exit plan unless it is also the native name."""
    from planner.inputs.planfile import load_plan
    from planner.report.render import render_runbook
    from tests.test_runbook_golden import PLAN, code_blocks

    plan = load_plan(PLAN)
    ids = {o.id for p in plan.catalog.providers for o in p.offerings or []
           if o.native is None or o.native.type != o.id}
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w.-])")
    for template in ("runbook", "exit-plan"):
        for block in code_blocks(render_runbook(plan, template=template), ("sh", "bash", "yaml")):
            assert not pattern.search(block), block
