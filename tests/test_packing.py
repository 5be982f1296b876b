"""Packing: several servers of a group on one bigger host, counted, priced and made as
hosts (domain/packing.py; the formulation's h[c,t] with r <= k h; the verifier's
`packing` and `hosts_before_service` rules)."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from planner.cli.main import main as cli
from planner.domain import packing
from planner.models import Catalog, Inventory
from planner.pipeline import plan as run_plan
from planner.verify import verify
from tests.builders import catalog_dict, offering, provider

FIXTURE = "tests/fixtures/import/terraform-state.json"


def _catalog(quota: int) -> Catalog:
    """One provider that lets a new account run `quota` servers of one 16-vCPU model."""
    data = catalog_dict()
    data["providers"] = [data["providers"][0],
                         provider("big", quota=quota, rate=10,
                                  offerings=[offering("m", 16, 64, 2000, 80)])]
    data["services"] = []
    return Catalog.model_validate(data)


def _workers(pack: bool | None, **extra) -> Inventory:
    return Inventory.model_validate({
        "name": "pack", "source": {"provider": "src", "egress_gbps": 2},
        "deadline_hours": 24,
        "groups": [{"name": "worker", "count": 6, "vcpu": 4, "ram_gb": 8, "tier": 1,
                    "pack": pack, **extra}]})


def test_servers_per_host_follow_vcpu_ram_disk_overcommit_and_the_limit():
    inv = _workers(True)
    big = _catalog(2).providers[1]
    o = big.offerings[0]
    group = inv.groups[0]
    # 16 vCPU / 4 = 4, 64 GB / 8 = 8; the default limit: half of 6 (a loss may take half)
    assert packing.per_host(inv, group, big, o) == 3
    six = _workers(True, max_per_host=6)
    assert packing.per_host(six, six.groups[0], big, o) == 4
    over = inv.model_copy(update={"policy": inv.policy.model_copy(
        update={"cpu_overcommit": {"cloud": 2.0}})})
    assert packing.per_host(over, group.model_copy(update={"max_per_host": 6}), big, o) == 6
    assert packing.per_host(_workers(None), _workers(None).groups[0], big, o) == 1


def test_packing_is_not_for_groups_with_data():
    with pytest.raises(ValueError, match="packing is for groups without data"):
        _workers(True, data_gb=100)


def test_packed_hosts_serve_what_one_per_server_cannot_and_are_billed_as_hosts():
    one_each = run_plan(_workers(None), _catalog(2)).plan
    packed = run_plan(_workers(True), _catalog(2)).plan
    assert one_each.servers_at_deadline == 2
    assert packed.servers_at_deadline == 6
    (row,) = packed.schedule
    assert row.per_host == 3 and row.hosts[-1] == 2 and row.up_by_hour[-1] == 6
    assert packed.costs.monthly["servers"] == pytest.approx(2 * 80 * 1.08)  # two hosts, EUR
    assert packed.assignments[0].hosts == 2
    assert verify(packed) == []


def test_the_verifier_rejects_more_on_a_host_than_fit_or_too_few_hosts():
    packed = run_plan(_workers(True), _catalog(2)).plan
    (row,) = packed.schedule
    crowded = packed.model_copy(update={"schedule": [row.model_copy(update={"per_host": 6})]})
    assert any(v.constraint == "packing" for v in verify(crowded))
    few = [max(0, n - 1) for n in row.hosts]
    short = packed.model_copy(update={"schedule": [row.model_copy(
        update={"hosts_by_hour": few})]})
    assert any(v.constraint == "hosts_before_service" for v in verify(short))


def test_the_runbook_creates_hosts_and_says_how_many_servers_each_runs():
    from planner.report.render import render_runbook
    text = render_runbook(run_plan(_workers(True), _catalog(2)).plan)
    assert "2 hosts for 6 servers, up to 3 on each" in text
    assert "Packed hosts" in text


def test_with_packing_the_imported_terraform_samples_workers_are_all_served(tmp_path):
    """The sample's six c5.xlarge workers (4 vCPU, 8 GB) and the database they need, on a
    new account that may run three servers: one host per server serves 2 of 6 workers at
    the deadline; three workers to a 16-vCPU host serve all six."""
    out = tmp_path / "imported.yaml"
    result = CliRunner().invoke(cli, ["import", FIXTURE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(out.read_text())
    data["source"].update(provider="src", data_available_hours=24)  # the catalog's source
    data["services"] = {}
    data["team"] = {"people": 4, "bootstrap_hours": 2}
    assert data["policy"].pop("near_metro") == "ashburn"  # us-east-1; this catalog has no regions
    for group in data["groups"]:
        group["tier"] = 1 if group["name"] in ("worker", "rds-postgres") else 4
        group["disk_gb"] = group["disk_gb"] or 50
    worker = next(g for g in data["groups"] if g["name"] == "worker")
    assert worker["count"] == 6 and worker["depends_on"] == ["rds-postgres"]

    def served(pack: bool) -> int:
        for group in data["groups"]:
            group.pop("pack", None)
            if pack and not group.get("data_gb"):
                group["pack"] = True
        made = run_plan(Inventory.model_validate(data), _catalog(3)).plan
        assert verify(made) == []
        return sum(r.up_by_hour[made.deadline_hours] for r in made.schedule
                   if r.group == "worker")
    assert served(False) == 2
    assert served(True) == 6


def _mixed() -> Inventory:
    """Webs that fit two to a host by vCPU and workers that fit one to a host by RAM: with
    one group per host, 3 + 6 hosts; mixed, 6 (two webs beside each worker)."""
    return Inventory.model_validate({
        "name": "mixed", "source": {"provider": "src", "egress_gbps": 2},
        "deadline_hours": 24,
        "groups": [{"name": "web", "count": 6, "vcpu": 6, "ram_gb": 8, "tier": 1,
                    "pack": True, "max_per_host": 6},
                   {"name": "worker", "count": 6, "vcpu": 4, "ram_gb": 40, "tier": 1,
                    "pack": True}]})


def test_groups_share_hosts_and_the_bill_counts_the_shared_hosts():
    plan = run_plan(_mixed(), _catalog(20)).plan
    assert plan.servers_at_deadline == 12
    (pool,) = plan.host_pools
    assert (pool.hosts, pool.hosts_one_group, pool.lower_bound) == (6, 9, 6)
    assert sum(r.hosts[-1] for r in plan.schedule) == 6
    assert all(lay.servers.get("worker") == 1 for lay in pool.layouts)  # one by RAM
    assert plan.costs.monthly["servers"] == pytest.approx(6 * 80 * 1.08)
    assert verify(plan) == []


def test_the_verifier_rejects_an_overfull_shared_host_and_a_server_without_a_slot():
    plan = run_plan(_mixed(), _catalog(20)).plan
    (pool,) = plan.host_pools
    lay = pool.layouts[0]
    crowded = lay.model_copy(update={"servers": {**lay.servers, "worker": 2}})
    bad = plan.model_copy(update={"host_pools": [pool.model_copy(
        update={"layouts": [crowded, *pool.layouts[1:]]})]})
    assert any(v.constraint == "host_pools" and "vCPU on a host with 16" in v.detail
               for v in verify(bad))
    fewer = lay.model_copy(update={"hosts_by_hour": [max(0, n - 1) for n in lay.hosts_by_hour]})
    short = plan.model_copy(update={"host_pools": [pool.model_copy(
        update={"layouts": [fewer, *pool.layouts[1:]]})]})
    assert any(v.constraint == "host_pools" for v in verify(short))


def test_the_runbook_names_the_shared_hosts_and_what_each_runs():
    from planner.report.render import render_runbook

    md = render_runbook(run_plan(_mixed(), _catalog(20)).plan)
    assert "Shared hosts on `m`: 6 hosts run the servers of `web`, `worker`" in md
    assert "| 6 | `web-big-1` to `web-big-6` | 2 x `web`, 1 x `worker` |" in md
