"""Small, valid inputs built in code, with knobs for property tests."""

from __future__ import annotations

from planner.models import Catalog, Inventory

SRC = {"source": "test fixture", "as_of": "2026-01"}


def provider(pid, onboarding=2, quota=10, rate=5, offerings=None, **extra) -> dict:
    return {"id": pid, "name": pid.title(), "kind": "cloud", "jurisdiction": "DE",
            "currency": "EUR", **SRC, "onboarding_hours": onboarding, "quota_servers": quota,
            "provision_rate_per_hour": rate, "ingress_gbps": 1, "refusal_risk": 0.05,
            "offerings": offerings or [offering("s", 4, 8, 80, 10)], **extra}


def offering(oid, vcpu, ram, disk, monthly, **extra) -> dict:
    return {"id": oid, "vcpu": vcpu, "ram_gb": ram, "disk_gb": disk, "price_per_month": monthly,
            **extra}


def vendor(vid, kind, offerings, onboarding=1, **extra) -> dict:
    return {"id": vid, "name": vid.title(), "kind": kind, "jurisdiction": "US", **SRC,
            "onboarding_hours": onboarding, "refusal_risk": 0.1, "offerings": offerings, **extra}


def catalog_dict(quota_a=10, quota_b=50, rate_b=10, stock=5, extra_providers=()) -> dict:
    return {
        "currencies": {"EUR": {"value": 1.08, **SRC}},
        "providers": [
            {**provider("src", 0, 1000, 100, [offering("m5", 8, 32, 100, 100)]),
             "currency": "USD", "egress_price_per_gb": 0.09, "organization": "srcorg"},
            provider("a", 2, quota_a, 5,
                     [offering("s", 4, 8, 80, 10), offering("l", 16, 64, 320, 40),
                      offering("xl", 16, 64, 320, 50)],
                     quota_raise_servers=100, quota_raise_hours=30),
            provider("b", 6, quota_b, rate_b,
                     [offering("m", 8, 32, 200, 30),
                      offering("ded", 32, 256, 4000, 200, delivery_hours=48, stock=stock,
                               setup_fee=100)]),
            *extra_providers,
        ],
        "services": [
            vendor("smsco", "sms", [{"id": "tf", "lead_hours": 10, "price_per_unit": 0.008,
                                     "price_per_month": 2, "countries": ["US", "CA"],
                                     "capacity": {"messages_per_second": {"values": [25]}}}]),
            vendor("mail", "email", [{"id": "ip", "price_per_unit": 0.0001, "capacity": {
                "messages_per_day": {"every_hours": 24, "values": [1000, 10000, 100000]}}}]),
            vendor("dnsco", "dns", [{"id": "free", "price_per_unit": 0.5, "capacity": {
                "zones": {"values": [100]}, "records_per_zone": {"values": [1000]}}}]),
            vendor("obj", "object_storage", [{"id": "std", "price_per_unit": 6,
                                              "capacity": {"ingest_gbps": {"values": [2]}}}]),
        ],
    }


def inventory_dict(deadline=24, horizon=None, survive=1, max_share=0.8, egress_gbps=2,
                   web=20, db=4, big=3, decision_date=None, source=None, **policy) -> dict:
    # the data stays readable for 60 hours: provider b's dedicated model, the only one db
    # fits there, is delivered at hour 54, and data lands only on hosts that exist
    source = {"data_available_hours": 60} if source is None else source
    inv = {
        "name": "small", "source": {"provider": "src", "egress_gbps": egress_gbps, **source},
        "deadline_hours": deadline,
        "groups": [
            {"name": "web", "count": web, "vcpu": 4, "ram_gb": 8, "disk_gb": 50, "tier": 1,
             "depends_on": ["db"]},
            {"name": "db", "count": db, "vcpu": 16, "ram_gb": 64, "disk_gb": 300,
             "data_gb": 2000, "tier": 1},
            {"name": "big", "count": big, "vcpu": 32, "ram_gb": 256, "disk_gb": 2000, "tier": 2},
        ],
        "services": {
            "sms": {"messages_per_day": 100000, "messages_per_second": 20, "countries": ["US"]},
            "email": {"messages_per_day": 50000, "sending_domains": ["example.com"]},
            "dns": {"zones": ["example.com"], "records_per_zone": 100,
                    "current_ns_ttl_seconds": 172800},
            "object_storage": {"stored_tb": 10},
        },
        "policy": {"survive_provider_losses": survive, "max_share_per_provider": max_share,
                   **policy},
    }
    if horizon is not None:
        inv["horizon_hours"] = horizon
    if decision_date is not None:
        inv["decision_date"] = decision_date
    return inv


def small_catalog(**kw) -> Catalog:
    return Catalog.model_validate(catalog_dict(**kw))


def small_inventory(**kw) -> Inventory:
    return Inventory.model_validate(inventory_dict(**kw))
