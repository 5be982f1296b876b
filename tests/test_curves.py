"""Capacity curves: each real-world limit as a curve over hours."""

import pytest

from planner.domain import curves
from planner.models import Catalog
from tests.builders import small_catalog, small_inventory


def _provider(pid):
    return small_catalog().provider(pid)


def test_nothing_before_onboarding_then_rate_then_quota_then_raise():
    # onboarding 2, rate 5, quota 10, raise to 100 at onboarding + 30
    c = curves.provider_servers(_provider("a"), 40)
    assert c.values[:3] == (0, 0, 0)
    assert c.binding[2] == "onboarding"
    assert c.values[3] == 5 and c.binding[3] == "provisioning_rate"
    assert c.values[4] == 10 and c.binding[4] == "quota"
    assert c.values[31] == 10
    assert c.values[32] == 100 and c.binding[32] == "quota"  # 2 + 30: raise granted
    assert all(a <= b for a, b in zip(c.values, c.values[1:]))


def test_dedicated_model_waits_for_delivery_and_is_capped_by_stock():
    p = _provider("b")
    ded = next(o for o in p.offerings if o.id == "ded")
    c = curves.offering_servers(p, ded, 60)
    assert c.values[53] == 0 and c.binding[53] == "delivery"
    assert c.values[54] == 5 and c.binding[54] == "stock"
    assert curves.offering_servers(p, p.offerings[0], 60) is None


@pytest.mark.parametrize("delivery", [0.0, 1.5, 52.0, 100.0])
def test_a_delivery_in_part_hours_lands_at_the_next_whole_hour(delivery):
    """cap(t) = stock from the first whole hour t >= onboarding + delivery, 0 before it
    (and none of it within the horizon when that is past it)."""
    p = _provider("b")  # onboarding 6
    ded = next(o for o in p.offerings if o.id == "ded").model_copy(
        update={"delivery_hours": p.onboarding_hours.model_copy(update={"value": delivery})})
    c = curves.offering_servers(p, ded, 60)
    ready = 6 + delivery
    assert c.values == tuple(5.0 if t >= ready else 0.0 for t in range(61))
    assert c.binding == tuple("stock" if t >= ready else "delivery" for t in range(61))
    assert curves.offering_servers(p, ded, 60, until=30).values[30:] == (0.0,) * 31


def test_source_egress_stops_at_the_deadline_by_default():
    inv = small_inventory(deadline=24, egress_gbps=2, source={})
    c = curves.source_egress_gb(inv, 30)
    assert c.values[0] == 0 and c.values[1] == 900 and c.values[24] == 900
    assert c.values[25] == 0 and c.binding[25] == "source_cutoff"


def test_ingress_starts_the_hour_after_onboarding():
    c = curves.ingress_gb(2.0, 1.0, 5)
    assert c.values == (0, 0, 0, 450, 450, 450)


def test_dns_reach_grows_as_cached_delegations_expire():
    cat, inv = small_catalog(), small_inventory()
    dns = cat.vendor("dnsco")
    c = curves.service_share("dns", dns, dns.offerings[0], inv.services.dns, 60)
    # onboarding 1 h, then 172800 s = 48 h of cached NS records, expiring evenly: with no
    # resolver classes in the catalog, every resolver honours the TTL
    assert c.values[1] == 0 and c.values[25] == pytest.approx(0.5)
    assert c.binding[25] == "dns_ttl" and c.values[48] < 1 and c.values[49] == 1


def test_resolvers_that_cap_ttls_or_keep_the_parents_change_the_reach():
    from planner.models.catalog import Resolver
    cat, inv = small_catalog(), small_inventory()
    dns = cat.vendor("dnsco")
    src = {"source": "test", "as_of": "2026-01"}
    resolvers = {"capped": Resolver.model_validate({"share": 0.5, "max_ttl_seconds": 21600,
                                                    **src}),
                 "parent": Resolver.model_validate({"share": 0.2, "parent_centric": True,
                                                    **src})}
    lowered = inv.services.dns.model_copy(update={"current_ns_ttl_seconds": 300,
                                                  "parent_ns_ttl_seconds": 172800})
    c = curves.service_share("dns", dns, dns.offerings[0], lowered, 60, resolvers)
    # a lowered child TTL reaches the 80% that are not parent-centric within minutes; the
    # parent-centric 20% wait out the parent's 48 h
    assert c.values[2] == pytest.approx(0.8 + 0.2 / 48)
    assert c.values[49] == 1
    c = curves.service_share("dns", dns, dns.offerings[0], inv.services.dns, 60, resolvers)
    # at 48 h everywhere: the capped half has it after 6 h, the rest at 1/48 an hour
    assert c.values[7] == pytest.approx(0.5 + 0.5 * 6 / 48)


def test_email_share_follows_the_warm_up_schedule():
    cat, inv = small_catalog(), small_inventory()
    mail = cat.vendor("mail")
    c = curves.service_share("email", mail, mail.offerings[0], inv.services.email, 60)
    assert c.values[1] == 1000 / 50000 and c.binding[1] == "warm_up"
    assert c.values[25] == 10000 / 50000
    assert c.values[49] == 1


def test_sms_waits_for_registration_and_misfits_other_countries():
    cat, inv = small_catalog(), small_inventory()
    sms = cat.vendor("smsco")
    c = curves.service_share("sms", sms, sms.offerings[0], inv.services.sms, 20)
    assert c.values[10] == 0 and c.binding[10] == "registration"
    assert c.values[11] == 1  # 25 msg/s for a 20 msg/s peak
    far = inv.services.sms.model_copy(update={"countries": ["US", "IN"]})
    assert "IN" in curves.service_misfit(sms, sms.offerings[0], far)


def test_series_holds_its_last_value():
    cat = Catalog.model_validate({"services": [{
        "id": "x", "name": "X", "kind": "email", "jurisdiction": "US", "source": "s",
        "as_of": "2026", "onboarding_hours": 0, "refusal_risk": 0,
        "offerings": [{"id": "o", "capacity": {"messages_per_day": {"every_hours": 24,
                                                                    "values": [1, 2]}}}]}]})
    series = cat.services[0].offerings[0].capacity["messages_per_day"]
    assert (series.at(-1), series.at(0), series.at(23.9), series.at(24), series.at(1000)) == \
        (0, 1, 1, 2, 2)
