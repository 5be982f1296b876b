"""Why a demand is short at the deadline: the limits that bind, read off the curves and the
solved rows. Each cause names its provider and the numbers, so a person can act on it."""

from __future__ import annotations

from planner.domain.curves import Curve, service_misfit
from planner.domain.usage import all_used, providers_by_kind
from planner.formulation.instance import Instance, misfit
from planner.models.plan import (
    Cause,
    CopyRow,
    CoverageRow,
    ScheduleRow,
    ServiceRow,
    Shortfall,
)

TOL = 1e-6


class _Index:
    """The solved rows summed once by the keys the causes look them up by (the causes ran
    a scan of every candidate and schedule row per group and provider: 23 s at 500 groups).
    Sums run in the rows' order, as the scans did."""

    def __init__(self, inst: Instance, schedule: list[ScheduleRow], copies: list[CopyRow]):
        D = inst.deadline_hours
        self.offerings: dict[tuple[str, str], list[str]] = {}
        self.providers: dict[str, set[str]] = {}
        for c in inst.candidates:
            self.offerings.setdefault((c.group, c.provider), []).append(c.offering)
            self.providers.setdefault(c.group, set()).add(c.provider)
        self.used_offering: dict[tuple[str, str], float] = {}
        self.used_provider: dict[str, float] = {}
        self.servers: dict[tuple[str, str], float] = {}
        for r in schedule:
            up = r.up_by_hour[D]
            key = (r.provider, r.offering)
            self.used_offering[key] = self.used_offering.get(key, 0) + up
            self.used_provider[r.provider] = self.used_provider.get(r.provider, 0) + up
            self.servers[(r.group, r.provider)] = self.servers.get((r.group, r.provider), 0) + up
        self.copied: dict[tuple[str, str], float] = {}
        self.moved_by_hour = [0] * (D + 1)  # all copies, GB per hour
        self.into: dict[str, list[float]] = {}  # target -> GB per hour
        for c in copies:
            key = (c.demand, c.target)
            self.copied[key] = self.copied.get(key, 0) + sum(c.gb_by_hour[: D + 1])
            into = self.into.setdefault(c.target, [0] * (D + 1))
            for t in range(D + 1):
                self.moved_by_hour[t] += c.gb_by_hour[t]
                into[t] += c.gb_by_hour[t]


def _first(curve: Curve, start: int = 0, at_least: float = TOL) -> int | None:
    return next((t for t in range(start, len(curve.values)) if curve.values[t] >= at_least), None)


def _when(hour: int | None) -> str:
    return "not within the horizon" if hour is None else f"from hour {hour}"


def _provider_cause(inst: Instance, p: str, D: int, used: float) -> Cause | None:
    curve, provider = inst.provider_curves[p], inst.providers[p]
    cap, code = curve.values[D], curve.binding[D]
    if cap <= 0:
        return _none_by_deadline(inst, p, D)
    if used < cap - TOL:
        return None
    if code == "quota":
        kind, note = "new-account quota", ""
        if provider.quota_raise_hours is not None:
            raise_at = provider.onboarding_hours.value + provider.quota_raise_hours.value
            if raise_at <= D:
                kind = f"quota (raised at hour {raise_at:g})"
            else:
                note = (f"; a raise to {provider.quota_raise_servers.value:g} comes at hour "
                        f"{raise_at:g}")
        return Cause(code="quota", provider=p, detail=(
            f"{p}: {kind} of {cap:g} servers is used up by hour {D}{note}"))
    return Cause(code="provisioning_rate", provider=p, detail=(
        f"{p}: at {provider.provision_rate_per_hour.value:g} servers/h after onboarding, "
        f"{cap:g} can be up by hour {D} and all are used"))


def _none_by_deadline(inst: Instance, p: str, D: int) -> Cause:
    """Why provider p can run no server at the deadline, by the limit its curve names
    there: still onboarding, a quota of 0, or a creation rate that has made none yet."""
    curve, provider = inst.provider_curves[p], inst.providers[p]
    first = _when(_first(curve, at_least=1))
    if curve.binding[D] == "quota":
        raised = provider.quota_raise_servers
        note = (f"; a raise to {raised.value:g} is granted {first}" if raised and raised.value
                else "; the catalog knows no raise")
        return Cause(code="quota", provider=p, detail=(
            f"{p}: its new-account quota is 0 servers{note}"))
    if curve.binding[D] == "provisioning_rate":
        return Cause(code="provisioning_rate", provider=p, detail=(
            f"{p}: creates {provider.provision_rate_per_hour.value:g} servers an hour after "
            f"onboarding, none yet by hour {D}; first server {first}"))
    return Cause(code="onboarding", provider=p, detail=(
        f"{p}: onboarding takes {provider.onboarding_hours.value:g} h; first server {first}"))


def _offering_cause(inst: Instance, g: str, p: str, D: int, ix: _Index) -> Cause | None:
    """When every model at p that fits g is held back by delivery or stock: one cause."""
    limits = []
    for offering in ix.offerings.get((g, p), []):
        curve = inst.offering_curves.get((p, offering))
        if curve is None:
            return None  # a model limited only by the provider curve: not the binding one
        used = ix.used_offering.get((p, offering), 0)
        if curve.values[D] <= 0:
            limits.append(("delivery", f"{offering} delivered {_when(_first(curve))}"))
        elif used >= curve.values[D] - TOL:
            limits.append(("stock", f"{offering}: all {curve.values[D]:g} used"))
        else:
            return None
    if not limits:
        return None
    code = "stock" if any(code == "stock" for code, _ in limits) else "delivery"
    return Cause(code=code, provider=p, detail=f"{p}: the models that fit {g} are limited: "
                 + "; ".join(text for _, text in limits))


def _last_source_hour(inst: Instance) -> int:
    return max((t for t, v in enumerate(inst.egress.values) if v), default=0)


def _data_cause(inst: Instance, g: str, p: str, D: int, ix: _Index) -> Cause | None:
    group = inst.groups[g]
    if group.data_gb <= 0:
        return None
    per_server = group.data_gb / group.count
    servers = ix.servers.get((g, p), 0)
    copied = ix.copied.get((g, p), 0)
    if copied >= per_server * (servers + 1) - TOL:
        return None
    window = [t for t in range(1, D + 1)
              if inst.egress.values[t] > 0 and inst.ingress[p].values[t] > 0]
    if not window:
        return Cause(code="source_cutoff", provider=p, detail=(
            f"{p}: no hour before {D} when both the source and {p} can move data "
            f"(source until hour {_last_source_hour(inst)}, "
            f"{p} after onboarding at {inst.providers[p].onboarding_hours.value:g} h)"))
    need_gb = per_server * (servers + 1) - copied  # for one more server of g at p
    span = f"hours {window[0]}-{window[-1]}" if len(window) > 1 else f"hour {window[0]}"
    egress_left = sum(max(0.0, inst.egress.values[t] - ix.moved_by_hour[t]) for t in window)
    if egress_left < need_gb - 1e-3:
        readable = _last_source_hour(inst)
        if inst.inventory.source.data_available_hours is not None and readable < D:
            total = sum(inst.egress.values[1: readable + 1])
            return Cause(code="source_cutoff", provider=p, detail=(
                f"the source's data can be read until hour {readable}: {total:,.0f} GB can "
                f"leave by then, {egress_left:,.0f} GB of it not taken by other copies; one "
                f"more server of {g} at {p} needs {need_gb:,.0f} GB ({per_server:,.0f} GB "
                f"per server, {copied:,.0f} GB there by hour {D})"))
        return Cause(code="source_egress", provider=p, detail=(
            f"source egress of {inst.inventory.source.egress_gbps:g} Gbit/s has "
            f"{egress_left:,.0f} GB left in {span}; one more server of {g} at {p} needs "
            f"{need_gb:,.0f} GB ({copied:,.0f} of {group.data_gb:,.0f} GB of {g} reached "
            f"{p} by hour {D})"))
    into = ix.into.get(p, [0] * (D + 1))
    ingress_left = sum(max(0.0, inst.ingress[p].values[t] - into[t]) for t in window)
    if ingress_left < need_gb - 1e-3:
        return Cause(code="data_copy", provider=p, detail=(
            f"{p}: its {inst.providers[p].ingress_gbps.value:g} Gbit/s ingress has "
            f"{ingress_left:,.0f} GB left in {span}; {copied:,.0f} GB of {g} arrived by hour "
            f"{D}, {per_server:,.0f} GB per server"))
    return None


def _group_causes(inst: Instance, g: str, ix: _Index, served_share,
                  used: dict[str, set[str]]) -> list[Cause]:
    """Causes in the order to act on them: limits of the providers that are up, then the
    providers not up by the deadline (one line), then dependencies, policy and budget."""
    D, group = inst.deadline_hours, inst.groups[g]
    providers = sorted(ix.providers.get(g, ()))
    if not providers:
        needs = (f"{group.vcpu:g} vCPU, {group.ram_gb:g} GB RAM, {group.disk_gb:g} GB disk, "
                 f"{group.arch}")
        left_out = _left_out(inst, inst.catalog.providers, lambda entry: [
            o.id for o in entry.offerings if misfit(group, entry, o) is None])
        if left_out:
            return [Cause(code=code, detail=f"only providers that may not be used have an "
                          f"offering that fits {g} ({needs}): {'; '.join(texts)}")
                    for code, texts in left_out.items()]
        detail = "; ".join(inst.misfits.get(g, [])[:6]) or "no eligible provider"
        return [Cause(code="no_fit", detail=f"no eligible offering fits {g} ({needs}): "
                      f"{detail}")]
    causes, not_ready, room = [], [], []
    capped = _count_cause(inst, used, providers)
    if capped is not None:
        causes.append(capped)
        providers = [p for p in providers if p in used.get("compute", ())]  # the rest: the cap
    for p in providers:
        curve = inst.provider_curves[p]
        if curve.values[D] <= 0 and curve.binding[D] != "onboarding":
            causes.append(_none_by_deadline(inst, p, D))  # a quota or rate of nothing
            continue
        if curve.values[D] <= 0:
            first = _first(curve, at_least=1)
            not_ready.append(f"{p} (onboarding {inst.providers[p].onboarding_hours.value:g} h, "
                             f"first server {_when(first)})")
            continue
        used = ix.used_provider.get(p, 0)
        found = [c for c in (_provider_cause(inst, p, D, used),
                             _offering_cause(inst, g, p, D, ix),
                             _data_cause(inst, g, p, D, ix)) if c]
        causes += found[:1] + [c for c in found[1:] if c.code in ("data_copy", "source_egress")]
        if not found:
            room.append(f"{p} ({curve.values[D] - used:g})")
    if not_ready:
        causes.append(Cause(code="onboarding", detail=f"not serving by hour {D}: "
                            + ", ".join(not_ready)))
    held = [h for h in group.depends_on
            if served_share(g) >= served_share(h) - TOL and served_share(h) < 1 - TOL]
    if room and not held:  # with a dependency holding g back, the room is not the limit
        causes.append(Cause(code="capacity", detail=(
            f"room left at hour {D} went to groups of higher tier or is held back by the "
            f"policy below: {', '.join(room)}")))
    for h in held:
        causes.append(Cause(code="dependency", detail=(
            f"{g} depends on {h}, which serves {served_share(h):.0%} at hour {D}"
            + (f"; room left at {', '.join(room)} waits for it" if room else ""))))
    policy = inst.inventory.policy
    if group.spread and (policy.max_share_per_provider < 1 or policy.survive_provider_losses):
        causes.append(Cause(code="policy_share", detail=(
            f"at most {policy.max_share_per_provider:.0%} of {g} per provider, and "
            f"{policy.min_surviving_share:.0%} left after losing any "
            f"{policy.survive_provider_losses} provider(s)")))
    return causes + _budget_causes(inst)


def _count_cause(inst: Instance, used: dict[str, set[str]], providers: list[str]
                 ) -> Cause | None:
    """When the policy's cap on compute providers, or on all, is reached (domain.usage
    reads `used` off the plan) and some of this group's providers are left out for it."""
    caps = inst.inventory.policy.max_providers.given()
    compute, everything = used.get("compute", set()), all_used(used)
    reached = [f"{caps['compute']} compute providers"] if "compute" in caps and \
        len(compute) >= caps["compute"] else []
    if "all" in caps and len(everything) >= caps["all"]:
        reached.append(f"{caps['all']} providers and vendors in all")
    idle = [p for p in providers if p not in compute]
    if not reached or not idle:
        return None
    return Cause(code="provider_count", detail=(
        f"the policy allows {' and '.join(reached)}, and the plan uses them "
        f"({', '.join(sorted(compute))} for compute); left out: {', '.join(idle[:6])}"
        + (f" and {len(idle) - 6} more" if len(idle) > 6 else "")))


def _left_out(inst: Instance, catalog_entries, fitting) -> dict[str, list[str]]:
    """Those of `catalog_entries` that may not be used (inst.exclusions: by policy, end of
    life or end of sale; the source itself is no option) but have offerings that
    `fitting(entry)` lists, as texts by cause code: "excluded" or "end_of_life"."""
    entries = {e.id: e for e in catalog_entries}
    source = inst.inventory.source.provider
    out: dict[str, list[str]] = {}
    for excluded in inst.exclusions:
        entry = entries.get(excluded.id)
        if entry is None or source in (entry.id, entry.organization):
            continue
        offerings = fitting(entry)
        if offerings:
            code = "end_of_life" if excluded.reason.startswith("end of") else "excluded"
            out.setdefault(code, []).append(f"{entry.id} ({', '.join(offerings[:3])}): "
                                            f"{excluded.reason}")
    return out


def _budget_causes(inst: Instance) -> list[Cause]:
    policy = inst.inventory.policy
    out = []
    if policy.one_time_budget is not None:
        out.append(Cause(code="budget", detail=f"one-time budget {policy.one_time_budget:,.0f} "
                         f"{inst.inventory.currency}"))
    if policy.monthly_budget is not None:
        out.append(Cause(code="budget", detail=f"monthly budget {policy.monthly_budget:,.0f} "
                         f"{inst.inventory.currency}"))
    return out


def _service_causes(inst: Instance, kind: str) -> list[Cause]:
    D = inst.deadline_hours
    causes = []
    for sc in (s for s in inst.service_candidates if s.kind == kind):
        share, name = sc.share, f"{sc.vendor}/{sc.offering}"
        if share.values[D] >= 1 - TOL:
            continue
        full = _first(share, at_least=1 - TOL)
        first = _first(share)
        code = share.binding[D]
        if share.values[D] <= 0:
            detail = f"{name}: nothing before hour {first}" if first is not None else \
                f"{name}: no capacity within the horizon"
        else:
            detail = f"{name}: carries at most {share.values[D]:.0%} at hour {D}"
        causes.append(Cause(code=code, provider=sc.vendor,
                            detail=f"{detail}; all of it {_when(full)} ({code.replace('_', ' ')})"))
    if not causes:
        demand = getattr(inst.inventory.services, kind)
        left_out = _left_out(inst, inst.catalog.services, lambda entry: [
            o.id for o in entry.offerings
            if entry.kind == kind and service_misfit(entry, o, demand) is None])
        if left_out:
            return [Cause(code=code, detail=f"only vendors that may not be used offer {kind} "
                          f"that fits: {'; '.join(texts)}") for code, texts in left_out.items()]
        misfits = inst.service_misfits.get(kind, [])
        detail = "; ".join(misfits[:6]) or f"no eligible {kind} vendor in the catalog"
        causes.append(Cause(code="no_fit", detail=detail))
    return causes


def _storage_causes(inst: Instance, copies) -> list[Cause]:
    if not inst.storage_vendors:
        return [Cause(code="no_fit", detail="no eligible object-storage vendor")]
    cutoff = _last_source_hour(inst)
    moved = sum(sum(c.gb_by_hour[: inst.deadline_hours + 1]) for c in copies)
    return [Cause(code="source_egress", detail=(
        f"{inst.inventory.source.egress_gbps:g} Gbit/s of source egress moved {moved:,.0f} GB "
        f"(servers' data and objects together) by hour {inst.deadline_hours}; the source stops "
        f"at hour {cutoff}"))]


REMEDIES = {
    "quota": "have the quota raise at {p} approved before a crisis, or layer a pre-approved "
             "quota into the catalog",
    "provisioning_rate": "ask {p} for a higher creation rate, or create servers ahead",
    "onboarding": "open, verify and fund the accounts in advance",
    "delivery": "order the dedicated models in advance, or pick models delivered in minutes",
    "stock": "reserve stock at {p}, or add providers with stock",
    "data_copy": "seed the data at {p} in advance, or take more ingress (more servers, a "
                 "dedicated link)",
    "source_egress": "copy data out continuously before any crisis (replicas or backups at "
                     "another provider), or raise the source's egress",
    "source_cutoff": "keep a copy of the data outside the source before any crisis",
    "no_fit": "add an offering that fits in a catalog layer, or relax the group's "
              "jurisdictions, architecture or GPU needs",
    "excluded": "reconsider the exclusion",
    "end_of_life": "pick another provider",
    "budget": "raise the budget, or accept the shortfall",
    "policy_share": "add eligible providers, or relax max_share_per_provider or "
                    "survive_provider_losses",
    "dependency": "close the shortfall of the group it depends on first",
    "registration": "register the SMS sender (10DLC campaign, toll-free verification) with a "
                    "second vendor before any crisis; meanwhile use voice or email codes",
    "warm_up": "keep sending IPs warm at a second email vendor before any crisis",
    "dns_ttl": "delegate a second DNS provider now (NS records at both), so no delegation "
               "change has to wait out the TTL in a crisis",
    "capacity": "add providers, or raise this group's tier",
    "provider_count": "prepare more providers (a larger team), or raise policy.max_providers",
    "min_footprint": "lower policy.min_servers_per_provider, or add providers with room",
    "horizon": "plan over a longer horizon",
}


def with_remedy(cause: Cause) -> Cause:
    text = REMEDIES[cause.code].format(p=cause.provider or "the provider")
    return cause.model_copy(update={"remedy": text})


def shortfalls(inst: Instance, schedule: list[ScheduleRow], copies: list[CopyRow],
               services: list[ServiceRow], coverage: list[CoverageRow]) -> list[Shortfall]:
    D = inst.deadline_hours
    by_demand = {row.demand: row for row in coverage}

    def served_share(name: str) -> float:
        row = by_demand[name]
        return row.served_by_hour[D] / row.total

    ix = _Index(inst, schedule, copies)
    used = providers_by_kind(schedule, services, copies, inst.horizon_hours)
    out = []
    for row in coverage:
        missing = row.total - row.served_by_hour[D]
        if missing <= 1e-6 * max(1.0, row.total):
            continue
        if row.kind == "group":
            causes = _group_causes(inst, row.demand, ix, served_share, used)
        elif row.kind == "object_storage":
            causes = _storage_causes(inst, copies)
        else:
            causes = _service_causes(inst, row.kind)
        full = next((t for t, s in enumerate(row.served_by_hour)
                     if s >= row.total - 1e-6 * max(1.0, row.total)), None)
        out.append(Shortfall(demand=row.demand, kind=row.kind, unit=row.unit, total=row.total,
                             missing_at_deadline=round(missing, 9), full_by_hour=full,
                             causes=[with_remedy(c) for c in causes]))
    return out
