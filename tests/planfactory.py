"""A small, hand-checked valid Plan for the verifier's tests, and a builder that derives every
summary field (coverage, shortfalls, assignments, costs) from the rows.

The numbers are chosen so that many limits are tight in the valid plan; the comments give the
arithmetic, so the tests do not lean on the code they test.

Inventory (deadline 12 h, horizon 30 h, currency USD, decision 2021-01-09):
  db   2 x (8 vCPU, 32 GB), 900 GB of data (450 GB a server), tier 1, no spread
  web  6 x (2 vCPU, 4 GB), depends on db, spread (max share 0.5, survive 1 loss keeping 0.5)
  sms  10,000 messages a day, 10 a second, to US
  object storage 0.3 TB
  source: oldcloud, 2 Gbit/s = 900 GB/h until hour 12
Catalog (EUR is 1.1 USD):
  cloudy  (USD) onboarding 2 h, 2 servers/h, quota 10, ingress 1 Gbit/s = 450 GB/h from hour 3
          small 2/4/50 at 30/month, big 8/32/500 at 200/month
  metal   (EUR) onboarding 4 h, 5 servers/h, quota 10, ingress 10 Gbit/s
          dedi 16/64/1000 at 100 EUR/month + 50 EUR setup, delivered 6 h after onboarding
          (hour 10), stock 3
  oldcloud (EUR) the source, egress 0.08 EUR/GB
  texty   (sms) onboarding 1 h, tollfree lead 3 h: 5 msg/s (share 0.5) from hour 4, 20 msg/s
          (share 1) from hour 28; 15 setup, 20/month, 0.01/message
  bucket  (object storage) onboarding 1 h, 0.1 Gbit/s = 45 GB/h from hour 2; 5 setup,
          20/TB-month
Schedule:
  db  on cloudy/big    1 at h3, 2 from h4    (data: 450 GB copied at h3 and at h4)
  web on cloudy/small  1 at h3, 2 at h4, 3 from h5   (cloudy: 2 <= 2 at h3, 4 <= 4 at h4)
  web on metal/dedi    3 from h10                    (stock 3 from h10)
  bucket copies 45 GB at h2..h7 and 30 GB at h8 (300 GB)
  sms share 0.5 at h4..h27, 1 from h28 -> shortfall of 0.5 at the deadline
"""

from __future__ import annotations

from planner.domain.digest import inputs_digest
from planner.domain.eligibility import exclusions
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory
from planner.models.plan import (
    Assignment,
    Cause,
    CopyRow,
    CoverageRow,
    Plan,
    ScheduleRow,
    ServiceRow,
    Shortfall,
    SolverFacts,
    SolverPhase,
)

H = 30
DEADLINE = 12
SRC = {"source": "test", "as_of": "2021-01"}


def hours(points: dict[int, float], fill_forward: bool = True, default: float = 0):
    """An H+1 list: value `points[t]` from hour t on (fill_forward) or only at hour t."""
    out, value = [], default
    for t in range(H + 1):
        if t in points:
            value = points[t]
            out.append(value)
        else:
            out.append(value if fill_forward else default)
    return out


def inventory_data() -> dict:
    return {
        "name": "verify-fixture",
        "source": {"provider": "oldcloud", "egress_gbps": 2.0},
        "deadline_hours": DEADLINE,
        "horizon_hours": H,
        "currency": "USD",
        "decision_date": "2021-01-09",
        "groups": [
            {"name": "db", "count": 2, "vcpu": 8.0, "ram_gb": 32.0, "disk_gb": 400.0,
             "data_gb": 900.0, "tier": 1, "jurisdictions": ["US", "DE"], "spread": False},
            {"name": "web", "count": 6, "vcpu": 2.0, "ram_gb": 4.0, "depends_on": ["db"]},
        ],
        # servers serve from the first hour their provider has any (no bootstrap wait), so
        # the limits above stay tight; the catalog states no effort: no work is planned
        "team": {"people": 4, "bootstrap_hours": 0},
        "services": {
            "sms": {"messages_per_day": 10000.0, "messages_per_second": 10.0,
                    "countries": ["US"]},
            "object_storage": {"stored_tb": 0.3},
        },
        "policy": {"max_share_per_provider": 0.5, "survive_provider_losses": 1,
                   "min_surviving_share": 0.5, "one_time_budget": 1000.0,
                   "monthly_budget": 5000.0,
                   # the plans built here are the bridge alone (tests/test_home.py checks
                   # the home stage on plans the pipeline makes)
                   "home_day": None},
    }


def catalog_data() -> dict:
    def provider(pid, kind, jurisdiction, currency, onboarding, quota, rate, gbps, offerings,
                 **extra):
        return {"id": pid, "name": pid.title(), "kind": kind, "jurisdiction": jurisdiction,
                "currency": currency, "onboarding_hours": onboarding, "quota_servers": quota,
                "provision_rate_per_hour": rate, "ingress_gbps": gbps, "refusal_risk": 0.1,
                "offerings": offerings, **SRC, **extra}

    def offering(oid, vcpu, ram, disk, month, **extra):
        return {"id": oid, "vcpu": vcpu, "ram_gb": ram, "disk_gb": disk,
                "price_per_month": month, **extra}

    return {
        "currencies": {"EUR": {"value": 1.1, **SRC}},
        "providers": [
            provider("cloudy", "cloud", "US", "USD", 2.0, 10.0, 2.0, 1.0, [
                offering("small", 2.0, 4.0, 50.0, 30.0, price_per_hour=0.05),
                offering("big", 8.0, 32.0, 500.0, 200.0)], organization="megacorp"),
            provider("metal", "bare_metal", "DE", "EUR", 4.0, 10.0, 5.0, 10.0, [
                offering("dedi", 16.0, 64.0, 1000.0, 100.0, setup_fee=50.0,
                         delivery_hours=6.0, stock=3.0)], end_of_life="2030-01-01"),
            provider("oldcloud", "cloud", "US", "EUR", 0.0, 100.0, 10.0, 10.0, [
                offering("vm", 8.0, 32.0, 500.0, 150.0)], egress_price_per_gb=0.08),
        ],
        "services": [
            {"id": "texty", "name": "Texty", "kind": "sms", "jurisdiction": "US",
             "onboarding_hours": 1.0, "refusal_risk": 0.1, **SRC, "offerings": [
                 {"id": "tollfree", "countries": ["US", "CA"], "lead_hours": 3.0,
                  "capacity": {"messages_per_second": {"every_hours": 24.0,
                                                       "values": [5.0, 20.0]}},
                  "price_per_unit": 0.01, "price_per_month": 20.0, "setup_fee": 15.0}]},
            {"id": "bucket", "name": "Bucket", "kind": "object_storage", "jurisdiction": "US",
             "onboarding_hours": 1.0, "refusal_risk": 0.1, **SRC, "offerings": [
                 {"id": "std", "capacity": {"ingest_gbps": {"values": [0.1]}},
                  "price_per_unit": 20.0, "setup_fee": 5.0}]},
        ],
    }


def make_inventory(**changes) -> Inventory:
    data = inventory_data()
    data.update(changes)
    return Inventory.model_validate(data)


def make_catalog() -> Catalog:
    return Catalog.model_validate(catalog_data())


def valid_schedule() -> list[ScheduleRow]:
    return [
        ScheduleRow(group="db", provider="cloudy", offering="big",
                    up_by_hour=hours({3: 1, 4: 2})),
        ScheduleRow(group="web", provider="cloudy", offering="small",
                    up_by_hour=hours({3: 1, 4: 2, 5: 3})),
        ScheduleRow(group="web", provider="metal", offering="dedi",
                    up_by_hour=hours({10: 3})),
    ]


def valid_copies() -> list[CopyRow]:
    bucket = {t: 45.0 for t in range(2, 8)} | {8: 30.0}
    return [
        CopyRow(demand="db", target="cloudy",
                gb_by_hour=hours({3: 450.0, 4: 450.0}, fill_forward=False)),
        CopyRow(demand="object_storage", target="bucket",
                gb_by_hour=hours(bucket, fill_forward=False)),
    ]


def valid_services() -> list[ServiceRow]:
    return [ServiceRow(kind="sms", vendor="texty", offering="tollfree",
                       share_by_hour=hours({4: 0.5, 28: 1.0}))]


def solver_facts(status: str = "optimal") -> SolverFacts:
    return SolverFacts(solver="highs", time_limit_seconds=None, gap_requested=1e-4,
                       variables=10, integer_variables=3, constraints=20, phases=[
                           SolverPhase(name="coverage", status="optimal", raw_status="Optimal",
                                       objective=1.0, bound=1.0, gap=0.0),
                           SolverPhase(name="cost", status=status, raw_status="Optimal",
                                       objective=2.0, bound=2.0, gap=0.0)])


# ------------------------------------------------------------------ derived fields

def _to_usd(catalog: Catalog, amount: float, currency: str) -> float:
    return amount * (1.0 if currency == "USD" else catalog.currencies[currency].value)


def derive_costs(inventory: Inventory, catalog: Catalog, schedule, copies, services) -> dict:
    """Costs in USD (the fixture's inventory currency), written out plainly."""
    val = lambda fact: fact.value if fact is not None else 0.0  # noqa: E731
    setup = servers = 0.0
    for row in schedule:
        provider = catalog.provider(row.provider)
        off = next(o for o in provider.offerings if o.id == row.offering)
        setup += row.up_by_hour[H] * _to_usd(catalog, val(off.setup_fee), provider.currency)
        servers += row.up_by_hour[H] * _to_usd(catalog, val(off.price_per_month),
                                               provider.currency)
    total_gb = sum(sum(c.gb_by_hour) for c in copies)
    src = catalog.provider(inventory.source.provider)
    egress = total_gb * _to_usd(catalog, val(src.egress_price_per_gb), src.currency)
    service_setup = service_month = 0.0
    for row in services:
        if max(row.share_by_hour) > 0:
            vendor = catalog.vendor(row.vendor)
            off = next(o for o in vendor.offerings if o.id == row.offering)
            demand = getattr(inventory.services, row.kind)
            volume = (len(demand.zones) if row.kind == "dns"
                      else demand.messages_per_day * 730.0 / 24)
            service_setup += _to_usd(catalog, val(off.setup_fee), vendor.currency)
            service_month += _to_usd(catalog, val(off.price_per_month)
                                     + val(off.price_per_unit) * volume * row.share_by_hour[H],
                                     vendor.currency)
    for c in copies:
        if c.demand == "object_storage" and sum(c.gb_by_hour) > 0:
            vendor = catalog.vendor(c.target)
            off = vendor.offerings[0]
            service_setup += _to_usd(catalog, val(off.setup_fee), vendor.currency)
            service_month += _to_usd(catalog, val(off.price_per_month)
                                     + val(off.price_per_unit) * sum(c.gb_by_hour) / 1000,
                                     vendor.currency)
    one_time = {"setup_fees": setup, "source_egress": egress, "service_setup": service_setup}
    monthly = {"servers": servers, "services": service_month}
    return {"currency": inventory.currency, "one_time": one_time, "monthly": monthly,
            "one_time_total": sum(one_time.values()), "monthly_total": sum(monthly.values()),
            "hourly_run_rate": sum(monthly.values()) / 730.0}


def build_plan(inventory: Inventory | None = None, catalog: Catalog | None = None,
               schedule=None, copies=None, services=None, status: str = "optimal") -> Plan:
    """A Plan whose summary fields are derived from its rows (valid rows by default)."""
    inventory = inventory or make_inventory()
    catalog = catalog or make_catalog()
    schedule = valid_schedule() if schedule is None else schedule
    copies = valid_copies() if copies is None else copies
    services = valid_services() if services is None else services
    horizon = inventory.horizon

    coverage = []
    for g in inventory.groups:
        served = [float(sum(r.up_by_hour[t] for r in schedule if r.group == g.name))
                  for t in range(horizon + 1)]
        coverage.append(CoverageRow(demand=g.name, kind="group", unit="servers",
                                    total=float(g.count), served_by_hour=served))
    for kind in ("sms", "email", "dns"):
        if getattr(inventory.services, kind) is not None:
            served = [sum(r.share_by_hour[t] for r in services if r.kind == kind)
                      for t in range(horizon + 1)]
            coverage.append(CoverageRow(demand=kind, kind=kind, unit="share", total=1.0,
                                        served_by_hour=served))
    if inventory.services.object_storage is not None:
        run, served = 0.0, []
        for t in range(horizon + 1):
            run += sum(c.gb_by_hour[t] for c in copies if c.demand == "object_storage")
            served.append(run / 1000)
        coverage.append(CoverageRow(demand="object_storage", kind="object_storage", unit="TB",
                                    total=inventory.services.object_storage.stored_tb,
                                    served_by_hour=served))

    def first_full(row):
        return next((t for t, v in enumerate(row.served_by_hour)
                     if v >= row.total - 1e-9), None)

    D = inventory.deadline_hours
    shortfalls = [
        Shortfall(demand=row.demand, kind=row.kind, unit=row.unit, total=row.total,
                  missing_at_deadline=row.total - row.served_by_hour[D],
                  full_by_hour=first_full(row),
                  causes=[Cause(code="capacity", detail="not enough by the deadline")])
        for row in coverage if row.served_by_hour[D] < row.total - 1e-9]
    fulls = [first_full(row) for row in coverage]
    assignments = [
        Assignment(group=r.group, provider=r.provider, offering=r.offering,
                   count=r.up_by_hour[horizon],
                   first_hour=next(t for t, v in enumerate(r.up_by_hour) if v > 0),
                   ready_hour=next(t for t, v in enumerate(r.up_by_hour)
                                   if v == r.up_by_hour[horizon]))
        for r in schedule if r.up_by_hour[horizon] > 0]
    used = ({r.provider for r in schedule if r.up_by_hour[horizon] > 0}
            | {r.vendor for r in services if max(r.share_by_hour) > 0}
            | {c.target for c in copies if c.demand == "object_storage" and sum(c.gb_by_hour)})
    servers_total = sum(g.count for g in inventory.groups)
    at_deadline = int(sum(row.served_by_hour[D] for row in coverage if row.kind == "group"))
    return Plan(
        planner_version="test", inputs_digest=inputs_digest(inventory, catalog),
        inventory=inventory, catalog=catalog, deadline_hours=inventory.deadline_hours,
        horizon_hours=horizon, status=status, solver=solver_facts(status),
        assignments=assignments, schedule=schedule, copies=copies, services=services,
        coverage=coverage, servers_total=servers_total, servers_at_deadline=at_deadline,
        coverage_at_deadline=at_deadline / servers_total,
        full_coverage_hour=None if None in fulls else max(fulls),
        providers_used=sorted(used),
        costs=derive_costs(inventory, catalog, schedule, copies, services),
        shortfalls=shortfalls, excluded=exclusions(inventory, catalog),
        warnings=([NO_EFFORT] if catalog.effort is None else [])
        + ([UNLOCATED] if any(g.depends_on for g in inventory.groups)
           and not any(p.regions for p in catalog.providers) else []))


NO_EFFORT = "the catalog states no effort for tasks: the team's work was not planned"
UNLOCATED = ("the catalog gives no provider's regions: the round trips between dependent "
             "groups were not planned, and may cross an ocean")


def valid_plan() -> Plan:
    return build_plan()
