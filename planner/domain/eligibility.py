"""Who may be used at all: the one rule the formulation applies and the verifier checks."""

from __future__ import annotations

import math
from datetime import date

from planner.models.catalog import Catalog, Provider, ServiceVendor
from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory
from planner.models.plan import Exclusion
from planner.models.provider_facts import Offering


def exclusion_reason(entry: Provider | ServiceVendor, inventory: Inventory) -> str | None:
    """Why a catalog entry may not be used at all, or None."""
    names = {entry.id} | ({entry.organization} if entry.organization else set())
    if inventory.source.provider in names:
        return "it is the provider being left"
    hit = sorted(names & set(inventory.policy.excluded_providers))
    if hit:
        return f"excluded by policy ({', '.join(hit)})"
    decided = inventory.decision_date
    if entry.end_of_life and decided and entry.end_of_life <= decided:
        return f"end of life on {entry.end_of_life}, before the decision date " \
               f"{inventory.decision_date}"
    if entry.end_of_life and decided and _hours_until(decided, entry.end_of_life) <= \
            inventory.horizon:
        return f"end of life on {entry.end_of_life}, at hour " \
               f"{_hours_until(decided, entry.end_of_life)}: within the {inventory.horizon} " \
               f"hours planned, and what is placed there has to stay up to the end"
    if entry.end_of_sale and decided and entry.end_of_sale <= decided:
        return f"end of sale on {entry.end_of_sale}: no new accounts by the decision date " \
               f"{inventory.decision_date}"
    return None


def exclusions(inventory: Inventory, catalog: Catalog) -> list[Exclusion]:
    """Every catalog entry that may not be used, with why, in catalog order."""
    return [Exclusion(id=entry.id, reason=reason)
            for entry in [*catalog.providers, *catalog.services]
            if (reason := exclusion_reason(entry, inventory))]


def _hours_until(decided: str, day: str) -> int:
    """Hours from hour 0 (the start of the decision date, UTC) to the start of `day`: the
    earliest a provider may close on its end-of-life date."""
    return (date.fromisoformat(day) - date.fromisoformat(decided)).days * 24


def smtp_misfit(group, provider: Provider) -> str | None:
    """Why a group that sends mail on port 25 cannot run at `provider`, or None."""
    if not group.needs_smtp:
        return None
    smtp = provider.smtp_outbound
    if smtp is None:
        return "outbound port 25 not known to be allowed (smtp_outbound)"
    if smtp.policy == "blocked":
        return "outbound port 25 blocked for new accounts"
    return None


def misfit(group: WorkloadGroup, provider: Provider, offering: Offering) -> str | None:
    """Why one server of `group` cannot run on one server of `offering`, or None."""
    if group.jurisdictions is not None and provider.jurisdiction not in group.jurisdictions:
        return f"jurisdiction {provider.jurisdiction} not in {group.jurisdictions}"
    smtp = smtp_misfit(group, provider)
    if smtp:
        return smtp
    if group.arch != "any" and offering.arch != group.arch and group.arch_policy != "rebuild":
        return f"arch {offering.arch}"
    gpus = offering.gpu_count.value if offering.gpu_count else 0
    if gpus and not group.gpu_count:
        return "a GPU server, for groups that need GPUs"  # scarce, quota'd, dear
    for name, have, need in (("vCPU", offering.vcpu.value, group.vcpu),
                             ("GB RAM", offering.ram_gb.value, group.ram_gb),
                             ("GB disk", offering.disk_gb.value, group.disk_gb),
                             ("GPU", gpus, group.gpu_count)):
        if have < need:
            return f"{have:g} {name} < {need:g}"
    if group.gpu_count and group.gpu_min_vram_gb:
        vram = offering.gpu_vram_gb.value if offering.gpu_vram_gb else None
        if vram is None:
            return "GPU memory not stated"
        if vram < group.gpu_min_vram_gb:
            return f"{vram:g} GB per GPU < {group.gpu_min_vram_gb:g}"
    return None


def ready_wait(inventory: Inventory, group, provider: Provider, arch: str) -> int:
    """Hours from `provider`'s first server until `group` serves there on a server of
    `arch`: its bootstrap (and rebuild, inventory.wait), and for a group sending mail the
    port-25 unblock where that takes a ticket."""
    wait = inventory.wait(group, arch)
    smtp = provider.smtp_outbound
    if group.needs_smtp and smtp is not None and smtp.policy == "ticket":
        wait += math.ceil(smtp.unblock_hours.value - 1e-9)
    return wait
