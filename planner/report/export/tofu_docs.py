"""The Markdown beside the modules: README.md (how to run each module, what to set) and
CONSOLE.md (what no module makes: providers without a Terraform provider here, offerings
without the provider's own names), with the runbook's console steps."""

from __future__ import annotations

from planner.report.export.opentofu import Module, module_rows
from planner.report.filters import code_cell, md_text
from planner.report.servers import ProviderView
from planner.report.shell.base import Row, console_steps

RUN = """\
Each folder is one provider: plan, apply and destroy it alone, so a provider that refuses
you (or is refused) is removed without touching the others.

```sh
cd opentofu/<provider>
export ...                      # the provider's credentials: see the table
tofu init
tofu plan -out plan.tfplan      # asks for every variable without a default
tofu apply -parallelism=50 plan.tfplan
tofu output -json addresses > ../../ansible/addresses-<provider>.json
```

`terraform` works the same way. Put variables in `terraform.tfvars` (or `TF_VAR_name`) to
stop the prompts; `region`/`location`/`zone` defaults to the plan's region where the plan
has one. Server names are the runbook's (`<group>-<provider>-<n>`), so DNS, the inventory
and the runbook agree. Apply modules in the order of the runbook's hours; raise quotas
first (a quota error stops `apply` part-way: fix, then apply again).
"""


def _row_line(row: Row) -> str:
    """A table row: group, names, machines, catalog offering, the provider's own name."""
    names = f"`{row.label}-{row.first_index}`"
    if row.last_index != row.first_index:
        names += f" to `{row.label}-{row.last_index}`"
    native = row.offering.native
    return (f"| {code_cell(row.group)} | {names} | {row.count} | "
            f"{code_cell(row.offering.id)} | {code_cell(native.type) if native else '-'} |")


def readme(modules: list[Module]) -> str:
    lines = ["# OpenTofu modules of the plan", "", RUN,
             "| Module | Terraform provider | Machines | Credentials (environment) | "
             "Arguments read in |", "| --- | --- | --- | --- | --- |"]
    for m in modules:
        lines.append(f"| `{m.view.provider.id}/` | `{m.target.source}` {m.target.version} | "
                     f"{m.machines} | {m.target.credentials} | {m.target.doc} |")
    notes = [(m, n) for m in modules for n in list(m.target.notes) + m.by_hand]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- `{m.view.provider.id}`: {n}" for m, n in notes]
    return "\n".join(lines) + "\n"


def console(views: list[ProviderView]) -> str:
    """Every row no module makes, provider by provider, with the console steps."""
    lines = ["# Made in the providers' consoles", "",
             "No module here makes these rows: the provider has no Terraform provider this "
             "export writes for, or the catalog lacks the provider's own name for the "
             "model. Servers keep the runbook's names."]
    for view in views:
        target, _, rows = module_rows(view)
        if not rows:
            continue
        why = ("no Terraform provider is written for it here" if target is None
               else "the catalog lacks the provider's own name (or size) for these models")
        lines += ["", f"## {md_text(view.provider.name)} (`{view.provider.id}`)", "",
                  f"Why: {why}.",
                  "", "| Group | Names | Machines | Offering | Provider's name |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [_row_line(row) for row in rows]
        lines.append("")
        lines += [f"- {step}" for step in console_steps(view.provider, rows).console]
    return "\n".join(lines) + "\n"


def console_providers(views: list[ProviderView]) -> list[str]:
    return [v.provider.id for v in views if module_rows(v)[2]]
