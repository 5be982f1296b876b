"""What the DNS, email and SMS sections show, read off the Plan's service rows."""

from __future__ import annotations

from dataclasses import dataclass

from planner.models.catalog import ServiceOffering, ServiceVendor
from planner.models.plan import Plan, ServiceRow
from planner.report import timeline
from planner.report.filters import hour_or_never, md_text
from planner.report.shell.dns import (
    DNS_IMPORT_SOURCES,
    octodns_config,
    zone_check,
    zone_export,
    zone_import,
    zone_public_check,
)
from planner.report.shell.email import PTR_CHECK, dkim_keygen, sender_dns


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


def _email_records(plan: Plan, views: list[ServiceView]) -> list[dict]:
    """Per sending domain: the SPF, DKIM, DMARC and vendor records to publish."""
    email = plan.inventory.services.email
    if email is None:
        return []
    out = []
    for domain in email.sending_domains:
        spf_parts, dkim, extra = [], [], []
        for v in views:
            sender = sender_dns(v.vendor.id, v.vendor.website)
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


def _reach_checkpoints(plan: Plan) -> list[dict]:
    """The users' reach at the cut-off, a day later and at the horizon, where it is known."""
    if plan.users is None:
        return []
    reach, cutoff = plan.users.reach_by_hour, plan.inventory.cutoff
    hours = sorted({h for h in (cutoff, cutoff + 24, plan.horizon_hours) if h < len(reach)})
    return [{"hour": h, "share": reach[h]} for h in hours]


def dns_context(plan: Plan) -> dict:
    dns = plan.inventory.services.dns
    views = _service_views(plan, "dns")
    zones = dns.zones if dns else []
    return dict(
        dns_views=views,
        dns_full=[f"{hour_or_never(v.full_from)} at {v.vendor.id}" for v in views],
        dns_ttl_hours=max(dns.current_ns_ttl_seconds, dns.parent_ttl) / 3600 if dns else 0,
        reach_checkpoints=_reach_checkpoints(plan),
        zone_exports={z: zone_export(z, dns.current_vendor) for z in zones},
        zone_imports={(v.vendor.id, z): zone_import(v.vendor.id, v.vendor.website, z)
                      for v in views for z in zones},
        zone_checks={z: zone_check(z) for z in zones},
        zone_public_checks={z: zone_public_check(z) for z in zones},
        dns_import_sources=DNS_IMPORT_SOURCES,
        octodns=octodns_config(zones, [v.vendor.id for v in views])
        if len(views) >= 2 else [])


def email_context(plan: Plan) -> dict:
    email = plan.inventory.services.email
    views = _service_views(plan, "email")
    senders = [sender_dns(v.vendor.id, v.vendor.website) for v in views]
    return dict(
        email_views=views,
        warmups={v.vendor.id: _warmup(v, email.messages_per_day) for v in views}
        if email else {},
        email_records=_email_records(plan, views),
        email_sources=sorted({s.source for s in senders if s is not None}),
        self_hosted_email=[v for v in views if v.vendor.website is None],
        dkim_keygen={d: dkim_keygen(d) for d in (email.sending_domains if email
                                                       else [])},
        ptr_check=PTR_CHECK)


def sms_context(plan: Plan) -> dict:
    views = _service_views(plan, "sms")
    candidates = _sms_candidates(plan)
    channels = ([(v.vendor, v.offering) for v in views]
                + [(vendor, o) for vendor, offerings in candidates for o in offerings])
    return dict(sms_views=views, sms_candidates=candidates, sms_channels=channels,
                sms_kinds={channel_kind(o.id) for _, o in channels})
