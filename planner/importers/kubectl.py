"""`kubectl get nodes -o json` output: {"kind": "List", "items": [Node...]} (kubernetes.io/
docs/reference/kubernetes-api/cluster-resources/node-v1/ and the well-known labels page).
Each schedulable node becomes a server: its instance type from the label
node.kubernetes.io/instance-type (or the older beta.kubernetes.io/instance-type) when the
type tables know it, else its `status.capacity` (cpu "4" or "3920m", memory "16264908Ki").
Cordoned nodes (spec.unschedulable) are skipped."""

from __future__ import annotations

import re
from typing import Any

from planner.importers.records import (
    Collector,
    Server,
    mappings,
    obj,
    role_of,
    tag_map,
    text,
)

TYPE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")
ARCH_LABELS = ("kubernetes.io/arch", "beta.kubernetes.io/arch")
POOL_LABELS = ("eks.amazonaws.com/nodegroup", "alpha.eksctl.io/nodegroup-name",
               "cloud.google.com/gke-nodepool", "kubernetes.azure.com/agentpool", "agentpool",
               "karpenter.sh/nodepool")
CLOUDS = {"aws": "aws-ec2", "azure": "azure", "gce": "google-cloud"}
QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|K|M|G|T|e\d+)?$")
FACTOR = {None: 1, "m": 1e-3, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
          "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def is_node_list(data: Any) -> bool:
    found = obj(data).get("items")
    return isinstance(found, list) and bool(found) and all(
        isinstance(x, dict) and x.get("kind", "Node") == "Node"
        and isinstance(x.get("metadata"), dict) and isinstance(x.get("status"), dict)
        for x in found) and obj(data).get("kind", "List") in ("List", "NodeList")


def quantity(value: Any) -> float | None:
    """A Kubernetes resource quantity ("3920m", "16264908Ki", "8") as a number, or None."""
    found = QUANTITY.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    unit = found[2]
    factor = 10 ** int(unit[1:]) if unit and unit.startswith("e") else FACTOR[unit]
    result = float(found[1]) * factor
    return result if result < 1e18 else None


def _ident(node: dict[str, Any]) -> str | None:
    """The cloud id: aws:///us-east-1a/i-0abc -> i-0abc (as describe-instances writes it)."""
    provider = text(obj(node.get("spec")).get("providerID"))
    if provider and provider.startswith("aws://"):
        return provider.rsplit("/", 1)[-1]
    return provider or text(obj(node.get("metadata")).get("uid"))


def import_nodes(data: Any, col: Collector) -> None:
    for path, node in mappings(obj(data).get("items"), col, "items", "a node",
                               "expected a JSON object with items (the output of "
                               "`kubectl get nodes -o json`)"):
        meta = obj(node.get("metadata"))
        name = text(meta.get("name")) or path
        labels = tag_map(meta.get("labels"))
        if obj(node.get("spec")).get("unschedulable") is True:
            col.skip(name, "cordoned (spec.unschedulable): only schedulable nodes are "
                     "imported")
            continue
        pool = next((labels[k] for k in POOL_LABELS if text(labels.get(k))), None)
        role = role_of(labels, None, pool, f"node pool label {pool}") if pool else role_of(
            labels, name, "node")
        itype = next((labels[k] for k in TYPE_LABELS if text(labels.get(k))), None)
        arch = next((labels[k] for k in ARCH_LABELS if text(labels.get(k))), None)
        arch = {"amd64": "x86_64", "arm64": "arm64"}.get(arch or "")
        region = next((labels[k] for k in REGION_LABELS if text(labels.get(k))), None)
        scheme = (text(obj(node.get("spec")).get("providerID")) or "").split(":", 1)[0]
        if scheme in CLOUDS:
            col.providers.add(CLOUDS[scheme])
        extra = {"ident": _ident(node), "tags": labels, "region": region}
        origin = f"Kubernetes node {name}"
        if itype and col.types.lookup(itype) is not None:
            col.server(name, role, itype, origin, arch_hint=arch, **extra)
            continue
        capacity = obj(obj(node.get("status")).get("capacity"))
        cpu, memory = quantity(capacity.get("cpu")), quantity(capacity.get("memory"))
        if not cpu or not memory or cpu > 1024 or memory > 2**46:
            col.skip(name, f"instance type {itype or '(no label)'} unknown and no usable "
                     "status.capacity cpu and memory")
            continue
        server = col.add(Server(name, role[0], role[1], None, round(cpu, 2),
                                round(memory / 2**30, 2), arch=arch or "x86_64",
                                origin=origin, **extra))
        server.notes.append(f"shape from status.capacity (cpu {capacity.get('cpu')}, memory "
                            f"{capacity.get('memory')})"
                            + (f"; instance type {itype} is not in the type tables"
                               if itype else ""))
