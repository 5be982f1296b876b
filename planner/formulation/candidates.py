"""What may run where: the candidates (group, provider, offering) that fit, with offerings
another one dominates pruned exactly, and the service offerings that can carry a demand
(dominated DNS offerings pruned). Built once per Instance (formulation/instance.py)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain import curves, packing
from planner.domain.curves import Curve
from planner.domain.eligibility import misfit
from planner.models.catalog import Provider
from planner.models.inventory import Inventory
from planner.models.provider_facts import Offering

SERVICE_KINDS = ("sms", "email", "dns")


@dataclass(frozen=True)
class Candidate:
    """Servers of `group` may go on `offering` of `provider`, `per_host` on each host
    (domain/packing.py; 1: a host per server)."""

    group: str
    provider: str
    offering: str
    per_host: int = 1


@dataclass(frozen=True)
class ServiceCandidate:
    kind: str
    vendor: str
    offering: str
    share: Curve
    fixed_fees: bool


def _cost_key(offering: Offering, policy) -> tuple[float, ...]:
    """What the cost phase and the budgets see of a server on `offering`: the objective
    (setup + run_rate_months x monthly) alone when no budget splits it, else each part.
    The hourly price enters neither, so it cannot make an offering worth keeping."""
    setup = offering.setup_fee.value if offering.setup_fee else 0.0
    monthly = offering.price_per_month.value
    if policy.one_time_budget is None and policy.monthly_budget is None:
        return (setup + policy.run_rate_months * monthly,)
    return (setup, monthly)


def _delivery(o: Offering) -> float:
    return o.delivery_hours.value if o.delivery_hours else 0.0


def _capped(o: Offering, most_servers: float) -> bool:
    """Whether the model's stock can bind: not when the provider can never run that many."""
    return o.stock is not None and o.stock.value < most_servers


def _dominates(a: Offering, b: Offering, most_servers: float, policy, k=None) -> bool:
    """For a group both fit, a host of `a` can stand in for every host of `b`: it holds
    as many of the group's servers (k, domain/packing.py), `a`'s stock cannot bind, it is
    delivered no later, and it costs no more in every component (ties broken by id so that
    of two equal offerings exactly one stays)."""
    if a.id == b.id or _capped(a, most_servers) or _delivery(a) > _delivery(b):
        return False
    if k is not None and k[a.id] < k[b.id]:
        return False
    key_a, key_b = _cost_key(a, policy), _cost_key(b, policy)
    if not all(x <= y for x, y in zip(key_a, key_b)):
        return False
    strictly = (_delivery(a), key_a) != (_delivery(b), key_b) \
        or _capped(b, most_servers) or (k is not None and k[a.id] > k[b.id])
    return strictly or a.id < b.id


def _undominated(fitting: list[Offering], provider: Provider, policy,
                 k=None) -> list[Offering]:
    """Offerings at one provider that no other fitting offering dominates."""
    most = max(provider.quota_servers.value, provider.quota_raise_servers.value
               if provider.quota_raise_servers else 0.0)
    return [o for o in fitting
            if not any(_dominates(other, o, most, policy, k) for other in fitting)]


def compute_candidates(inventory, providers):
    candidates, misfits = [], {}
    for group in inventory.groups:
        reasons = []
        for provider in providers.values():
            fitting, why = [], []
            for offering in provider.offerings:
                reason = misfit(group, provider, offering)
                (why.append(f"{offering.id}: {reason}") if reason else fitting.append(offering))
            k = {o.id: packing.per_host(inventory, group, provider, o) for o in fitting}
            for offering in _undominated(fitting, provider, inventory.policy, k):
                candidates.append(Candidate(group.name, provider.id, offering.id,
                                            k[offering.id]))
            if not fitting:
                reasons.append(f"{provider.id}: no offering fits ({'; '.join(why[:3])})")
        misfits[group.name] = reasons
    return candidates, misfits


def service_demands(inventory: Inventory) -> dict[str, object]:
    services = inventory.services
    return {k: getattr(services, k) for k in SERVICE_KINDS if getattr(services, k) is not None}


def compute_services(inventory, vendors, horizon, resolvers, usd_per, not_before, effort,
                     refused=None):
    """The service candidates, each with its share curve (0 from the hour its vendor
    refuses, `refused`: id -> hour), and why the others cannot serve."""
    refused = refused or {}
    out, misfits = [], {}
    for kind, demand in service_demands(inventory).items():
        misfits[kind] = []
        for vendor in (v for v in vendors.values() if v.kind == kind):
            for offering in vendor.offerings:
                reason = curves.service_misfit(vendor, offering, demand)
                if vendor.self_hosted and not any(g.runs_service == kind
                                                  for g in inventory.groups):
                    reason = f"self-hosted: no group of the inventory runs {kind} on " \
                             "servers of the plan (groups[].runs_service)"
                if reason:
                    misfits[kind].append(f"{vendor.id}/{offering.id}: {reason}")
                    continue
                share = curves.service_share(kind, vendor, offering, demand, horizon, resolvers,
                                             not_before, refused.get(vendor.id))
                fees = any(f is not None and f.value > 0
                           for f in (offering.price_per_month, offering.setup_fee))
                out.append(ServiceCandidate(kind, vendor.id, offering.id, share, fees))
    return _undominated_dns(out, vendors, usd_per, effort, set(refused)), misfits


def _undominated_dns(candidates: list, vendors: dict, usd_per, effort,
                     refused: set[str] = frozenset()) -> list:
    """The DNS offerings no other one dominates: reaching at least as many users at every
    hour for no more setup, monthly and per-zone price (in USD) and no more engineer-hours
    to set up (`effort(vendor)`), the first by vendor and offering id among equals. Every
    vendor of a delegation answers for the whole zone, so a dominated one only adds a
    choice the model must rule out (2021: seven near-identical free or cheap vendors, each
    a binary). A vendor that refuses (`refused`) is kept and dominates none: a re-plan
    keeps to what a base plan delegated to it before it refused (formulation/follow.py),
    and the others are compared on their own curves, as without it."""
    def prices(sc) -> tuple[float, ...]:
        o = next(o for o in vendors[sc.vendor].offerings if o.id == sc.offering)
        rate = usd_per(vendors[sc.vendor].currency)
        return tuple((f.value if f is not None else 0.0) * rate
                     for f in (o.setup_fee, o.price_per_month, o.price_per_unit)) \
            + (effort(vendors[sc.vendor]),)

    dns = sorted((sc for sc in candidates if sc.kind == "dns" and sc.vendor not in refused),
                 key=lambda sc: (sc.vendor, sc.offering))
    kept: list = []
    for sc in dns:
        mine = prices(sc)
        if not any(all(a >= b for a, b in zip(k.share.values, sc.share.values))
                   and all(a <= b for a, b in zip(prices(k), mine)) for k in kept):
            kept = [k for k in kept if not (
                all(a >= b for a, b in zip(sc.share.values, k.share.values))
                and all(a <= b for a, b in zip(mine, prices(k))))] + [sc]
    return [sc for sc in candidates if sc.kind != "dns" or sc in kept
            or sc.vendor in refused]
