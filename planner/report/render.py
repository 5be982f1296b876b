"""Render: Jinja2 templates turn a Plan into Markdown. Templates word and lay out; every
number and decision comes from the Plan.

This module prepares what the templates show, without deciding anything: it groups rows,
turns names into hostnames, reads batches and durations off the Plan's hour-by-hour lists,
and asks `planner.report.shell` for the shell commands (quoted there) and
`planner.report.timeline` for
the gantt chart. Two documents share the same partials: the `runbook` (what to do, hour by
hour) and the `exit-plan` (the same plan in the shape regulators ask for).

The work is split by job: the Jinja2 filters are in `planner.report.filters`, hostname labels
in `planner.report.names`, the server sections in `planner.report.servers`, the copies in
`planner.report.copies`, the risk sections in `planner.report.sections` and
the DNS, email and SMS sections in `planner.report.services`. This module builds the
environment and the whole context, and renders.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

import jinja2

from planner.domain.labour import work_overdue
from planner.domain.location import INTRA_METRO_RTT_MS, ROUTE_FACTOR
from planner.models.plan import Plan
from planner.report import timeline
from planner.report.bill import bill_context
from planner.report.calendar import calendar_context
from planner.report.copies import copy_context, copy_views
from planner.report.cutover import cutovers
from planner.report.export.opentofu import module_rows
from planner.report.filters import (
    capacity,
    cause_title,
    code_cell,
    code_span,
    count,
    fenced,
    hostname,
    hour_or_never,
    hour_span,
    hours_text,
    md_cell,
    md_text,
    money,
    num,
    pct,
    points,
    sentence,
    share,
    shell_quote,
    signed,
    signed_money,
)
from planner.report.home import home_context
from planner.report.location import location_context
from planner.report.names import name_map
from planner.report.sections import (
    alternatives_of,
    concentration_of,
    group_risks_of,
    summary_context,
)
from planner.report.servers import hosts_of, provider_views_of
from planner.report.services import (
    channel_kind,
    dns_context,
    email_context,
    sms_context,
)
from planner.report.shell.compute import REPLAN
from planner.report.work import shift_rows

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


@functools.cache
def _environment() -> jinja2.Environment:
    """One per process: it keeps the templates it compiled (0.3 s of each render of the 2021
    plan went to compiling them again; nothing is cached on disk)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_templates_dir()),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(shq=shell_quote, hostname=hostname, money=money, pct=pct, cell=md_cell,
                       md=md_text, code=code_span, code_cell=code_cell, fenced=fenced, num=num,
                       hours=hours_text, channel_kind=channel_kind, capacity=capacity,
                       share=share, sentence=sentence, cause=cause_title,
                       signed=signed, signed_money=signed_money, points=points, count=count)
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
    views = provider_views_of(plan, names)
    hosts = hosts_of(views)  # once, for the copies, the cut-overs and the locations
    stale: dict[str, list] = {}
    for fact in plan.stale_facts:
        stale.setdefault(fact.entry, []).append(fact)
    source = providers.get(plan.inventory.source.provider)
    placed_total = sum(v.placed for v in views)
    return dict(
        plan=plan, inv=plan.inventory, currency=plan.costs.currency, providers=providers,
        vendors=vendors, source=source, names=names, provider_views=views, stale=stale,
        as_code=[v.provider.id for v in views if module_rows(v)[1]],
        hour=hour_or_never, hour_span=hour_span, kind_label=KIND_LABEL,
        risk=lambda p: "unknown" if p is None else pct(p),
        gantt=timeline.build(plan, names.group),
        coverage={c.demand: c for c in plan.coverage},
        used_entries=[entries[i] for i in plan.providers_used if i in entries],
        group_risks=group_risks_of(plan), concentration=concentration_of(views, placed_total),
        placed_total=placed_total, survive=plan.inventory.policy.survive_provider_losses,
        alternatives=alternatives_of(plan, {a.provider for a in plan.assignments}),
        replan=REPLAN,
        **summary_context(plan, views, entries),
        **copy_context(plan, copy_views(plan, names, hosts), source, vendors),
        cutovers=cutovers(plan, names, hosts),
        **dns_context(plan), **email_context(plan), **sms_context(plan),
        **work_context(plan), **bill_context(plan, views), **calendar_context(plan),
        **home_context(plan),
        **location_context(plan, hosts),
        intra_metro_ms=INTRA_METRO_RTT_MS, route_factor=ROUTE_FACTOR,
    )


def work_context(plan: Plan) -> dict:
    """The work schedule's figures: work due and team hours at the shift changes up to the
    deadline and at the deadline and horizon, the first hour the team falls short, and the
    shifts with their tasks (planner/report/work.py)."""
    if plan.work is None:
        return {"work_checkpoints": [], "work_late": None, "work_shifts": []}
    D, H = plan.deadline_hours, plan.horizon_hours
    starts = {s.start_hour + 24 * day for s in plan.inventory.crew.shifts
              for day in range(H // 24 + 1)}
    points = sorted({t for t in starts if 0 < t <= D} | {D // 4, D // 2, 3 * D // 4, D, H} - {0})
    late = work_overdue(plan.work)
    return {"work_checkpoints": points, "work_late": late[0] if late else None,
            "work_shifts": shift_rows(plan)}


def render_template(name: str, **values) -> str:
    """Any template of templates/, tidied: no trailing spaces, at most one blank line."""
    text = _environment().get_template(name).render(**values)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def render_runbook(plan: Plan, template: str = "runbook") -> str:
    """The Markdown document of a Plan: "runbook" (default) or "exit-plan"."""
    return render_template(template_file(template), **context(plan))
