"""The tabular export formats `planner import` reads (CSV): what each is, how its header
shows it, and the importer that reads it."""

from __future__ import annotations

from planner.importers import csvs

FORMATS = {
    "azure-migrate": "Azure Migrate CSV",
    "aws-ads": "AWS Application Discovery Service / Migration Factory CSV",
    "csv": "plain CSV (name,count,vcpu,ram_gb,disk_gb,role)",
}
IMPORTERS = {"azure-migrate": csvs.import_azure_migrate, "aws-ads": csvs.import_ads,
             "csv": csvs.import_plain}
EXPECTED = ("expected Azure Migrate (Server name, Cores, Memory (In MB)), Migration Hub "
            "(ExternalId, CPU.NumberOfLogicalCores, RAM.TotalSizeInMB), Migration Factory "
            "(server_name, instanceType) or plain (name,count,vcpu,ram_gb,disk_gb,role) "
            "columns")


def table_format(keys: list[str]) -> str | None:
    """The format whose header `keys` (normalised) has, or None."""
    have = set(keys)
    if "server name" in have and have & {"cores", "memory (in mb)"}:
        return "azure-migrate"
    if have & {"cpu.numberoflogicalcores", "ram.totalsizeinmb", "externalid"} or (
            "server_name" in have and "instancetype" in have):
        return "aws-ads"
    if "name" in have and have & {"vcpu", "type"}:
        return "csv"
    return None
