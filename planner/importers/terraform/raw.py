"""A raw Terraform state (`terraform.tfstate`, what `terraform state pull` prints), format
version 4: `resources[]`, each with `mode`, `type`, `name`, `module` (the module address,
absent in the root), `each` and `instances[]` holding `index_key` and `attributes`
(developer.hashicorp.com/terraform/language/state; hashicorp/terraform
internal/states/statefile/version4.go). Read as the resources `terraform show -json`
would list, with their full addresses."""

from __future__ import annotations

import json
from typing import Any

from planner.importers.records import Collector, mappings, text
from planner.importers.terraform.state import Res


def is_raw(data: Any) -> bool:
    """A raw state: a `version` and a `resources` list, no `values`/`format_version`."""
    return (isinstance(data, dict) and "version" in data and "format_version" not in data
            and ("resources" in data or "terraform_version" in data or "lineage" in data))


def address(module: str | None, rtype: str, name: str, key: Any) -> str:
    base = f"{module + '.' if module else ''}{rtype}.{name}"
    if key is None:
        return base
    return f"{base}[{json.dumps(key)}]"


def raw_resources(data: dict[str, Any], col: Collector) -> list[Res]:
    version = data.get("version")
    if version != 4:
        raise col.error(f"a raw Terraform state of version {version!r}: only version 4 "
                        "(Terraform 0.12 and later) is read; run `terraform show -json` "
                        "and import its output instead", path="version")
    out: list[Res] = []
    for rpath, res in mappings(data.get("resources", []), col, "resources", "a resource"):
        if res.get("mode", "managed") != "managed":
            continue
        rtype, name = res.get("type"), res.get("name")
        if not text(rtype) or not text(name):
            raise col.error("every resource has a type and a name (text)", path=rpath)
        module = res.get("module")
        if module is not None and not text(module):
            raise col.error("expected a module address (text)", path=f"{rpath}.module")
        for ipath, inst in mappings(res.get("instances", []), col, f"{rpath}.instances",
                                    "an instance"):
            if inst.get("deposed"):
                continue  # an object replaced by create_before_destroy, about to go
            attributes = inst.get("attributes", {})
            if not isinstance(attributes, dict):
                raise col.error("expected a mapping (attributes_flat of state version 3 is "
                                "not read)", path=f"{ipath}.attributes")
            out.append(Res(rtype, name, address(module, rtype, name, inst.get("index_key")),
                           attributes, ipath, "attributes"))
    return out
