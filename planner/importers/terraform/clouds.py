"""Terraform Azure and Google resources that hold servers: virtual machines and scale sets,
Kubernetes node pools, and the managed databases replaced by servers."""

from __future__ import annotations

import re

from planner.importers.records import (
    Collector,
    block,
    count_of,
    items,
    role_of,
    size,
    tag_map,
    text,
)
from planner.importers.terraform.state import (
    Index,
    Res,
    count,
    fallback,
    slug,
    tags_of,
    type_of,
)


def _vm(r: Res, col: Collector, vm_type: str | None, n: int = 1, what: str = "",
        disk: float | None = None, labels: str = "tags") -> None:
    if vm_type is None:
        return
    if n == 0:
        col.skip(r.address, "zero instances")
        return
    tags = tags_of(r) if labels == "tags" else tag_map(r.values.get(labels))
    name = text(r.values.get("name"))
    server = col.server(name or r.address, role_of(tags, name, fallback(r)), vm_type,
                        f"{r.address}{what}", count=n, ident=text(r.values.get("id")), tags=tags,
                        region=cloud_region(r.values))
    if server is not None and disk:
        server.disk_gb, server.disk_known = disk, True


GOOGLE_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")


def cloud_region(values: dict) -> str | None:
    """The region a VM runs in: Azure's `location` (eastus; "East US" lower-cased without
    spaces), Google's `region`, or the region of Google's `zone` (us-central1-a)."""
    location = text(values.get("location"))
    if location:
        return location.lower().replace(" ", "")
    region = text(values.get("region"))
    if region:
        return region
    zone = GOOGLE_ZONE.match(text(values.get("zone")) or "")
    return zone[1] if zone else None


# --- Azure ----------------------------------------------------------------------------------

def azure_vm(r: Res, col: Collector, index: Index) -> None:
    key = "vm_size" if r.type == "azurerm_virtual_machine" else "size"
    disk = size(block(r.values.get("os_disk")).get("disk_size_gb")) or size(
        block(r.values.get("storage_os_disk")).get("disk_size_gb"))
    _vm(r, col, type_of(r, col, key), disk=disk)


def azure_scale_set(r: Res, col: Collector, index: Index) -> None:
    key = "sku_name" if "orchestrated" in r.type else "sku"
    n = count(r, col, "instances", default=1)
    _vm(r, col, type_of(r, col, key), n or 0, f" (scale set, {n} instances)")


def azure_aks(r: Res, col: Collector, index: Index) -> None:
    pool = block(r.values.get("default_node_pool")) if r.type.endswith("_cluster") else r.values
    where = "default_node_pool[0]." if pool is not r.values else ""
    n = count_of(pool.get("node_count")) or count_of(pool.get("min_count")) or 0
    _vm(r, col, type_of(r, col, "vm_size", pool, where), n, f" (AKS node pool, {n} nodes)")


def azure_flexible(r: Res, col: Collector, index: Index) -> None:
    engine = "postgres" if "postgresql" in r.type else "mysql"
    sku = type_of(r, col, "sku_name")
    if sku is None:
        return
    data = (size(r.values.get("storage_mb"), 1e10) or 0) / 1024
    server = col.server(text(r.values.get("name")) or r.address,
                        role_of(tags_of(r), None, f"azure-{engine}", "the service"), sku,
                        f"{r.address} (Azure Database for {engine} flexible server, "
                        f"{data:g} GB storage copied as data)", kind="database",
                        ident=text(r.values.get("id")), managed=True)
    if server is not None and data:
        server.data_gb = server.disk_gb = data
        server.data_known = server.disk_known = True


# --- Google ---------------------------------------------------------------------------------

def google_instance(r: Res, col: Collector, index: Index) -> None:
    status = text(r.values.get("current_status")) or text(r.values.get("desired_status"))
    if status in ("TERMINATED", "STOPPED", "SUSPENDED"):
        col.skip(r.address, f"status {status} (only running instances are imported)")
        return
    disk = size(block(block(r.values.get("boot_disk")).get("initialize_params")).get("size"))
    before = len(col.servers)
    _vm(r, col, type_of(r, col, "machine_type"), disk=disk, labels="labels")
    gpus = sum(count_of(a.get("count")) or 0 for a in items(r.values.get("guest_accelerator"))
               if isinstance(a, dict))
    if gpus and len(col.servers) > before:
        col.servers[-1].gpu = max(col.servers[-1].gpu, min(gpus, 64))


def google_group_manager(r: Res, col: Collector, index: Index) -> None:
    n = count(r, col, "target_size", default=0) or 0
    ref = text(r.values.get("instance_template")) or text(
        block(r.values.get("version")).get("instance_template"))
    machine = index.templates.get(ref or "") or index.templates.get(
        (ref or "").rsplit("/", 1)[-1])
    if machine is None:
        col.skip(r.address, f"instance template {ref or '?'} is not in this state, so its "
                 "machine type is unknown")
        return
    _vm(r, col, machine, n, f" (managed instance group, target size {n})", labels="labels")


def google_node_pool(r: Res, col: Collector, index: Index) -> None:
    config = block(r.values.get("node_config"))
    n = count(r, col, "node_count", "initial_node_count", default=0) or 0
    _vm(r, col, type_of(r, col, "machine_type", config, "node_config[0]."), n,
        f" (GKE node pool, {n} nodes per zone)", labels="labels")


def google_sql(r: Res, col: Collector, index: Index) -> None:
    settings = block(r.values.get("settings"))
    tier = type_of(r, col, "tier", settings, "settings[0].")
    if tier is None:
        return
    version = text(r.values.get("database_version")) or "database"
    data = size(settings.get("disk_size")) or 0
    engine = slug(version.split("_")[0])
    server = col.server(text(r.values.get("name")) or r.address,
                        (f"cloudsql-{engine}", "Cloud SQL engine"), tier,
                        f"{r.address} (Cloud SQL {version}, {data:g} GB disk copied as data)",
                        kind="database", managed=True)
    if server is not None and data:
        server.data_gb = server.disk_gb = data
        server.data_known = server.disk_known = True


HANDLERS = {
    "azurerm_linux_virtual_machine": azure_vm, "azurerm_windows_virtual_machine": azure_vm,
    "azurerm_virtual_machine": azure_vm,
    "azurerm_linux_virtual_machine_scale_set": azure_scale_set,
    "azurerm_windows_virtual_machine_scale_set": azure_scale_set,
    "azurerm_orchestrated_virtual_machine_scale_set": azure_scale_set,
    "azurerm_kubernetes_cluster": azure_aks, "azurerm_kubernetes_cluster_node_pool": azure_aks,
    "azurerm_postgresql_flexible_server": azure_flexible,
    "azurerm_mysql_flexible_server": azure_flexible,
    "google_compute_instance": google_instance,
    "google_compute_instance_group_manager": google_group_manager,
    "google_compute_region_instance_group_manager": google_group_manager,
    "google_container_node_pool": google_node_pool,
    "google_sql_database_instance": google_sql,
}
