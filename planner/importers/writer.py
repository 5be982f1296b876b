"""Render an import as a commented inventory YAML that `planner validate` accepts.

What the files said is written as values with a comment saying where each came from; what
they could not say is a placeholder value with a `# FILL IN:` comment.
"""

from __future__ import annotations

import yaml
from pydantic import ValidationError

from planner.domain.location import distance_km
from planner.errors import InputError
from planner.importers.grouping import Group
from planner.importers.result import ImportResult
from planner.inputs.loader import PLACEHOLDER, load_catalog, shipped_catalog_paths
from planner.models.inventory import DEFAULT_TEAM, Inventory

FILL = PLACEHOLDER
PLACEHOLDER = {"deadline_hours": 24, "egress_gbps": 1, "tier": 2, "records_per_zone": 100,
               "ns_ttl": 172800, "stored_tb": 1}


def q(value: str) -> str:
    """A double-quoted YAML scalar, whatever the text holds."""
    return yaml.safe_dump(clean(value, 500), default_style='"', allow_unicode=True,
                          width=10**9).strip()


def plain(name: str) -> str:
    """A group name as is where YAML reads it back as that text, else quoted (null, true,
    yes, off, 1e3 are names a tag can give)."""
    try:
        same = yaml.safe_load(name) == name
    except yaml.YAMLError:
        same = False
    return name if same else q(name)


def clean(value: str, limit: int = 160) -> str:
    """Printable text on one line (file content reaches comments and descriptions)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value)).strip()
    return text if len(text) <= limit else text[:limit - 3] + "..."


def num(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    if float(text) == 0 and value != 0:  # keep a tiny value a YAML float (it needs a dot)
        text = f"{value:.15f}".rstrip("0")
    return text


def _header(result: ImportResult, report: str | None, shown: int = 30) -> list[str]:
    lines = ["# Inventory imported by `planner import` from:"]
    for f in result.files:
        lines.append(f"#   {clean(f.path)} ({f.description}): {f.imported} server(s) "
                     f"imported, {f.skipped} skipped")
    lines += [
        "#",
        "# The import wrote what the files say: servers, their shapes and counts, and the",
        "# managed services they use. What the files cannot say is a placeholder marked",
        '# "FILL IN": replace each before trusting a plan (grep -n "FILL IN" on this file).',
        "# Memory is in GiB as providers state it, written as ram_gb. Comments above each",
        "# group say where it came from, and each type's specs cite the source key and date",
        "# of the shipped tables (planner/importers/instance_types/*.csv say what keys mean).",
    ]
    if report:
        lines += ["#", f"# {clean(report)} lists every server read and its group, and every "
                  "entry", "# skipped or ignored, with why."]
    if any(g.depends_on for g in result.groups):
        lines += ["#", "# depends_on lists are inferred from what the files state: security group",
                  "# rules, load balancers' targets, endpoints named in user_data or tags; the",
                  "# evidence is a comment under each. Add what they cannot show."]
    notes = [f"{clean(what)}: {clean(why)}" for what, why in result.skipped[:shown]]
    notes += [f"unknown type {clean(t, 60)} ({len(s)} server entries): give its specs with "
              "--types FILE.csv (type,vcpu,ram_gb,arch)" for t, s in result.unknown.items()]
    if notes:
        lines.append("# Not imported:")
        lines += [f"#   - {n}" for n in notes]
        if len(result.skipped) > shown:
            where = f"all in {clean(report)}" if report else "not listed"
            lines.append(f"#   - ... and {len(result.skipped) - shown} more ({where})")
    return lines + [""]


def _group(g: Group) -> list[str]:
    files = sorted({s.file for s in g.servers})
    lines = [f"  # {g.name}: {g.count} {g.kind}(s) from {', '.join(clean(f) for f in files)}; "
             f"role from {clean(g.role_from, 80)}"]
    specs = {s.spec.describe() for s in g.servers if s.spec}
    lines += [f"  #   {clean(spec, 200)}" for spec in sorted(specs)]
    origins = [s.origin for s in g.servers]
    shown = ", ".join(clean(o, 120) for o in origins[:4])
    lines.append(f"  #   from {shown}" + (f" and {len(origins) - 4} more" if len(origins) > 4
                                          else ""))
    lines += [f"  #   note: {clean(n, 150)}" for n in g.notes]
    kinds = "" if g.kind == "server" else f" ({g.kind})"
    lines += [f"  - name: {plain(g.name)}",
              f"    description: {q(', '.join(g.types) + kinds)}",
              f"    count: {g.count}",
              f"    vcpu: {num(g.vcpu)}",
              f"    ram_gb: {num(g.ram_gb)}"]
    if g.disk_known:
        lines.append(f"    disk_gb: {num(g.disk_gb)}")
    else:
        lines.append(f"    disk_gb: {num(g.disk_gb)}  {FILL} disk per server in GB; the "
                     "files do not give it")
    lines.append(f"    arch: {g.arch}")
    if g.gpu:
        lines.append(f"    gpu_count: {g.gpu}")
    if g.data_known:
        lines.append(f"    data_gb: {num(g.data_gb)}  # from the files: storage to copy, "
                     "whole group")
    else:
        lines.append(f"    data_gb: 0  {FILL} GB of data to copy for the whole group "
                     "(0 = stateless)")
    if g.tier is not None:
        lines.append(f"    tier: {g.tier}")
    else:
        lines.append(f"    tier: {PLACEHOLDER['tier']}  {FILL} 1 critical, 2, 3, 4 can "
                     "wait (placeholder)")
    return lines + _depends(g) + [""]


def _depends(g: Group, shown: int = 3) -> list[str]:
    """depends_on with the evidence for each group it names, as comments below it."""
    if not g.depends_on:
        return []
    names = ", ".join(plain(d) for d in g.depends_on)
    lines = [f"    depends_on: [{names}]  # inferred from the files' evidence below; check it"]
    for dep in g.depends_on:
        why = g.depends_why.get(dep, [])
        lines += [f"    # depends_on {dep}: {clean(w, 400)}" for w in why[:shown]]
        if len(why) > shown:
            lines.append(f"    #   and {len(why) - shown} more piece(s) of evidence")
    return lines


def _services(result: ImportResult) -> list[str]:
    lines: list[str] = []
    if result.zones:
        known = [n for n in result.zones.values() if n]
        lines += ["  dns:", f"    # from {len(result.zones)} hosted zone(s) in the files",
                  "    zones: [" + ", ".join(q(z) for z in result.zones) + "]"]
        if known:
            lines.append(f"    records_per_zone: {max(known)}  # records counted in the "
                         "files (largest zone)")
        else:
            lines.append(f"    records_per_zone: {PLACEHOLDER['records_per_zone']}  {FILL} "
                         "records in the largest zone")
        lines.append(f"    current_ns_ttl_seconds: {PLACEHOLDER['ns_ttl']}  {FILL} NS TTL "
                     "resolvers hold (172800 for .com)")
    if result.buckets:
        shown = ", ".join(clean(b, 60) for b in result.buckets[:6])
        more = f" and {len(result.buckets) - 6} more" if len(result.buckets) > 6 else ""
        lines += ["  object_storage:", f"    # replaces {shown}{more}",
                  f"    stored_tb: {PLACEHOLDER['stored_tb']}  {FILL} TB stored in these "
                  "buckets (the files do not say)"]
    return (["services:"] + lines + [""]) if lines else []


def _near(result: ImportResult) -> list[str]:
    """policy.near_metro: the metro of the region most of the servers run in today, where
    the users are served from now, when the shipped catalog places that region of the
    provider being left; else nothing (planner picks the metro with the most capacity)."""
    regions: dict[str, int] = {}
    for server in result.servers:
        if server.region:
            regions[server.region] = regions.get(server.region, 0) + server.count
    if not regions or result.provider is None:
        return []
    region = max(sorted(regions), key=lambda r: regions[r])
    source = load_catalog(shipped_catalog_paths()).provider(result.provider)
    found = next((r for r in (source.regions or []) if r.id == region), None) \
        if source else None
    if found is None:
        return [f"  # the servers run in {region}, which the catalog does not place: set "
                "near_metro to the metro of your users"]
    metro, km = nearest_metro(load_catalog(shipped_catalog_paths()), source, found)
    if metro is None:
        return [f"  # the servers run in {region}, and no other provider of the catalog has a "
                "region: set near_metro to the metro of your users"]
    where = (f"{regions[region]} of the servers run in {region} ({found.city or found.metro}) "
             "today")
    if metro != found.metro:  # no other provider there: the plan could place nothing
        where += f"; no other provider has a region in {found.metro}, {metro} is the nearest "
        where += f"metro with one ({km:,.0f} km)"
    return [f"  near_metro: {metro}  # {where}; set it to where your users are"]


def nearest_metro(catalog, source, found) -> tuple[str | None, float]:
    """The metro nearest `found` (its own first) where a provider of another organization
    than the source's has a region, and how far it is."""
    others = [r for p in catalog.providers
              if (p.organization or p.id) != (source.organization or source.id)
              for r in p.regions or []]
    if not others:
        return None, 0.0
    best = min(others, key=lambda r: (r.metro != found.metro, distance_km(found, r), r.metro))
    return best.metro, (0.0 if best.metro == found.metro else distance_km(found, best))


def render(result: ImportResult, name: str, decision_date: str | None = None,
           report: str | None = None) -> str:
    """The inventory YAML; `decision_date` (the day of the import, given by the caller) is
    written as the day of the decision, marked to be checked; `report` names the file with
    the import's full table (planner.importers.listing), which the header points to."""
    provider = result.provider
    lines = _header(result, report) + [
        f"name: {q(name or 'imported')}",
        f"description: {q('Imported from ' + ', '.join(f.path for f in result.files))}",
        "source:",
        f"  provider: {q(provider)}  # the provider being left (catalog id, for its egress "
        "price)" if provider else f"  provider: {q('current-provider')}  {FILL} the "
        "provider being left (a catalog id such as aws-ec2, or a name)",
        f"  egress_gbps: {PLACEHOLDER['egress_gbps']}  {FILL} Gbit/s data can leave it at "
        "(placeholder)",
        f"deadline_hours: {PLACEHOLDER['deadline_hours']}  {FILL} hours from the decision to "
        "the cut-off (placeholder)",
        *([f"decision_date: {q(decision_date)}  {FILL} the day of the decision (hour 0); the "
           "day of the import"] if decision_date else []),
        "currency: USD",
        "",
        "groups:",
    ]
    for g in result.groups:
        lines += _group(g)
    lines += _services(result)
    lines += ["policy:",
              f"  excluded_providers: []  {FILL} providers that refused you, e.g. "
              "[aws] to leave all of AWS",
              *_near(result),
              "team:",
              f"  people: {DEFAULT_TEAM.people}  {FILL} engineers who can do the exit's "
              "work (placeholder: planner's default)",
              f"  bootstrap_hours: {DEFAULT_TEAM.bootstrap_hours}  {FILL} hours from an "
              "account being ready to a group serving there; 0 with golden images and IaC",
              ""]
    text = "\n".join(lines)
    try:
        Inventory.model_validate(yaml.safe_load(text))
    except (ValidationError, yaml.YAMLError) as exc:
        raise InputError(f"the imported inventory would not be valid: {exc}") from None
    return text
