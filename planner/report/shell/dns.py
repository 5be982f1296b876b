"""DNS commands: export, import and check zones, and an octoDNS config for several vendors."""

from __future__ import annotations

import json

from planner.report.shell.base import require_var, shq

ZONES_DIR = "zones"


def zone_file(zone: str) -> str:
    """Where a zone's BIND file is kept: the folder the octoDNS configurations read."""
    return shq(f"{ZONES_DIR}/{zone}.zone")


def zone_export(zone: str, current: str | None) -> tuple[list[str], str]:
    """(commands, how they reach the zone) that write `zone`'s BIND file from the vendor
    serving it today. A vendor octoDNS reads through its API (Route 53, which serves no
    zone transfer) is read that way; any other is asked for a zone transfer."""
    if current in OCTODNS_PROVIDERS:
        cls, settings = OCTODNS_PROVIDERS[current]
        config = ["providers:", "  current:", f"    class: {cls}"]
        config += [f"    {key}: {value}" for key, value in settings.items()]
        config += ["  zonefile:", "    class: octodns_bind.ZoneFileProvider",
                   f"    directory: ./{ZONES_DIR}", "    file_extension: .zone",
                   "zones:", f"  {json.dumps(zone.rstrip('.') + '.')}:",
                   "    sources:", "      - current", "    targets:", "      - zonefile"]
        return ([f"mkdir -p {ZONES_DIR}", "cat > export.yaml <<'EOF'", *config, "EOF",
                 f"pip install octodns octodns-bind {OCTODNS_PACKAGES[current]}",
                 "octodns-sync --config-file=export.yaml --doit"],
                f"through {current}'s API with octoDNS (it serves no zone transfer to us)")
    return ([require_var("OLD_NS", "set OLD_NS to a name server of the current provider"),
             f"mkdir -p {ZONES_DIR}",
             f"dig @\"$OLD_NS\" {shq(zone)} AXFR > {zone_file(zone)}"],
            "by zone transfer (AXFR), if the old provider allows it; otherwise export it from "
            "its console")


def zone_import(vendor_id: str, website: str | None, zone: str) -> tuple[list[str], list[str]]:
    """(commands, console steps) that load `zone` into a DNS vendor."""
    if vendor_id == "cloudflare-dns":
        return ([require_var("ZONE_ID", "set ZONE_ID, shown on the Overview page of the zone"),
                 require_var("CLOUDFLARE_API_TOKEN", "export a token with DNS Write"),
                 "curl \"https://api.cloudflare.com/client/v4/zones/$ZONE_ID/"
                 "dns_records/import\" \\",
                 "  --request POST --header \"Authorization: Bearer $CLOUDFLARE_API_TOKEN\" \\",
                 f"  --form file=@{zone_file(zone)}"],
                ["Add the zone in the Cloudflare dashboard (Add a domain, Free plan) and note "
                 "the two name servers it assigns."])
    if website is None:  # self-run name servers (PowerDNS)
        return ([f"pdnsutil create-zone {shq(zone)}",
                 f"pdnsutil load-zone {shq(zone)} {zone_file(zone)}",
                 f"pdnsutil check-zone {shq(zone)}"],
                ["Run these on the primary PowerDNS server; configure the secondary to "
                 "transfer the zone (AXFR with NOTIFY)."])
    where = f"<{website}>" if website else "the vendor's console"
    return ([], [f"Create the zone and import `{ZONES_DIR}/{zone}.zone` in {where} (most DNS "
                 "consoles accept a BIND zone file)."])


def zone_check(zone: str) -> list[str]:
    return [require_var("NEW_NS", "set NEW_NS to a name server of the new provider"),
            f"dig @\"$NEW_NS\" {shq(zone)} SOA +short",
            f"dig @\"$NEW_NS\" {shq(zone)} NS +short"]


def zone_public_check(zone: str) -> list[str]:
    return [f"dig +short NS {shq(zone)}", f"dig +trace {shq(zone)} NS | tail -n 5"]


DNS_IMPORT_SOURCES = ("developers.cloudflare.com/dns/manage-dns-records/how-to/import-and-export; "
                      "github.com/octodns/octodns-bind README and ZoneFileProvider; "
                      "doc.powerdns.com pdnsutil (create-zone, load-zone)")


# The pip package of each octoDNS provider class below (github.com/octodns).
OCTODNS_PACKAGES = {"cloudflare-dns": "octodns-cloudflare", "powerdns-self-hosted":
                    "octodns-powerdns", "route53": "octodns-route53",
                    "google-cloud-dns": "octodns-googlecloud"}

OCTODNS_PROVIDERS = {
    # vendor id -> (octoDNS class, settings); only providers maintained under github.com/octodns
    "cloudflare-dns": ("octodns_cloudflare.CloudflareProvider",
                       {"token": "env/CLOUDFLARE_TOKEN"}),
    "powerdns-self-hosted": ("octodns_powerdns.PowerDnsProvider",
                             {"host": "env/POWERDNS_HOST", "api_key": "env/POWERDNS_API_KEY"}),
    "route53": ("octodns_route53.Route53Provider",
                {"access_key_id": "env/AWS_ACCESS_KEY_ID",
                 "secret_access_key": "env/AWS_SECRET_ACCESS_KEY"}),
    "google-cloud-dns": ("octodns_googlecloud.GoogleCloudProvider",
                         {"project": "env/GOOGLE_CLOUD_PROJECT"}),
}


def octodns_config(zones: list[str], vendor_ids: list[str]) -> list[str]:
    """An octoDNS config that pushes the exported zone files to every DNS vendor used."""
    lines = ["providers:", "  zonefile:", "    class: octodns_bind.ZoneFileSource",
             f"    directory: ./{ZONES_DIR}", "    file_extension: .zone"]
    targets = []
    for vid in vendor_ids:
        known = OCTODNS_PROVIDERS.get(vid)
        if known is None:
            lines.append(f"  # {vid}: no octoDNS provider is configured here; keep it in step by "
                         "hand or by zone transfer")
            continue
        cls, settings = known
        targets.append(vid)
        lines += [f"  {vid}:", f"    class: {cls}"]
        lines += [f"    {key}: {value}" for key, value in settings.items()]
    lines.append("zones:")
    for zone in zones:
        lines += [f"  {json.dumps(zone.rstrip('.') + '.')}:", "    sources:",
                  "      - zonefile", "    targets:"]
        lines += [f"      - {vid}" for vid in targets] or ["      []"]
    return lines
