"""Live data at the cut-off (issue 21): replication takes source egress until the cut-off,
replicas seeded from new primaries take none, a sharded group serves whole or not at all;
the verifier checks each, and the runbook states each group's freshness."""

from __future__ import annotations

import pytest

from planner import pipeline
from planner.domain.data import replication_gb
from planner.models import Catalog, Inventory
from planner.report.render import render_runbook
from planner.verify import verify
from tests.builders import catalog_dict, inventory_dict


def _inventory(**db) -> Inventory:
    data = inventory_dict(horizon=60, survive=0, max_share=1.0)
    data["groups"][1].update(db)
    return Inventory.model_validate(data)


def _replica(data: dict) -> dict:
    data["groups"].append({"name": "replica", "count": 4, "vcpu": 16, "ram_gb": 64,
                           "disk_gb": 300, "data_gb": 2000, "data_from": "db", "tier": 1})
    return data


CATALOG = Catalog.model_validate(catalog_dict())


def _plan(inventory):
    return pipeline.plan(inventory, CATALOG).plan


def test_replication_takes_source_egress_until_the_cut_off_and_the_verifier_counts_it():
    plan = _plan(_inventory(write_gb_per_hour=50, cutover="replicate"))
    db = plan.inventory.groups[1]
    rows = [c for c in plan.copies if c.demand == "db"]
    replicated = [sum(x) for x in zip(*(replication_gb(plan.inventory, db, c.gb_by_hour)
                                        for c in rows))]
    assert sum(replicated) > 0
    assert all(x == 0 for x in replicated[plan.inventory.cutoff + 1:])  # none after it
    assert verify(plan) == []
    # the same copies with more writes than the egress left: the verifier says so
    groups = [g.model_copy(update={"write_gb_per_hour": 5000}) if g.name == "db" else g
              for g in plan.inventory.groups]
    heavier = plan.inventory.model_copy(update={"groups": groups})
    assert "source_egress" in {v.constraint for v in verify(
        plan.model_copy(update={"inventory": heavier}))}


def test_replicas_seeded_from_new_primaries_leave_the_source_alone():
    data = _replica(inventory_dict(horizon=60, survive=0, max_share=1.0))
    plan = _plan(Inventory.model_validate(data))
    assert verify(plan) == []
    seeded = [c for c in plan.copies if c.demand == "replica"]
    primary = [c for c in plan.copies if c.demand == "db"]
    assert seeded and primary
    landed = lambda rows, t: sum(sum(c.gb_by_hour[:t + 1]) for c in rows)  # noqa: E731
    for t in range(plan.horizon_hours + 1):  # 2000 GB of replicas per 2000 GB of primaries
        assert landed(seeded, t) <= landed(primary, t) + 1e-6
    # seeded copies may go on after the source is dark: they come from the new servers
    assert any(gb > 0 for c in seeded for gb in c.gb_by_hour[plan.inventory.cutoff + 1:]) or \
        landed(seeded, plan.inventory.cutoff) == pytest.approx(landed(seeded, plan.horizon_hours))
    faster = [c.model_copy(update={"gb_by_hour": [x * 3 for x in c.gb_by_hour]}) if
              c.demand == "replica" else c for c in plan.copies]
    assert "seeded_from" in {v.constraint for v in verify(plan.model_copy(
        update={"copies": faster}))}


def test_a_sharded_group_serves_whole_or_not_at_all():
    plan = _plan(_inventory(shards=True))
    assert verify(plan) == []
    db = next(r for r in plan.coverage if r.demand == "db")
    assert set(db.served_by_hour) <= {0.0, 4.0}
    up = [sum(r.up_by_hour[t] for r in plan.schedule if r.group == "db")
          for t in range(plan.horizon_hours + 1)]
    web = next(r for r in plan.coverage if r.demand == "web")
    assert all(w == 0 for w, n in zip(web.served_by_hour, up) if n < 4)  # web needs db whole
    # a web server up while a db shard is missing is caught
    first = next(t for t, n in enumerate(up) if n == 4)
    if first > 1:
        rows = [r.model_copy(update={"up_by_hour": [max(n, 1) if t >= first - 1 else n
                                                    for t, n in enumerate(r.up_by_hour)]})
                if r.group == "web" else r for r in plan.schedule]
        found = {v.constraint for v in verify(plan.model_copy(update={"schedule": rows}))}
        assert "shards" in found


def test_the_runbook_states_each_groups_freshness_and_the_shard_map():
    data = _replica(inventory_dict(horizon=60, survive=0, max_share=1.0))
    data["groups"][1].update(write_gb_per_hour=20, cutover="freeze", freeze_hours=2)
    plan = _plan(Inventory.model_validate(data))
    text = render_runbook(plan)
    assert "### Cut-over and freshness" in text
    assert f"a write freeze from hour {plan.inventory.cutoff - 2}" in text
    assert "read-only for 2 h" in text
    assert "seeded from the new `db`" in text and "Shard-to-host map" in text


@pytest.mark.parametrize("group, message", [
    ({"cutover": "replicate"}, "state write_gb_per_hour"),
    ({"write_gb_per_hour": 5, "cutover": "freeze"}, "a freeze needs freeze_hours"),
    ({"write_gb_per_hour": 5, "freeze_hours": 2}, "freeze_hours is for cutover: freeze"),
    ({"data_from": "web"}, "which has no data copied from the source"),
    ({"data_from": "db"}, "which is not another group"),
])
def test_bad_cut_over_settings_are_refused_with_the_field(group, message):
    data = inventory_dict()
    data["groups"][1].update(group)
    with pytest.raises(ValueError, match=message):
        Inventory.model_validate(data)
