"""GPU and arm64 offerings (issue 20, item 3): groups ask for GPU memory, not a model name;
GPU servers are kept for the groups that need them; hyperscalers' GPU quotas start at 0, so
a GPU group is placed where a quota allows it and is short, naming that quota, where none
does."""

from __future__ import annotations

import pytest

from planner import pipeline
from planner.formulation.candidates import misfit
from planner.formulation.instance import prepare
from planner.inputs import loader
from planner.models import Inventory
from planner.verify import verify


@pytest.fixture(scope="module")
def catalog():
    return loader.load_catalog(loader.shipped_catalog_paths())


def _inventory(excluded=(), count=2, vram=40) -> Inventory:
    return Inventory.model_validate({
        "name": "inference", "source": {"provider": "aws-ec2", "egress_gbps": 5},
        "deadline_hours": 24, "policy": {"excluded_providers": ["aws", *excluded]},
        "groups": [{"name": "inference", "count": count, "vcpu": 8, "ram_gb": 32,
                    "disk_gb": 100, "gpu_count": 1, "gpu_min_vram_gb": vram, "tier": 1}]})


def test_the_catalog_has_gpu_and_arm64_offerings_with_their_facts(catalog):
    gpus = [o for p in catalog.providers for o in p.offerings if o.gpu_count]
    arm = [o for p in catalog.providers for o in p.offerings if o.arch == "arm64"]
    assert len(gpus) >= 8 and len(arm) >= 6
    assert all(o.gpu_model and o.gpu_vram_gb and o.gpu_vram_gb.source for o in gpus)
    assert len({p.id for p in catalog.providers
                 if any(o.gpu_count for o in p.offerings)}) >= 4


def test_gpu_memory_decides_the_fit_and_gpu_servers_are_for_gpu_groups(catalog):
    inst = prepare(_inventory(), catalog)
    fits = {(c.provider, c.offering) for c in inst.candidates}
    assert ("azure", "nc24ads-a100-v4-p15") in fits and ("digitalocean", "gpu-h100x1-80gb") in fits
    assert ("azure", "nc4as-t4-v3-p10") not in fits  # 16 GB < 40
    assert not any(p == "oracle-cloud" for p, _ in fits)  # A10 24 GB, V100 and P100 16 GB
    web = _inventory().groups[0].model_copy(update={"gpu_count": 0, "gpu_min_vram_gb": None})
    azure = catalog.provider("azure")
    h100 = next(o for o in azure.offerings if o.id == "nc40ads-h100-v5-p15")
    assert misfit(web, azure, h100) == "a GPU server, for groups that need GPUs"


def test_a_gpu_group_is_placed_where_a_quota_allows(catalog):
    plan = pipeline.plan(_inventory(), catalog).plan
    assert verify(plan) == []
    up = {r.provider: r.up_by_hour[plan.deadline_hours] for r in plan.schedule}
    assert sum(up.values()) == 2 and set(up) <= {"digitalocean", "hetzner-dedicated"}


def test_where_only_hyperscalers_are_left_the_shortfall_names_the_gpu_quota(catalog):
    plan = pipeline.plan(_inventory(excluded=["digitalocean", "hetzner"]), catalog).plan
    assert verify(plan) == []
    assert plan.servers_at_deadline == 0
    details = [c.detail for s in plan.shortfalls for c in s.causes]
    assert any("quota ncadsa100v4-family-vcpu (region) allows 0 vCPU" in d for d in details), \
        details


def test_the_verifier_refuses_a_gpu_server_for_a_group_that_needs_none(catalog):
    """Review: the rule that keeps GPU servers for GPU groups is the verifier's too."""
    from planner.models import Inventory as Inv
    plan = pipeline.plan(_inventory(), catalog).plan
    web = Inv.model_validate({**plan.inventory.model_dump(mode="json"), "groups": [
        {**plan.inventory.groups[0].model_dump(mode="json"), "gpu_count": 0,
         "gpu_min_vram_gb": None}]})
    assert web.groups[0].gpu_count == 0
    tampered = plan.model_copy(update={"inventory": web})
    assert any(v.constraint == "fit" and "needs no GPU" in v.detail for v in verify(tampered))


def test_gpu_memory_without_gpus_is_refused():
    with pytest.raises(ValueError, match="needs gpu_count"):
        _inventory().groups[0].model_validate({"name": "x", "count": 1, "vcpu": 1,
                                               "ram_gb": 1, "gpu_min_vram_gb": 16})
