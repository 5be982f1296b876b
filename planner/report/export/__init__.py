"""`planner export`: the plan as infrastructure code an SRE can plan, review and apply in
parallel (OpenTofu modules, one per provider) and an Ansible inventory of the same servers.
Pure functions: the files as (relative path, text); the CLI writes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.models.plan import Plan
from planner.report.export import ansible, opentofu, tofu_docs
from planner.report.names import name_map
from planner.report.servers import provider_views_of

FORMATS = ("opentofu", "ansible")


@dataclass
class Export:
    files: list[tuple[str, str]] = field(default_factory=list)  # (path under DIR, text)
    machines: dict[str, int] = field(default_factory=dict)  # module's provider -> machines
    resource_blocks: dict[str, int] = field(default_factory=dict)
    console: list[str] = field(default_factory=list)  # providers with rows left to consoles


def export(plan: Plan, formats: tuple[str, ...] = FORMATS) -> Export:
    """The files of `formats` for `plan`; the same plan always gives the same bytes."""
    names = name_map(plan)
    views = provider_views_of(plan, names)
    out = Export()
    if "opentofu" in formats:
        modules = opentofu.modules_of(plan, views, names.group)
        for module in modules:
            pid = module.view.provider.id
            out.files += [(f"opentofu/{pid}/{name}", text)
                          for name, text in sorted(module.files.items())]
            out.machines[pid] = module.machines
            out.resource_blocks[pid] = len(module.rows)
        out.files.append(("opentofu/README.md", tofu_docs.readme(modules)))
        out.files.append(("opentofu/CONSOLE.md", tofu_docs.console(views)))
        out.console = tofu_docs.console_providers(views)
    if "ansible" in formats:
        out.files += [("ansible/inventory.yml", ansible.inventory(plan, names, views)),
                      ("ansible/README.md", ansible.README)]
    return out
