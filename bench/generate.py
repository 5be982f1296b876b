"""Seeded generator of synthetic but realistic inventories and catalogs, for benchmarks.

`generate(servers, groups, providers, seed)` returns a validated (Inventory, Catalog) pair built
in memory; `write_yaml(folder, ...)` writes the same inputs as YAML the loader reads back.
The same arguments always give the same inputs (one `random.Random(seed)`, nothing else).

How realism is modelled (ranges are read from the shipped catalog and the 2021 inventory):

- Workload groups come in application *stacks* (databases first, then caches, APIs, web,
  queues, workers, search, batch, GPU inference, monitoring), so `depends_on` chains run
  web -> api -> database + cache, replica -> primary, worker -> queue, search -> replica,
  and only ever point at an earlier group of the same stack (no cycles). Shapes by role:
  web/api 2-8 vCPU at 2-4 GB per vCPU; databases 16-64 vCPU, 4-8 GB per vCPU, 1-4 TB disk
  and 0.3-2 TB of data per server; caches RAM-heavy (8-16 GB per vCPU); queues and search
  disk-heavy; some stateless groups arm64 (or any arch); a few GPU groups (1-8 GPUs).
  Tiers: databases, caches, APIs and web are tier 1, queues/workers/search tier 2,
  media/GPU/monitoring tier 3, batch tier 4. About a quarter of stacks are EU-only.
  Server counts follow role weights with log-normal noise, summing exactly to `servers`.
- Services: SMS (about 2,500 messages per server per day, peak 3-8x the mean rate), email,
  DNS (one zone per 500 servers, .com-like 48 h NS TTL or shorter), object storage
  (0.05-0.3 TB per server, 80 TB for 400 servers in the 2021 case).
- Policy: the source's organization and sometimes one more (a vendor that refused) are
  excluded; at most 60% of a group per provider and survive losing the largest one.
- Compute providers: clouds (onboarding 1-8 h, sometimes a day of verification; new-account
  quota 5-50 servers, raised to 50-2,000 after 24-120 h; 20-100 servers/h; ingress
  5-25 Gbit/s; 4-9 instance types in general/compute/memory/storage families, some arm64,
  some GPU types with scarce stock), bare metal (onboarding 2-24 h, 5-30 servers/h,
  ingress 1-10 Gbit/s, dedicated models with a delivery time of 1-72 h, stock 5-200 and
  setup fees), colocation and self-hosting (onboarding 24-48 h, own hardware delivered in
  24-72 h). Prices come from per-vCPU, per-GB-RAM and per-GB-disk rates times a provider
  factor (0.4 budget hosts .. 1.6 hyperscalers), in the currency of the jurisdiction.
  Some providers share an organization, a few are past their end of life.
- Service vendors: SMS channels with registration lead times (10DLC 1-3 weeks, toll-free
  3-14 days, short codes months, international sender IDs within a day), email with
  dedicated-IP warm-up schedules or flat shared plans, DNS (records-per-zone limits),
  object storage with ingest rates of 1-20 Gbit/s.

Every number is a Fact with source "synthetic (bench/generate.py, seed N)", an as_of date
and estimate: true. Run `python bench/generate.py --servers 400 --out DIR` to write YAML.
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

import yaml

from planner.models import Catalog, Inventory

AS_OF = "2026-11-01"
DECISION_DATE = "2026-11-26"
EU = ["DE", "FR", "NL", "FI", "IE", "SE"]
JURISDICTIONS = [("US", 40), ("DE", 14), ("FR", 9), ("NL", 7), ("FI", 4), ("GB", 7),
                 ("CA", 5), ("SG", 5), ("JP", 5), ("IE", 2), ("SE", 2)]
CURRENCY = {"DE": "EUR", "FR": "EUR", "NL": "EUR", "FI": "EUR", "IE": "EUR", "SE": "EUR",
            "GB": "GBP"}
USD_PER = {"EUR": 1.16, "GBP": 1.34}


def source_text(seed: int) -> str:
    return f"synthetic (bench/generate.py, seed {seed})"


def default_shape(servers: int) -> tuple[int, int]:
    """Groups and providers that go with a number of servers when they are not given:
    about sqrt(servers) groups (7 for 50 servers, 100 for 10,000) and 5 x servers^0.25
    providers, between 10 and 200 (13 for 50 servers, 50 for 10,000, 89 for 100,000)."""
    groups = max(4, min(servers, round(math.sqrt(servers))))
    providers = max(10, min(200, round(5 * servers ** 0.25)))
    return groups, providers


# ------------------------------------------------------------------------------ inventory

# role: (weight in server count, tier, depends on roles of the same stack)
ROLES = {
    "db": (0.02, 1, []),
    "db-replica": (0.04, 1, ["db"]),
    "cache": (0.06, 1, []),
    "api": (0.22, 1, ["db", "cache"]),
    "web": (0.16, 1, ["api"]),
    "queue": (0.03, 2, []),
    "worker": (0.14, 2, ["queue"]),
    "search": (0.06, 2, ["db-replica"]),
    "media": (0.08, 3, ["queue"]),
    "gpu-inference": (0.02, 3, ["api"]),
    "monitoring": (0.03, 3, []),
    "batch": (0.06, 4, ["db-replica"]),
}
STACK_ORDER = ["db", "cache", "api", "web", "db-replica", "queue", "worker", "search",
               "monitoring", "media", "batch", "gpu-inference"]


def _shape(rng: random.Random, role: str) -> dict:
    """vcpu, ram_gb, disk_gb, arch, gpu_count and data per server of one group."""
    arch, gpus, data = "x86_64", 0, 0.0
    if role in ("web", "api"):
        vcpu = rng.choice([2, 4, 4, 8, 8] if role == "api" else [2, 2, 4, 4, 8])
        ram = vcpu * rng.choice([2, 4])
        disk = rng.choice([40, 60, 80, 100])
    elif role in ("db", "db-replica"):
        vcpu = rng.choice([16, 32, 32, 64])
        ram = vcpu * rng.choice([4, 8])
        disk = rng.choice([1000, 1800, 2000, 3500, 4000])
        data = round(disk * rng.uniform(0.2, 0.4))
    elif role == "cache":
        vcpu = rng.choice([4, 8, 16])
        ram = vcpu * rng.choice([8, 8, 16])
        disk = rng.choice([50, 100])
    elif role == "queue":
        vcpu, ram = 8, 32
        disk = rng.choice([500, 1000, 2000])
    elif role == "search":
        vcpu = rng.choice([8, 16])
        ram = vcpu * 4
        disk = rng.choice([500, 1000])
        data = round(disk * rng.uniform(0.1, 0.4))
    elif role == "gpu-inference":
        gpus = rng.choice([1, 1, 2, 4, 8])
        vcpu = 8 * gpus
        ram = vcpu * 4
        disk = 200 * gpus
    elif role == "batch":
        vcpu = rng.choice([16, 32])
        ram = vcpu * rng.choice([4, 8])
        disk = rng.choice([200, 500])
        data = rng.choice([50, 100, 200])
    elif role == "monitoring":
        vcpu = rng.choice([4, 8])
        ram = vcpu * 4
        disk = 500
    else:  # worker, media
        vcpu = rng.choice([4, 8, 16])
        ram = vcpu * rng.choice([2, 4])
        disk = rng.choice([80, 100, 200])
    if role in ("web", "api", "worker", "media"):
        draw = rng.random()
        arch = "arm64" if draw < 0.12 else "any" if draw < 0.22 else "x86_64"
    return {"vcpu": vcpu, "ram_gb": ram, "disk_gb": disk, "arch": arch, "gpu_count": gpus,
            "data_per_server": data}


def _stacks(rng: random.Random, n_groups: int) -> list[list[str]]:
    """Roles of each application stack, `n_groups` roles in all; each stack starts with the
    roles others depend on. GPU groups are a few: about one stack in three has one."""
    stacks, left = [], n_groups
    while left > 0:
        size = min(left, rng.randint(5, 10))
        if left - size < 4:  # no stub stack of two or three groups at the end
            size = left
        roles = STACK_ORDER[:min(size, len(STACK_ORDER) - 1)]
        while len(roles) < size:  # more workers of several kinds
            roles.append(rng.choice(["worker", "api", "web", "media"]))
        if size >= 6 and rng.random() < 0.3:
            roles[-1] = "gpu-inference"
        stacks.append(roles)
        left -= size
    return stacks


def _counts(rng: random.Random, weights: list[float], servers: int) -> list[int]:
    """Integers >= 1 proportional to `weights` (largest remainder), summing to `servers`."""
    n = len(weights)
    spare = servers - n
    total = sum(weights)
    raw = [spare * w / total for w in weights]
    counts = [1 + math.floor(x) for x in raw]
    order = sorted(range(n), key=lambda i: (raw[i] - math.floor(raw[i]), -i), reverse=True)
    for i in order[:servers - sum(counts)]:
        counts[i] += 1
    return counts


def inventory_dict(servers: int, groups: int, seed: int, deadline_hours: int = 24,
                   catalog: dict | None = None, executable: bool = False) -> dict:
    """The inventory as plain data (what a YAML file would hold); `executable` adds the
    executable model's features (`executable_inventory`) to the same estate."""
    if groups > servers:
        raise ValueError(f"{groups} groups need at least as many servers, not {servers}")
    rng = random.Random(f"inventory/{seed}")
    out_groups, weights, roles_of = [], [], []
    for si, roles in enumerate(_stacks(rng, groups)):
        app = f"app{si + 1:03d}"
        eu_only = rng.random() < 0.25
        seen: dict[str, str] = {}
        for role in roles:
            name = f"{app}-{role}"
            k = 2
            while name in {g["name"] for g in out_groups}:
                name, k = f"{app}-{role}-{k}", k + 1
            shape = _shape(rng, role)
            weight, tier, needs = ROLES[role]
            if role in ("db-replica",) and "db" in seen:  # replicas have their primary's shape
                primary = next(g for g in out_groups if g["name"] == seen["db"])
                shape.update({k: primary[k] for k in ("vcpu", "ram_gb", "disk_gb")})
                shape["data_per_server"] = round(primary["disk_gb"] * rng.uniform(0.2, 0.4))
            group = {"name": name, "description": f"synthetic {role} group of {app}",
                     "vcpu": shape["vcpu"], "ram_gb": shape["ram_gb"],
                     "disk_gb": shape["disk_gb"], "arch": shape["arch"], "tier": tier,
                     "depends_on": [seen[r] for r in needs if r in seen]}
            if shape["gpu_count"]:
                group["gpu_count"] = shape["gpu_count"]
            if eu_only:
                group["jurisdictions"] = list(EU)
            if role in ("db", "queue"):
                group["spread"] = rng.random() < 0.7  # some stateful groups stay together
            out_groups.append(group)
            roles_of.append((role, shape["data_per_server"]))
            weights.append(weight * math.exp(rng.gauss(0, 0.5)))
            seen.setdefault(role, name)
    for group, count, (role, per_server) in zip(out_groups, _counts(rng, weights, servers),
                                                roles_of):
        group["count"] = count
        if count == 1:
            group["spread"] = False  # one server cannot be spread over providers
        if per_server:
            group["data_gb"] = float(round(per_server * count))
    source_org = "srcorg"
    excluded = [source_org]
    if catalog and rng.random() < 0.5:  # one vendor refused us, as in 2021
        orgs = sorted({p["organization"] for p in catalog["providers"]
                       if p.get("organization") and p["organization"] != source_org})
        if orgs:
            excluded.append(rng.choice(orgs))
    countries = rng.choice([["US"], ["US"], ["US", "CA", "GB", "DE"], ["DE", "FR", "GB"]])
    per_day = servers * rng.uniform(1500, 3500)
    zones = [f"app{k + 1:03d}.example" for k in range(min(50, 1 + servers // 500))]
    # 2 to 5 Gbit/s per 100 servers (20 for the 400 of 2021), 10 to 100 in all
    egress_gbps = float(max(10, min(100, round(servers / 100 * rng.uniform(2, 5)))))
    out = {
        "name": f"synthetic-{servers}-s{seed}",
        "description": f"synthetic inventory: {servers} servers in {groups} groups "
                       f"({source_text(seed)})",
        "source": {"provider": "src-cloud", "egress_gbps": egress_gbps},
        "deadline_hours": deadline_hours,
        "currency": "USD",
        "decision_date": DECISION_DATE,
        "groups": [{k: g[k] for k in ("name", "description", "count", "vcpu", "ram_gb",
                                      "disk_gb", "arch", "gpu_count", "data_gb", "tier",
                                      "jurisdictions", "depends_on", "spread") if k in g}
                   for g in out_groups],
        "services": {
            "sms": {"messages_per_day": round(per_day),
                    "messages_per_second": round(per_day / 86400 * rng.uniform(3, 8), 1),
                    "countries": countries, "tier": 1},
            "email": {"messages_per_day": round(servers * rng.uniform(2000, 6000)),
                      "sending_domains": zones[:3], "tier": 2},
            "dns": {"zones": zones, "records_per_zone": rng.choice([50, 300, 800, 2500]),
                    "current_ns_ttl_seconds": rng.choice([172800, 172800, 86400, 3600]),
                    "tier": 1},
            "object_storage": {"stored_tb": round(servers * rng.uniform(0.05, 0.3), 1),
                               "requests_per_month_millions": round(servers * 2.5), "tier": 3},
        },
        "policy": {"excluded_providers": excluded, "max_share_per_provider": 0.6,
                   "survive_provider_losses": 1, "min_surviving_share": 0.5},
        # Without `executable` the catalog states no effort, so the team's work is not
        # planned; groups serve as soon as their provider has servers (golden images and
        # IaC), which keeps the figures measured before issue 19 comparable.
        "team": {"people": 4, "bootstrap_hours": 0},
    }
    return executable_inventory(out, servers, seed, catalog) if executable else out


# ------------------------------------------------------------------------------ catalog

def _weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


def _money(x: float) -> float:
    return round(x, 2) if x < 1000 else float(round(x))


def _instance(oid, vcpu, ram, disk, rates, currency, arch="x86_64", gpus=0, **extra) -> dict:
    cpu, mem, sto, gpu = rates
    monthly = (vcpu * cpu + ram * mem + disk * sto + gpus * gpu) / USD_PER.get(currency, 1.0)
    out = {"id": oid, "vcpu": vcpu, "ram_gb": ram, "disk_gb": disk, "arch": arch,
           "price_per_month": _money(monthly), "price_per_hour": round(monthly / 730 * 1.1, 4)}
    if gpus:
        out["gpu_count"] = gpus
    out.update(extra)
    return out


def _cloud_offerings(rng, rates, currency) -> list[dict]:
    sizes = [2, 4, 8, 16, 32, 64]
    out = [_instance(f"gp-{v}", v, 4 * v, 40 * v, rates, currency)
           for v in sizes[rng.randint(0, 1):rng.randint(4, 6)]]
    if rng.random() < 0.7:
        out += [_instance(f"cpu-{v}", v, 2 * v, 25 * v, rates, currency)
                for v in rng.sample([2, 4, 8, 16], 2)]
    if rng.random() < 0.7:
        out += [_instance(f"mem-{v}", v, 8 * v, 50 * v, rates, currency)
                for v in rng.sample([4, 8, 16, 32, 64], 2)]
    if rng.random() < 0.6:
        out += [_instance(f"sto-{v}", v, 8 * v, 125 * v, rates, currency)
                for v in rng.sample([16, 32, 64], 2)]
    if rng.random() < 0.35:
        arm = tuple(r * 0.8 for r in rates)
        out += [_instance(f"arm-{v}", v, 4 * v, 40 * v, arm, currency, arch="arm64")
                for v in (2, 4, 8, 16)[rng.randint(0, 1):]]
    if rng.random() < 0.25:
        for g in sorted(rng.sample([1, 2, 4, 8], 2)):
            out.append(_instance(f"gpu-{g}", 8 * g, 32 * g, 250 * g, rates, currency,
                                 gpus=g, stock=rng.choice([4, 8, 16, 32, 64])))
    return out


def _dedicated_offerings(rng, rates, currency, kind) -> list[dict]:
    """Dedicated models: some in stock (delivered in hours), some built to order."""
    models = [(8, 64, 1000), (16, 64, 2000), (16, 128, 4000), (32, 128, 4000),
              (32, 256, 8000), (64, 256, 8000), (64, 512, 16000), (128, 1024, 16000)]
    n = rng.randint(3, 6) if kind == "bare_metal" else rng.randint(2, 3)
    out = []
    for vcpu, ram, disk in sorted(rng.sample(models, n)):
        if kind == "bare_metal":
            delivery = rng.choice([1, 2, 4, 4, 24, 48, 72])
            stock = rng.choice([5, 10, 20, 50, 100, 200])
            setup = rng.choice([0, 0, 49, 99, 199])
        else:  # own hardware racked at a colo or on premises
            delivery = rng.choice([24, 48, 72])
            stock = rng.choice([10, 20, 50, 100, 200])
            setup = rng.choice([250, 500, 1000])
        out.append(_instance(f"ded-{vcpu}c-{ram}g", vcpu, ram, disk, rates, currency,
                             delivery_hours=delivery, stock=stock,
                             setup_fee=_money(setup / USD_PER.get(currency, 1.0))))
    if kind == "bare_metal" and rng.random() < 0.15:
        out.append(_instance("ded-arm-80c", 80, 256, 4000, rates, currency, arch="arm64",
                             delivery_hours=rng.choice([4, 24, 48]), stock=rng.choice([10, 40])))
    if kind == "bare_metal" and rng.random() < 0.15:
        out.append(_instance("ded-gpu-4", 32, 256, 4000, rates, currency, gpus=4,
                             delivery_hours=rng.choice([24, 72]), stock=rng.choice([4, 8, 16]),
                             setup_fee=_money(199 / USD_PER.get(currency, 1.0))))
    return out


def _provider(rng: random.Random, i: int, seed: int, organization: str) -> dict:
    kind = _weighted(rng, [("cloud", 55), ("bare_metal", 30), ("colocation", 8),
                           ("self_hosted", 7)])
    jurisdiction = _weighted(rng, JURISDICTIONS)
    currency = CURRENCY.get(jurisdiction, "USD")
    factor = rng.uniform(0.4, 1.6) if kind == "cloud" else rng.uniform(0.35, 0.8)
    rates = (12 * factor, 3 * factor, 0.06 * factor, 700 * factor)
    if kind == "cloud":
        onboarding = rng.choice([1, 1, 2, 3, 4, 6, 8]) if rng.random() < 0.8 \
            else rng.choice([12, 24])
        quota, rate, ingress = rng.choice([5, 8, 10, 20, 32, 50]), rng.choice([20, 50, 100]), \
            rng.choice([5, 10, 25])
        raise_to, raise_after = rng.choice([50, 100, 250, 500, 1000, 2000]), \
            rng.choice([24, 48, 72, 120])
        offerings = _cloud_offerings(rng, rates, currency)
    elif kind == "bare_metal":
        onboarding = rng.choice([2, 4, 8, 12, 24])
        quota, rate, ingress = rng.choice([10, 20, 30, 50]), rng.choice([5, 10, 20, 30]), \
            rng.choice([1, 2, 5, 10])
        raise_to, raise_after = rng.choice([50, 100, 200, 500]), rng.choice([48, 72, 120])
        offerings = _dedicated_offerings(rng, rates, currency, kind)
    else:
        onboarding = rng.choice([24, 36, 48])
        quota, rate, ingress = rng.choice([20, 40, 50]), rng.choice([5, 10]), \
            rng.choice([10, 25] if kind == "colocation" else [1, 5, 10])
        raise_to, raise_after = rng.choice([100, 200]), rng.choice([72, 120])
        offerings = _dedicated_offerings(rng, rates, currency, kind)
    pid = f"p{i:03d}-{kind.replace('_', '')}-{jurisdiction.lower()}"
    out = {
        "id": pid, "name": f"Synthetic {kind.replace('_', ' ')} {i:03d} ({jurisdiction})",
        "organization": organization, "kind": kind, "jurisdiction": jurisdiction,
        "currency": currency, "cli": f"synth{i:03d}" if kind == "cloud" else None,
        "source": source_text(seed), "as_of": AS_OF, "estimate": True,
        "onboarding_hours": onboarding, "refusal_risk": round(rng.uniform(0.05, 0.5), 2),
        "quota_servers": quota, "provision_rate_per_hour": rate, "ingress_gbps": ingress,
        "egress_price_per_gb": round(rng.uniform(0.0, 0.09) if kind == "cloud" else 0.0, 3),
        "offerings": offerings,
    }
    if rng.random() < 0.85:
        out["quota_raise_servers"], out["quota_raise_hours"] = max(raise_to, quota), raise_after
    if rng.random() < 0.03:
        out["end_of_life"] = "2026-06-30"  # before the decision date: never chosen
    return {k: v for k, v in out.items() if v is not None}


def _series(values, every=24) -> dict:
    return {"every_hours": every, "values": values}


def _vendor(rng: random.Random, kind: str, i: int, seed: int) -> dict:
    offerings = []
    if kind == "sms":
        if rng.random() < 0.8:
            offerings.append({"id": "10dlc", "countries": ["US"],
                              "lead_hours": rng.choice([168, 240, 336]),
                              "price_per_unit": round(rng.uniform(0.004, 0.012), 4),
                              "setup_fee": rng.choice([19, 46, 61]), "price_per_month": 10,
                              "capacity": {
                                  "messages_per_second": _series([rng.choice([60, 120, 240])]),
                                  "messages_per_day": _series(
                                      [rng.choice([40000, 120000, 500000])])}})
        offerings.append({"id": "toll-free", "countries": ["US", "CA"],
                          "lead_hours": rng.choice([72, 120, 168, 336]),
                          "price_per_unit": round(rng.uniform(0.006, 0.012), 4),
                          "price_per_month": 2.15,
                          "capacity": {"messages_per_second": _series([25])}})
        if rng.random() < 0.5:
            offerings.append({"id": "short-code", "countries": ["US"], "lead_hours": 1440,
                              "price_per_unit": 0.006, "price_per_month": 500,
                              "setup_fee": 1000,
                              "capacity": {"messages_per_second": _series([1000])}})
        offerings.append({"id": "intl-sender-id",
                          "countries": rng.sample(["GB", "DE", "FR", "NL", "CA", "JP", "SG"], 5),
                          "lead_hours": rng.choice([2, 12, 24]),
                          "price_per_unit": round(rng.uniform(0.03, 0.08), 3),
                          "capacity": {"messages_per_second": _series([rng.choice([10, 30, 50])])}})
    elif kind == "email":
        start = rng.choice([200, 500, 1000, 2000])
        growth = rng.uniform(1.3, 1.6)
        offerings.append({"id": "dedicated-ip-warmup", "lead_hours": rng.choice([0, 4, 24]),
                          "price_per_month": rng.choice([30, 60, 90]),
                          "price_per_unit": round(rng.uniform(0.0001, 0.0008), 5),
                          "capacity": {"messages_per_day": _series(
                              [round(start * growth ** d) for d in range(30)])}})
        if rng.random() < 0.7:
            offerings.append({"id": "shared", "lead_hours": rng.choice([0, 1, 24]),
                              "price_per_month": rng.choice([15, 20, 35]),
                              "price_per_unit": round(rng.uniform(0.0004, 0.0015), 5),
                              "capacity": {"messages_per_day": _series(
                                  [rng.choice([10000, 50000, 100000]),
                                   rng.choice([200000, 500000, 1000000])])}})
    elif kind == "dns":
        offerings.append({"id": "zones", "lead_hours": rng.choice([0, 0, 1]),
                          "price_per_unit": rng.choice([0, 0.2, 0.5, 20]),
                          "capacity": {
                              "zones": _series([rng.choice([100, 500, 10000])]),
                              "records_per_zone": _series([rng.choice([1000, 3500, 10000])])}})
    else:  # object_storage
        offerings.append({"id": "standard", "lead_hours": rng.choice([0, 1, 4, 24]),
                          "price_per_unit": round(rng.uniform(5, 25), 2),
                          "setup_fee": rng.choice([0, 0, 100]),
                          "capacity": {"ingest_gbps": _series([rng.choice([1, 2, 5, 10, 20])])}})
    return {"id": f"{kind.replace('_', '')}-{i:02d}", "name": f"Synthetic {kind} vendor {i}",
            "organization": f"{kind.replace('_', '')}-org-{i:02d}", "kind": kind,
            "jurisdiction": rng.choice(["US", "US", "DE", "GB", "FR"]), "currency": "USD",
            "source": source_text(seed), "as_of": AS_OF, "estimate": True,
            "onboarding_hours": rng.choice([0.5, 1, 2, 4, 24]),
            "refusal_risk": round(rng.uniform(0.05, 0.5), 2), "offerings": offerings}


def catalog_dict(providers: int, seed: int) -> dict:
    """The catalog as plain data: the source provider, `providers` targets, and vendors."""
    rng = random.Random(f"catalog/{seed}")
    src = source_text(seed)
    entries, org = [], 0
    for i in range(1, providers + 1):
        if i == 1 or rng.random() >= 0.15:
            org += 1  # else the same company as the previous provider
        entries.append(_provider(rng, i, seed, f"org-{org:03d}"))
    source = {"id": "src-cloud", "name": "Synthetic source cloud (being left)",
              "organization": "srcorg", "kind": "cloud", "jurisdiction": "US",
              "currency": "USD", "source": src, "as_of": AS_OF, "estimate": True,
              "onboarding_hours": 1, "refusal_risk": 0.99, "quota_servers": 10000,
              "provision_rate_per_hour": 1000, "ingress_gbps": 100,
              "egress_price_per_gb": round(rng.uniform(0.05, 0.12), 3),
              "offerings": [_instance("m-8", 8, 32, 0, (12, 3, 0.06, 700), "USD")]}
    vendors = []
    for kind, n in (("sms", max(2, min(8, providers // 10))),
                    ("email", max(2, min(8, providers // 10))),
                    ("dns", max(2, min(6, providers // 15))),
                    ("object_storage", max(2, min(6, providers // 15)))):
        vendors += [_vendor(rng, kind, i + 1, seed) for i in range(n)]
    fact = {"source": src, "as_of": AS_OF, "estimate": True}
    return {"currencies": {c: {"value": v, **fact} for c, v in USD_PER.items()},
            "providers": [source, *entries], "services": vendors}


# ------------------------------------------------------------------------------ executable model

# Real metros (city-centre coordinates) by the country they are in: where generated
# providers have regions. The weight is how many providers run servers there.
METROS = {
    "US": [("ashburn", "Ashburn, Virginia", 39.04, -77.49, 4),
           ("new-york", "New York", 40.71, -74.01, 2), ("chicago", "Chicago", 41.88, -87.63, 2),
           ("dallas", "Dallas", 32.78, -96.80, 2),
           ("silicon-valley", "San Jose, California", 37.34, -121.89, 2),
           ("seattle", "Seattle", 47.61, -122.33, 1), ("atlanta", "Atlanta", 33.75, -84.39, 1),
           ("los-angeles", "Los Angeles", 34.05, -118.24, 1)],
    "DE": [("frankfurt", "Frankfurt", 50.11, 8.68, 4), ("nuremberg", "Nuremberg", 49.45, 11.08, 1),
           ("falkenstein", "Falkenstein", 50.48, 12.37, 1), ("berlin", "Berlin", 52.52, 13.40, 1)],
    "FR": [("paris", "Paris", 48.86, 2.35, 3), ("roubaix", "Roubaix", 50.69, 3.17, 1),
           ("strasbourg", "Strasbourg", 48.57, 7.75, 1)],
    "NL": [("amsterdam", "Amsterdam", 52.37, 4.90, 1)],
    "FI": [("helsinki", "Helsinki", 60.17, 24.94, 1)],
    "GB": [("london", "London", 51.51, -0.13, 3), ("manchester", "Manchester", 53.48, -2.24, 1)],
    "CA": [("toronto", "Toronto", 43.65, -79.38, 2), ("montreal", "Montreal", 45.50, -73.57, 1)],
    "SG": [("singapore", "Singapore", 1.35, 103.82, 1)],
    "JP": [("tokyo", "Tokyo", 35.68, 139.69, 2), ("osaka", "Osaka", 34.69, 135.50, 1)],
    "IE": [("dublin", "Dublin", 53.35, -6.26, 1)],
    "SE": [("stockholm", "Stockholm", 59.33, 18.07, 1)],
}
CONTINENT = {"US": "north-america", "CA": "north-america", "SG": "asia", "JP": "asia"}
# Engineer-hours of the exit's tasks: the shipped catalog's figures (planner/inputs/catalog/
# base.yaml `effort`), which are themselves estimates.
EFFORT = {
    "provider_setup_hours": {"cloud": 6, "bare_metal": 8, "colocation": 40, "self_hosted": 40},
    "vendor_setup_hours": {"dns": 3, "email": 4, "sms": 4, "object_storage": 2, "edge": 3,
                           "registrar": 1},
    "server_hours": {"api": 0.05, "console": 0.25, "manual": 0.5},
    "bootstrap_hours": 3,
    "copy_stream_hours": 1,
}


def _region(rng: random.Random, countries: list[str], seed: int,
            taken: set[str]) -> dict | None:
    """A region in a metro of one of `countries` not in `taken`, weighted by the metros'
    weights (None when every one is taken)."""
    free = [(c, m) for c in countries for m in METROS[c] if m[0] not in taken]
    if not free:
        return None
    country, (metro, city, lat, lon, _) = _weighted(rng, [(cm, cm[1][4]) for cm in free])
    taken.add(metro)
    return {"id": f"{country.lower()}-{metro}-{rng.randint(1, 3)}", "metro": metro,
            "city": city, "country": country, "continent": CONTINENT.get(country, "europe"),
            "lat": lat, "lon": lon, "source": source_text(seed), "as_of": AS_OF,
            "estimate": True}


def executable_catalog(catalog: dict, seed: int) -> dict:
    """The catalog with what the executable model reads: the catalog's `effort`, each
    provider's 1-4 `regions` (its home metro in its jurisdiction; clouds and some bare-metal
    hosts also elsewhere, mostly on the same continent), some providers' own
    `setup_effort_hours`, and how bare-metal and colocation servers are made
    (`provisioning`: api, console or manual). The source keeps no region (never a target)."""
    rng = random.Random(f"executable-catalog/{seed}")
    src = source_text(seed)
    out = {**catalog, "effort": {"source": src, "as_of": AS_OF, "estimate": True, **EFFORT}}
    providers = []
    for p in catalog["providers"]:
        p = dict(p)
        if p["organization"] == "srcorg":
            providers.append(p)
            continue
        kind, home = p["kind"], p["jurisdiction"]
        n = {"cloud": rng.choice([1, 2, 3, 4]), "bare_metal": rng.choice([1, 1, 2, 3])}.get(kind, 1)
        taken: set[str] = set()
        regions = [_region(rng, [home], seed, taken)]
        continent = CONTINENT.get(home, "europe")
        near = [c for c in METROS if CONTINENT.get(c, "europe") == continent]
        for _ in range(n - 1):
            regions.append(_region(rng, near if rng.random() < 0.7 else sorted(METROS),
                                   seed, taken))
        regions = [r for r in regions if r]
        ids = [r["id"] for r in regions]
        for k, region in enumerate(regions):  # ids are the provider's: one of each
            if region["id"] in ids[:k]:
                region["id"] += f"-{k}"
        if len(regions) > 1 and rng.random() < 0.3:  # GPU and arm64 models not everywhere
            special = [o["id"] for o in p["offerings"] if o["id"].startswith(("gpu", "arm",
                                                                                "ded-gpu"))]
            if special:
                regions[-1]["offerings"] = [o["id"] for o in p["offerings"]
                                            if o["id"] not in special]
        p["regions"] = regions
        if rng.random() < 0.3:
            p["setup_effort_hours"] = {"cloud": rng.choice([3, 4, 8, 10]),
                                       "bare_metal": rng.choice([6, 10, 12])}.get(
                kind, rng.choice([24, 60]))
        if kind == "bare_metal":
            p["provisioning"] = _weighted(rng, [("api", 5), ("console", 4), ("manual", 1)])
        elif kind in ("colocation", "self_hosted"):
            p["provisioning"] = "manual"
        providers.append(p)
    out["providers"] = providers
    return out


def _role(group: dict) -> str:
    return group["description"].split()[1]  # "synthetic {role} group of {app}"


def executable_inventory(inventory: dict, servers: int, seed: int,
                         catalog: dict | None) -> dict:
    """The inventory with what the executable model reads, on the same estate:

    - a team of 4 + servers/50 engineers in two 12-hour shifts (half an hour of hand-off,
      three quarters of the time on the plan's tasks, 2 h to bring a group up at a provider;
      databases and search clusters 4-6 h);
    - caches `cache: true` and databases, replicas and search clusters with data, so their
      dependents stay within TIGHT_RTT_MS of them (planner/models/groups.py); batch jobs
      state a looser `max_rtt_ms` (50 ms) to the replica they read; web front ends
      `user_facing` (served as DNS adopts the new delegation);
    - live data: databases and replicas write 0.1-1% of their data an hour (search 0.05-0.2%)
      and keep it fresh by replication (`cutover: replicate`), about one primary in four
      with a 1-4 h write freeze instead; `engine` postgresql/mysql/elasticsearch; half the
      replicas seeded from their new primary (`data_from`);
    - packing: about 60% of web, API, worker and media groups (no data, GPU or service)
      `pack: true`, half of those with `max_per_host` 2-8;
    - policy: `near_metro` ashburn (where the most providers have a region when no eligible
      provider has one there),
      at most 2 x servers^0.25 compute providers (8 for 400 servers, as the 2021 team
      scenario) and 4 more in all, at least 2 servers of a group at a provider used, and
      200 USD a month of overhead per provider or vendor used."""
    rng = random.Random(f"executable-inventory/{seed}")
    out = {**inventory, "groups": [dict(g) for g in inventory["groups"]]}
    by_name = {g["name"]: g for g in out["groups"]}
    for g in out["groups"]:
        role = _role(g)
        if role == "cache":
            g["cache"] = True
        elif role == "web":
            g["user_facing"] = True
        if role in ("db", "db-replica", "search"):
            g["engine"] = "elasticsearch" if role == "search" else \
                rng.choice(["postgresql", "postgresql", "mysql"])
            g["bootstrap_hours"] = rng.choice([4, 6])
            if g.get("data_gb"):
                share = rng.uniform(0.0005, 0.002) if role == "search" \
                    else rng.uniform(0.001, 0.01)
                g["write_gb_per_hour"] = round(g["data_gb"] * share, 1) or 0.1
                g["cutover"] = "replicate"
                if role == "db" and rng.random() < 0.25:
                    g["cutover"], g["freeze_hours"] = "freeze", rng.randint(1, 4)
            primary = next((by_name[d] for d in g["depends_on"]
                            if _role(by_name[d]) == "db"), None)
            if role == "db-replica" and primary and primary.get("data_gb") \
                    and g.get("data_gb") and rng.random() < 0.5:
                g["data_from"] = primary["name"]
        if role == "batch":
            g["depends_on"] = [{"group": d, "max_rtt_ms": 50.0} for d in g["depends_on"]]
        if role in ("web", "api", "worker", "media") and not g.get("gpu_count") \
                and not g.get("data_gb") and rng.random() < 0.6:
            g["pack"] = True
            if rng.random() < 0.5:
                g["max_per_host"] = rng.choice([2, 4, 8])
    metros: dict[str, int] = {}
    excluded = set(inventory["policy"]["excluded_providers"])
    for p in (catalog or {}).get("providers", []):
        if p["id"] in excluded or p.get("organization") in excluded or p.get("end_of_life"):
            continue  # near_metro must be a metro of an eligible provider
        for metro in {r["metro"] for r in p.get("regions") or []}:
            metros[metro] = metros.get(metro, 0) + 1
    compute = max(4, round(2 * servers ** 0.25))
    policy = {**inventory["policy"], "max_providers": {"compute": compute, "all": compute + 4},
              "min_servers_per_provider": 2, "provider_overhead_per_month": 200.0}
    if metros:  # the users are in the eastern US, as in 2021, where a provider is
        policy["near_metro"] = "ashburn" if "ashburn" in metros \
            else max(sorted(metros), key=lambda m: metros[m])
    out["policy"] = policy
    out["team"] = {"people": 4 + servers // 50,
                   "shifts": [{"name": "day", "start_hour": 0, "hours": 12},
                              {"name": "night", "start_hour": 12, "hours": 12}],
                   "handoff_hours": 0.5, "productive_share": 0.75, "bootstrap_hours": 2,
                   "note": f"{source_text(seed)}: 4 engineers and one more per 50 servers"}
    out["description"] += "; executable model (team, efforts, regions, write rates, packing)"
    return out


# ------------------------------------------------------------------------------ entry points

def generate_dicts(servers: int, groups: int | None = None, providers: int | None = None,
                   seed: int = 0, deadline_hours: int = 24,
                   executable: bool = False) -> tuple[dict, dict]:
    """(inventory, catalog) as plain data. `executable`: the same estate and providers with
    the executable model's features added (executable_catalog, executable_inventory)."""
    dg, dp = default_shape(servers)
    catalog = catalog_dict(providers or dp, seed)
    if executable:
        catalog = executable_catalog(catalog, seed)
    inventory = inventory_dict(servers, groups or dg, seed, deadline_hours, catalog,
                               executable=executable)
    return inventory, catalog


def generate(servers: int, groups: int | None = None, providers: int | None = None,
             seed: int = 0, deadline_hours: int = 24,
             executable: bool = False) -> tuple[Inventory, Catalog]:
    """A validated (Inventory, Catalog) pair; the same arguments give the same pair."""
    inventory, catalog = generate_dicts(servers, groups, providers, seed, deadline_hours,
                                        executable)
    return Inventory.model_validate(inventory), Catalog.model_validate(catalog)


def write_yaml(folder: str | Path, servers: int, groups: int | None = None,
               providers: int | None = None, seed: int = 0,
               deadline_hours: int = 24, executable: bool = False) -> tuple[Path, Path]:
    """Write inventory.yaml and catalog.yaml into `folder`; returns their paths. Use the
    catalog alone (`--catalog`-style), not layered over the shipped one."""
    inventory, catalog = generate_dicts(servers, groups, providers, seed, deadline_hours,
                                        executable)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "inventory.yaml", folder / "catalog.yaml"
    header = (f"# {source_text(seed)}: {servers} servers"
              f"{', executable model' if executable else ''}; every number is synthetic\n")
    for path, data in zip(paths, (inventory, catalog)):
        path.write_text(header + yaml.safe_dump(data, sort_keys=False, width=100),
                        encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=400)
    parser.add_argument("--groups", type=int)
    parser.add_argument("--providers", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deadline", type=int, default=24)
    parser.add_argument("--executable", action="store_true",
                        help="add the executable model: team, efforts, regions and latency "
                             "bounds, write rates, packing, provider caps")
    parser.add_argument("--out", required=True, help="folder for inventory.yaml and catalog.yaml")
    args = parser.parse_args(argv)
    for path in write_yaml(args.out, args.servers, args.groups, args.providers, args.seed,
                           args.deadline, args.executable):
        print(path)


if __name__ == "__main__":
    main()
