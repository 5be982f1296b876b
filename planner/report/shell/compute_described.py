"""Server-creating commands for CLIs whose server type the catalog names only in the offering's
description (Azure VM sizes, OCI shapes, IONOS server types); console steps when it does not.
"""

from __future__ import annotations

import json
import re

from planner.models.catalog import Provider
from planner.models.provider_facts import Offering
from planner.report.shell.base import (
    Row,
    ToolSteps,
    console_steps,
    continued,
    default_var,
    require_var,
    rows_to_loops,
    shq,
)

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
    steps = console_steps(provider, rows)
    return ToolSteps(tool=None, source=None, console=steps.console, notes=[
        f"The catalog offerings here do not name {what}, so no `{provider.cli}` command is "
        "given; order in the console."])


def az_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
    if any(azure_size(r.offering) is None for r in rows):
        return _unnamed(provider, rows, "an Azure VM size")

    def body(row: Row) -> list[str]:
        return continued(["az vm create --resource-group \"$RESOURCE_GROUP\" "
                          "--name \"$PREFIX-$i\"",
                          f"--size {shq(azure_size(row.offering))} --image \"$IMAGE\"",
                           "--admin-username \"$ADMIN_USER\" --ssh-key-values \"$SSH_PUBKEY\"",
                           f"--tags group={shq(row.group)}"])

    return ToolSteps(
        tool="az", source="learn.microsoft.com/cli/azure/vm (az vm create, "
        "az vm list-ip-addresses)",
        login=["az login"],
        setup=[require_var("RESOURCE_GROUP", "set RESOURCE_GROUP (az group create first)"),
               default_var("IMAGE", "Ubuntu2204"),
               default_var("ADMIN_USER", "azureuser"),
               default_var("SSH_PUBKEY", "$HOME/.ssh/id_ed25519.pub")],
        create=rows_to_loops(rows, body),
        addresses=[f"az vm list-ip-addresses --resource-group \"$RESOURCE_GROUP\" -o table "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["The VM size is the one the catalog offering names; add the disk its description "
               "lists (a managed data disk) in the portal or with `az vm disk attach`."])


def oci_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
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
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["Shape, OCPUs and memory are the ones the catalog offering names; attach the block "
               "volume its description lists in the console. Public addresses are on each "
               "instance's VNIC (console, or `oci compute instance list-vnics`)."])


def ionosctl_steps(provider: Provider, rows: list[Row]) -> ToolSteps:
    if any(ionos_type(r.offering) is None for r in rows):
        return _unnamed(provider, rows, "an IONOS server type")

    def body(row: Row) -> list[str]:
        return continued(["ionosctl server create --datacenter-id \"$DATACENTER_ID\"",
                          f"--name \"$PREFIX-$i\" --type {shq(ionos_type(row.offering))}",
                          f"--cores {shq(f'{row.offering.vcpu.value:g}')} "
                           f"--ram {shq(f'{row.offering.ram_gb.value:g}GB')} -w -W"])

    return ToolSteps(
        tool="ionosctl", source="github.com/ionos-cloud/ionosctl docs (ionosctl server create)",
        login=["ionosctl login"],
        setup=[require_var("DATACENTER_ID", "set DATACENTER_ID from: ionosctl datacenter list")],
        create=rows_to_loops(rows, body),
        addresses=[f"ionosctl server list --datacenter-id \"$DATACENTER_ID\" "
                   f"> {shq('addresses-' + provider.id + '.txt')}"],
        notes=["`ionosctl server create` makes the server only: add the boot volume its "
               "description lists, with an Ubuntu image, and a public NIC in the Data Center "
               "Designer (console)."])
