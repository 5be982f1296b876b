"""The limits one provider puts on one more server of a group at the deadline: none fits,
it is not up yet, its quota or creation rate, the stock or delivery of its models, the
data that must reach it first; and the cap on providers used. Each names its numbers."""

from __future__ import annotations

from planner.domain import curves, labour
from planner.domain.usage import all_used
from planner.formulation.candidates import misfit
from planner.formulation.instance import Instance
from planner.models.plan import Cause
from planner.models.provider_facts import QUOTA_UNIT_WORDS
from planner.results.solved import (
    GB_TOL,
    TOL,
    SolvedRows,
    first_hour,
    hours_span,
    last_source_hour,
    when,
)


def no_fit_causes(inst: Instance, g: str) -> list[Cause]:
    """A group no eligible offering fits: the exclusions that keep out the offerings that
    would, else why each eligible provider's offerings do not fit."""
    group = inst.groups[g]
    needs = (f"{group.vcpu:g} vCPU, {group.ram_gb:g} GB RAM, {group.disk_gb:g} GB disk, "
             f"{group.arch}")
    left_out = excluded_fits(inst, inst.catalog.providers, lambda entry: [
        o.id for o in entry.offerings if misfit(group, entry, o) is None])
    if left_out:
        return [Cause(code=code, detail=f"only providers that may not be used have an "
                      f"offering that fits {g} ({needs}): {'; '.join(texts)}")
                for code, texts in left_out.items()]
    detail = "; ".join(inst.misfits.get(g, [])[:6]) or "no eligible provider"
    return [Cause(code="no_fit", detail=f"no eligible offering fits {g} ({needs}): {detail}")]


def excluded_fits(inst: Instance, catalog_entries, fitting) -> dict[str, list[str]]:
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


def provider_cause(inst: Instance, p: str, used: float) -> Cause | None:
    """p's quota or creation rate, when the servers up at p by the deadline (`used`, of all
    groups) reach it."""
    D = inst.deadline_hours
    curve, provider = inst.provider_curves[p], inst.providers[p]
    cap, code = curve.values[D], curve.binding[D]
    if cap <= 0:
        return none_by_deadline(inst, p)
    if used < cap - TOL:
        return None
    if code == "unit_quota":
        return Cause(code="quota", provider=p, detail=f"{_servers_quota(inst, p)}, all used "
                     f"by hour {D}")
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


def quota_room(inst: Instance, g: str, p: str, rows: SolvedRows, t: int | None = None
               ) -> tuple[float, str | None, float, float]:
    """Servers of g that p's limits in vCPU, RAM, GPUs or IPv4 still allow at hour t (the
    deadline by default), on the model that fits g and takes least: with the tightest
    quota's name, what the plan takes of it and what one more server of g needs; (inf,
    None, 0, 0) when no quota counts every model that fits g."""
    t = inst.deadline_hours if t is None else t
    best = (float("inf"), None, 0.0, 0.0)
    fits = rows.offerings.get((g, p), [])
    for (q_p, name), curve in sorted(inst.quota_curves.items()):
        units = inst.quota_units[(p, name)] if q_p == p else {}
        if not fits or any(o not in units for o in fits):
            continue  # a model that fits g and this quota does not count
        taken = sum(units.get(r.offering, 0.0) * r.up_by_hour[t] for r in rows.rows_at.get(p, ()))
        one_more = min(units[o] for o in fits)
        room = max(0.0, (curve.values[t] - taken + TOL) // one_more)
        if room < best[0]:
            best = (room, name, taken, one_more)
    return best


def unit_quota_cause(inst: Instance, g: str, p: str, rows: SolvedRows) -> Cause | None:
    """When a limit of p in vCPU, RAM, GPUs or IPv4 leaves no room at the deadline for one
    more server of g on any model that fits it: the quota, its unit, what the plan takes
    of it and what one more server would."""
    room, name, taken, one_more = quota_room(inst, g, p, rows)
    if name is None or room >= 1:
        return None
    D, quota = inst.deadline_hours, inst.providers[p].unit_quotas[name]
    limit = inst.quota_curves[(p, name)].values[D]
    return Cause(code="quota", provider=p, detail=(
        f"{p}: quota {name} ({quota.scope}) allows {limit:g} {QUOTA_UNIT_WORDS[quota.unit]} "
        f"by hour {D}{_raise_note(inst.providers[p], quota, D)}; the plan takes {taken:g}, "
        f"one more server of {g} needs {one_more:g}"))


def _servers_quota(inst: Instance, p: str) -> str:
    """The unit quotas that cap p's servers at the deadline (curves.quota_cover), in words:
    each limit, the least a server takes of it, and so the servers they allow."""
    D, provider = inst.deadline_hours, inst.providers[p]
    elapsed = D - provider.onboarding_hours.value
    cover = curves.quota_cover(provider, elapsed) or []
    # a quota that allows none adds nothing to the bound (Oracle's GPUs beside its cores)
    cover = [c for c in cover if c[3] > 0] or cover
    parts = [f"quota {name} ({quota.scope}) allows {curves.quota_limit(quota, elapsed):g} "
             f"{QUOTA_UNIT_WORDS[quota.unit]}{_raise_note(provider, quota, D)}, so "
             f"{servers:g} servers of at least {least:g} {QUOTA_UNIT_WORDS[quota.unit]}"
             for name, quota, least, servers in cover]
    return f"{p}: {'; '.join(parts)}"


def _raise_note(provider, quota, D: int) -> str:
    if quota.raise_hours is None:
        return " (new account; the catalog knows no raise)"
    at = provider.onboarding_hours.value + quota.raise_hours.value
    if at <= D:
        return f" (raised at hour {at:g})"
    return f" (new account; a raise to {quota.raise_to.value:g} comes at hour {at:g})"


def none_by_deadline(inst: Instance, p: str) -> Cause:
    """Why provider p can run no server at the deadline, by the limit its curve names
    there: it has refused (domain/refusal.py), still onboarding, a quota of 0, or a creation
    rate that has made none yet."""
    D = inst.deadline_hours
    curve, provider = inst.provider_curves[p], inst.providers[p]
    first = when(first_hour(curve, at_least=1))
    if curve.binding[D] == "refused":
        return Cause(code="refused", provider=p, detail=(
            f"{p}: refuses at hour {inst.refused_at(p)} (policy.refused_at_hour); what ran "
            "there stops then"))
    if curve.binding[D] == "quota":
        raised, lead = provider.quota_raise_servers, provider.quota_raise_hours
        note = (f"; a raise to {raised.value:g} comes at hour "
                f"{provider.onboarding_hours.value + lead.value:g}; first server {first}"
                if raised and raised.value else "; the catalog knows no raise")
        return Cause(code="quota", provider=p, detail=(
            f"{p}: its new-account quota is 0 servers{note}"))
    if curve.binding[D] == "unit_quota":
        return Cause(code="quota", provider=p, detail=f"{_servers_quota(inst, p)} by hour {D}")
    if curve.binding[D] == "provisioning_rate":
        return Cause(code="provisioning_rate", provider=p, detail=(
            f"{p}: creates {provider.provision_rate_per_hour.value:g} servers an hour after "
            f"onboarding, none yet by hour {D}; first server {first}"))
    return Cause(code="onboarding", provider=p, detail=(
        f"{p}: onboarding takes {provider.onboarding_hours.value:g} h; first server {first}"))


def offering_cause(inst: Instance, g: str, p: str, rows: SolvedRows) -> Cause | None:
    """When every model at p that fits g is held back by delivery or stock: one cause."""
    D = inst.deadline_hours
    limits = []
    for offering in rows.offerings.get((g, p), []):
        curve = inst.offering_curves.get((p, offering))
        if curve is None:
            return None  # a model limited only by the provider curve: not the binding one
        used = rows.used_offering.get((p, offering), 0)
        if curve.values[D] <= 0 and curve.binding[D] == "refused":
            return None  # the provider's own cause says it (none_by_deadline)
        if curve.values[D] <= 0:
            limits.append(("delivery", f"{offering} delivered {when(first_hour(curve))}"))
        elif used >= curve.values[D] - TOL:
            limits.append(("stock", f"{offering}: all {curve.values[D]:g} used"))
        else:
            return None
    if not limits:
        return None
    code = "stock" if any(code == "stock" for code, _ in limits) else "delivery"
    return Cause(code=code, provider=p, detail=f"{p}: the models that fit {g} are limited: "
                 + "; ".join(text for _, text in limits))


def data_cause(inst: Instance, g: str, p: str, rows: SolvedRows) -> Cause | None:
    """When the data one more server of g at p needs (its share of g's data, less what has
    reached p by the deadline) cannot get there in time, by the rows of the model: every
    GB leaves the source within its egress and before its data is no longer readable
    (source_egress), and arrives within p's ingress (target_ingress), in the same hour. So
    the GB that can still reach p are, hour by hour, the lesser of the two rooms left."""
    D, group = inst.deadline_hours, inst.groups[g]
    if group.data_gb <= 0:
        return None
    per_server = group.data_gb / group.count
    copied = rows.copied.get((g, p), 0)
    need_gb = per_server * (rows.servers.get((g, p), 0) + 1) - copied
    if need_gb <= TOL:
        return None
    window = [t for t in range(1, D + 1)
              if inst.egress.values[t] > 0 and inst.ingress[p].values[t] > 0]
    if not window:
        return Cause(code="source_cutoff", provider=p, detail=(
            f"{p}: no hour before {D} when both the source and {p} can move data "
            f"(source until hour {last_source_hour(inst)}, "
            f"{p} after onboarding at {inst.providers[p].onboarding_hours.value:g} h)"))
    into = rows.into.get(p, [0.0] * (D + 1))
    egress_left = [max(0.0, inst.egress.values[t] - rows.moved_by_hour[t]) for t in window]
    ingress_left = [max(0.0, inst.ingress[p].values[t] - into[t]) for t in window]
    reachable_gb = sum(map(min, egress_left, ingress_left))
    if reachable_gb >= need_gb - GB_TOL:
        return None
    needs = (f"one more server of {g} at {p} needs {need_gb:,.0f} GB ({per_server:,.0f} GB "
             f"per server, {copied:,.0f} GB there by hour {D})")
    if sum(egress_left) <= sum(ingress_left):
        return _source_cause(inst, p, reachable_gb, hours_span(window), needs)
    ingress = sum(ingress_left)
    of_it = "" if ingress - reachable_gb < 0.5 else \
        f", {reachable_gb:,.0f} GB of it in hours the source can still send"
    return Cause(code="data_copy", provider=p, detail=(
        f"{p}: its {inst.providers[p].ingress_gbps.value:g} Gbit/s ingress has "
        f"{ingress:,.0f} GB left in {hours_span(window)}{of_it}; {needs}"))


def _source_cause(inst: Instance, p: str, reachable_gb: float, span: str, needs: str
                  ) -> Cause:
    """The source's side of a copy that cannot be made: its cut-off when its data is
    readable only until an hour before the deadline, else its egress."""
    D, readable = inst.deadline_hours, last_source_hour(inst)
    if inst.inventory.source.data_available_hours is not None and readable < D:
        total = sum(inst.egress.values[1: readable + 1])
        return Cause(code="source_cutoff", provider=p, detail=(
            f"the source's data can be read until hour {readable}: {total:,.0f} GB can leave "
            f"by then, {reachable_gb:,.0f} GB of it is left for {p} in {span}; {needs}"))
    total = sum(inst.egress.values[1: D + 1])
    return Cause(code="source_egress", provider=p, detail=(
        f"source egress of {inst.inventory.source.egress_gbps:g} Gbit/s: {total:,.0f} GB can "
        f"leave by hour {D}, {reachable_gb:,.0f} GB of it is left for {p} in {span}; "
        f"{needs}"))


def count_cause(inst: Instance, used: dict[str, set[str]], kind: str, candidates: list[str]
                ) -> Cause | None:
    """When the policy's cap on providers of `kind` (compute, sms, ...), or on all, is
    reached (domain.usage reads `used` off the plan) and some of `candidates` are left out
    for it."""
    caps = inst.inventory.policy.max_providers.given()
    of_kind, everything = used.get(kind, set()), all_used(used)
    reached = []  # (the cap, the providers it counts)
    if kind in caps and len(of_kind) >= caps[kind]:
        reached.append((_count(caps[kind], f"{kind} provider"), of_kind))
    if "all" in caps and len(everything) >= caps["all"]:
        reached.append((_count(caps["all"], "provider or vendor", "providers and vendors")
                        + " in all", everything))
    idle = [p for p in candidates if p not in of_kind]
    if not reached or not idle:
        return None
    uses = "; ".join(", ".join(sorted(counted)) for _, counted in reached)
    return Cause(code="provider_count", detail=(
        f"the policy allows {' and '.join(cap for cap, _ in reached)}, and the plan uses "
        f"{'it' if [len(c) for _, c in reached] == [1] else 'them'} ({uses}); left out: "
        f"{', '.join(idle[:6])}"
        + (f" and {len(idle) - 6} more" if len(idle) > 6 else "")))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def team_cause(inst: Instance, schedule, services, copies) -> Cause | None:
    """When the plan was fitted to a stated team and, at some hour up to the deadline by
    which work is due, what is left of the team's hours is less than bringing one more
    group up at a provider and setting that provider up (the least of either): the team,
    not a provider, holds the next servers back. Names the first such hour and the hours."""
    if not inst.team_planned:
        return None
    D = inst.deadline_hours
    tasks = labour.plan_tasks(inst.inventory, inst.catalog, schedule, services, copies)
    catalog = inst.catalog
    least = min(labour.bootstrap_effort_hours(catalog, g) for g in inst.groups.values()) + \
        min((labour.provider_setup_hours(catalog, p) for p in inst.providers.values()),
            default=0.0)
    due = 0.0
    by_hour: dict[int, float] = {}
    for task in tasks:
        by_hour[task.due_hour] = by_hour.get(task.due_hour, 0.0) + task.hours
    for t in range(1, D + 1):
        due += by_hour.get(t, 0.0)
        had = inst.team_by_hour[t]
        if due > 0 and had - due < least - TOL:  # before any work is due the team is idle
            return Cause(code="team", detail=(
                f"the team of {inst.inventory.crew.people} has {had:,.1f} engineer-hours by "
                f"hour {t} and the plan's work due by then takes {due:,.1f}; one more group "
                f"at a new provider takes {least:,.1f}"))
    return None
