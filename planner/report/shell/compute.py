"""Server-creating commands, one builder per provider CLI, and `tool_steps`, which picks the
builder for a provider (or console steps without one).
"""

from __future__ import annotations

from dataclasses import replace

from planner.models.catalog import Provider
from planner.models.provider_facts import Region
from planner.report.shell.base import (
    Row,
    ToolSteps,
    addresses_file,
    console_steps,
    continued,
    default_var,
    native,
    require_var,
    rows_to_loops,
    shq,
)
from planner.report.shell.compute_sized import az_steps, ionosctl_steps, oci_steps
from planner.report.shell.images import GCP_IMAGE_FAMILY, GCP_IMAGE_PROJECT, UBUNTU

# --- one builder per CLI ------------------------------------------------------------------
# Every builder reads the offering's native fields (planner/models/provider_facts.Native),
# never its catalog id; `tool_steps` sends rows without them to the console.


def image_arg(row: Row, variable: str) -> str:
    """The offering's own image where it needs one (an arm64 model), else the variable."""
    image = native(row).image
    return shq(image) if image else f'"${variable}"'


def _hcloud(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        n = native(row)
        lines = continued(["hcloud server create --name \"$PREFIX-$i\"",
                           f"--type {shq(n.type)} --image {image_arg(row, 'IMAGE')}",
                           "--location \"$LOCATION\" --ssh-key \"$SSH_KEY\""])
        for k, volume in enumerate(n.volumes, start=1):
            lines += continued([f"hcloud volume create --name \"$PREFIX-$i-data-{k}\"",
                                f"--size {shq(volume.size_gb)} --server \"$PREFIX-$i\"",
                                "--automount --format ext4"])
        return lines

    notes = sorted({f"`{native(r).type}` here comes with "
                    + ", ".join(f"a {v.size_gb:,} GB volume" for v in native(r).volumes)
                    + ", created and attached right after each server."
                    for r in rows if native(r).volumes})
    return ToolSteps(
        tool="hcloud", source="github.com/hetznercloud/cli docs/reference/manual "
        "(hcloud server create, hcloud volume create, hcloud server list)",
        login=["hcloud context create exit-plan  # asks for an API token"],
        setup=[require_var("LOCATION", "set LOCATION, for example fsn1; see: hcloud location list"),
               require_var("SSH_KEY", "set SSH_KEY to a key name from: hcloud ssh-key list"),
               default_var("IMAGE", UBUNTU["hcloud"])],
        create=rows_to_loops(rows, body),
        addresses=[f"hcloud server list -o columns=name,ipv4,ipv6 "
                   f"> {addresses_file(provider)}"],
        notes=notes)


def _doctl(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return continued(["doctl compute droplet create \"$PREFIX-$i\"",
                          f"--size {shq(native(row).type)} --image {image_arg(row, 'IMAGE')}",
                          "--region \"$REGION\" --ssh-keys \"$SSH_KEY\" --wait"])

    return ToolSteps(
        tool="doctl", source="docs.digitalocean.com/reference/doctl/reference/compute/droplet/"
        "create",
        login=["doctl auth init  # asks for an API token"],
        setup=[require_var("REGION",
                           "set REGION, for example nyc1; see: doctl compute region list"),
               require_var("SSH_KEY", "set SSH_KEY to an ID or fingerprint from: "
                           "doctl compute ssh-key list"),
               default_var("IMAGE", UBUNTU["doctl"])],
        create=rows_to_loops(rows, body),
        addresses=[f"doctl compute droplet list --format Name,PublicIPv4,PublicIPv6 "
                   f"> {addresses_file(provider)}"])


def _vultr(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return continued(["vultr-cli instance create --region \"$REGION\"",
                          f"--plan {shq(native(row).type)} --os \"$OS_ID\"",
                          "--label \"$PREFIX-$i\" --host \"$PREFIX-$i\" "
                           "--ssh-keys \"$SSH_KEY_ID\""])

    return ToolSteps(
        tool="vultr-cli", source="docs.vultr.com/reference/vultr-cli/instance/create",
        login=[require_var("VULTR_API_KEY", "export VULTR_API_KEY with your API key")],
        setup=[require_var("REGION", "set REGION, for example ewr; see: vultr-cli regions list"),
               require_var("OS_ID", "set OS_ID to the Ubuntu LTS id from: vultr-cli os list"),
               require_var("SSH_KEY_ID", "set SSH_KEY_ID from: vultr-cli ssh-key list")],
        create=rows_to_loops(rows, body),
        addresses=[f"vultr-cli instance list > {addresses_file(provider)}"])


def _linode(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return continued(["linode-cli linodes create --label \"$PREFIX-$i\"",
                          f"--type {shq(native(row).type)} --region \"$REGION\" "
                          f"--image {image_arg(row, 'IMAGE')}",
                          "--root_pass \"$ROOT_PASS\" --authorized_keys \"$SSH_PUBKEY\""])

    return ToolSteps(
        tool="linode-cli", source="github.com/linode/linode-cli wiki Usage; "
        "techdocs.akamai.com/linode-api/reference (Create a Linode)",
        login=["linode-cli configure  # asks for a personal access token"],
        setup=[require_var("REGION",
                           "set REGION, for example us-east; see: linode-cli regions list"),
               require_var("ROOT_PASS", "set ROOT_PASS, a strong root password (required)"),
               default_var("SSH_PUBKEY", "$(cat ~/.ssh/id_ed25519.pub)"),
               default_var("IMAGE", UBUNTU["linode-cli"])],
        create=rows_to_loops(rows, body),
        addresses=[f"linode-cli linodes list --format label,ipv4 "
                   f"> {addresses_file(provider)}"])


def _scw(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return continued(["scw instance server create name=\"$PREFIX-$i\"",
                          f"type={shq(native(row).type)} zone=\"$ZONE\" "
                          f"image={image_arg(row, 'IMAGE')}",
                          f"ip=new tags.0={shq(row.group)} --wait"])

    return ToolSteps(
        tool="scw", source="github.com/scaleway/scaleway-cli README and docs/commands/"
        "instance.md (scw instance server create)",
        login=["scw init  # asks for an API key and the default project"],
        setup=[require_var("ZONE", "set ZONE, for example fr-par-1"),
               default_var("IMAGE", UBUNTU["scw"])],
        create=rows_to_loops(rows, body),
        addresses=[f"scw instance server list zone=\"$ZONE\" "
                   f"> {addresses_file(provider)}"])


def _upctl(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        return continued(["upctl server create --hostname \"$PREFIX-$i\"",
                          f"--title {shq(row.group)} --zone \"$ZONE\"",
                          f"--plan {shq(native(row).type)} --os {image_arg(row, 'OS')}",
                           "--ssh-keys \"$SSH_PUBKEY\" --wait"])

    return ToolSteps(
        tool="upctl", source="github.com/UpCloudLtd/upcloud-cli docs/upctl_server_create.md, "
        "docs/upctl_server_list.md",
        login=[require_var("UPCLOUD_USERNAME", "export UPCLOUD_USERNAME and UPCLOUD_PASSWORD")],
        setup=[require_var("ZONE", "set ZONE, for example fi-hel1; see: upctl zone list"),
               default_var("OS", UBUNTU["upctl"]),
               default_var("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=rows_to_loops(rows, body),
        addresses=[f"upctl server list --show-ip-addresses=public "
                   f"> {addresses_file(provider)}"])


def _openstack(provider: Provider, rows: list[Row]) -> ToolSteps:
    """OVHcloud Public Cloud is OpenStack: its flavors are the native names (b3-16)."""
    def body(row: Row) -> list[str]:
        return continued([f"openstack server create --flavor {shq(native(row).type)}",
                          f"--image {image_arg(row, 'IMAGE')} --key-name \"$KEY_NAME\" "
                          "--network \"$NETWORK\"",
                          f"--property group={shq(row.group)} --wait \"$PREFIX-$i\""])

    return ToolSteps(
        tool="openstack", source="docs.openstack.org python-openstackclient (openstack server "
        "create); OVHcloud Public Cloud guides (openrc.sh, Ext-Net)",
        login=[". ./openrc.sh  # downloaded from the OVHcloud Control Panel (Users & Roles)"],
        setup=[require_var("OS_REGION_NAME",
                           "source openrc.sh; it sets OS_REGION_NAME, e.g. GRA11"),
               require_var("KEY_NAME", "set KEY_NAME from: openstack keypair list"),
               default_var("IMAGE", UBUNTU["openstack"]),
               default_var("NETWORK", "Ext-Net")],
        create=rows_to_loops(rows, body),
        addresses=[f"openstack server list -c Name -c Networks "
                   f"> {addresses_file(provider)}"],
        notes=["The `ovhcloud` CLI can create instances too, but takes flavor and image IDs; "
               "the OpenStack client takes the flavor names."])


def _gcloud(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        n = native(row)
        image = (f"--image={shq(n.image)}" if n.image else
                 "--image-family=\"$IMAGE_FAMILY\" --image-project=\"$IMAGE_PROJECT\"")
        parts = ["gcloud compute instances create \"$PREFIX-$i\"",
                 f"--machine-type={shq(n.type)} --zone=\"$ZONE\"", image]
        if n.boot_disk:
            disk = f"--boot-disk-size={shq(f'{n.boot_disk.size_gb}GB')}"
            if n.boot_disk.type:
                disk += f" --boot-disk-type={shq(n.boot_disk.type)}"
            parts.append(disk)
        parts.append(f"--description={shq(row.group)}")
        return continued(parts)

    return ToolSteps(
        tool="gcloud", source="cloud.google.com/sdk/gcloud/reference/compute/instances/create",
        login=["gcloud auth login"],
        setup=[require_var("ZONE", "set ZONE, for example us-central1-a"),
               default_var("IMAGE_FAMILY", GCP_IMAGE_FAMILY),
               default_var("IMAGE_PROJECT", GCP_IMAGE_PROJECT)],
        create=rows_to_loops(rows, body),
        addresses=[f"gcloud compute instances list > {addresses_file(provider)}"])


BUILDERS = {
    "hcloud": _hcloud, "doctl": _doctl, "vultr-cli": _vultr, "linode-cli": _linode,
    "scw": _scw, "upctl": _upctl, "gcloud": _gcloud, "az": az_steps, "ionosctl": ionosctl_steps,
    "oci": oci_steps,
}


def _ovhcloud(provider: Provider, rows: list[Row]) -> ToolSteps:
    if provider.kind == "cloud":
        return _openstack(provider, rows)
    steps = console_steps(provider, rows)
    return ToolSteps(
        tool="ovhcloud", source="github.com/ovh/ovhcloud-cli doc/ovhcloud_baremetal*.md",
        console=steps.console[:2] + ["Dedicated servers are ordered in the OVHcloud Control "
                                     "Panel; `ovhcloud` lists them once delivered."],
        addresses=[f"ovhcloud baremetal list > {addresses_file(provider)}"])


# The variable each CLI takes its place in (the first of these its setup requires).
PLACE_VARS = ("LOCATION", "REGION", "ZONE", "OS_REGION_NAME")


def tool_steps(provider: Provider, rows: list[Row], region: Region | None = None) -> ToolSteps:
    """The commands (or console steps) that create `rows` at `provider`, in `region` (the
    plan's place for it: its place variable defaults to the region's id) when known. Rows
    whose offering has no native names go to the console, all of the provider's with them:
    half a batch by CLI and half by hand is harder to follow than one way."""
    unnamed = sorted({r.offering.id for r in rows if r.offering.native is None})
    if unnamed and (provider.cli in BUILDERS or provider.cli == "ovhcloud"):
        steps = console_steps(provider, rows)
        return ToolSteps(tool=None, source=None, console=steps.console, notes=[
            "The catalog gives no native name for " + ", ".join(f"`{u}`" for u in unnamed)
            + f", so no `{provider.cli}` command is given; order in the console."])
    if provider.cli == "ovhcloud":
        steps = _ovhcloud(provider, rows)
    else:
        builder = BUILDERS.get(provider.cli or "")
        steps = builder(provider, rows) if builder else console_steps(provider, rows)
    return _placed(steps, region)


def _placed(steps: ToolSteps, region: Region | None) -> ToolSteps:
    if region is None:
        return steps
    for var in PLACE_VARS:
        required = f': "${{{var}:?'
        at = next((i for i, line in enumerate(steps.setup) if line.startswith(required)), None)
        if at is not None:
            setup = list(steps.setup)
            setup[at] = default_var(var, region.id) + f"  # the plan's region: {region.metro}"
            return replace(steps, setup=setup)
    return steps


REPLAN = [require_var("INVENTORY", "set INVENTORY to the inventory file of this plan"),
          require_var("PROVIDER", "set PROVIDER to the id of the provider that refused"),
          "planner plan \"$INVENTORY\" --exclude \"$PROVIDER\" -o \"out/without-$PROVIDER\""]
