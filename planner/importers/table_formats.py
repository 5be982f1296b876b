"""The tabular export formats `planner import` reads (CSV, or a sheet of an .xlsx workbook):
what each is, how its header shows it, and the importer that reads it."""

from __future__ import annotations

from planner.importers import azure_migrate, csvs, migration_hub, rvtools

FORMATS = {
    "rvtools": "RVTools vInfo (VMware)",
    "azure-migrate": "Azure Migrate import template or discovery/assessment export",
    "aws-recommendations": "AWS Migration Hub EC2 recommendations export",
    "aws-ads": "AWS Migration Hub import template / Migration Factory intake form",
    "csv": "plain CSV (name,count,vcpu,ram_gb,disk_gb,role)",
}
IMPORTERS = {"rvtools": rvtools.import_rvtools,
             "azure-migrate": azure_migrate.import_azure_migrate,
             "aws-recommendations": migration_hub.import_recommendations,
             "aws-ads": migration_hub.import_ads, "csv": csvs.import_plain}
EXPECTED = ("expected RVTools vInfo (VM, Powerstate, CPUs, Memory), Azure Migrate (Server name "
            "or Machine Name, Cores, Memory (In MB)), Migration Hub (ExternalId, "
            "CPU.NumberOfLogicalCores, RAM.TotalSizeInMB; or its recommendations export, "
            "Server.*), Migration Factory (server_name, instanceType) or plain "
            "(name,count,vcpu,ram_gb,disk_gb,role) columns")


def table_format(keys: list[str]) -> str | None:
    """The format whose header `keys` (normalised) has, or None."""
    have = set(keys)
    if rvtools.recognised(keys):
        return "rvtools"
    if migration_hub.recognised_recommendations(keys):
        return "aws-recommendations"
    if azure_migrate.recognised(keys):
        return "azure-migrate"
    if migration_hub.recognised_import(keys) or migration_hub.recognised_factory(keys):
        return "aws-ads"
    # `type` alone is too common a header (an IPAM export's Name, Type): a plain table that
    # names instance types says so with one of its own columns too.
    if "name" in have and ("vcpu" in have or (
            "type" in have and have & {"count", "role", "ram_gb", "disk_gb"})):
        return "csv"
    return None
