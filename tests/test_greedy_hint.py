"""The greedy plans handed to HiGHS as its first incumbent (either placement rule): each
carries its greedy plan's servers, never more than what serves, and keeps the spread policy
at the horizon."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.baseline.waves import PLACEMENTS, SOONEST, baseline
from planner.formulation.families import formulate
from planner.formulation.instance import prepare
from planner.models import Inventory
from planner.solver import warmstart
from planner.solver.start import complete
from tests.builders import inventory_dict, small_catalog, small_inventory
from tests.strategies import SMALL_SETTINGS, small_cases


def _hint(cat_knobs, inv_knobs, placement=SOONEST):
    inventory, catalog = small_inventory(horizon=60, **inv_knobs), small_catalog(**cat_knobs)
    instance = prepare(inventory, catalog)
    model = formulate(instance)
    greedy = baseline(inventory, catalog, instance, placement=placement)
    return model, greedy, warmstart.greedy_hint(model, greedy)


def _served(model, hint, g, t):
    return sum(hint.get(model.r[(ci, t)].name, 0) for ci in model.by_group.get(g, ())
               if (ci, t) in model.r)


def test_the_hint_carries_the_greedy_servers():
    model, greedy, hint = _hint({"quota_a": 30, "quota_b": 60}, {"max_share": 1.0,
                                                                 "survive": 0})
    last = model.instance.grid[-1]
    carried = sum(_served(model, hint, g, last) for g in model.instance.groups)
    serving = sum(greedy.serving[g][last] for g in model.instance.groups)
    assert serving > 0 and carried == serving


@SMALL_SETTINGS
@given(*small_cases, st.sampled_from(PLACEMENTS))
def test_the_hint_never_exceeds_what_serves_and_keeps_the_policy(cat_knobs, inv_knobs, placement):
    model, greedy, hint = _hint(cat_knobs, inv_knobs, placement)
    inst, policy = model.instance, model.instance.inventory.policy
    last = inst.grid[-1]
    for g, group in inst.groups.items():
        for t in inst.grid:
            assert _served(model, hint, g, t) <= greedy.serving[g][t] + 1e-9
        placed: dict[str, float] = {}
        for ci in model.by_group.get(g, ()):
            if (ci, last) in model.r:
                p = inst.candidates[ci].provider
                placed[p] = placed.get(p, 0) + hint.get(model.r[(ci, last)].name, 0)
        total, largest = sum(placed.values()), sorted(placed.values(), reverse=True)
        if group.spread and total > 0:
            assert largest[0] <= policy.max_share_per_provider * total + 1e-9
            k = policy.survive_provider_losses
            assert sum(largest[:k]) <= (1 - policy.min_surviving_share) * total + 1e-9


@SMALL_SETTINGS
@given(*small_cases, st.sampled_from(PLACEMENTS))
def test_the_hint_completes_into_a_feasible_start(cat_knobs, inv_knobs, placement):
    model, _, hint = _hint(cat_knobs, inv_knobs, placement)
    model.lp.setObjective(model.unserved)
    assert complete(model.lp, hint) is not None


def test_allocation_follows_what_serves_without_dips():
    # row 0 comes up fast, row 1 early but slowly; the group serves 5, 6, 6, 9
    rows = [(0, [3, 6, 6, 6]), (1, [2, 2, 3, 3])]
    taken = warmstart.allocate(rows, [5, 6, 6, 9])
    assert [sum(col) for col in zip(*taken)] == [5, 6, 6, 9]
    for (_, up), row in zip(rows, taken):
        assert all(a <= b for a, b in zip(row, row[1:]))
        assert all(x <= u for x, u in zip(row, up))


@given(st.lists(st.lists(st.integers(0, 5), min_size=4, max_size=4), min_size=1, max_size=4),
       st.lists(st.integers(0, 12), min_size=4, max_size=4))
@settings(max_examples=100, deadline=None, derandomize=True)
def test_allocation_never_dips_nor_exceeds(increments, serving):
    rows = [(i, [sum(inc[:t + 1]) for t in range(4)]) for i, inc in enumerate(increments)]
    taken = warmstart.allocate(rows, serving)
    for (_, up), row in zip(rows, taken):
        assert all(a <= b for a, b in zip(row, row[1:]))
        assert all(0 <= x <= u for x, u in zip(row, up))
    for t in range(4):
        assert sum(row[t] for row in taken) <= serving[t]


def test_the_completed_start_pays_no_fee_for_an_unused_vendor():
    from planner.formulation.location import at_hub
    from planner.inputs import loader
    from planner.models.inventory import ProviderCaps

    inventory = loader.load_inventory("inventories/parler-2021.yaml")
    # without its caps on providers, which the greedy plan does not keep (the pipeline
    # runs it again on the providers the caps allow: warmstart.kept_providers)
    inventory = inventory.model_copy(update={"policy": inventory.policy.model_copy(
        update={"max_providers": ProviderCaps(), "min_servers_per_provider": 1})})
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    instance = prepare(inventory, catalog)
    model = formulate(instance)
    model.lp.setObjective(model.unserved + 1e-6 * model.cost)
    # on the hub's providers, as the pipeline makes it: a greedy plan elsewhere breaks the
    # latency rows and has no completion (formulation/location.at_hub)
    start = complete(model.lp, warmstart.greedy_hint(model, baseline(inventory, catalog,
                                                                    at_hub(instance))))
    uses = {**{v.name: [x for (si, _), x in model.share.items() if si == s]
               for s, v in model.use.items()},
            **{v.name: [x for (w, _), x in model.store.items() if w == s]
               for s, v in model.store_use.items()}}
    assert len(uses) >= 2
    for name, carried in uses.items():
        assert start[name] in (0.0, 1.0)
        assert (start[name] == 1.0) == any(start[x.name] > 0 for x in carried), name
    assert 0 < sum(start[name] for name in uses) < len(uses)  # measured: 3 of 5 in use


@SMALL_SETTINGS
@given(*small_cases, st.sampled_from(PLACEMENTS))
def test_the_greedy_copies_complete_without_the_fallback(cat_knobs, inv_knobs, placement):
    from planner.solver.start import complete_point

    model, _, hint = _hint(cat_knobs, inv_knobs, placement)
    model.lp.setObjective(model.unserved)
    assert complete_point(model.lp, hint, fixed=hint) is not None


@SMALL_SETTINGS
@given(*small_cases)
def test_the_reduced_completion_is_the_same_lp(cat_knobs, inv_knobs):
    """Fixed columns taken out with numpy (start.complete_restricted, used on large models) leave
    the same LP as fixing their bounds in PuLP: both find a point or neither, at the same value."""
    from planner.formulation.objectives import value_of
    from planner.solver.start import complete_point, complete_restricted

    model, _, hint = _hint(cat_knobs, inv_knobs)
    model.lp.setObjective(model.unserved + 1e-6 * model.cost)
    reduced, full = complete_restricted(model.lp, hint), complete_point(model.lp, hint, fixed=hint)
    assert (reduced is None) == (full is None)
    if full is not None:
        a, b = value_of(model.lp.objective, reduced), value_of(model.lp.objective, full)
        assert abs(a - b) <= 1e-6 * max(1.0, abs(b))
        assert all(reduced.get(name, 0.0) == hint[name] for name in hint)  # absent: 0


@SMALL_SETTINGS
@given(*small_cases, st.sampled_from(PLACEMENTS))
def test_a_point_by_variable_has_the_value_of_its_hint_by_name(cat_knobs, inv_knobs, placement):
    from planner.formulation.objectives import value_at, value_of

    model, greedy, hint = _hint(cat_knobs, inv_knobs, placement)
    point = warmstart.greedy_point(model, greedy)
    assert {v.name: x for v, x in point.items()} == hint
    for expr in (model.unserved, model.cost):
        assert abs(value_at(expr, point) - value_of(expr, hint)) <= 1e-9 * max(
            1.0, abs(value_of(expr, hint)))


def test_each_stack_stays_in_one_metro_and_its_start_completes():
    """formulation/location.by_stack on 400 executable synthetic servers: every group of a
    stack has its candidates in one metro, stacks go to more than the hub's metro, and the
    greedy plan on them becomes a start that keeps the dependency and latency rows (its
    completion exists: warmstart cuts what the trims strand)."""
    from bench.generate import generate
    from planner.formulation.location import by_stack, stacks

    inventory, catalog = generate(400, seed=0, executable=True)
    instance = prepare(inventory, catalog)
    stacked = by_stack(instance)
    stack = stacks(instance)
    metro: dict[str, set] = {}
    for c in stacked.candidates:
        metro.setdefault(stack[c.group], set()).add(instance.places[c.provider].key)
    assert all(len(keys) == 1 for keys in metro.values())
    assert len(set().union(*metro.values())) > 1
    assert set(stacked.candidates) <= set(instance.candidates)
    model = formulate(instance)
    model.lp.setObjective(model.unserved)
    hint = warmstart.greedy_hint(model, baseline(inventory, instance.catalog, stacked))
    assert complete(model.lp, hint) is not None


def test_a_group_is_cut_to_what_its_dependency_serves():
    """warmstart's dependency cut: api (4 servers, needs db of 2) keeps at most 2 x db's
    share, from its last rows, and no row dips after the cut."""
    from types import SimpleNamespace

    from planner.solver.warmstart import cut_to_dependencies

    groups = {"db": SimpleNamespace(count=2, needs=[]),
              "api": SimpleNamespace(count=4, needs=["db"])}
    candidates = [SimpleNamespace(group="db"), SimpleNamespace(group="api"),
                  SimpleNamespace(group="api")]
    counts = {0: [0.0, 1.0, 1.0], 1: [2.0, 2.0, 2.0], 2: [0.0, 1.0, 2.0]}
    assert cut_to_dependencies(SimpleNamespace(groups=groups, candidates=candidates), counts)
    assert counts == {0: [0.0, 1.0, 1.0], 1: [0.0, 2.0, 2.0], 2: [0.0, 0.0, 0.0]}
    assert not cut_to_dependencies(SimpleNamespace(groups=groups, candidates=candidates),
                                    counts)


@pytest.mark.parametrize("egress_gbps", [1, 5])
@pytest.mark.parametrize("write_gb_per_hour", [20, 400])
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_the_greedy_copies_leave_room_for_the_writes_to_live_data(egress_gbps,
                                                                   write_gb_per_hour,
                                                                   placement):
    """Live data (write_gb_per_hour) is replicated to what has landed, through the same
    links (domain/data.replication_gb): the greedy copies and those writes fit the source's
    egress and each target's ingress hour by hour, as the verifier counts them, and the
    greedy plan completes into a start with its copies as they are. Before, the greedy plan
    left the writes out, and at 10,000 executable synthetic servers no start could be
    completed from it: the planner returned no plan at all."""
    from planner.domain.data import replication_gb
    from planner.solver.start import complete_point

    raw = inventory_dict(horizon=60, egress_gbps=egress_gbps)
    raw["groups"][1]["write_gb_per_hour"] = write_gb_per_hour  # db: 2,000 GB
    inventory, catalog = Inventory.model_validate(raw), small_catalog()
    instance = prepare(inventory, catalog)
    greedy = baseline(inventory, catalog, instance, placement=placement)
    H = instance.horizon_hours
    egress, ingress = [0.0] * (H + 1), {}
    for row in greedy.copies:
        if row.demand not in instance.groups:
            egress = [a + b for a, b in zip(egress, row.gb_by_hour)]  # object storage
            continue
        group = instance.groups[row.demand]
        moved = [a + b for a, b in zip(row.gb_by_hour,
                                       replication_gb(inventory, group, list(row.gb_by_hour)))]
        egress = [a + b for a, b in zip(egress, moved)]
        ingress[row.target] = [a + b for a, b in zip(ingress.get(row.target, [0.0] * (H + 1)),
                                                     moved)]
    assert any(row.demand == "db" for row in greedy.copies)
    for t in range(1, H + 1):
        assert egress[t] <= instance.egress.values[t] + 1e-6, t
        for p, gb in ingress.items():
            assert gb[t] <= instance.ingress[p].values[t] + 1e-6, (p, t)
    model = formulate(instance)
    hint = warmstart.greedy_hint(model, greedy)
    model.lp.setObjective(model.unserved)
    assert complete_point(model.lp, hint, fixed=hint) is not None
