"""Every flag a generated command passes to a provider's or a tool's CLI is one that tool
documents (tests/cli_flags.py: the documented flags of each subcommand, each entry sourced).
A flag written from memory that the tool does not have fails here, not at 3 am."""

from __future__ import annotations

import re
import shlex

import pytest

from planner.inputs.planfile import load_plan
from planner.report.render import render_runbook
from planner.report.shell.compute import tool_steps
from tests.cli_flags import FLAGS
from tests.test_native_commands import OFFERINGS, one_row, script
from tests.test_runbook_golden import PLAN, code_blocks

TOOLS = {cli for cli, _ in FLAGS}
ASSIGNED = re.compile(r"^[A-Z_][A-Z0-9_]*=\$\(")  # SERVER_ID=$(ionosctl server create ...


def invocations(text: str) -> list[list[str]]:
    """The words of each command of a script, continuation lines joined, with a leading
    `VAR=$(` and a trailing `)` of a command substitution taken off."""
    out = []
    for line in text.replace("\\\n", " ").split("\n"):
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # a here-doc body line or an unbalanced quote inside one
            continue
        if words and ASSIGNED.match(words[0]):
            words[0] = ASSIGNED.sub("", words[0])
            words[-1] = words[-1].removesuffix(")")
        if words and words[0] in TOOLS:
            out.append(words)
    return out


def subcommand(words: list[str]) -> tuple[str, str] | None:
    """The longest pinned (cli, subcommand) the words start with."""
    best = None
    for cli, sub in FLAGS:
        parts = sub.split()
        if words[0] == cli and words[1:1 + len(parts)] == parts:
            if best is None or len(parts) > len(best[1].split()):
                best = (cli, sub)
    return best


def flags_of(words: list[str], key: tuple[str, str]) -> list[str]:
    """The flags of one invocation: `--long[=v]`, `-s`, `-abc` as -a -b -c where the tool
    does not document `-abc` itself, and scw's `key=value` arguments as `key=`."""
    documented = FLAGS[key][0]
    out = []
    for word in words[1 + len(key[1].split()):]:
        if word == "--":
            break
        if word.startswith("--"):
            out.append(word.split("=", 1)[0])
        elif word.startswith("-") and len(word) > 1 and not word[1].isdigit():
            short = word.split("=", 1)[0]
            out += [short] if short in documented else [f"-{c}" for c in short[1:]]
        elif key[0] == "scw" and re.match(r"^[a-z][a-z0-9_.-]*=", word):
            name = word.split("=", 1)[0]
            out.append(re.sub(r"\.\d+$", ".{index}", name) + "=")
    return out


def undocumented(text: str) -> list[str]:
    problems = []
    for words in invocations(text):
        key = subcommand(words)
        if key is None:
            problems.append(f"not pinned: {' '.join(words[:4])}")
            continue
        problems += [f"{key[0]} {key[1]}: {flag}" for flag in flags_of(words, key)
                     if flag not in FLAGS[key][0]]
    return problems


def test_every_pinned_entry_is_sourced():
    for key, (flags, source) in FLAGS.items():
        assert flags and source.strip(), key


@pytest.mark.parametrize("provider, offering", OFFERINGS,
                         ids=[f"{p.id}:{o.id}" for p, o in OFFERINGS])
def test_each_offering_s_commands_use_documented_flags_only(provider, offering):
    steps = tool_steps(provider, [one_row(offering)])
    assert undocumented(script(steps)) == []


def test_the_2021_runbook_uses_documented_flags_only():
    text = render_runbook(load_plan(PLAN))
    blocks = code_blocks(text, ("sh", "bash"))
    checked = [w for b in blocks for w in invocations(b)]
    assert len({w[0] for w in checked}) >= 8  # many tools were really checked
    assert [p for b in blocks for p in undocumented(b)] == []


def test_the_checker_catches_a_made_up_flag():
    cli, sub = next(iter(FLAGS))
    assert undocumented(f"{cli} {sub} --no-such-flag-here x") == \
        [f"{cli} {sub}: --no-such-flag-here"]
