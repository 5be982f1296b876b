"""Providers whose server needs more than a type name: AWS (an AMI), Azure (a NIC, a public
address, a network), Google Cloud (a boot disk and a zone), OCI (a flexible shape, a
subnet, an image OCID), OVHcloud Public Cloud through OpenStack, IONOS (a datacenter and a
LAN). Each argument used here was read in the `doc` named with it: the provider's own
documentation page, in its repository, at the commit written after `@` (the stored copy
read, not necessarily the newest)."""

from __future__ import annotations

from planner.report.export import hcl
from planner.report.export.hcl import Attr, block
from planner.report.export.targets import RowRefs, Target, Var, name_ip_map
from planner.report.shell.images import UBUNTU


def _aws(ref: RowRefs):
    body = [ref.count, Attr("ami", ref.image), Attr("instance_type",
                                                    hcl.string(ref.native.type)),
            Attr("key_name", "var.key_name"), Attr("subnet_id", "var.subnet_id"),
            Attr("associate_public_ip_address", "true"),
            Attr("tags", f"{{ Name = {ref.name()}, group = {ref.group} }}")]
    if ref.native.boot_disk:
        body.append(block("root_block_device", body=[
            Attr("volume_size", str(ref.native.boot_disk.size_gb)),
            Attr("volume_type", hcl.string(ref.native.boot_disk.type or "gp3"))]))
    return [block("resource", "aws_instance", ref.ident, body=body)]


AWS = Target(
    name="aws", source="hashicorp/aws", version="~> 6.0",
    doc="github.com/hashicorp/terraform-provider-aws website/docs/r/"
    "instance.html.markdown@00d98e75afb6",
    credentials="`AWS_PROFILE` (or `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`)",
    place=Var("region", "string", "AWS region (us-east-1, eu-central-1, ...)."),
    image=Var("image", "string", "AMI id of Ubuntu 24.04 LTS in the region (Canonical "
              "publishes them: aws ssm get-parameters --names /aws/service/canonical/"
              "ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id)."),
    variables=(Var("key_name", "string", "Name of an EC2 key pair in the region."),
               Var("subnet_id", "string", "Subnet for the instances; null: the default "
                   "VPC's.", "null")),
    provider_config=(Attr("region", "var.region"),), servers=_aws, boot_disk=True,
    addresses=lambda ref: name_ip_map(f"aws_instance.{ref.ident}", 'tags["Name"]',
                                      "s.public_ip"))

AZURE_SHARED = (
    block("resource", "azurerm_virtual_network", "exit", body=[
        Attr("name", hcl.string("exit-plan")), Attr("address_space", hcl.str_list(
            ["10.64.0.0/16"])), Attr("location", "var.location"),
        Attr("resource_group_name", "var.resource_group_name")]),
    block("resource", "azurerm_subnet", "exit", body=[
        Attr("name", hcl.string("servers")), Attr("resource_group_name",
                                                  "var.resource_group_name"),
        Attr("virtual_network_name", "azurerm_virtual_network.exit.name"),
        Attr("address_prefixes", hcl.str_list(["10.64.0.0/18"]))]),
    block("resource", "azurerm_network_security_group", "exit", body=[
        Attr("name", hcl.string("exit-plan-ssh")), Attr("location", "var.location"),
        Attr("resource_group_name", "var.resource_group_name"),
        block("security_rule", body=[
            Attr("name", hcl.string("ssh")), Attr("priority", "100"),
            Attr("direction", hcl.string("Inbound")), Attr("access", hcl.string("Allow")),
            Attr("protocol", hcl.string("Tcp")), Attr("source_port_range", hcl.string("*")),
            Attr("destination_port_range", hcl.string("22")),
            Attr("source_address_prefixes", "var.ssh_source_cidrs"),
            Attr("destination_address_prefix", hcl.string("*"))])]),
    block("resource", "azurerm_subnet_network_security_group_association", "exit", body=[
        Attr("subnet_id", "azurerm_subnet.exit.id"),
        Attr("network_security_group_id", "azurerm_network_security_group.exit.id")]),
)


def _azure_image(ref: RowRefs) -> list:
    if ref.native.image:  # a URN: publisher:offer:sku:version
        parts = dict(zip(("publisher", "offer", "sku", "version"),
                         ref.native.image.split(":")))
        return [Attr(k, hcl.string(v)) for k, v in parts.items()]
    return [Attr(k, f"var.image_{k}") for k in ("publisher", "offer", "sku", "version")]


def _azure(ref: RowRefs):
    rg = Attr("resource_group_name", "var.resource_group_name")
    loc = Attr("location", "var.location")
    disk = ref.native.boot_disk
    os_disk = [Attr("caching", hcl.string("ReadWrite")),
               Attr("storage_account_type", hcl.string(disk.type if disk and disk.type
                                                       else "Premium_LRS"))]
    if disk:
        os_disk.append(Attr("disk_size_gb", str(disk.size_gb)))
    return [
        block("resource", "azurerm_public_ip", ref.ident, body=[
            ref.count, Attr("name", ref.name("-ip")), rg, loc,
            Attr("allocation_method", hcl.string("Static")), Attr("sku", hcl.string("Standard"))]),
        block("resource", "azurerm_network_interface", ref.ident, body=[
            ref.count, Attr("name", ref.name("-nic")), rg, loc,
            block("ip_configuration", body=[
                Attr("name", hcl.string("primary")), Attr("subnet_id", "azurerm_subnet.exit.id"),
                Attr("private_ip_address_allocation", hcl.string("Dynamic")),
                Attr("public_ip_address_id",
                     f"azurerm_public_ip.{ref.ident}[count.index].id")])]),
        block("resource", "azurerm_linux_virtual_machine", ref.ident, body=[
            ref.count, Attr("name", ref.name()), rg, loc,
            Attr("size", hcl.string(ref.native.type)), Attr("admin_username", "var.admin_username"),
            Attr("network_interface_ids",
                 f"[azurerm_network_interface.{ref.ident}[count.index].id]"),
            Attr("tags", f"{{ group = {ref.group} }}"),
            block("admin_ssh_key", body=[Attr("username", "var.admin_username"),
                                         Attr("public_key", "var.ssh_public_key")]),
            block("os_disk", body=os_disk),
            block("source_image_reference", body=_azure_image(ref))])]


AZURE = Target(
    name="azurerm", source="hashicorp/azurerm", version="~> 4.0",
    doc="github.com/hashicorp/terraform-provider-azurerm website/docs/r/"
    "linux_virtual_machine.html.markdown@053036d9e5d0, "
    "website/docs/r/network_interface.html.markdown@0492f201720b, "
    "website/docs/r/public_ip.html.markdown@045222a630d4, "
    "website/docs/r/virtual_network.html.markdown@0021d1ef5f42, "
    "website/docs/r/subnet.html.markdown@0177a6ca6e8b, "
    "website/docs/r/network_security_group.html.markdown@00588f6fb7ad, "
    "website/docs/r/subnet_network_security_group_association.html.markdown@"
    "06f4d667cafc",
    credentials="`az login` (or `ARM_CLIENT_ID`/`ARM_CLIENT_SECRET`/`ARM_TENANT_ID`), and "
    "`ARM_SUBSCRIPTION_ID`",
    place=Var("location", "string", "Azure location (eastus, westeurope, ...)."),
    variables=(
        Var("resource_group_name", "string", "An existing resource group (az group create)."),
        Var("admin_username", "string", "Login user.", hcl.string("azureuser")),
        Var("ssh_public_key", "string", "SSH public key (text) of the login user."),
        Var("ssh_source_cidrs", "list(string)", "Where SSH may come from; narrow this.",
            hcl.str_list(["0.0.0.0/0"])),
        *(Var(f"image_{part}", "string", f"Image {part.replace('sku', 'SKU')}.", hcl.string(value))
          for part, value in zip(("publisher", "offer", "sku", "version"),
                                 UBUNTU["az"].split(":")))),
    provider_config=(block("features"),), shared=AZURE_SHARED, servers=_azure, boot_disk=True,
    notes=("The module makes one virtual network and subnet with a security group that "
           "admits SSH only (`ssh_source_cidrs`): open application ports there.",),
    addresses=lambda ref: name_ip_map(f"azurerm_linux_virtual_machine.{ref.ident}", "name",
                                      f"azurerm_public_ip.{ref.ident}[i].ip_address"))
