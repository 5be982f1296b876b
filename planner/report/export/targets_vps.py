"""Providers whose server is one resource with a type name: Hetzner Cloud, DigitalOcean,
Vultr, Akamai (Linode), Scaleway, UpCloud, Contabo, phoenixNAP. Each argument used here was
read in the `doc` named with it: the provider's own documentation page, in its repository,
at the commit written after `@` (the stored copy read, not necessarily the newest)."""

from __future__ import annotations

from planner.report.export import hcl
from planner.report.export.hcl import Attr, block
from planner.report.export.targets import RowRefs, Target, Var, name_ip_map
from planner.report.shell.images import UBUNTU

SSH_PUBKEYS = Var("ssh_public_keys", "list(string)", "SSH public keys (the text of "
                  "~/.ssh/id_ed25519.pub) put on every server.")


def _labels(ref: RowRefs) -> Attr:
    return Attr("labels", f"{{ group = {hcl.string(ref.group_label)} }}")


def _hcloud(ref: RowRefs):
    server = block("resource", "hcloud_server", ref.ident, body=[
        ref.count, Attr("name", ref.name()), Attr("server_type", hcl.string(ref.native.type)),
        Attr("image", ref.image), Attr("location", "var.location"),
        Attr("ssh_keys", "var.ssh_keys"), _labels(ref)])
    server_id = Attr("server_id", f"hcloud_server.{ref.ident}[count.index].id")
    # Its volume page: one volume may take `server_id` (with `automount`); to attach
    # several to a server, give each a `location` and use hcloud_volume_attachment.
    several = len(ref.native.volumes) > 1
    out = [server]
    for k, disk in enumerate(ref.native.volumes, 1):
        vol = f"{ref.ident}-data-{k}"
        where = [Attr("location", "var.location")] if several else [
            server_id, Attr("automount", "true")]
        out.append(block("resource", "hcloud_volume", vol, body=[
            ref.count, Attr("name", ref.name(f"-data-{k}")), Attr("size", str(disk.size_gb)),
            *where, Attr("format", hcl.string("ext4")), _labels(ref)]))
        if several:
            out.append(block("resource", "hcloud_volume_attachment", vol, body=[
                ref.count, Attr("volume_id", f"hcloud_volume.{vol}[count.index].id"),
                server_id, Attr("automount", "true")]))
    return out


HCLOUD = Target(
    name="hcloud", source="hetznercloud/hcloud", version="~> 1.45",
    doc="github.com/hetznercloud/terraform-provider-hcloud docs/resources/server.md@"
    "0a7b6db0ba90, docs/resources/volume.md@0fb583a22382, "
    "docs/resources/volume_attachment.md@0fb583a22382",
    credentials="`HCLOUD_TOKEN` (an API token of the project, read/write)",
    place=Var("location", "string", "Hetzner Cloud location (fsn1, nbg1, hel1, ash, hil)."),
    image=Var("image", "string", "Image name.", hcl.string(UBUNTU["hcloud"])),
    variables=(Var("ssh_keys", "list(string)", "Names or IDs of SSH keys already in the "
                   "project (hcloud ssh-key list)."),),
    servers=_hcloud, volumes=True,
    addresses=lambda ref: name_ip_map(f"hcloud_server.{ref.ident}", "name", "s.ipv4_address"))


def _droplet(ref: RowRefs):
    droplet = block("resource", "digitalocean_droplet", ref.ident, body=[
        ref.count, Attr("name", ref.name()), Attr("size", hcl.string(ref.native.type)),
        Attr("image", ref.image), Attr("region", "var.region"),
        Attr("ssh_keys", "var.ssh_keys"), Attr("tags", hcl.str_list([ref.group_label]))])
    out = [droplet]
    for k, disk in enumerate(ref.native.volumes, 1):
        vol = f"{ref.ident}-data-{k}"
        out.append(block("resource", "digitalocean_volume", vol, body=[
            ref.count, Attr("name", ref.name(f"-data-{k}")), Attr("region", "var.region"),
            Attr("size", str(disk.size_gb)), Attr("initial_filesystem_type",
                                                  hcl.string("ext4"))]))
        out.append(block("resource", "digitalocean_volume_attachment", vol, body=[
            ref.count, Attr("droplet_id", f"digitalocean_droplet.{ref.ident}[count.index].id"),
            Attr("volume_id", f"digitalocean_volume.{vol}[count.index].id")]))
    return out


DIGITALOCEAN = Target(
    name="digitalocean", source="digitalocean/digitalocean", version="~> 2.0",
    doc="github.com/digitalocean/terraform-provider-digitalocean docs/resources/"
    "droplet.md@1124e8761e82, docs/resources/volume.md@268a1d436d0f, "
    "docs/resources/volume_attachment.md@268a1d436d0f",
    credentials="`DIGITALOCEAN_TOKEN` (a personal access token with write scope)",
    place=Var("region", "string", "DigitalOcean region slug (nyc3, ams3, ...)."),
    image=Var("image", "string", "Image slug.", hcl.string(UBUNTU["doctl"])),
    variables=(Var("ssh_keys", "list(string)", "IDs or fingerprints of SSH keys in the "
                   "account (doctl compute ssh-key list)."),),
    servers=_droplet, volumes=True,
    addresses=lambda ref: name_ip_map(f"digitalocean_droplet.{ref.ident}", "name",
                                      "s.ipv4_address"))


def _vultr(ref: RowRefs):
    return [block("resource", "vultr_instance", ref.ident, body=[
        ref.count, Attr("label", ref.name()), Attr("hostname", ref.name()),
        Attr("plan", hcl.string(ref.native.type)), Attr("os_id", ref.image),
        Attr("region", "var.region"), Attr("ssh_key_ids", "var.ssh_key_ids")])]


VULTR = Target(
    name="vultr", source="vultr/vultr", version="~> 2.0",
    doc="github.com/vultr/terraform-provider-vultr website/docs/r/"
    "instance.html.markdown@069d59691f52",
    credentials="`VULTR_API_KEY`",
    place=Var("region", "string", "Vultr region id (ewr, ord, ams, ...)."),
    image=Var("os_id", "number", "The Ubuntu 24.04 LTS x64 id from `vultr-cli os list` "
              "(an id, not a name: not defaulted here)."),
    variables=(Var("ssh_key_ids", "list(string)", "SSH key ids from `vultr-cli ssh-key "
                   "list`."),),
    servers=_vultr,
    addresses=lambda ref: name_ip_map(f"vultr_instance.{ref.ident}", "label", "s.main_ip"))


def _linode(ref: RowRefs):
    linode = block("resource", "linode_instance", ref.ident, body=[
        ref.count, Attr("label", ref.name()), Attr("type", hcl.string(ref.native.type)),
        Attr("image", ref.image), Attr("region", "var.region"),
        Attr("authorized_keys", "var.ssh_public_keys"),
        Attr("tags", hcl.str_list([ref.group_label]))])
    volumes = [block("resource", "linode_volume", f"{ref.ident}-data-{k}", body=[
        ref.count, Attr("label", ref.name(f"-data-{k}")), Attr("region", "var.region"),
        Attr("size", str(disk.size_gb)),
        Attr("linode_id", f"linode_instance.{ref.ident}[count.index].id")])
        for k, disk in enumerate(ref.native.volumes, 1)]
    return [linode] + volumes


LINODE = Target(
    name="linode", source="linode/linode", version="~> 3.0",
    doc="github.com/linode/terraform-provider-linode docs/resources/instance.md@"
    "00b34094d327, docs/resources/volume.md@32ce8088bcf9",
    credentials="`LINODE_TOKEN` (a personal access token)",
    place=Var("region", "string", "Linode region id (us-east, us-iad, eu-central, ...)."),
    image=Var("image", "string", "Image id.", hcl.string(UBUNTU["linode-cli"])),
    variables=(SSH_PUBKEYS,), servers=_linode, volumes=True,
    notes=("Without `root_pass` the provider sets a random root password it does not "
           "store: log in with the SSH keys.",),
    addresses=lambda ref: name_ip_map(f"linode_instance.{ref.ident}", "label",
                                      "s.ip_address"))


def _scaleway(ref: RowRefs):
    return [
        block("resource", "scaleway_instance_ip", ref.ident, body=[
            ref.count, Attr("zone", "var.zone")]),
        block("resource", "scaleway_instance_server", ref.ident, body=[
            ref.count, Attr("name", ref.name()), Attr("type", hcl.string(ref.native.type)),
            Attr("image", ref.image), Attr("zone", "var.zone"),
            Attr("ip_id", f"scaleway_instance_ip.{ref.ident}[count.index].id"),
            Attr("tags", hcl.str_list([ref.group_label]))])]


SCALEWAY = Target(
    name="scaleway", source="scaleway/scaleway", version="~> 2.0",
    doc="github.com/scaleway/terraform-provider-scaleway docs/resources/"
    "instance_server.md@0166dd230126, docs/resources/instance_ip.md@0297d5c1403b",
    credentials="`SCW_ACCESS_KEY`, `SCW_SECRET_KEY` and `SCW_DEFAULT_PROJECT_ID`",
    place=Var("zone", "string", "Scaleway zone (fr-par-1, nl-ams-1, pl-waw-1, ...)."),
    image=Var("image", "string", "Image label.", hcl.string(UBUNTU["scw"])),
    servers=_scaleway,
    notes=("Scaleway puts the project's SSH keys (console: Project > SSH keys) on new "
           "instances; there is no per-server key argument.",),
    addresses=lambda ref: name_ip_map(f"scaleway_instance_server.{ref.ident}", "name",
                                      f"scaleway_instance_ip.{ref.ident}[i].address"))


def _upcloud(ref: RowRefs):
    return [block("resource", "upcloud_server", ref.ident, body=[
        ref.count, Attr("hostname", ref.name()), Attr("title", ref.name()),
        Attr("zone", "var.zone"), Attr("plan", hcl.string(ref.native.type)), _labels(ref),
        block("template", body=[Attr("storage", ref.image)]),
        block("network_interface", body=[Attr("type", hcl.string("public"))]),
        block("login", body=[Attr("keys", "var.ssh_public_keys")])])]


UPCLOUD = Target(
    name="upcloud", source="UpCloudLtd/upcloud", version="~> 5.0",
    doc="github.com/UpCloudLtd/terraform-provider-upcloud docs/resources/server.md@"
    "15940f6b2128",
    credentials="`UPCLOUD_USERNAME` and `UPCLOUD_PASSWORD` (an API sub-account)",
    place=Var("zone", "string", "UpCloud zone (de-fra1, fi-hel1, us-nyc1, ...)."),
    image=Var("image", "string", "Public template name or UUID (upctl storage list "
              "--public --template).", hcl.string(UBUNTU["upctl"])),
    variables=(SSH_PUBKEYS,), servers=_upcloud,
    addresses=lambda ref: name_ip_map(f"upcloud_server.{ref.ident}", "hostname",
                                      "s.network_interface[0].ip_address"))


def _contabo(ref: RowRefs):
    return [block("resource", "contabo_instance", ref.ident, body=[
        ref.count, Attr("display_name", ref.name()),
        Attr("product_id", hcl.string(ref.native.type)), Attr("region", "var.region"),
        Attr("image_id", ref.image), Attr("ssh_keys", "var.ssh_key_secret_ids"),
        Attr("period", "var.period_months")])]


CONTABO_REGIONS = ("EU", "US-central", "US-east", "US-west", "SIN")  # as its doc writes them

CONTABO = Target(
    name="contabo", source="contabo/contabo", version="~> 0.1.26",
    doc="github.com/contabo/terraform-provider-contabo docs/resources/"
    "contabo_instance.md@17d448cb397a",
    credentials="`CNTB_OAUTH2_CLIENT_ID`, `CNTB_OAUTH2_CLIENT_SECRET`, `CNTB_OAUTH2_USER` "
    "and `CNTB_OAUTH2_PASS`",
    place=Var("region", "string", "Contabo region: " + ", ".join(CONTABO_REGIONS) + "."),
    place_default=lambda region: next((r for r in CONTABO_REGIONS
                                       if r.lower() == region.lower()), None),
    image=Var("image_id", "string", "Ubuntu 24.04 image id from `cntb get images` (an id: "
              "not defaulted here)."),
    variables=(Var("ssh_key_secret_ids", "list(number)", "Secret ids of SSH public keys "
                   "(cntb get secrets)."),
               Var("period_months", "number", "Initial contract period in months (1, 3, "
                   "6 or 12).", "1")),
    servers=_contabo,
    notes=("Contabo bills a contract period (`period_months`); `tofu destroy` cancels at "
           "its end, not at once.",),
    addresses=lambda ref: name_ip_map(f"contabo_instance.{ref.ident}", "display_name",
                                      "s.ip_config[0].v4[0].ip"))


def _pnap(ref: RowRefs):
    return [block("resource", "pnap_server", ref.ident, body=[
        ref.count, Attr("hostname", ref.name()), Attr("description", ref.group),
        Attr("type", hcl.string(ref.native.type)), Attr("os", ref.image),
        Attr("location", "var.location"), Attr("ssh_keys", "var.ssh_public_keys")])]


PHOENIXNAP = Target(
    name="pnap", source="phoenixnap/pnap", version=">= 0.1",
    doc="github.com/phoenixnap/terraform-provider-pnap docs/resources/server.md@"
    "0ce4fe9499cc",
    credentials="`~/.pnap/config.yaml` with `clientId` and `clientSecret`",
    place=Var("location", "string", "phoenixNAP location id (PHX, ASH, CHI, SEA, NLD, ...)."),
    place_default=lambda region: region.upper(),
    image=Var("image", "string", "OS id.", hcl.string("ubuntu/noble")),
    variables=(SSH_PUBKEYS,), servers=_pnap,
    addresses=lambda ref: name_ip_map(f"pnap_server.{ref.ident}", "hostname",
                                      "s.public_ip_addresses[0]"))
