"""What `planner catalog list` and `planner catalog show` print: pure formatting of a Catalog."""

from __future__ import annotations

import json

from planner.domain.facts import walk_facts
from planner.models.base import LeadTime, Series
from planner.models.catalog import Catalog, Provider
from planner.models.provider_facts import WorkingHours

KINDS = ("cloud", "bare_metal", "colocation", "self_hosted", "sms", "email", "dns",
         "object_storage")


def entries(catalog: Catalog, kind: str | None = None) -> list:
    return [e for e in [*catalog.providers, *catalog.services] if kind in (None, e.kind)]


def summary_row(entry) -> dict:
    """The facts that decide a fast exit, one row per provider or vendor."""
    row = {
        "id": entry.id, "name": entry.name, "kind": entry.kind,
        "organization": entry.organization, "jurisdiction": entry.jurisdiction,
        "currency": entry.currency, "cli": entry.cli,
        "onboarding_hours": entry.onboarding_hours.value,
        "refusal_risk": entry.refusal_risk.value, "end_of_life": entry.end_of_life,
        "offerings": [o.id for o in entry.offerings],
        "estimates": sum(f.estimate for _, f in walk_facts(entry)),
        "facts": sum(1 for _ in walk_facts(entry)),
    }
    if isinstance(entry, Provider):
        row["quota_servers"] = entry.quota_servers.value
        row["quota_raise_servers"] = (entry.quota_raise_servers.value
                                      if entry.quota_raise_servers else None)
        row["provision_rate_per_hour"] = entry.provision_rate_per_hour.value
    return row


def list_json(catalog: Catalog, kind: str | None = None) -> str:
    return json.dumps([summary_row(e) for e in entries(catalog, kind)], indent=2)


def list_table(catalog: Catalog, kind: str | None = None) -> str:
    header = ("id", "kind", "juris.", "onboard h", "quota", "offerings", "refusal", "estimates")
    rows = [header]
    for entry in entries(catalog, kind):
        r = summary_row(entry)
        quota = ""
        if "quota_servers" in r:
            quota = f"{r['quota_servers']:g}" + (f"->{r['quota_raise_servers']:g}"
                                                 if r["quota_raise_servers"] else "")
        rows.append((r["id"] + (" (end of life " + r["end_of_life"] + ")"
                                if r["end_of_life"] else ""),
                     r["kind"], r["jurisdiction"], f"{r['onboarding_hours']:g}", quota,
                     str(len(r["offerings"])), f"{r['refusal_risk']:.0%}",
                     f"{r['estimates']}/{r['facts']}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                     for row in rows)


def _shown(fact) -> str:
    """A sourced value as `catalog show` prints it: a number (with its p90 and clock when
    it is a lead time), a step curve, or working hours."""
    if isinstance(fact, WorkingHours):
        return f"{', '.join(fact.days)} {fact.opens}-{fact.closes} {fact.time_zone}"
    if isinstance(fact, Series):
        return f"{fact.values} every {fact.every_hours:g} h"
    text = str(fact.value)
    if isinstance(fact, LeadTime) and fact.p90 is not None:
        text += f" (p90 {fact.p90:g})"
    if isinstance(fact, LeadTime) and fact.clock == "business":
        text += " business hours"
    return text


def show_text(entry) -> str:
    """Every fact of one entry with its provenance."""
    lines = [f"{entry.id}: {entry.name} ({entry.kind}, {entry.jurisdiction}, "
             f"prices in {entry.currency})"]
    for label, value in (("organization", entry.organization), ("cli", entry.cli),
                         ("website", entry.website), ("end of life", entry.end_of_life),
                         ("end of sale", entry.end_of_sale),
                         ("refusal evidence", entry.refusal_evidence)):
        if value:
            lines.append(f"  {label}: {value}")
    for path, fact in walk_facts(entry):
        value = _shown(fact)
        flag = " (estimate)" if fact.estimate else ""
        lines.append(f"  {path} = {value}{flag}  [{fact.source}; as of {fact.as_of}]")
        if fact.note:
            lines.append(f"      note: {fact.note}")
    for r in getattr(entry, "regions", None) or []:
        sells = ", ".join(r.offerings) if r.offerings is not None else "all offerings"
        flag = " (estimate)" if r.estimate else ""
        lines.append(f"  regions[{r.id}] = {r.city or r.metro}, {r.country} (metro {r.metro}, "
                     f"{r.lat:g}, {r.lon:g}); {sells}{flag}  [{r.source}; as of {r.as_of}]")
    return "\n".join(lines)
