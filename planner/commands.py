"""Shell commands for the runbook, in each provider's own CLI.

Every value that comes from an inventory or a catalog and reaches a command is quoted here,
with `shq`, in one place; templates only put the returned lines inside fenced `sh` blocks.
Names of servers are hostname labels (see `planner.render.NameMap`), so they are safe, and
they are still quoted. The engineer's own choices (region, image, SSH key) are shell
variables that stop the script with a message when unset (`: "${REGION:?...}"`), never
values guessed by the planner.

Flags come from each tool's reference documentation (the `source` of each tool below). A
CLI this module does not know, or a provider without a CLI, gets console steps instead of
guessed flags.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field

from planner.models.catalog import Offering, Provider


def shq(value) -> str:
    """Quote any value that reaches a shell command."""
    return shlex.quote(str(value))


@dataclass(frozen=True)
class Batch:
    """Servers `first`..`last` (1-based, within a group at a provider) serving by `hour`."""

    hour: int
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class Row:
    """One assignment row at a provider, with its server names and creation batches."""

    group: str
    label: str  # hostname label of the group at this provider, e.g. "web-hetzner-cloud"
    offering: Offering
    count: int
    first_index: int
    last_index: int
    first_hour: int
    ready_hour: int
    batches: tuple[Batch, ...]


@dataclass(frozen=True)
class ToolSteps:
    """What the runbook shows for one provider: CLI commands, or console steps."""

    tool: str | None  # the CLI used for the commands; None: console only
    source: str | None  # where its syntax was taken from
    login: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    create: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # Markdown sentences
    notes: list[str] = field(default_factory=list)  # Markdown sentences


VOLUME_SUFFIX = re.compile(r"^(?P<type>.+)-volume-(?P<gb>\d+)gb$")


def split_volume(offering_id: str) -> tuple[str, int | None]:
    """Catalog offerings named `<type>-volume-<N>gb` are a server type plus an N GB volume."""
    match = VOLUME_SUFFIX.match(offering_id)
    return (match["type"], int(match["gb"])) if match else (offering_id, None)


def _require(var: str, hint: str) -> str:
    """Stop the script with `hint` when `var` is unset. Hints are fixed wording: no quotes."""
    assert not set("'\"`$\\") & set(hint), hint
    return f': "${{{var}:?{hint}}}"'


def _default(var: str, value: str) -> str:
    return f'{var}="${{{var}:-{value}}}"'


def _loop(row: Row, batch: Batch, body: list[str]) -> list[str]:
    which = (f"server {batch.first}" if batch.count == 1
             else f"servers {batch.first}-{batch.last} ({batch.count})")
    lines = [f"# {row.label}: {which}, serving by hour {batch.hour}",
             f"for i in $(seq {batch.first} {batch.last}); do"]
    lines += ["  " + line for line in body]
    lines.append("done")
    return lines


def _rows_to_loops(rows: list[Row], body) -> list[str]:
    lines: list[str] = []
    prefix = None
    for row in rows:
        if row.label != prefix:
            lines.append(f"PREFIX={shq(row.label)}")
            prefix = row.label
        for batch in row.batches:
            lines += _loop(row, batch, body(row))
        lines.append("")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _continued(parts: list[str]) -> list[str]:
    """One command over several lines, joined with backslashes."""
    out = []
    for i, part in enumerate(parts):
        text = part if i == 0 else "  " + part
        out.append(text + (" \\" if i < len(parts) - 1 else ""))
    return out


# --- one builder per CLI ------------------------------------------------------------------


def _hcloud(provider: Provider, rows: list[Row]) -> ToolSteps:
    notes = []

    def body(row: Row) -> list[str]:
        server_type, volume_gb = split_volume(row.offering.id)
        lines = _continued(["hcloud server create --name \"$PREFIX-$i\"",
                            f"--type {shq(server_type)} --image \"$IMAGE\"",
                            "--location \"$LOCATION\" --ssh-key \"$SSH_KEY\""])
        if volume_gb:
            lines += _continued(["hcloud volume create --name \"$PREFIX-$i-data\"",
                                 f"--size {shq(volume_gb)} --server \"$PREFIX-$i\"",
                                 "--automount --format ext4"])
        return lines

    for row in rows:
        server_type, volume_gb = split_volume(row.offering.id)
        if volume_gb:
            notes.append(f"Catalog offering `{row.offering.id}` is server type `{server_type}` "
                         f"plus a {volume_gb:,} GB volume, created right after each server.")
    return ToolSteps(
        tool="hcloud", source="github.com/hetznercloud/cli docs/reference/manual "
        "(hcloud server create, hcloud volume create, hcloud server list)",
        login=["hcloud context create exit-plan  # asks for an API token"],
        setup=[_require("LOCATION", "set LOCATION, for example fsn1; see: hcloud location list"),
               _require("SSH_KEY", "set SSH_KEY to a key name from: hcloud ssh-key list"),
               _default("IMAGE", "ubuntu-24.04")],
        create=_rows_to_loops(rows, body),
        addresses=[f"hcloud server list -o columns=name,ipv4,ipv6 "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=sorted(set(notes)))


def _doctl(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return _continued(["doctl compute droplet create \"$PREFIX-$i\"",
                           f"--size {shq(row.offering.id)} --image \"$IMAGE\"",
                           "--region \"$REGION\" --ssh-keys \"$SSH_KEY\" --wait"])

    return ToolSteps(
        tool="doctl", source="docs.digitalocean.com/reference/doctl/reference/compute/droplet/"
        "create",
        login=["doctl auth init  # asks for an API token"],
        setup=[_require("REGION", "set REGION, for example nyc1; see: doctl compute region list"),
               _require("SSH_KEY", "set SSH_KEY to an ID or fingerprint from: "
                        "doctl compute ssh-key list"),
               _default("IMAGE", "ubuntu-24-04-x64")],
        create=_rows_to_loops(rows, body),
        addresses=[f"doctl compute droplet list --format Name,PublicIPv4,PublicIPv6 "
                   f"> {shq('addresses-' + provider.id + '.txt')}"])


def _vultr(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return _continued(["vultr-cli instance create --region \"$REGION\"",
                           f"--plan {shq(row.offering.id)} --os \"$OS_ID\"",
                           "--label \"$PREFIX-$i\" --host \"$PREFIX-$i\" "
                           "--ssh-keys \"$SSH_KEY_ID\""])

    return ToolSteps(
        tool="vultr-cli", source="docs.vultr.com/reference/vultr-cli/instance/create",
        login=[_require("VULTR_API_KEY", "export VULTR_API_KEY with your API key")],
        setup=[_require("REGION", "set REGION, for example ewr; see: vultr-cli regions list"),
               _require("OS_ID", "set OS_ID to the Ubuntu LTS id from: vultr-cli os list"),
               _require("SSH_KEY_ID", "set SSH_KEY_ID from: vultr-cli ssh-key list")],
        create=_rows_to_loops(rows, body),
        addresses=[f"vultr-cli instance list > {shq('addresses-' + provider.id + '.txt')}"])


def _linode(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return _continued(["linode-cli linodes create --label \"$PREFIX-$i\"",
                           f"--type {shq(row.offering.id)} --region \"$REGION\" --image \"$IMAGE\"",
                           "--root_pass \"$ROOT_PASS\" --authorized_keys \"$SSH_PUBKEY\""])

    return ToolSteps(
        tool="linode-cli", source="github.com/linode/linode-cli wiki Usage; "
        "techdocs.akamai.com/linode-api/reference (Create a Linode)",
        login=["linode-cli configure  # asks for a personal access token"],
        setup=[_require("REGION", "set REGION, for example us-east; see: linode-cli regions list"),
               _require("ROOT_PASS", "set ROOT_PASS, a strong root password (required)"),
               _default("SSH_PUBKEY", "$(cat ~/.ssh/id_ed25519.pub)"),
               _default("IMAGE", "linode/ubuntu24.04")],
        create=_rows_to_loops(rows, body),
        addresses=[f"linode-cli linodes list --format label,ipv4 "
                   f"> {shq('addresses-' + provider.id + '.txt')}"])


def _scw(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return _continued(["scw instance server create name=\"$PREFIX-$i\"",
                           f"type={shq(row.offering.id.upper())} zone=\"$ZONE\" image=\"$IMAGE\"",
                           f"ip=new tags.0={shq(row.group)} --wait"])

    notes = ["Scaleway names instance types in capitals (`DEV1-S`); the commands use the "
             "catalog offering in capitals."]
    return ToolSteps(
        tool="scw", source="github.com/scaleway/scaleway-cli README and docs/commands/"
        "instance.md (scw instance server create)",
        login=["scw init  # asks for an API key and the default project"],
        setup=[_require("ZONE", "set ZONE, for example fr-par-1"),
               _default("IMAGE", "ubuntu_noble")],
        create=_rows_to_loops(rows, body),
        addresses=[f"scw instance server list zone=\"$ZONE\" "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=notes)


def _upcloud_plan(offering_id: str) -> str:
    """UpCloud plans are written `4xCPU-8GB`; the catalog keeps ids in lower case."""
    return offering_id.upper().replace("XCPU", "xCPU")


def _upctl(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return _continued(["upctl server create --hostname \"$PREFIX-$i\"",
                           f"--title {shq(row.group)} --zone \"$ZONE\"",
                           f"--plan {shq(_upcloud_plan(row.offering.id))} --os \"$OS\"",
                           "--ssh-keys \"$SSH_PUBKEY\" --wait"])

    return ToolSteps(
        tool="upctl", source="github.com/UpCloudLtd/upcloud-cli docs/upctl_server_create.md, "
        "docs/upctl_server_list.md",
        login=[_require("UPCLOUD_USERNAME", "export UPCLOUD_USERNAME and UPCLOUD_PASSWORD")],
        setup=[_require("ZONE", "set ZONE, for example fi-hel1; see: upctl zone list"),
               _default("OS", "Ubuntu Server 24.04 LTS (Noble Numbat)"),
               _default("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=_rows_to_loops(rows, body),
        addresses=[f"upctl server list --show-ip-addresses=public "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["UpCloud writes plans as `4xCPU-8GB`; the commands use that spelling of the "
               "catalog offering."])


def _openstack(provider: Provider, rows: list[Row]) -> ToolSteps:
    """OVHcloud Public Cloud is OpenStack: flavors are named as in the catalog (b3-16)."""
    def body(row: Row) -> list[str]:
        return _continued([f"openstack server create --flavor {shq(row.offering.id)}",
                           "--image \"$IMAGE\" --key-name \"$KEY_NAME\" --network \"$NETWORK\"",
                           f"--property group={shq(row.group)} --wait \"$PREFIX-$i\""])

    return ToolSteps(
        tool="openstack", source="docs.openstack.org python-openstackclient (openstack server "
        "create); OVHcloud Public Cloud guides (openrc.sh, Ext-Net)",
        login=[". ./openrc.sh  # downloaded from the OVHcloud Control Panel (Users & Roles)"],
        setup=[_require("OS_REGION_NAME", "source openrc.sh; it sets OS_REGION_NAME, e.g. GRA11"),
               _require("KEY_NAME", "set KEY_NAME from: openstack keypair list"),
               _default("IMAGE", "Ubuntu 24.04"),
               _default("NETWORK", "Ext-Net")],
        create=_rows_to_loops(rows, body),
        addresses=[f"openstack server list -c Name -c Networks "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["The `ovhcloud` CLI can create instances too, but takes flavor and image IDs; "
               "the OpenStack client takes the flavor names the catalog uses."])


def _gcloud(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return _continued(["gcloud compute instances create \"$PREFIX-$i\"",
                           f"--machine-type={shq(row.offering.id)} --zone=\"$ZONE\"",
                           "--image-family=\"$IMAGE_FAMILY\" --image-project=\"$IMAGE_PROJECT\"",
                           f"--description={shq(row.group)}"])

    return ToolSteps(
        tool="gcloud", source="cloud.google.com/sdk/gcloud/reference/compute/instances/create",
        login=["gcloud auth login"],
        setup=[_require("ZONE", "set ZONE, for example us-central1-a"),
               _default("IMAGE_FAMILY", "ubuntu-2404-lts-amd64"),
               _default("IMAGE_PROJECT", "ubuntu-os-cloud")],
        create=_rows_to_loops(rows, body),
        addresses=[f"gcloud compute instances list > {shq('addresses-' + provider.id + '.txt')}"])


AZURE_SIZE = re.compile(r"\bStandard_[A-Za-z0-9_]+\b")
OCI_SHAPE = re.compile(r"\b(?:VM|BM)\.[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+\b")
OCI_OCPUS = re.compile(r"\b(\d+) OCPU\b")


def azure_size(offering: Offering) -> str | None:
    """The Azure VM size the offering names (`Standard_D4s_v5`), from its id or description."""
    if offering.id.startswith("standard_"):
        return offering.id
    match = AZURE_SIZE.search(offering.description or "")
    return match[0] if match else None


def oci_shape(offering: Offering) -> tuple[str, dict | None] | None:
    """The OCI shape and, for a flexible shape, its OCPUs and memory; None when not named."""
    match = OCI_SHAPE.search(offering.description or "")
    if not match:
        return None
    if not match[0].endswith(".Flex"):
        return match[0], None
    ocpus = OCI_OCPUS.search(offering.description or "")
    if not ocpus:
        return None
    return match[0], {"ocpus": int(ocpus[1]), "memoryInGBs": round(offering.ram_gb.value)}


def ionos_type(offering: Offering) -> str | None:
    text = offering.description or ""
    if "Dedicated Core" in text:
        return "ENTERPRISE"
    if "vCPU server" in text:
        return "VCPU"
    return None


def _unnamed(provider: Provider, rows: list[Row], what: str) -> ToolSteps:
    steps = _console(provider, rows)
    return ToolSteps(tool=None, source=None, console=steps.console, notes=[
        f"The catalog offerings here do not name {what}, so no `{provider.cli}` command is "
        "given; order in the console."])


def _az(provider: Provider, rows: list[Row]) -> ToolSteps:
    if any(azure_size(r.offering) is None for r in rows):
        return _unnamed(provider, rows, "an Azure VM size")

    def body(row: Row) -> list[str]:
        return _continued(["az vm create --resource-group \"$RESOURCE_GROUP\" "
                           "--name \"$PREFIX-$i\"",
                           f"--size {shq(azure_size(row.offering))} --image \"$IMAGE\"",
                           "--admin-username \"$ADMIN_USER\" --ssh-key-values \"$SSH_PUBKEY\"",
                           f"--tags group={shq(row.group)}"])

    return ToolSteps(
        tool="az", source="learn.microsoft.com/cli/azure/vm (az vm create, "
        "az vm list-ip-addresses)",
        login=["az login"],
        setup=[_require("RESOURCE_GROUP", "set RESOURCE_GROUP (az group create first)"),
               _default("IMAGE", "Ubuntu2204"),
               _default("ADMIN_USER", "azureuser"),
               _default("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=_rows_to_loops(rows, body),
        addresses=[f"az vm list-ip-addresses --resource-group \"$RESOURCE_GROUP\" -o table "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["The VM size is the one the catalog offering names; add the disk its description "
               "lists (a managed data disk) in the portal or with `az vm disk attach`."])


def _oci(provider: Provider, rows: list[Row]) -> ToolSteps:
    if any(oci_shape(r.offering) is None for r in rows):
        return _unnamed(provider, rows, "an OCI shape and its OCPUs")

    def body(row: Row) -> list[str]:
        shape, config = oci_shape(row.offering)
        parts = ["oci compute instance launch --availability-domain \"$AVAILABILITY_DOMAIN\"",
                 "--compartment-id \"$COMPARTMENT_ID\" --subnet-id \"$SUBNET_ID\"",
                 f"--shape {shq(shape)}"]
        if config:
            parts.append(f"--shape-config {shq(json.dumps(config, sort_keys=True))}")
        parts += ["--image-id \"$IMAGE_ID\" --display-name \"$PREFIX-$i\"",
                  "--ssh-authorized-keys-file \"$SSH_PUBKEY\" --assign-public-ip true"]
        return _continued(parts)

    return ToolSteps(
        tool="oci", source="docs.oracle.com/iaas/tools/oci-cli (oci compute instance launch)",
        login=["oci setup config  # asks for the tenancy, user and API key"],
        setup=[_require("COMPARTMENT_ID", "set COMPARTMENT_ID to the OCID of the compartment"),
               _require("AVAILABILITY_DOMAIN", "set AVAILABILITY_DOMAIN, for example "
                        "Uocm:US-ASHBURN-AD-1"),
               _require("SUBNET_ID", "set SUBNET_ID to the OCID of a public subnet"),
               _require("IMAGE_ID", "set IMAGE_ID to the OCID of an Ubuntu LTS image"),
               _default("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=_rows_to_loops(rows, body),
        addresses=[f"oci compute instance list --compartment-id \"$COMPARTMENT_ID\" "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["Shape, OCPUs and memory are the ones the catalog offering names; attach the block "
               "volume its description lists in the console. Public addresses are on each "
               "instance's VNIC (console, or `oci compute instance list-vnics`)."])


def _ionosctl(provider: Provider, rows: list[Row]) -> ToolSteps:
    if any(ionos_type(r.offering) is None for r in rows):
        return _unnamed(provider, rows, "an IONOS server type")

    def body(row: Row) -> list[str]:
        return _continued(["ionosctl server create --datacenter-id \"$DATACENTER_ID\"",
                           f"--name \"$PREFIX-$i\" --type {shq(ionos_type(row.offering))}",
                           f"--cores {shq(f'{row.offering.vcpu.value:g}')} "
                           f"--ram {shq(f'{row.offering.ram_gb.value:g}GB')} -w -W"])

    return ToolSteps(
        tool="ionosctl", source="github.com/ionos-cloud/ionosctl docs (ionosctl server create)",
        login=["ionosctl login"],
        setup=[_require("DATACENTER_ID", "set DATACENTER_ID from: ionosctl datacenter list")],
        create=_rows_to_loops(rows, body),
        addresses=[f"ionosctl server list --datacenter-id \"$DATACENTER_ID\" "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["`ionosctl server create` makes the server only: add the boot volume its "
               "description lists, with an Ubuntu image, and a public NIC in the Data Center "
               "Designer (console)."])


BUILDERS = {
    "hcloud": _hcloud, "doctl": _doctl, "vultr-cli": _vultr, "linode-cli": _linode,
    "scw": _scw, "upctl": _upctl, "gcloud": _gcloud, "az": _az, "ionosctl": _ionosctl,
    "oci": _oci,
}


def _console(provider: Provider, rows: list[Row]) -> ToolSteps:
    """Providers without a CLI that creates servers: ordered in the console."""
    where = f"<{provider.website}>" if provider.website else "the provider's console"
    steps = [f"Order in {where}: for each row of the table above, the model, the count and "
             "the server names."]
    if provider.kind in ("bare_metal", "colocation"):
        steps.append("Choose Ubuntu LTS as the operating system and add your SSH key to the "
                     "order, so servers are reachable when they are handed over.")
    if provider.cli:
        steps.append(f"The provider's own tool, `{provider.cli}`, is not used here for "
                     "creating servers: this runbook only gives commands whose syntax was "
                     "checked.")
    return ToolSteps(tool=None, source=None, console=steps)


def _ovhcloud(provider: Provider, rows: list[Row]) -> ToolSteps:
    if provider.kind == "cloud":
        return _openstack(provider, rows)
    steps = _console(provider, rows)
    return ToolSteps(
        tool="ovhcloud", source="github.com/ovh/ovhcloud-cli doc/ovhcloud_baremetal*.md",
        console=steps.console[:2] + ["Dedicated servers are ordered in the OVHcloud Control "
                                     "Panel; `ovhcloud` lists them once delivered."],
        addresses=[f"ovhcloud baremetal list > {shq('addresses-' + provider.id + '.txt')}"])


def tool_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
    """The commands (or console steps) that create `rows` at `provider`."""
    if provider.cli == "ovhcloud":
        return _ovhcloud(provider, rows)
    builder = BUILDERS.get(provider.cli or "")
    return builder(provider, rows) if builder else _console(provider, rows)


# --- data copies --------------------------------------------------------------------------


def rsync_copy(label: str, first: int, last: int) -> list[str]:
    """Copy one source server's share of a group's data to each of its new servers."""
    return [_require("SRC_DIR", "set SRC_DIR to the data directory on the source server"),
            f"PREFIX={shq(label)}",
            f"for i in $(seq {first} {last}); do",
            "  # source shard i goes to new server i; add the recorded addresses to",
            "  # ~/.ssh/config under these names first",
            "  rsync -aHAX --partial --info=progress2 \"$SRC_DIR/\" \"root@$PREFIX-$i:/srv/data/\"",
            "done"]


def rsync_verify(label: str, first: int, last: int) -> list[str]:
    """List what would still differ, by checksum, without changing anything."""
    return [f"PREFIX={shq(label)}",
            f"for i in $(seq {first} {last}); do",
            "  rsync -aHAX --dry-run --checksum --itemize-changes \"$SRC_DIR/\" "
            "\"root@$PREFIX-$i:/srv/data/\"",
            "done"]


def rsync_verify_all(targets: list[tuple[str, int]]) -> list[str]:
    """The checks of every group copy, in one block."""
    lines = [_require("SRC_DIR", "set SRC_DIR as for the copy")]
    for label, servers in targets:
        lines += rsync_verify(label, 1, max(servers, 1))
    return lines


RCLONE_REMOTES = {
    # vendor id -> `rclone config create` arguments after the remote name
    "backblaze-b2": "b2 account \"$B2_KEY_ID\" key \"$B2_APP_KEY\"",
    "wasabi": "s3 provider Wasabi access_key_id \"$WASABI_KEY\" "
              "secret_access_key \"$WASABI_SECRET\" endpoint s3.wasabisys.com",
    "minio-self-hosted": "s3 provider Minio access_key_id \"$MINIO_KEY\" "
                         "secret_access_key \"$MINIO_SECRET\" endpoint \"$MINIO_ENDPOINT\"",
}
RCLONE_SOURCE = "rclone.org/commands/rclone_config_create, rclone.org/b2, rclone.org/s3"


def rclone_setup(source_cli: str | None, targets: list[str]) -> list[str]:
    lines = []
    if source_cli == "aws":
        lines.append("rclone config create source s3 provider AWS env_auth true")
    else:
        lines.append("rclone config  # create a remote named source for the data being left")
    for target in targets:
        args = RCLONE_REMOTES.get(target)
        if args:
            lines.append(f"rclone config create {shq(target)} {args}")
        else:
            lines.append(f"rclone config  # create a remote named {target} (S3 endpoint and "
                         "keys from its console)")
    return lines


def rclone_copy(target: str) -> list[str]:
    return [_require("BUCKET", "set BUCKET to the bucket (or bucket/prefix) assigned to "
                     "this target"),
            f"rclone copy \"source:$BUCKET\" {shq(target)}:\"$BUCKET\" --transfers 64 "
            "--checkers 128 --fast-list --progress"]


def rclone_check(target: str) -> str:
    return f"rclone check \"source:$BUCKET\" {shq(target)}:\"$BUCKET\" --one-way"


# --- DNS ----------------------------------------------------------------------------------


def zone_file(zone: str) -> str:
    return shq(f"{zone}.zone")


def zone_export(zone: str) -> list[str]:
    return [_require("OLD_NS", "set OLD_NS to a name server of the current provider"),
            f"dig @\"$OLD_NS\" {shq(zone)} AXFR > {zone_file(zone)}"]


def zone_import(vendor_id: str, website: str | None, zone: str) -> tuple[list[str], list[str]]:
    """(commands, console steps) that load `zone` into a DNS vendor."""
    if vendor_id == "cloudflare-dns":
        return ([_require("ZONE_ID", "set ZONE_ID, shown on the Overview page of the zone"),
                 _require("CLOUDFLARE_API_TOKEN", "export a token with DNS Write"),
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
    return ([], [f"Create the zone and import the zone file in {where} (most DNS consoles "
                 "accept a BIND zone file)."])


def zone_check(zone: str) -> list[str]:
    return [_require("NEW_NS", "set NEW_NS to a name server of the new provider"),
            f"dig @\"$NEW_NS\" {shq(zone)} SOA +short",
            f"dig @\"$NEW_NS\" {shq(zone)} NS +short"]


def zone_public_check(zone: str) -> list[str]:
    return [f"dig +short NS {shq(zone)}", f"dig +trace {shq(zone)} NS | tail -n 5"]


DNS_IMPORT_SOURCES = ("developers.cloudflare.com/dns/manage-dns-records/how-to/import-and-export; "
                      "doc.powerdns.com pdnsutil (create-zone, load-zone)")

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
             "    directory: ./zones", "    file_extension: .zone"]
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


# --- email --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SenderDns:
    spf: str | None  # SPF mechanism to include, None: this vendor needs none at the apex
    dkim: str  # where the DKIM record comes from
    extra: tuple[tuple[str, str, str], ...] = ()  # (name relative to the domain, type, value)
    source: str = ""


EMAIL_VENDORS = {
    "mailgun": SenderDns(
        spf="include:mailgun.org",
        dkim="TXT at the host and with the value Mailgun shows under Domain Verification & DNS",
        source="documentation.mailgun.com/docs/mailgun/user-manual/domains/domains-verify"),
    "postmark": SenderDns(
        spf=None,
        dkim="TXT at the host and with the value Postmark shows for the domain",
        extra=(("pm-bounces", "CNAME", "pm.mtasv.net."),),
        source="postmarkapp.com/developer/api/domains-api (Return-Path domain: CNAME to "
        "pm.mtasv.net)"),
}
SELF_HOSTED_SENDER = SenderDns(
    spf="ip4:<each sending IPv4>",
    dkim="TXT written by `opendkim-genkey` (below), at `mail._domainkey`",
    source="RFC 7208 (SPF ip4); opendkim-genkey(8)")


def sender_dns(vendor_id: str, website: str | None) -> SenderDns | None:
    if website is None:
        return SELF_HOSTED_SENDER
    return EMAIL_VENDORS.get(vendor_id)


REPLAN = [_require("INVENTORY", "set INVENTORY to the inventory file of this plan"),
          _require("PROVIDER", "set PROVIDER to the id of the provider that refused"),
          "planner plan \"$INVENTORY\" --exclude \"$PROVIDER\" -o \"out/without-$PROVIDER\""]

PTR_CHECK = [_require("MAIL_IP", "set MAIL_IP to a sending address"),
             "dig -x \"$MAIL_IP\" +short"]


def dkim_keygen(domain: str) -> str:
    return f"opendkim-genkey -b 2048 -d {shq(domain)} -s mail"
