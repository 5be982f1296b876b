"""What one OpenTofu module needs to know of a provider: its Terraform provider (source,
version, the documentation its resource arguments were read from), how credentials reach
it, the variables an operator sets, and how one plan row becomes resource blocks. The
providers themselves are in targets_vps.py, targets_clouds.py and targets_more.py;
opentofu.TARGETS maps catalog provider ids to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.models.provider_facts import Native
from planner.report.export import hcl
from planner.report.export.hcl import Attr, Block
from planner.report.shell.base import Row


@dataclass(frozen=True)
class Var:
    """An input variable of a module: what the plan cannot know."""

    name: str
    type: str  # HCL type constraint
    description: str
    default: str | None = None  # an HCL expression; None: `tofu plan` asks for it


@dataclass(frozen=True)
class RowRefs:
    """One plan row as a provider's renderer sees it."""

    row: Row
    ident: str  # resource name in HCL
    native: Native
    image: str  # HCL expression: the offering's own image, else the module's variable
    group_label: str  # the group's hostname label: fits every provider's tag rules

    @property
    def count(self) -> Attr:
        return Attr("count", str(self.row.count))

    def name(self, suffix: str = "") -> str:
        """The runbook's server name (`<label>-<index>`), with `suffix` after it."""
        return (hcl.template(f"{self.row.label}-", f"count.index + {self.row.first_index}")
                [:-1] + hcl.escape(suffix) + '"')

    @property
    def group(self) -> str:
        """The group's own name as a literal (any printable text, escaped)."""
        return hcl.string(self.row.group)


@dataclass(frozen=True)
class Target:
    name: str  # the provider's local name in required_providers
    source: str
    version: str
    doc: str  # where the arguments used here were read
    credentials: str  # Markdown: how the provider gets credentials (never written here)
    place: Var  # region/location/zone; its default is set from the plan's region
    servers: Callable[[RowRefs], list[Block]]
    addresses: Callable[[RowRefs], str]  # HCL: a map of server name => public IPv4
    image: Var | None = None  # None: the offering's native.image is required
    variables: tuple[Var, ...] = ()
    provider_config: tuple[Attr, ...] = ()
    shared: tuple[Block, ...] = ()  # made once per module (networks, LANs)
    place_default: Callable[[str], str | None] = lambda region: region
    volumes: bool = False  # its renderer makes and attaches native.volumes
    boot_disk: bool = False  # its renderer sizes the boot disk as native.boot_disk says
    fits: Callable[[Native], bool] = lambda native: True  # else: console steps
    notes: tuple[str, ...] = ()  # Markdown sentences for the README


def name_ip_map(resource: str, name_attr: str, ip_expr: str) -> str:
    """A map from each server's name to its address; `ip_expr` may use `s` (the server)
    and `i` (its index in the row)."""
    return f"{{ for i, s in {resource} : s.{name_attr} => {ip_expr} }}"
