"""The plan's servers as an Ansible YAML inventory: a group per plan group and per provider
(valid Ansible group names), hosts under the runbook's names, all of them children of
`all_new`. Hosts shared by several groups (Plan.host_pools) are in each group they run.
Addresses are not known before the servers exist: README.md says how to add them.
"""

from __future__ import annotations

import re

import yaml

from planner.models.plan import Plan
from planner.report.names import NameMap
from planner.report.servers import ProviderView

HEADER = """\
# Ansible inventory of the plan's new servers, named as the runbook and the OpenTofu
# modules name them. Addresses: see README.md beside this file (addresses.ini).
# Written by `planner export`: change the plan and export again.
"""

README = """\
# Ansible inventory of the plan

`inventory.yml` has every new server under the runbook's name, in a group per plan group
(`group_<name>`), a group per provider (`provider_<id>`) and `all_new` above them all. The
group's own name is in the group variable `planner_group`.

The addresses exist only once the servers do. After `tofu apply` in each module:

```sh
for m in ../opentofu/*/; do tofu -chdir="$m" output -json addresses; done \\
  | jq -rs 'add | to_entries[] | "\\(.key) ansible_host=\\(.value)"' > addresses.ini
ansible-inventory -i inventory.yml -i addresses.ini --graph
ansible all_new -i inventory.yml -i addresses.ini -m ping
```

Servers made in a console (`../opentofu/CONSOLE.md`, or the runbook's
`addresses-<provider>.txt` files) go into `addresses.ini` by hand, one
`<name> ansible_host=<IPv4>` a line. Ansible merges the two files by host name.
"""


def group_name(prefix: str, label: str) -> str:
    """A valid Ansible group name: letters, digits and underscores, not starting with a
    digit. Labels are unique hostname labels (no underscore), so this stays unique."""
    return prefix + re.sub(r"[^A-Za-z0-9_]", "_", label)


def memberships(plan: Plan, views: list[ProviderView]) -> dict[str, list[str]]:
    """Each plan group's hosts, in the plan's order: the hosts its rows create, then the
    shared hosts of its pools (named as their owner's row names them)."""
    hosts: dict[str, list[str]] = {g.name: [] for g in plan.inventory.groups}
    for view in views:
        for row in view.rows:
            hosts[row.group] += [f"{row.label}-{i}"
                                 for i in range(row.first_index, row.last_index + 1)]
        for pool in view.pools:
            for layout in pool.layouts:
                stem, first = layout.first_name.rsplit("-", 1)
                names = [f"{stem}-{int(first) + k}" for k in range(layout.hosts)]
                for group, _ in layout.servers:
                    hosts[group] += [n for n in names if n not in hosts[group]]
    return {g: h for g, h in hosts.items() if h}


def inventory(plan: Plan, names: NameMap, views: list[ProviderView]) -> str:
    """inventory.yml: YAML written by yaml.safe_dump, so any group name is quoted right."""
    children: dict[str, dict] = {}
    for group, hosts in memberships(plan, views).items():
        children[group_name("group_", names.group[group])] = {
            "hosts": {h: None for h in hosts}, "vars": {"planner_group": group}}
    for view in views:
        hosts = [f"{r.label}-{i}" for r in view.rows
                 for i in range(r.first_index, r.last_index + 1)]
        children[group_name("provider_", names.provider[view.provider.id])] = {
            "hosts": {h: None for h in hosts}, "vars": {"planner_provider": view.provider.id}}
    data = {"all_new": {"children": children}}
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
