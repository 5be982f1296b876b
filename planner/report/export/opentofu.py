"""The plan as OpenTofu configuration: one module (folder) per provider that has a
Terraform provider here, so a provider that refuses can be destroyed or dropped alone; one
resource block per plan row, `count` = the machines the row creates, named as the runbook
names them. Rows without the provider's own names (`Offering.native`), and providers
without a Terraform provider here, are listed in CONSOLE.md instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.models.plan import Plan
from planner.report.export import hcl
from planner.report.export.hcl import Attr, Block, Comment, block
from planner.report.export.targets import RowRefs, Target, Var
from planner.report.export.targets_clouds import AWS, AZURE
from planner.report.export.targets_more import GOOGLE, IONOS, OCI, OPENSTACK
from planner.report.export.targets_vps import (
    CONTABO,
    DIGITALOCEAN,
    HCLOUD,
    LINODE,
    PHOENIXNAP,
    SCALEWAY,
    UPCLOUD,
    VULTR,
)
from planner.report.servers import ProviderView
from planner.report.shell.base import Row

# Catalog provider id -> its Terraform provider (the module's source of truth).
TARGETS: dict[str, Target] = {
    "hetzner-cloud": HCLOUD, "digitalocean": DIGITALOCEAN, "vultr": VULTR, "linode": LINODE,
    "scaleway": SCALEWAY, "ovh-public-cloud": OPENSTACK, "upcloud": UPCLOUD,
    "oracle-cloud": OCI, "azure": AZURE, "google-cloud": GOOGLE, "ionos": IONOS,
    "phoenixnap": PHOENIXNAP, "aws-ec2": AWS, "contabo": CONTABO,
}
TOFU_VERSION = ">= 1.6"


@dataclass
class Module:
    """One provider's module: its rows and the files of its folder."""

    view: ProviderView
    target: Target
    rows: list[Row]
    files: dict[str, str] = field(default_factory=dict)
    by_hand: list[str] = field(default_factory=list)  # Markdown: native fields not made here

    @property
    def machines(self) -> int:
        return sum(r.count for r in self.rows)


def module_rows(view: ProviderView) -> tuple[Target | None, list[Row], list[Row]]:
    """The provider's Terraform target, the rows it makes, and the rows left to the
    console (no native names, or native names the target cannot build from)."""
    target = TARGETS.get(view.provider.id)
    made, console = [], []
    for row in view.rows:
        native = row.offering.native
        fits = target is not None and native is not None and target.fits(native)
        (made if fits else console).append(row)
    return target, made, console


def _idents(rows: list[Row]) -> list[str]:
    """Resource names: the row's label, and its first index where a group has two rows."""
    labels = [r.label for r in rows]
    return [hcl.ident(r.label if labels.count(r.label) == 1 else f"{r.label}_from_{r.first_index}")
            for r in rows]


def _refs(module: Module, group_labels: dict[str, str]) -> list[RowRefs]:
    image_var = module.target.image
    out = []
    for row, name in zip(module.rows, _idents(module.rows)):
        native = row.offering.native
        image = (hcl.string(native.image) if native.image
                 else f"var.{image_var.name}" if image_var else "")
        out.append(RowRefs(row, name, native, image, group_labels[row.group]))
    return out


def _variable(var: Var, default: str | None = None) -> Block:
    body = [Attr("type", var.type), Attr("description", hcl.string(var.description))]
    value = var.default if default is None else default
    if value is not None:
        body.append(Attr("default", value))
    return block("variable", var.name, body=body)


def _variables(module: Module) -> list[Block]:
    target, region = module.target, module.view.region
    place = target.place_default(region.id) if region else None
    out = [_variable(target.place, hcl.string(place) if place else None)]
    if target.image and any(not r.offering.native.image for r in module.rows):
        out.append(_variable(target.image))
    return out + [_variable(v) for v in target.variables]


def _versions(target: Target) -> str:
    required = block("required_providers", body=[Attr(target.name, (
        f"{{\n      source  = {hcl.string(target.source)}\n"
        f"      version = {hcl.string(target.version)}\n    }}"))])
    return hcl.document([], [block("terraform", body=[
        Attr("required_version", hcl.string(TOFU_VERSION)), required])])


def _row_comment(row: Row) -> Comment:
    servers = f", {row.servers} servers" if row.servers != row.count else ""
    return Comment(f"{row.label}: machines {row.first_index}-{row.last_index} "
                   f"({row.count}{servers}), ready by hour {row.ready_hour}")


def _main(module: Module, refs: list[RowRefs]) -> str:
    target, provider = module.target, module.view.provider
    rows = f"{len(refs)} row{'s' if len(refs) != 1 else ''}"
    header = [f"{safe(provider.name)} ({provider.id}): {module.machines} machines from "
              f"{rows} of the plan.",
              f"Resource arguments as documented in: {target.doc}.",
              f"Credentials: {strip_md(target.credentials)}; never written here.",
              "Written by `planner export`: change the plan and export again."]
    blocks: list = [block("provider", target.name, body=target.provider_config)]
    blocks.append(block("locals", body=[Attr("groups", hcl.object_lines(
        [(r.ident, hcl.string(r.row.group)) for r in refs], 1))]))
    blocks += list(target.shared)
    for ref in refs:
        blocks.append(_row_comment(ref.row))
        blocks += target.servers(ref)
    return hcl.document(header, blocks)


def _outputs(module: Module, refs: list[RowRefs]) -> str:
    maps = ",\n".join(f"    {module.target.addresses(r)}" for r in refs)
    return hcl.document([], [block("output", "addresses", body=[
        Attr("description", hcl.string("Public IPv4 address of each server, by name.")),
        Attr("value", f"merge(\n{maps}\n  )")])])


def _by_hand(module: Module) -> list[str]:
    """Native fields this module does not make: data volumes, boot disk sizes."""
    notes = []
    for row in module.rows:
        native = row.offering.native
        if native.volumes and not module.target.volumes:
            sizes = ", ".join(f"{d.size_gb:,} GB" for d in native.volumes)
            notes.append(f"`{row.label}`: attach the data volumes ({sizes}) by hand.")
        if native.boot_disk and not module.target.boot_disk:
            notes.append(f"`{row.label}`: size the boot disk to "
                         f"{native.boot_disk.size_gb:,} GB by hand.")
    return notes


def build_module(view: ProviderView, group_labels: dict[str, str]) -> Module | None:
    """The module of one provider of the plan, or None when none of its rows fit one."""
    target, rows, _ = module_rows(view)
    if target is None or not rows:
        return None
    module = Module(view, target, rows)
    refs = _refs(module, group_labels)
    module.by_hand = _by_hand(module)
    module.files = {"versions.tf": _versions(target),
                    "variables.tf": hcl.document([], _variables(module)),
                    "main.tf": _main(module, refs), "outputs.tf": _outputs(module, refs)}
    return module


def safe(text: str) -> str:
    """One line of catalog text for a comment: no control characters."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def strip_md(text: str) -> str:
    return safe(text).replace("`", "")


def modules_of(plan: Plan, views: list[ProviderView],
               group_labels: dict[str, str]) -> list[Module]:
    """Every module of the plan, in the plan's order of providers."""
    return [m for m in (build_module(v, group_labels) for v in views) if m is not None]
