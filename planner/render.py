"""Render: Jinja2 templates turn a Plan into Markdown. Templates word and lay out; every
number and decision comes from the Plan.

This module prepares what the templates show, without deciding anything: it groups rows,
turns names into hostnames, reads batches and durations off the Plan's hour-by-hour lists,
and asks `planner.commands` for the shell commands (quoted there) and `planner.timeline` for
the gantt chart. Two documents share the same partials: the `runbook` (what to do, hour by
hour) and the `exit-plan` (the same plan in the shape regulators ask for).
"""

from __future__ import annotations

import hashlib
import math
import re
import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from planner import commands, timeline
from planner.models.catalog import Provider, ServiceOffering, ServiceVendor
from planner.models.plan import Plan, ServiceRow

HOSTNAME_OK = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
CAUSE_TITLE = {"no_fit": "No fit", "dns_ttl": "DNS TTL", "source_cutoff": "Source cut-off",
               "warm_up": "Warm-up", "end_of_life": "End of life"}
KIND_LABEL = {"group": "Servers", "sms": "SMS", "email": "Email", "dns": "DNS",
              "object_storage": "Object storage"}
TEMPLATES = {"runbook": "runbook.md.j2", "exit-plan": "exit-plan.md.j2"}
GROUP_LABEL_MAX = 30  # group label + "-" + provider label (20) + "-" + index stays <= 63
PROVIDER_LABEL_MAX = 20


# --- filters ------------------------------------------------------------------------------


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


def num(value: float) -> str:
    """A count or size: thousands separated, no decimals unless it is small."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2g}"


MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~])")
MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md_text(value) -> str:
    """Plain text safe in Markdown prose: one line, markup characters escaped."""
    text = " ".join(str(value).split())
    text = MD_SPECIAL.sub(r"\\\1", text)
    text = MD_UNDERSCORE.sub(r"\\_", text)
    return re.sub(r"^([#+=-])", r"\\\1", text)


def md_cell(value) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def code_span(value) -> str:
    """A name shown verbatim as inline code, whatever backticks it holds."""
    text = " ".join(str(value).split())
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_cell(value) -> str:
    """A code span inside a table cell (GitHub needs the pipes escaped even there)."""
    return code_span(value).replace("|", "\\|")


def fenced(body: str, lang: str = "", indent: int = 0) -> str:
    """A fenced code block longer than any backtick run inside it, optionally indented."""
    body = body.strip("\n")
    run = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, run + 1)
    pad = " " * indent
    lines = [f"{fence}{lang}"] + body.split("\n") + [fence]
    return "\n".join((pad + line) if line else "" for line in lines)


def capacity(offering, measure: str) -> str:
    """The last value of a service offering's capacity curve, or "-" without one."""
    curve = offering.capacity.get(measure)
    return num(curve.values[-1]) if curve else "-"


def hours_text(value: float) -> str:
    """Hours from a catalog fact: whole when whole, thousands separated."""
    return f"{value:,g}"


def share(value: float) -> str:
    """A small share with one decimal, so 0.5% does not read as 0%."""
    if 0 < value < 0.001:
        return "<0.1%"
    if 0 < value < 0.1:
        return f"{100 * value:.1f}%"
    return pct(value)


def sentence(value) -> str:
    """Planner wording as a sentence: escaped, first letter upper case, one final stop."""
    text = md_text(value).rstrip(".")
    return (text[:1].upper() + text[1:] + ".") if text else ""


def cause_title(code: str) -> str:
    return CAUSE_TITLE.get(code, code.replace("_", " ").capitalize())


def hour_span(first: int, last: int) -> str:
    return f"hour {first}" if first == last else f"hours {first} to {last}"


# --- names --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Renamed:
    name: str
    label: str
    reason: str


def _labels(names: list[str], max_len: int) -> tuple[dict[str, str], list[Renamed]]:
    """Unique hostname labels for `names`; colliding labels get a hash of the name."""
    base = {n: hostname(n)[:max_len].strip("-") or "x" for n in names}
    seen: dict[str, list[str]] = {}
    for n in names:
        seen.setdefault(base[n], []).append(n)
    labels: dict[str, str] = {}
    notes: list[Renamed] = []
    for n in names:
        label = base[n]
        clash = [m for m in seen[label] if m != n]
        if clash:
            digest = hashlib.sha256(n.encode()).hexdigest()[:6]
            label = f"{label[:max_len - 7].rstrip('-')}-{digest}"
            reason = ("made unique with a hash of the name: " + ", ".join(
                code_span(m) for m in clash) + " gave the same label")
        elif label != n:
            reason = ("shortened to a hostname label" if hostname(n) == n
                      else "not a valid hostname label")
        else:
            reason = ""
        while label in labels.values():  # a hash collision: keep it deterministic anyway
            label = f"{label[:max_len - 2]}-x"
        labels[n] = label
        if reason:
            notes.append(Renamed(n, label, reason))
    return labels, notes


@dataclass(frozen=True)
class NameMap:
    group: dict[str, str]
    provider: dict[str, str]
    renamed: list[Renamed]

    def prefix(self, group: str, provider: str) -> str:
        return f"{self.group[group]}-{self.provider[provider]}"


def name_map(plan: Plan) -> NameMap:
    groups, g_notes = _labels([g.name for g in plan.inventory.groups], GROUP_LABEL_MAX)
    pids = [p.id for p in plan.catalog.providers]
    providers, p_notes = _labels(pids, PROVIDER_LABEL_MAX)
    return NameMap(groups, providers, g_notes + [r for r in p_notes
                                                 if r.name in plan.providers_used])


# --- views --------------------------------------------------------------------------------


@dataclass
class ProviderView:
    provider: Provider
    rows: list[commands.Row]
    steps: commands.ToolSteps
    placed: int
    first_hour: int
    ready_hour: int
    needs_raise: bool

    @property
    def offerings(self) -> list:
        """Each offering once, in the order of the rows."""
        seen: dict[str, object] = {}
        for row in self.rows:
            seen.setdefault(row.offering.id, row.offering)
        return list(seen.values())


def _provider_views(plan: Plan, names: NameMap) -> list[ProviderView]:
    providers = {p.id: p for p in plan.catalog.providers}
    schedule = {(s.group, s.provider, s.offering): s.up_by_hour for s in plan.schedule}
    order: list[str] = []
    for a in plan.assignments:
        if a.provider not in order:
            order.append(a.provider)
    views = []
    for pid in order:
        provider = providers[pid]
        offerings = {o.id: o for o in provider.offerings}
        next_index: dict[str, int] = {}
        rows = []
        for a in (a for a in plan.assignments if a.provider == pid):
            start = next_index.get(a.group, 1)
            next_index[a.group] = start + a.count
            steps = timeline.batches(schedule.get((a.group, pid, a.offering), []))
            if not steps or steps[-1][1] < a.count:
                steps.append((a.ready_hour, a.count))
            made, batches = 0, []
            for hour, total in steps:
                total = min(total, a.count)
                if total > made:
                    batches.append(commands.Batch(hour, start + made, start + total - 1))
                    made = total
            rows.append(commands.Row(
                group=a.group, label=names.prefix(a.group, pid), offering=offerings[a.offering],
                count=a.count, first_index=start, last_index=start + a.count - 1,
                first_hour=a.first_hour, ready_hour=a.ready_hour, batches=tuple(batches)))
        placed = sum(r.count for r in rows)
        views.append(ProviderView(
            provider=provider, rows=rows, steps=commands.tool_steps(provider, rows),
            placed=placed, first_hour=min(r.first_hour for r in rows),
            ready_hour=max(r.ready_hour for r in rows),
            needs_raise=placed > provider.quota_servers.value))
    return views


@dataclass
class CopyView:
    demand: str
    is_group: bool
    target: str
    gb: float
    first_hour: int
    last_hour: int
    active_hours: int
    peak_gb: float
    peak_gbps: float
    servers: int = 0
    per_server_gb: float = 0.0
    label: str = ""
    lines: list[str] = field(default_factory=list)
    verify: list[str] = field(default_factory=list)


def _copy_views(plan: Plan, names: NameMap) -> list[CopyView]:
    groups = {g.name: g for g in plan.inventory.groups}
    views = []
    for c in plan.copies:
        hours = [h for h, gb in enumerate(c.gb_by_hour) if gb > 0]
        if not hours:
            continue
        peak = max(c.gb_by_hour)
        view = CopyView(demand=c.demand, is_group=c.demand in groups, target=c.target,
                        gb=sum(c.gb_by_hour), first_hour=hours[0], last_hour=hours[-1],
                        active_hours=len(hours), peak_gb=peak, peak_gbps=peak * 8 / 3600)
        if view.is_group:
            group = groups[c.demand]
            view.servers = sum(a.count for a in plan.assignments
                               if a.group == c.demand and a.provider == c.target)
            view.per_server_gb = group.data_gb / group.count
            view.label = names.prefix(c.demand, c.target) if c.target in names.provider else ""
            view.lines = commands.rsync_copy(view.label, 1, max(view.servers, 1))
            view.verify = commands.rsync_verify(view.label, 1, max(view.servers, 1))
        else:
            view.lines = commands.rclone_copy(c.target)
        views.append(view)
    return views


@dataclass
class ServiceView:
    row: ServiceRow
    vendor: ServiceVendor
    offering: ServiceOffering
    serving_from: int | None
    full_from: int | None
    share_at_deadline: float
    share_at_horizon: float


def _service_views(plan: Plan, kind: str) -> list[ServiceView]:
    vendors = {v.id: v for v in plan.catalog.services}
    out = []
    for s in plan.services:
        if s.kind != kind:
            continue
        vendor = vendors[s.vendor]
        out.append(ServiceView(
            row=s, vendor=vendor, offering=next(o for o in vendor.offerings if o.id == s.offering),
            serving_from=timeline.first_hour_serving(s.share_by_hour),
            full_from=timeline.first_hour_full(s.share_by_hour),
            share_at_deadline=s.share_by_hour[plan.deadline_hours],
            share_at_horizon=s.share_by_hour[-1]))
    return out


@dataclass
class WarmupDay:
    day: int
    hour: int
    per_day: float
    share: float


def _warmup(view: ServiceView, per_day_demand: float) -> list[WarmupDay]:
    curve = view.offering.capacity.get("messages_per_day")
    if curve is None or len(curve.values) < 2 or view.serving_from is None:
        return []
    return [WarmupDay(i + 1, view.serving_from + timeline.ready_hour(curve.every_hours * i),
                      value, value / per_day_demand)
            for i, value in enumerate(curve.values)]


@dataclass
class CauseItem:
    detail: str
    remedy: str | None
    demands: list[str]


@dataclass
class CauseGroup:
    code: str
    items: list[CauseItem]

    @property
    def common_remedy(self) -> str | None:
        """The remedy, when every item of the group has the same one."""
        remedies = {i.remedy for i in self.items}
        return remedies.pop() if len(remedies) == 1 else None


def _cause_groups(plan: Plan) -> list[CauseGroup]:
    """Causes of all shortfalls, each detail once, with the demands it holds back."""
    groups: dict[str, CauseGroup] = {}
    for s in plan.shortfalls:
        for c in s.causes:
            group = groups.setdefault(c.code, CauseGroup(c.code, []))
            item = next((i for i in group.items
                         if i.detail == c.detail and i.remedy == c.remedy), None)
            if item is None:
                group.items.append(CauseItem(c.detail, c.remedy, [s.demand]))
            elif s.demand not in item.demands:
                item.demands.append(s.demand)
    return list(groups.values())


@dataclass
class Checkpoint:
    hour: int
    serving: int
    share: float


def _checkpoints(plan: Plan) -> list[Checkpoint]:
    """Hours at which the number of serving servers changes, plus the deadline."""
    rows = [c.served_by_hour for c in plan.coverage if c.kind == "group"]
    totals = [round(sum(r[h] for r in rows)) for h in range(plan.horizon_hours + 1)]
    out, last = [], 0
    for hour, total in enumerate(totals):
        if total != last or hour == plan.deadline_hours:
            out.append(Checkpoint(hour, total, total / max(plan.servers_total, 1)))
            last = total
    return out


@dataclass
class GroupRisk:
    group: str
    total: int
    placed: int
    largest: list[tuple[str, int]]  # the k largest holders (provider, servers)
    left: int
    share_left: float
    share_left_placed: float
    top_provider: str
    top_share: float


def _group_risks(plan: Plan) -> list[GroupRisk]:
    k = plan.inventory.policy.survive_provider_losses
    out = []
    for g in plan.inventory.groups:
        holders: dict[str, int] = {}
        for a in plan.assignments:
            if a.group == g.name:
                holders[a.provider] = holders.get(a.provider, 0) + a.count
        ranked = sorted(holders.items(), key=lambda kv: (-kv[1], kv[0]))
        placed = sum(holders.values())
        lost = ranked[:k]
        left = placed - sum(n for _, n in lost)
        top = ranked[0] if ranked else ("-", 0)
        out.append(GroupRisk(g.name, g.count, placed, lost, left, left / g.count,
                             left / placed if placed else 0.0, top[0], top[1] / g.count))
    return out


@dataclass
class Concentration:
    provider: str
    servers: int
    share: float


def _concentration(views: list[ProviderView], placed_total: int) -> list[Concentration]:
    rows = [Concentration(v.provider.id, v.placed, v.placed / max(placed_total, 1))
            for v in views]
    return sorted(rows, key=lambda r: (-r.servers, r.provider))


def _email_records(plan: Plan, views: list[ServiceView]) -> list[dict]:
    """Per sending domain: the SPF, DKIM, DMARC and vendor records to publish."""
    email = plan.inventory.services.email
    if email is None:
        return []
    out = []
    for domain in email.sending_domains:
        spf_parts, dkim, extra = [], [], []
        for v in views:
            sender = commands.sender_dns(v.vendor.id, v.vendor.website)
            if sender is None:
                dkim.append((v.vendor.id, "TXT (or CNAME) at the host and with the value "
                             f"{md_text(v.vendor.name)} shows for the domain"))
                spf_parts.append(f"include:<SPF domain of {v.vendor.id}>")
                continue
            if sender.spf and sender.spf not in spf_parts:
                spf_parts.append(sender.spf)
            dkim.append((v.vendor.id, sender.dkim))
            extra += [(f"{name}.{domain}.", rtype, value) for name, rtype, value in sender.extra]
        spf = "v=spf1 " + " ".join(spf_parts + ["~all"])
        dmarc = f"v=DMARC1; p=none; rua=mailto:dmarc@{domain}"
        lines = [f"{domain}.  TXT  \"{spf}\"", f"_dmarc.{domain}.  TXT  \"{dmarc}\""]
        lines += [f"{name}  {rtype}  {value}" for name, rtype, value in extra]
        out.append({"domain": domain, "lines": lines, "dkim": dkim})
    return out


def _sms_candidates(plan: Plan) -> list[tuple[ServiceVendor, list[ServiceOffering]]]:
    sms = plan.inventory.services.sms
    countries = set(sms.countries) if sms else set()
    out = []
    for vendor, _ in timeline.sms_candidates(plan):
        offerings = [o for o in vendor.offerings
                     if o.countries is None or countries & set(o.countries)]
        out.append((vendor, offerings))
    return out


def channel_kind(offering_id: str) -> str:
    """The SMS channel family an offering belongs to, for its registration steps."""
    for key in ("10dlc", "toll-free", "short-code"):
        if key in offering_id:
            return key
    return "other"


def _alternatives(plan: Plan, used: set[str]) -> list:
    """Compute providers in the catalog that were eligible but not chosen."""
    excluded = {e.id for e in plan.excluded}
    return [p for p in plan.catalog.providers if p.id not in used and p.id not in excluded]


# --- environment and entry point ----------------------------------------------------------


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
    env.filters.update(shq=shell_quote, hostname=hostname, money=money, pct=pct, cell=md_cell,
                       md=md_text, code=code_span, code_cell=code_cell, fenced=fenced, num=num,
                       hours=hours_text, channel_kind=channel_kind, capacity=capacity,
                       share=share, sentence=sentence, cause=cause_title)
    return env


def _hour(hour: int | None) -> str:
    return "not within the horizon" if hour is None else f"hour {hour}"


def template_file(template: str) -> str:
    """The file of a template name ("runbook", "exit-plan"); file names pass through."""
    if template in TEMPLATES:
        return TEMPLATES[template]
    if template in TEMPLATES.values():
        return template
    raise ValueError(f"unknown template {template!r}: choose one of {sorted(TEMPLATES)}")


def _summary_context(plan: Plan, views: list[ProviderView], entries: dict) -> dict:
    return dict(
        service_coverage=[(c.kind, c.served_by_hour[plan.deadline_hours] / c.total)
                          for c in plan.coverage if c.kind != "group" and c.total > 0],
        accounts_by_onboarding=[
            f"{e.id} ({hours_text(e.onboarding_hours.value)} h)"
            for e in sorted((entries[i] for i in plan.providers_used if i in entries),
                            key=lambda e: (-e.onboarding_hours.value, e.id))],
        quota_raises=[f"{v.provider.id} (to {num(v.provider.quota_raise_servers.value)} servers)"
                      for v in views if v.needs_raise and v.provider.quota_raise_servers],
        causes=_cause_groups(plan), checkpoints=_checkpoints(plan))


def _copy_context(plan: Plan, copies: list[CopyView], source, vendors: dict) -> dict:
    targets = sorted({c.target for c in copies if not c.is_group})
    return dict(
        copies=copies, copy_gb=sum(c.gb for c in copies),
        copy_start=min((c.first_hour - 1 for c in copies), default=0),
        storage_split=[f"{c.target} ({num(c.gb)} GB)" for c in copies if not c.is_group],
        storage_targets=[f"{t} (<{vendors[t].website}>)" if t in vendors and vendors[t].website
                         else t for t in targets],
        rclone_setup=commands.rclone_setup(source.cli if source else None, targets)
        if targets else [],
        rclone_source=commands.RCLONE_SOURCE,
        rclone_checks=[commands.rclone_check(t) for t in targets],
        rsync_checks=commands.rsync_verify_all(
            [(c.label, c.servers) for c in copies if c.is_group]))


def _dns_context(plan: Plan) -> dict:
    dns = plan.inventory.services.dns
    views = _service_views(plan, "dns")
    zones = dns.zones if dns else []
    return dict(
        dns_views=views,
        dns_full=[f"{_hour(v.full_from)} at {v.vendor.id}" for v in views],
        dns_ttl_hours=(dns.current_ns_ttl_seconds / 3600) if dns else 0,
        zone_exports={z: commands.zone_export(z) for z in zones},
        zone_imports={(v.vendor.id, z): commands.zone_import(v.vendor.id, v.vendor.website, z)
                      for v in views for z in zones},
        zone_checks={z: commands.zone_check(z) for z in zones},
        zone_public_checks={z: commands.zone_public_check(z) for z in zones},
        dns_import_sources=commands.DNS_IMPORT_SOURCES,
        octodns=commands.octodns_config(zones, [v.vendor.id for v in views])
        if len(views) >= 2 else [])


def _email_context(plan: Plan) -> dict:
    email = plan.inventory.services.email
    views = _service_views(plan, "email")
    senders = [commands.sender_dns(v.vendor.id, v.vendor.website) for v in views]
    return dict(
        email_views=views,
        warmups={v.vendor.id: _warmup(v, email.messages_per_day) for v in views}
        if email else {},
        email_records=_email_records(plan, views),
        email_sources=sorted({s.source for s in senders if s is not None}),
        self_hosted_email=[v for v in views if v.vendor.website is None],
        dkim_keygen={d: commands.dkim_keygen(d) for d in (email.sending_domains if email
                                                         else [])},
        ptr_check=commands.PTR_CHECK)


def _sms_context(plan: Plan) -> dict:
    views = _service_views(plan, "sms")
    candidates = _sms_candidates(plan)
    channels = ([(v.vendor, v.offering) for v in views]
                + [(vendor, o) for vendor, offerings in candidates for o in offerings])
    return dict(sms_views=views, sms_candidates=candidates, sms_channels=channels,
                sms_kinds={channel_kind(o.id) for _, o in channels})


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
        replan=commands.REPLAN,
        **_summary_context(plan, views, entries),
        **_copy_context(plan, _copy_views(plan, names), source, vendors),
        **_dns_context(plan), **_email_context(plan), **_sms_context(plan),
    )


def render_runbook(plan: Plan, template: str = "runbook") -> str:
    """The Markdown document of a Plan: "runbook" (default) or "exit-plan"."""
    text = _environment().get_template(template_file(template)).render(**context(plan))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"
