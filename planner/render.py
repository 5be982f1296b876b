"""Render: Jinja2 templates turn a Plan into Markdown. Templates word and lay out; every
number and decision comes from the Plan."""

from __future__ import annotations

import math
import re
import shlex
from importlib import resources
from pathlib import Path

import jinja2

from planner.models.plan import Plan

HOSTNAME_OK = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def shell_quote(value) -> str:
    """Quote any value that reaches a shell command in a runbook."""
    return shlex.quote(str(value))


def hostname(value: str) -> str:
    """A deterministic hostname label for a name that may not be one."""
    label = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")[:63].strip("-")
    return label or "group"


def money(value: float, currency: str = "") -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {currency}".strip()


def pct(value: float) -> str:
    """A share as a percentage that never rounds a shortfall away (99.6% is not 100%)."""
    if 0.995 <= value < 1 - 1e-9:
        return f"{math.floor(1000 * value) / 10:.1f}%"
    if 0 < value < 0.005:
        return "<1%"
    return f"{100 * value:.0f}%"


def md_cell(value) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _templates_dir() -> str:
    """templates/ ships as the package `planner.templates`; a bare checkout has it beside."""
    try:
        return str(resources.files("planner.templates"))
    except ModuleNotFoundError:
        return str(Path(__file__).resolve().parent.parent / "templates")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_templates_dir()),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(shq=shell_quote, hostname=hostname, money=money, pct=pct, cell=md_cell)
    return env


def _hour(hour: int | None) -> str:
    return "not within the horizon" if hour is None else f"hour {hour}"


def render_runbook(plan: Plan, template: str = "runbook.md.j2") -> str:
    """The Markdown runbook of a Plan."""
    providers = {p.id: p for p in plan.catalog.providers}
    vendors = {v.id: v for v in plan.catalog.services}
    by_provider: dict[str, list] = {}
    for a in plan.assignments:
        by_provider.setdefault(a.provider, []).append(a)
    stale: dict[str, list] = {}
    for fact in plan.stale_facts:
        stale.setdefault(fact.entry, []).append(fact)
    text = _environment().get_template(template).render(
        plan=plan, providers=providers, vendors=vendors, by_provider=by_provider,
        stale=stale, hour=_hour, currency=plan.costs.currency)
    return re.sub(r"\n{3,}", "\n\n", text)
