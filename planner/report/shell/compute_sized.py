"""Server-creating commands for CLIs that size what they create beyond a type name: Azure VM
sizes with their OS disk, OCI shapes with OCPUs, memory and boot volume, IONOS servers built
from cores, memory, a boot volume and a NIC. All of it read from the offering's native
fields (planner/models/provider_facts.Native).
"""

from __future__ import annotations

import json

from planner.models.catalog import Provider
from planner.report.shell.base import (
    Row,
    ToolSteps,
    addresses_file,
    continued,
    default_var,
    native,
    require_var,
    rows_to_loops,
    shq,
)
from planner.report.shell.images import UBUNTU


def whole(x: float | None) -> float | int | None:
    """A count written as 4, not 4.0, where it is one."""
    return int(x) if x is not None and float(x).is_integer() else x


def az_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        n = native(row)
        image = shq(n.image) if n.image else "\"$IMAGE\""
        parts = ["az vm create --resource-group \"$RESOURCE_GROUP\" --name \"$PREFIX-$i\"",
                 f"--size {shq(n.type)} --image {image}"]
        if n.boot_disk:
            disk = f"--os-disk-size-gb {shq(n.boot_disk.size_gb)}"
            if n.boot_disk.type:
                disk += f" --storage-sku {shq(n.boot_disk.type)}"
            parts.append(disk)
        parts += ["--admin-username \"$ADMIN_USER\" --ssh-key-values \"$SSH_PUBKEY\"",
                  f"--tags group={shq(row.group)}"]
        return continued(parts)

    return ToolSteps(
        tool="az", source="learn.microsoft.com/cli/azure/vm (az vm create, "
        "az vm list-ip-addresses)",
        login=["az login"],
        setup=[require_var("RESOURCE_GROUP", "set RESOURCE_GROUP (az group create first)"),
               default_var("IMAGE", UBUNTU["az"]),
               default_var("ADMIN_USER", "azureuser"),
               default_var("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=rows_to_loops(rows, body),
        addresses=[f"az vm list-ip-addresses --resource-group \"$RESOURCE_GROUP\" -o table "
                   f"> {addresses_file(provider)}"],
        notes=["The OS disk is sized and typed as the offering's price assumes (the Premium "
               "SSD tier of its description)."])


def oci_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
    def body(row: Row) -> list[str]:
        n = native(row)
        parts = ["oci compute instance launch --availability-domain \"$AVAILABILITY_DOMAIN\"",
                 "--compartment-id \"$COMPARTMENT_ID\" --subnet-id \"$SUBNET_ID\"",
                 f"--shape {shq(n.type)}"]
        if n.ocpus is not None:
            config = {"ocpus": whole(n.ocpus), "memoryInGBs": whole(n.memory_gb)}
            parts.append(f"--shape-config {shq(json.dumps(config, sort_keys=True))}")
        if n.boot_disk:
            parts.append(f"--boot-volume-size-in-gbs {shq(n.boot_disk.size_gb)}")
        image = shq(n.image) if n.image else "\"$IMAGE_ID\""
        parts += [f"--image-id {image} --display-name \"$PREFIX-$i\"",
                  "--ssh-authorized-keys-file \"$SSH_PUBKEY\" --assign-public-ip true"]
        return continued(parts)

    return ToolSteps(
        tool="oci", source="docs.oracle.com/iaas/tools/oci-cli (oci compute instance launch)",
        login=["oci setup config  # asks for the tenancy, user and API key"],
        setup=[require_var("COMPARTMENT_ID", "set COMPARTMENT_ID to the OCID of the compartment"),
               require_var("AVAILABILITY_DOMAIN", "set AVAILABILITY_DOMAIN, for example "
                           "Uocm:US-ASHBURN-AD-1"),
               require_var("SUBNET_ID", "set SUBNET_ID to the OCID of a public subnet"),
               require_var("IMAGE_ID", "set IMAGE_ID to the OCID of an Ubuntu LTS image"),
               default_var("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=rows_to_loops(rows, body),
        addresses=[f"oci compute instance list --compartment-id \"$COMPARTMENT_ID\" "
                   f"> {addresses_file(provider)}"],
        notes=["Shape, OCPUs, memory and boot volume are the offering's. Public addresses are "
               "on each instance's VNIC (console, or `oci compute instance list-vnics`)."])


def _ionos_server(row: Row) -> list[str]:
    """Server, boot volume, attachment and public NIC, each once the one before exists: the
    volume and the NIC are made with the server's ID, read from its create command."""
    n = native(row)
    lines = continued(["SERVER_ID=$(ionosctl server create --datacenter-id \"$DATACENTER_ID\"",
                       f"--name \"$PREFIX-$i\" --type {shq(n.type)}",
                       f"--cores {shq(n.cores)} --ram {shq(f'{n.memory_gb:g}GB')}",
                       "-w --cols ServerId --no-headers)"])
    if n.boot_disk:
        disk_type = f" --type {shq(n.boot_disk.type)}" if n.boot_disk.type else ""
        image = shq(n.image) if n.image else "\"$IMAGE_ALIAS\""
        lines += continued([
            "VOLUME_ID=$(ionosctl volume create --datacenter-id \"$DATACENTER_ID\"",
            f"--name \"$PREFIX-$i-boot\" --size {shq(n.boot_disk.size_gb)}{disk_type}",
            f"--image-alias {image} --ssh-key-paths \"$SSH_PUBKEY\"",
            "-w --cols VolumeId --no-headers)"])
        lines += continued(["ionosctl server volume attach --datacenter-id \"$DATACENTER_ID\"",
                            "--server-id \"$SERVER_ID\" --volume-id \"$VOLUME_ID\" -w"])
    lines += continued(["ionosctl nic create --datacenter-id \"$DATACENTER_ID\"",
                        "--server-id \"$SERVER_ID\" --lan-id \"$PUBLIC_LAN_ID\" --dhcp=true -w"])
    return lines


def ionosctl_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
    return ToolSteps(
        tool="ionosctl", source="github.com/ionos-cloud/ionosctl docs/subcommands/Compute "
        "Engine (server create, volume create, server volume attach, nic create, lan create)",
        login=["ionosctl login"],
        setup=[require_var("DATACENTER_ID", "set DATACENTER_ID from: ionosctl datacenter list"),
               require_var("PUBLIC_LAN_ID", "set PUBLIC_LAN_ID to a public LAN, made once "
                           "with: ionosctl lan create --datacenter-id ID --public=true -w"),
               default_var("IMAGE_ALIAS", UBUNTU["ionosctl"]),
               default_var("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=rows_to_loops(rows, _ionos_server),
        addresses=[f"ionosctl server list --datacenter-id \"$DATACENTER_ID\" "
                   f"> {addresses_file(provider)}"],
        notes=["Each server is created, then its boot volume (size and type of the offering, "
               "Ubuntu, your SSH key), then attached, then given a NIC on the public LAN: each "
               "step takes the ID the one before printed."])
