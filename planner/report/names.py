"""Hostname labels for groups and providers: unique, valid, and the list of names changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from planner.models.plan import Plan
from planner.report.filters import code_span, hostname

GROUP_LABEL_MAX = 30  # group label + "-" + provider label (20) + "-" + index stays <= 63
PROVIDER_LABEL_MAX = 20


@dataclass(frozen=True)
class Renamed:
    name: str
    label: str
    reason: str


def _labels(names: list[str], max_len: int) -> tuple[dict[str, str], list[Renamed]]:
    """Unique hostname labels for `names`; colliding labels get a hash of the name."""
    base = {n: hostname(n)[:max_len].strip("-") or "x" for n in names}
    seen: dict[str, list[str]] = {}
    for n in names:
        seen.setdefault(base[n], []).append(n)
    labels: dict[str, str] = {}
    notes: list[Renamed] = []
    for n in names:
        label = base[n]
        clash = [m for m in seen[label] if m != n]
        if clash:
            digest = hashlib.sha256(n.encode()).hexdigest()[:6]
            label = f"{label[:max_len - 7].rstrip('-')}-{digest}"
            reason = ("made unique with a hash of the name: " + ", ".join(
                code_span(m) for m in clash) + " gave the same label")
        elif label != n:
            reason = ("shortened to a hostname label" if hostname(n) == n
                      else "not a valid hostname label")
        else:
            reason = ""
        while label in labels.values():  # a hash collision: keep it deterministic anyway
            label = f"{label[:max_len - 2]}-x"
        labels[n] = label
        if reason:
            notes.append(Renamed(n, label, reason))
    return labels, notes


@dataclass(frozen=True)
class NameMap:
    group: dict[str, str]
    provider: dict[str, str]
    renamed: list[Renamed]

    def prefix(self, group: str, provider: str) -> str:
        return f"{self.group[group]}-{self.provider[provider]}"


def name_map(plan: Plan) -> NameMap:
    groups, g_notes = _labels([g.name for g in plan.inventory.groups], GROUP_LABEL_MAX)
    pids = [p.id for p in plan.catalog.providers]
    providers, p_notes = _labels(pids, PROVIDER_LABEL_MAX)
    return NameMap(groups, providers, g_notes + [r for r in p_notes
                                                 if r.name in plan.providers_used])
