"""Render: Jinja2 templates turn a Plan into Markdown. Templates word and lay out; every
number and decision comes from the Plan.

This module prepares what the templates show, without deciding anything: it groups rows,
turns names into hostnames, reads batches and durations off the Plan's hour-by-hour lists,
and asks `planner.report.shell` for the shell commands (quoted there) and
`planner.report.timeline` for
the gantt chart. Two documents share the same partials: the `runbook` (what to do, hour by
hour) and the `exit-plan` (the same plan in the shape regulators ask for).

The work is split by job: the Jinja2 filters are in `planner.report.filters`, hostname labels
in `planner.report.names`, the server, copy and risk sections in `planner.report.sections` and
the DNS, email and SMS sections in `planner.report.services`. This module builds the
environment and the whole context, renders, and re-exports the names of those modules.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import jinja2

from planner.models.plan import Plan
from planner.report import shell, timeline
from planner.report.filters import (
    CAUSE_TITLE,
    HOSTNAME_OK,
    MD_SPECIAL,
    MD_UNDERSCORE,
    _hour,
    capacity,
    cause_title,
    code_cell,
    code_span,
    fenced,
    hostname,
    hour_span,
    hours_text,
    md_cell,
    md_text,
    money,
    num,
    pct,
    sentence,
    share,
    shell_quote,
)
from planner.report.names import GROUP_LABEL_MAX, PROVIDER_LABEL_MAX, NameMap, Renamed, name_map
from planner.report.sections import (
    CauseGroup,
    CauseItem,
    Checkpoint,
    Concentration,
    CopyView,
    GroupRisk,
    ProviderView,
    _alternatives,
    _concentration,
    _copy_context,
    _copy_views,
    _group_risks,
    _provider_views,
    _summary_context,
)
from planner.report.services import (
    ServiceView,
    WarmupDay,
    _dns_context,
    _email_context,
    _sms_context,
    channel_kind,
)

# The public names of the modules above, re-exported: importers keep
# `from planner.report.render import`.
__all__ = [
    "CAUSE_TITLE", "GROUP_LABEL_MAX", "HOSTNAME_OK", "KIND_LABEL", "MD_SPECIAL", "MD_UNDERSCORE",
    "PROVIDER_LABEL_MAX", "TEMPLATES", "CauseGroup", "CauseItem", "Checkpoint", "Concentration",
    "CopyView", "GroupRisk", "NameMap", "ProviderView", "Renamed", "ServiceView", "WarmupDay",
    "capacity", "cause_title", "channel_kind", "code_cell", "code_span", "context", "fenced",
    "hostname", "hour_span", "hours_text", "md_cell", "md_text", "money", "name_map", "num", "pct",
    "render_runbook", "sentence", "share", "shell_quote", "template_file",
]


KIND_LABEL = {"group": "Servers", "sms": "SMS", "email": "Email", "dns": "DNS",
              "object_storage": "Object storage"}
TEMPLATES = {"runbook": "runbook.md.j2", "exit-plan": "exit-plan.md.j2"}


# --- environment and entry point ----------------------------------------------------------


def _templates_dir() -> str:
    """templates/ ships as the package `planner.templates`; a bare checkout has it beside."""
    try:
        return str(resources.files("planner.templates"))
    except ModuleNotFoundError:
        return str(Path(__file__).resolve().parents[2] / "templates")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_templates_dir()),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(shq=shell_quote, hostname=hostname, money=money, pct=pct, cell=md_cell,
                       md=md_text, code=code_span, code_cell=code_cell, fenced=fenced, num=num,
                       hours=hours_text, channel_kind=channel_kind, capacity=capacity,
                       share=share, sentence=sentence, cause=cause_title)
    return env


def template_file(template: str) -> str:
    """The file of a template name ("runbook", "exit-plan"); file names pass through."""
    if template in TEMPLATES:
        return TEMPLATES[template]
    if template in TEMPLATES.values():
        return template
    raise ValueError(f"unknown template {template!r}: choose one of {sorted(TEMPLATES)}")


def context(plan: Plan) -> dict:
    """Everything the templates show, read off the Plan."""
    names = name_map(plan)
    providers = {p.id: p for p in plan.catalog.providers}
    vendors = {v.id: v for v in plan.catalog.services}
    entries = {**vendors, **providers}
    views = _provider_views(plan, names)
    stale: dict[str, list] = {}
    for fact in plan.stale_facts:
        stale.setdefault(fact.entry, []).append(fact)
    source = providers.get(plan.inventory.source.provider)
    placed_total = sum(v.placed for v in views)
    return dict(
        plan=plan, inv=plan.inventory, currency=plan.costs.currency, providers=providers,
        vendors=vendors, source=source, names=names, provider_views=views, stale=stale,
        hour=_hour, hour_span=hour_span, kind_label=KIND_LABEL,
        gantt=timeline.build(plan, names.group),
        coverage={c.demand: c for c in plan.coverage},
        used_entries=[entries[i] for i in plan.providers_used if i in entries],
        group_risks=_group_risks(plan), concentration=_concentration(views, placed_total),
        placed_total=placed_total, survive=plan.inventory.policy.survive_provider_losses,
        alternatives=_alternatives(plan, {a.provider for a in plan.assignments}),
        replan=shell.REPLAN,
        **_summary_context(plan, views, entries),
        **_copy_context(plan, _copy_views(plan, names), source, vendors),
        **_dns_context(plan), **_email_context(plan), **_sms_context(plan),
    )


def render_template(name: str, **values) -> str:
    """Any template of templates/, tidied: no trailing spaces, at most one blank line."""
    text = _environment().get_template(name).render(**values)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def render_runbook(plan: Plan, template: str = "runbook") -> str:
    """The Markdown document of a Plan: "runbook" (default) or "exit-plan"."""
    return render_template(template_file(template), **context(plan))
