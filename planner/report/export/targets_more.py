"""Google Cloud, Oracle Cloud (OCI), OVHcloud Public Cloud (through OpenStack) and IONOS.
Each argument used here was read in the `doc` named with it: the provider's own documentation
page, in its repository, at the commit written after `@` (the stored copy read, not
necessarily the newest)."""

from __future__ import annotations

from planner.report.export import hcl
from planner.report.export.hcl import Attr, block
from planner.report.export.targets import RowRefs, Target, Var, name_ip_map
from planner.report.export.targets_vps import SSH_PUBKEYS
from planner.report.shell.images import GCP_IMAGE_FAMILY, GCP_IMAGE_PROJECT, UBUNTU


def _google(ref: RowRefs):
    disk = [Attr("image", ref.image)]
    if ref.native.boot_disk:
        disk.append(Attr("size", str(ref.native.boot_disk.size_gb)))
        if ref.native.boot_disk.type:
            disk.append(Attr("type", hcl.string(ref.native.boot_disk.type)))
    return [block("resource", "google_compute_instance", ref.ident, body=[
        ref.count, Attr("name", ref.name()), Attr("machine_type", hcl.string(ref.native.type)),
        Attr("zone", "var.zone"), Attr("description", ref.group),
        Attr("labels", f"{{ group = {hcl.string(ref.group_label)} }}"),
        Attr("metadata", '{ "ssh-keys" = var.ssh_keys }'),
        block("boot_disk", body=[block("initialize_params", body=disk)]),
        block("network_interface", body=[Attr("network", "var.network"),
                                         block("access_config")])])]


GOOGLE = Target(
    name="google", source="hashicorp/google", version="~> 7.0",
    doc="github.com/hashicorp/terraform-provider-google website/docs/r/"
    "compute_instance.html.markdown@2e9355aa3553 (arguments) and @022e24ae73bc "
    "(access_config, attributes)",
    credentials="`gcloud auth application-default login` (or "
    "`GOOGLE_APPLICATION_CREDENTIALS`)",
    place=Var("region", "string", "Google Cloud region (us-east4, europe-west3, ...)."),
    image=Var("image", "string", "Boot image.",
              hcl.string(f"{GCP_IMAGE_PROJECT}/{GCP_IMAGE_FAMILY}")),
    variables=(Var("project", "string", "Project id."),
               Var("zone", "string", "Zone in the region (gcloud compute zones list)."),
               Var("network", "string", "VPC network.", hcl.string("default")),
               Var("ssh_keys", "string", 'Project-style SSH keys, one "user:ssh-ed25519 '
                   'AAAA... comment" a line.')),
    provider_config=(Attr("project", "var.project"), Attr("region", "var.region")),
    servers=_google, boot_disk=True,
    notes=("The `default` network admits SSH from anywhere (its default-allow-ssh rule) "
           "when the project still has it; open application ports with firewall rules.",),
    addresses=lambda ref: name_ip_map(f"google_compute_instance.{ref.ident}", "name",
                                      "s.network_interface[0].access_config[0].nat_ip"))


def _oci(ref: RowRefs):
    native = ref.native
    body = [ref.count, Attr("display_name", ref.name()),
            Attr("availability_domain", "var.availability_domain"),
            Attr("compartment_id", "var.compartment_ocid"), Attr("shape", hcl.string(native.type)),
            Attr("metadata", "{ ssh_authorized_keys = var.ssh_public_key }"),
            Attr("freeform_tags", f"{{ group = {ref.group} }}")]
    if native.ocpus is not None:
        body.append(block("shape_config", body=[Attr("ocpus", f"{native.ocpus:g}"),
                                                Attr("memory_in_gbs", f"{native.memory_gb:g}")]))
    source = [Attr("source_type", hcl.string("image")), Attr("source_id", ref.image)]
    if native.boot_disk:
        source.append(Attr("boot_volume_size_in_gbs", str(native.boot_disk.size_gb)))
    body += [block("source_details", body=source),
             block("create_vnic_details", body=[Attr("subnet_id", "var.subnet_id"),
                                                Attr("assign_public_ip", "true")])]
    return [block("resource", "oci_core_instance", ref.ident, body=body)]


OCI = Target(
    name="oci", source="oracle/oci", version="~> 7.0",
    doc="github.com/oracle/terraform-provider-oci website/docs/r/"
    "core_instance.html.markdown@001f06d7acf9",
    credentials="the API key in `~/.oci/config`, profile `DEFAULT` (written by "
    "`oci setup config`)",
    place=Var("region", "string", "OCI region (us-ashburn-1, eu-frankfurt-1, ...)."),
    image=Var("image_id", "string", "OCID of a Canonical Ubuntu 24.04 platform image in the "
              "region (oci compute image list --operating-system \"Canonical Ubuntu\")."),
    variables=(Var("compartment_ocid", "string", "OCID of the compartment."),
               Var("availability_domain", "string", "Availability domain, e.g. "
                   "Uocm:US-ASHBURN-AD-1 (oci iam availability-domain list)."),
               Var("subnet_id", "string", "OCID of a public subnet."),
               Var("ssh_public_key", "string", "SSH public key (text) for user ubuntu.")),
    provider_config=(Attr("region", "var.region"),), servers=_oci, boot_disk=True,
    fits=lambda native: not native.type.endswith(".Flex") or native.ocpus is not None,
    addresses=lambda ref: name_ip_map(f"oci_core_instance.{ref.ident}", "display_name",
                                      "s.public_ip"))


def _openstack(ref: RowRefs):
    server = block("resource", "openstack_compute_instance_v2", ref.ident, body=[
        ref.count, Attr("name", ref.name()), Attr("flavor_name", hcl.string(ref.native.type)),
        Attr("image_name", ref.image), Attr("key_pair", "var.key_pair"),
        Attr("metadata", f"{{ group = {ref.group} }}"),
        block("network", body=[Attr("name", "var.network")])])
    out = [server]
    for k, disk in enumerate(ref.native.volumes, 1):
        vol = f"{ref.ident}-data-{k}"
        body = [ref.count, Attr("name", ref.name(f"-data-{k}")), Attr("size", str(disk.size_gb))]
        if disk.type:
            body.append(Attr("volume_type", hcl.string(disk.type)))
        out += [block("resource", "openstack_blockstorage_volume_v3", vol, body=body),
                block("resource", "openstack_compute_volume_attach_v2", vol, body=[
                    ref.count, Attr("instance_id", f"openstack_compute_instance_v2."
                                                   f"{ref.ident}[count.index].id"),
                    Attr("volume_id", f"openstack_blockstorage_volume_v3.{vol}[count.index].id")])]
    return out


OPENSTACK = Target(
    name="openstack", source="terraform-provider-openstack/openstack", version="~> 3.0",
    doc="github.com/terraform-provider-openstack/terraform-provider-openstack docs/resources/"
    "compute_instance_v2.md@15a7607ba495, docs/resources/blockstorage_volume_v3.md@"
    "191b6516f152, docs/resources/compute_volume_attach_v2.md@002805f4f148",
    credentials="the `OS_*` variables of `openrc.sh` (OVHcloud Control Panel > Public Cloud > "
    "Users & Roles): `. ./openrc.sh`",
    place=Var("region", "string", "OpenStack region (GRA11, SBG5, BHS5, ...)."),
    place_default=lambda region: region.upper(),
    image=Var("image", "string", "Image name.", hcl.string(UBUNTU["openstack"])),
    variables=(Var("key_pair", "string", "Name of a key pair in the region (openstack "
                   "keypair list)."),
               Var("network", "string", "Network with public addresses.",
                   hcl.string("Ext-Net"))),
    provider_config=(Attr("region", "var.region"),), servers=_openstack, volumes=True,
    addresses=lambda ref: name_ip_map(f"openstack_compute_instance_v2.{ref.ident}", "name",
                                      "s.access_ip_v4"))

IONOS_SHARED = (
    block("resource", "ionoscloud_datacenter", "exit", body=[
        Attr("name", hcl.string("exit-plan")), Attr("location", "var.location")]),
    block("resource", "ionoscloud_lan", "public", body=[
        Attr("datacenter_id", "ionoscloud_datacenter.exit.id"), Attr("public", "true"),
        Attr("name", hcl.string("exit-plan-public"))]),
)


def _ionos(ref: RowRefs):
    native = ref.native
    vcpu = native.type == "VCPU"
    body = [ref.count, Attr("name", ref.name()),
            Attr("datacenter_id", "ionoscloud_datacenter.exit.id"),
            Attr("cores", str(native.cores)), Attr("ram", str(round(native.memory_gb * 1024))),
            Attr("image_name", ref.image), Attr("ssh_keys", "var.ssh_public_keys")]
    if not vcpu:
        body.insert(3, Attr("type", hcl.string(native.type)))
    disk = native.boot_disk
    volume = [Attr("name", hcl.string("system"))]
    if disk:
        volume += [Attr("size", str(disk.size_gb)),
                   Attr("disk_type", hcl.string(disk.type or "SSD Standard"))]
    body += [block("volume", body=volume),
             block("nic", body=[Attr("lan", "ionoscloud_lan.public.id"),
                                Attr("name", hcl.string("public")), Attr("dhcp", "true"),
                                Attr("firewall_active", "false")]),
             block("label", body=[Attr("key", hcl.string("group")),
                                  Attr("value", hcl.string(ref.group_label))])]
    kind = "ionoscloud_vcpu_server" if vcpu else "ionoscloud_server"
    return [block("resource", kind, ref.ident, body=body)]


def _ionos_kind(ref: RowRefs) -> str:
    return "ionoscloud_vcpu_server" if ref.native.type == "VCPU" else "ionoscloud_server"


IONOS = Target(
    name="ionoscloud", source="ionos-cloud/ionoscloud", version="~> 6.4",
    doc="github.com/ionos-cloud/terraform-provider-ionoscloud docs/resources/server.md@"
    "00e7ca6f7b18, docs/resources/vcpu_server.md@0ab8f6db3959, docs/resources/"
    "datacenter.md@009be346e636, docs/resources/lan.md@04e20eeed4b7 (the volume and nic "
    "block arguments as those server pages' examples use them; volume.md and nic.md not "
    "read)",
    credentials="`IONOS_TOKEN` (or `IONOS_USERNAME` and `IONOS_PASSWORD`)",
    place=Var("location", "string", "IONOS location of the new datacenter (us/ewr, de/fra, "
              "...)."),
    place_default=lambda region: region.replace("-", "/", 1),
    image=Var("image", "string", "Image alias (the newest Ubuntu LTS).",
              hcl.string(UBUNTU["ionosctl"])),
    variables=(SSH_PUBKEYS,), shared=IONOS_SHARED, servers=_ionos, boot_disk=True,
    fits=lambda native: native.cores is not None and native.memory_gb is not None,
    notes=("The module makes a datacenter (`exit-plan`) and a public LAN in `location`; "
           "NIC firewalls are off: filter on the servers.",),
    addresses=lambda ref: name_ip_map(f"{_ionos_kind(ref)}.{ref.ident}", "name",
                                      "s.primary_ip"))
