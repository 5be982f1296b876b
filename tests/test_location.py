"""Regions and latency: round trips between places, where providers go, and dependent tiers
kept within their bound by the model and by the verifier (domain/location.py,
formulation/location.py, formulation/latency.py, verify/location.py)."""

from __future__ import annotations

import math
import random

import pytest

from planner.domain import location
from planner.domain.location import Geography, Place
from planner.errors import InputError, PlannerError
from planner.formulation.instance import prepare
from planner.models import Catalog, Inventory
from planner.models.provider_facts import Region
from planner.pipeline import plan as run_plan
from planner.verify import verify
from tests.builders import SRC, catalog_dict, inventory_dict, provider

PLACES = {  # metro: (lat, lon, country, continent)
    "ashburn": (39.04, -77.49, "US", "north-america"),
    "new-york": (40.71, -74.01, "US", "north-america"),
    "paris": (48.86, 2.35, "FR", "europe"),
    "frankfurt": (50.11, 8.68, "DE", "europe"),
}


def region(rid: str, metro: str, **extra) -> dict:
    lat, lon, country, continent = PLACES[metro]
    return {"id": rid, "metro": metro, "country": country, "continent": continent,
            "lat": lat, "lon": lon, **SRC, **extra}


def place(metro: str, provider_id: str = "p") -> Place:
    return Place(provider_id, Region.model_validate(region("r", metro)))


def geo(latency=()) -> Geography:
    data = catalog_dict()
    data["latency"] = list(latency)
    return Geography(Catalog.model_validate(data))


def test_round_trip_from_distance_is_the_stated_formula():
    # New York-Paris, 5,837 km: the 78 ms the design calibrates the route factor on
    rtt = geo().rtt_ms(place("new-york"), place("paris", "q"))
    assert rtt == pytest.approx(78, abs=1.5)
    assert geo().how_known(place("new-york"), place("paris", "q")) == "from distance"


def test_same_metro_measured_and_unknown_places():
    g = geo([{"a": "paris", "b": "ashburn", "rtt_ms": {"value": 81, **SRC}}])
    assert g.rtt_ms(place("paris"), place("paris", "q")) == location.INTRA_METRO_RTT_MS
    assert g.rtt_ms(place("ashburn"), place("paris", "q")) == 81  # measured, either order
    unknown = Place("x", None)
    assert g.rtt_ms(unknown, place("paris")) == math.inf
    assert g.rtt_ms(unknown, Place("x", None)) == location.INTRA_METRO_RTT_MS


def test_bounds_default_tight_for_data_and_caches_and_stated_ones_win():
    inv = inventory_dict()
    inv["groups"].append({"name": "cache", "count": 2, "vcpu": 2, "ram_gb": 8, "cache": True})
    inv["groups"].append({"name": "api", "count": 2, "vcpu": 2, "ram_gb": 4})
    inv["groups"][0]["depends_on"] = ["db", "cache", {"group": "api", "max_rtt_ms": 35}]
    inv["groups"][2]["depends_on"] = ["api"]
    pairs = location.bounded_pairs(Inventory.model_validate(inv))
    assert pairs == [("web", "db", 2.0), ("web", "cache", 2.0), ("web", "api", 35.0),
                     ("big", "api", 20.0)]


def test_a_dependency_named_twice_is_an_input_error():
    inv = inventory_dict()
    inv["groups"][0]["depends_on"] = ["db", {"group": "db", "max_rtt_ms": 5}]
    with pytest.raises(ValueError, match="depends on 'db' twice"):
        Inventory.model_validate(inv)


def test_a_region_must_sell_offerings_the_provider_has():
    data = catalog_dict()
    data["providers"][1]["regions"] = [region("iad", "ashburn", offerings=["nope"])]
    with pytest.raises(ValueError, match="sells 'nope'"):
        Catalog.model_validate(data)


def _spread_case(**policy):
    """web (6) depends on api (6) within 20 ms. Provider a is in Ashburn, b in Frankfurt,
    c in New York (4 ms from Ashburn); each may run 6 servers; no provider may hold more
    than half of a group."""
    catalog = catalog_dict()
    catalog["providers"] = [catalog["providers"][0],
                            provider("a", quota=6, regions=[region("iad", "ashburn")]),
                            provider("b", quota=6, regions=[region("fra", "frankfurt")]),
                            provider("c", quota=6, regions=[region("nyc", "new-york")])]
    catalog["services"] = []
    inv = inventory_dict(max_share=0.5, survive=0, **policy)
    inv["groups"] = [
        {"name": "web", "count": 6, "vcpu": 2, "ram_gb": 4, "tier": 1,
         "depends_on": [{"group": "api", "max_rtt_ms": 20}]},
        {"name": "api", "count": 6, "vcpu": 2, "ram_gb": 4, "tier": 1}]
    inv["services"] = {}
    return Inventory.model_validate(inv), Catalog.model_validate(catalog)


def _by_metro(plan, group: str) -> dict[str, int]:
    metro = {"iad": "ashburn", "fra": "frankfurt", "nyc": "new-york"}
    out: dict[str, int] = {}
    for row in plan.schedule:
        if row.group == group:
            out[metro[row.region]] = out.get(metro[row.region], 0) + row.up_by_hour[-1]
    return out


def test_dependent_tiers_stay_within_their_bound():
    plan = run_plan(*_spread_case()).plan
    assert verify(plan) == []
    web, api = _by_metro(plan, "web"), _by_metro(plan, "api")
    assert sum(web.values()) == 6 and sum(api.values()) == 6
    # Frankfurt is 90 ms from the others: what web has there, api has there too
    assert web.get("frankfurt", 0) <= api.get("frankfurt", 0)
    assert web.get("ashburn", 0) + web.get("new-york", 0) <= \
        api.get("ashburn", 0) + api.get("new-york", 0)


def test_the_verifier_rejects_web_far_from_its_api():
    plan = run_plan(*_spread_case()).plan
    rows = [r.model_copy(update={"region": "fra", "provider": "b"}) if r.group == "web"
            else r.model_copy(update={"region": "iad", "provider": "a"})
            for r in plan.schedule]
    bad = plan.model_copy(update={"schedule": rows})
    assert any(v.constraint == "latency" for v in verify(bad))


def test_the_plan_names_its_hub_and_the_verifier_checks_it():
    plan = run_plan(*_spread_case()).plan
    assert plan.hub == "ashburn"  # 12 servers within 20 ms by the deadline; ties New York
    assert any(v.constraint == "region" and "hub 'tokyo'" in v.detail
               for v in verify(plan.model_copy(update={"hub": "tokyo"})))
    pinned = run_plan(*_spread_case(near_metro="frankfurt")).plan
    assert pinned.hub == "frankfurt"
    assert any(v.constraint == "region" and "near_metro is 'frankfurt'" in v.detail
               for v in verify(pinned.model_copy(update={"hub": "ashburn"})))


def test_the_verifier_rejects_a_region_the_provider_has_not():
    plan = run_plan(*_spread_case()).plan
    rows = [r.model_copy(update={"region": "ams"}) if i == 0 else r
            for i, r in enumerate(plan.schedule)]
    bad = plan.model_copy(update={"schedule": rows})
    assert any(v.constraint == "region" and "ams" in v.detail for v in verify(bad))


def test_near_metro_places_providers_and_an_unknown_one_is_an_input_error():
    inventory, catalog = _spread_case(near_metro="frankfurt")
    plan = run_plan(inventory, catalog).plan
    assert {r.region for r in plan.schedule} <= {"iad", "fra", "nyc"}
    inventory, catalog = _spread_case(near_metro="tokyo")
    with pytest.raises(PlannerError, match="no region of the catalog is in metro 'tokyo'"):
        run_plan(inventory, catalog)
    inventory, catalog = _spread_case(near_metro="ashburnn")
    with pytest.raises(PlannerError, match="did you mean 'ashburn'"):
        run_plan(inventory, catalog)
    # a metro only an ineligible provider has is caught when the places are chosen
    inventory, catalog = _spread_case(near_metro="frankfurt", excluded_providers=["b"])
    with pytest.raises(InputError, match="near_metro 'frankfurt' is no metro of the "
                       "eligible providers"):
        run_plan(inventory, catalog)


def test_each_provider_goes_to_its_region_nearest_the_hub_that_sells_what_fits():
    catalog = catalog_dict()
    catalog["providers"][1]["regions"] = [
        region("fra", "frankfurt"), region("iad", "ashburn", offerings=["s"]),
        region("iad-2", "ashburn"), region("nyc", "new-york")]
    catalog["providers"][2]["regions"] = [region("fra", "frankfurt"),
                                          region("nyc", "new-york")]
    inventory = Inventory.model_validate(inventory_dict(near_metro="ashburn"))
    inst = prepare(inventory, Catalog.model_validate(catalog))
    # within the tightest bound (2 ms, web on db) of Ashburn, a's iad-2 sells all three
    assert inst.places["a"].region.id == "iad-2"
    # none of b's is within it: the nearest (New York, 4 ms)
    assert inst.places["b"].region.id == "nyc"


def test_an_offering_not_sold_where_its_provider_goes_is_no_candidate():
    catalog = catalog_dict()
    catalog["providers"][1]["regions"] = [region("iad", "ashburn", offerings=["s"])]
    inventory = inventory_dict()
    inventory["groups"][0]["depends_on"] = []  # web alone: no latency pruning here
    inst = prepare(Inventory.model_validate(inventory), Catalog.model_validate(catalog))
    assert {c.offering for c in inst.candidates if c.provider == "a"} == {"s"}
    assert any("a: what fits is not sold in iad" in m for m in inst.misfits["db"])


def test_a_group_with_no_dependency_within_its_bound_is_no_candidate_there():
    catalog = catalog_dict()
    catalog["providers"][1]["regions"] = [region("iad", "ashburn", offerings=["s"])]
    inst = prepare(Inventory.model_validate(inventory_dict()), Catalog.model_validate(catalog))
    # db fits nothing sold at a's region, so web (within 2 ms of db) cannot serve at a
    assert not [c for c in inst.candidates if c.provider == "a"]
    assert "a: no db within 2 ms of it" in inst.misfits["web"]


def _sharded_case():
    """web (4) calls db (2 shards, data) within 2 ms; a is in Ashburn, b in Frankfurt."""
    catalog = catalog_dict()
    catalog["providers"] = [catalog["providers"][0],
                            provider("a", quota=6, regions=[region("iad", "ashburn")]),
                            provider("b", quota=6, regions=[region("fra", "frankfurt")])]
    catalog["services"] = []
    inv = inventory_dict(max_share=1.0, survive=0, near_metro="ashburn")
    inv["groups"] = [
        {"name": "web", "count": 4, "vcpu": 2, "ram_gb": 4, "tier": 1, "depends_on": ["db"]},
        {"name": "db", "count": 2, "vcpu": 2, "ram_gb": 4, "tier": 1, "data_gb": 20,
         "shards": True}]
    inv["services"] = {}
    return Inventory.model_validate(inv), Catalog.model_validate(catalog)


def test_shards_and_their_callers_gather_at_the_hub():
    inventory, catalog = _sharded_case()
    inst = prepare(inventory, catalog)
    assert {c.provider for c in inst.candidates if c.group == "db"} == {"a"}
    assert "b: more than 2 ms from ashburn, where the shards gather" in inst.misfits["db"]
    assert {c.provider for c in inst.candidates if c.group == "web"} == {"a"}


def test_the_verifier_rejects_a_caller_while_a_shard_runs_beyond_its_bound():
    inventory, catalog = _sharded_case()
    plan = run_plan(inventory, catalog).plan
    assert verify(plan) == [] and plan.servers_at_deadline == 6
    rows = []
    for r in plan.schedule:  # one shard moves to Frankfurt; web stays in Ashburn
        if r.group == "db":
            first = [min(n, 1) for n in r.up_by_hour]
            rows += [r.model_copy(update={"up_by_hour": first, "hosts_by_hour": None}),
                     r.model_copy(update={"provider": "b", "region": "fra",
                                          "up_by_hour": first, "hosts_by_hour": None})]
        else:
            rows.append(r)
    bad = plan.model_copy(update={"schedule": rows})
    assert any(v.constraint == "latency" and "sharded db run beyond" in v.detail
               for v in verify(bad))


def test_two_caller_places_never_count_the_same_servers():
    """Hall's condition (domain/location.caller_sets): Ashburn and New York both reach only
    the New York API, so together they get one row against it, not one each; Frankfurt,
    reaching only the Frankfurt API, gets its own, and no row joins the two parts (it is
    the sum of theirs)."""
    from planner.domain.location import caller_sets
    sets = caller_sets({"ashburn": frozenset({"api-nyc"}), "new-york": frozenset({"api-nyc"}),
                        "frankfurt": frozenset({"api-fra"})})
    assert (["ashburn", "new-york"], frozenset({"api-nyc"})) in sets
    assert (["frankfurt"], frozenset({"api-fra"})) in sets
    assert len(sets) == 2


def _hall_holds(calls, serves, sets) -> bool:
    return all(sum(calls[m] for m in places) <= sum(serves[p] for p in reach)
               for places, reach in sets)


def test_caller_sets_hold_exactly_when_every_subset_does():
    """The connected unions caller_sets keeps accept exactly the placements that every
    subset of caller places accepts (Hall's condition on all of them): the rows left out
    are implied. 3,000 random cases of up to 5 places and 5 providers."""
    from itertools import combinations

    from planner.domain.location import caller_sets
    rng = random.Random(0)
    for _ in range(3000):
        places = [f"m{i}" for i in range(rng.randint(1, 5))]
        providers = [f"p{i}" for i in range(rng.randint(1, 5))]
        near = {m: frozenset(rng.sample(providers, rng.randint(0, min(3, len(providers)))))
                for m in places}
        calls = {m: rng.randint(0, 4) for m in places}
        serves = {p: rng.randint(0, 4) for p in providers}
        every = [(list(s), frozenset().union(*(near[m] for m in s)))
                 for k in range(1, len(places) + 1) for s in combinations(places, k)]
        assert _hall_holds(calls, serves, caller_sets(near)) == \
            _hall_holds(calls, serves, every), (near, calls, serves)


