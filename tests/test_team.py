"""The team's work (issue 19, items 1, 2 and 6): the team's hours by hand, the tasks a
schedule asks for, plans fitted to a stated team, and the verifier on its own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner import pipeline
from planner.domain import labour
from planner.domain.labour import available_hours, cumulative, plan_tasks, work_overdue
from planner.models import Catalog, Inventory
from planner.models.inventory import Shift, Team
from planner.results.assemble import plan_work  # noqa: F401  (the pipeline's own)
from planner.verify import verify
from tests.builders import SRC, catalog_dict, inventory_dict, offering, provider

MORE = tuple(provider(pid, onboarding, 12, 6, [offering("s", 4, 8, 80, price)])
             for pid, onboarding, price in (("c", 1, 12), ("d", 3, 9)))
EFFORT = {**SRC, "estimate": True,
          "provider_setup_hours": {"cloud": 6, "bare_metal": 8, "colocation": 40,
                                   "self_hosted": 40},
          "vendor_setup_hours": {"sms": 4, "email": 4, "dns": 3, "object_storage": 2,
                                 "edge": 3, "registrar": 1},
          "server_hours": {"api": 0.05, "console": 0.25, "manual": 0.5},
          "bootstrap_hours": 3, "copy_stream_hours": 1}


def _catalog() -> Catalog:
    return Catalog.model_validate({**catalog_dict(extra_providers=MORE), "effort": EFFORT})


def _plan(people: int | None, horizon=48, **policy):
    inventory = inventory_dict(horizon=horizon, survive=0, max_share=1.0, **policy)
    if people is not None:
        inventory["team"] = {"people": people}
    return pipeline.plan(Inventory.model_validate(inventory), _catalog()).plan


def test_the_team_hours_by_hand():
    """5 people in two 12-hour shifts: 3 by day, 2 by night; 0.75 of each hour on tasks, and
    half an hour each at a shift's start. Day: 12 x 2.25 - 1.5 = 25.5; night: 12 x 1.5 - 1
    = 17; 42.5 by hour 24."""
    team = Team(people=5, shifts=[Shift(name="day", start_hour=0, hours=12),
                                  Shift(name="night", start_hour=12, hours=12)])
    hours = available_hours(team, 30)
    assert hours[:3] == (0.0, 0.75, 2.25) and hours[13] == 0.5 and hours[14] == 1.5
    assert cumulative(hours)[24] == pytest.approx(42.5)
    assert hours[25] == 0.75  # the day shift again, hand-off first


def test_a_shift_that_starts_later_is_off_duty_before_it():
    team = Team(people=2, shifts=[Shift(name="late", start_hour=6, hours=4)],
                productive_share=1.0, handoff_hours=0)
    hours = available_hours(team, 36)
    assert [t for t, h in enumerate(hours) if h > 0] == [7, 8, 9, 10, 31, 32, 33, 34]


def test_the_tasks_of_a_schedule_by_hand():
    """Group g serves at p from hour 5 (2 servers) and 7 (1 more); its bootstrap takes 2
    hours, so p opens (its setup is due) at hour 3; the vendor carries from hour 4."""
    catalog = _catalog()
    inventory = Inventory.model_validate({**inventory_dict(), "team": {"people": 2,
                                                                        "bootstrap_hours": 2}})
    up = [0] * 5 + [2, 2, 3, 3]
    schedule = [SimpleNamespace(group="web", provider="a", offering="s", up_by_hour=up)]
    services = [SimpleNamespace(vendor="dnsco", share_by_hour=[0, 0, 0, 0, 0.5, 1])]
    tasks = plan_tasks(inventory, catalog, schedule, services, [])
    got = [(t.kind, t.who, t.group, t.count, t.hours, t.due_hour) for t in tasks]
    assert got == [("provider_setup", "a", None, 0, 6.0, 3),
                   ("vendor_setup", "dnsco", None, 0, 3.0, 4),
                   ("bootstrap", "a", "web", 0, 3.0, 5),
                   ("servers", "a", "web", 2, 0.5, 5),  # console: no CLI in the fixture
                   ("servers", "a", "web", 1, 0.25, 7)]
    assert labour.overdue(tasks, (0, 1, 2, 3, 4, 5, 6, 7)) == (3, 6.0, 3)


@pytest.fixture(scope="module")
def teamed():
    return _plan(people=4)


def test_a_plan_fits_its_stated_team(teamed):
    assert teamed.work is not None and teamed.work.team_stated
    assert work_overdue(teamed.work) is None
    assert teamed.servers_at_deadline > 0 and verify(teamed) == []
    assert not any("no team" in w for w in teamed.warnings)


def test_without_a_team_the_work_is_shown_not_fitted():
    plan = _plan(people=None)
    assert plan.work is not None and not plan.work.team_stated
    assert any(w.startswith("no team in the inventory") for w in plan.warnings)
    assert verify(plan) == []


def test_the_verifier_rejects_a_plan_over_its_team_hours(teamed):
    """The same plan with a team too small for it, its work and hours restated to match
    (as an editor would): the verifier finds the hour the work outgrows the team."""
    small = teamed.inventory.model_copy(update={"team": Team(people=1)})
    hours = labour.team_hours_by(small, teamed.horizon_hours)
    work = teamed.work.model_copy(update={"people": 1, "available_by_hour": list(hours)})
    edited = teamed.model_copy(update={"inventory": small, "work": work})
    found = [v for v in verify(edited) if v.constraint == "team_hours"]
    assert found and "engineer-hours; the team has had" in found[0].detail


def test_the_verifier_rejects_stated_work_that_is_not_the_schedule_s(teamed):
    tasks = list(teamed.work.tasks)
    tasks[0] = tasks[0].model_copy(update={"engineer_hours": tasks[0].engineer_hours / 2})
    edited = teamed.model_copy(update={"work": teamed.work.model_copy(update={"tasks": tasks})})
    assert any(v.constraint == "team_hours" for v in verify(edited))


def test_the_verifier_rejects_serving_before_the_bootstrap_ends(teamed):
    """Servers of a group up from the first hour their provider has any, before the two
    hours of bootstrap there."""
    from planner.domain.curves import provider_servers

    row = next(r for r in teamed.schedule if any(r.up_by_hour))
    first = next(t for t, n in enumerate(row.up_by_hour) if n)
    can = next(t for t, n in enumerate(provider_servers(
        teamed.catalog.provider(row.provider), teamed.horizon_hours).values) if n)
    up = [row.up_by_hour[first] if can <= t < first else n for t, n in enumerate(row.up_by_hour)]
    schedule = [r.model_copy(update={"up_by_hour": up}) if r is row else r
                for r in teamed.schedule]
    assert "bootstrap" in {v.constraint for v in verify(teamed.model_copy(
        update={"schedule": schedule}))}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(1, 6), web=st.integers(4, 30))
@example(people=3, web=29)
def test_doubling_the_team_never_serves_less(people, web):
    """More people never make the plan worse: the measure optimised (tier-weighted unserved
    hours) and the servers at the deadline, each plan verified. The example: with the
    greedy start fitted to the team, 6 people got a plan storing 2e-7 GB (solver noise)
    before the object-storage vendor opened, which the verifier read as its setup due."""
    inventory = inventory_dict(horizon=48, survive=0, max_share=1.0, web=web)
    plans = []
    for n in (people, 2 * people):
        inventory["team"] = {"people": n}
        plans.append(pipeline.plan(Inventory.model_validate(inventory), _catalog()).plan)
    low, high = plans
    assert verify(low) == [] and verify(high) == []
    unserved = [p.solver.phases[0].objective for p in plans]
    assert unserved[1] <= unserved[0] * (1 + 1e-4) + 1e-6
    assert high.servers_at_deadline >= low.servers_at_deadline


def test_a_sweep_over_the_team_prints_the_frontier(tmp_path):
    """`planner sweep --param team.people=1:4:1` on an inventory with no team starts each
    case from planner's default team with that many people."""
    import json

    import yaml
    from click.testing import CliRunner

    from planner.cli.main import main

    inventory, catalog = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inventory.write_text(yaml.safe_dump(inventory_dict(horizon=48, survive=0, max_share=1.0,
                                                       decision_date="2026-03-02")))
    catalog.write_text(yaml.safe_dump({**catalog_dict(extra_providers=MORE), "effort": EFFORT}))
    result = CliRunner().invoke(main, [
        "sweep", str(inventory), "--no-default-catalog", "-c", str(catalog),
        "--param", "team.people=1:4:1", "-o", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "out" / "sweep.json").read_text())["rows"]
    assert [r["parameter"] for r in rows] == [1, 2, 3, 4]
    servers = [r["servers_at_deadline"] for r in rows]
    # each case is the inventory with planner's default team of that many people
    plans = [_plan(people=n) for n in (1, 2, 3, 4)]
    assert servers == [p.servers_at_deadline for p in plans] and servers[-1] > servers[0]
    # more people never leave more tier-weighted hours unserved (what phase 1 minimises;
    # servers at the deadline alone may fall: 3 people serve 20 from hour 30 rather than
    # 6 at the deadline and 20 from hour 36, which leaves fewer hours unserved)
    unserved = [p.solver.phases[0].objective for p in plans]
    assert unserved == sorted(unserved, reverse=True) and unserved[-1] < unserved[0]


def test_a_team_that_binds_is_named_as_a_cause(teamed):
    """With 4 people the plan's work comes within one more bootstrap of the team's hours
    before the deadline: the shortfalls say so, with the hour, and pipeline.audit re-derives
    it."""
    codes = {c.code for s in teamed.shortfalls for c in s.causes}
    assert "team" in codes
    detail = next(c.detail for s in teamed.shortfalls for c in s.causes if c.code == "team")
    assert detail.startswith("the team of 4 has ") and "engineer-hours by hour" in detail
    assert pipeline.audit(teamed) == []
    roomy = _plan(people=200)
    assert "team" not in {c.code for s in roomy.shortfalls for c in s.causes}


def test_the_bound_of_a_binding_team_sees_the_team():
    """With one engineer the plan's bound comes from the LP with the team's rows (solver/
    work.py), above what any plan without the team's limit reaches: the gap it states is
    about the team's plan, not the team-free one."""
    tight, free = _plan(people=1), _plan(people=200)
    coverage = tight.solver.phases[0]
    assert free.status == "optimal" and tight.status != "optimal"
    assert coverage.bound > free.solver.phases[0].objective
    assert coverage.bound <= coverage.objective and verify(tight) == []


def test_the_team_lp_bound_stopped_by_its_time_limit_is_no_bound():
    """The LP with the team's rows has a share of the time limit (solver/work.py): stopped
    by it, HiGHS's objective is no bound (PuLP calls it "Optimal": here 1,092,207 against
    the LP's 646,545), so none is given; with the time, the LP optimum is."""
    from planner.formulation.families import formulate
    from planner.formulation.instance import prepare
    from planner.solver.work import team_lp_bound
    inventory = inventory_dict(horizon=48, survive=0, max_share=1.0)
    inventory["team"] = {"people": 1}
    model = formulate(prepare(Inventory.model_validate(inventory), _catalog()), work=True)
    assert team_lp_bound(model, 1e-9) == float("-inf")
    bound = team_lp_bound(model)
    assert 0 < bound <= _plan(people=1).solver.phases[0].objective


def test_a_set_below_a_scenario_s_mapping_wins_and_verifies(tmp_path):
    """A scenario sets `team` whole, then `--set team.people=6`: the later path wins inside
    the mapping, and the recorded overrides still verify (they were read as the scenario's
    whole mapping against the changed inputs)."""
    import json

    import yaml
    from click.testing import CliRunner

    from planner.cli.main import main

    inventory, catalog, scenario = (tmp_path / n for n in ("inv.yaml", "cat.yaml", "s.yaml"))
    inventory.write_text(yaml.safe_dump(inventory_dict(horizon=48, survive=0, max_share=1.0,
                                                       decision_date="2026-03-02")))
    catalog.write_text(yaml.safe_dump({**catalog_dict(extra_providers=MORE), "effort": EFFORT}))
    scenario.write_text(yaml.safe_dump({"name": "team", "set": {"team": {"people": 2}}}))
    result = CliRunner().invoke(main, [
        "plan", str(inventory), "--no-default-catalog", "-c", str(catalog), "-s",
        str(scenario), "--set", "team.people=6", "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert plan["inventory"]["team"]["people"] == 6 and plan["work"]["people"] == 6


def test_a_plan_fitted_to_its_team_is_the_same_twice(teamed):
    """The second try's budget is what is left of a wall clock; the plan states the limit
    asked for (none here), so the same inputs give the same plan.json."""
    from planner.inputs.planfile import plan_json

    assert teamed.solver.time_limit_seconds is None
    assert "team's hours" in teamed.solver.phases[0].raw_status  # the second try ran
    assert plan_json(_plan(people=4)) == plan_json(teamed)


def test_the_second_try_keeps_the_candidates_of_every_point_it_is_given():
    """restrict_to (solver/work.py): a candidate stays when the relaxed plan or the greedy
    start serves on it at some hour; every other candidate gets no servers."""
    from planner.formulation.families import formulate
    from planner.formulation.instance import prepare
    from planner.solver.work import restrict_to
    inventory = inventory_dict(horizon=48, survive=0, max_share=1.0)
    inventory["team"] = {"people": 1}
    model = formulate(prepare(Inventory.model_validate(inventory), _catalog()), work=True)
    last = {ci: var for (ci, _), var in sorted(model.r.items())}  # each one's last hour
    first, second, *others = sorted(last)
    assert others  # a third candidate, in neither point
    kept = restrict_to(model, {last[first].name: 2.0}, {last[second].name: 1.0, "x": 5.0})
    assert kept == 2 and model.restricted
    open_ = {ci for (ci, _), var in model.r.items() if var.upBound is None or var.upBound > 0}
    assert open_ == {first, second}


def test_under_a_time_limit_the_second_try_is_left_time_and_the_greedy_start(monkeypatch):
    """With a team and a time limit, the first try's coverage phase has FIRST_TRY_SHARE of
    it, not the usual share: 400 executable synthetic servers with 30 s left the second
    try 1 s and no plan. The second try is handed the greedy start, whose candidates it
    keeps, and the greedy plan fitted to the team (rule 7 of planner/baseline/waves.py) as
    its own start; without a team, the first try has the usual share."""
    from planner.solver import work
    from planner.solver.budget import COVERAGE_SHARE

    shares, starts, fitted = [], [], []
    solve, with_team = pipeline.solve, pipeline.solve_with_team

    def spy_solve(*args, **kwargs):
        shares.append(kwargs.get("share", COVERAGE_SHARE))
        return solve(*args, **kwargs)

    def spy_team(*args, **kwargs):
        starts.append(kwargs.get("start"))
        fitted.append(kwargs.get("fitted"))
        return with_team(*args, **kwargs)

    monkeypatch.setattr(pipeline, "solve", spy_solve)
    monkeypatch.setattr(pipeline, "solve_with_team", spy_team)
    inventory = inventory_dict(horizon=48, survive=0, max_share=1.0)
    inventory["team"] = {"people": 1}
    plan = pipeline.plan(Inventory.model_validate(inventory), _catalog(), time_limit=60).plan
    assert shares[0] == work.FIRST_TRY_SHARE < COVERAGE_SHARE
    assert len(starts) == 1 and starts[0]  # the team binds: the second try ran, with the start
    assert fitted[0] and fitted[0] != starts[0]  # and the greedy plan that keeps to the team
    assert "or the greedy starts used" in plan.solver.phases[0].raw_status
    assert verify(plan) == []
    del inventory["team"]
    pipeline.plan(Inventory.model_validate(inventory), _catalog(), time_limit=60)
    assert shares[-1] == COVERAGE_SHARE


def test_the_team_floor_holds_and_sees_the_team():
    """The per-period floor with the team's hours in each period's LP (period_floor,
    team=True) lies under the optimum of the model with the team's rows, solved whole, and
    above the floor without them when the team binds (one person)."""
    from planner.formulation.families import formulate
    from planner.formulation.instance import prepare
    from planner.solver.period_floor import period_floor
    from planner.solver.phases import solve

    inventory = inventory_dict(horizon=48, survive=0, max_share=1.0)
    inventory["team"] = {"people": 1}
    model = formulate(prepare(Inventory.model_validate(inventory), _catalog()), work=True)
    plain, team = period_floor(model), period_floor(model, team=True)
    best = solve(model, gap=1e-6).facts.phases[0]
    assert best.status == "optimal"
    assert plain < team <= best.objective


def test_widening_gives_back_the_bounds_of_the_providers_candidates():
    """at_providers: every candidate at a provider a restricted model keeps a candidate of;
    reopen gives those back the bounds restrict_to took, and no other."""
    from planner.formulation.families import formulate
    from planner.formulation.instance import prepare
    from planner.solver.work import at_providers, reopen, restrict_to

    inventory = inventory_dict(horizon=48, survive=0, max_share=1.0)
    inventory["team"] = {"people": 1}
    model = formulate(prepare(Inventory.model_validate(inventory), _catalog()), work=True)
    candidates = model.instance.candidates
    before = {var: var.upBound for var in model.r.values()}
    (ci, _), var = next(iter(sorted(model.r.items())))
    saved: dict = {}
    assert restrict_to(model, {var.name: 1.0}, saved=saved) == 1
    wide = at_providers(model)
    same = {c for c, cand in enumerate(candidates) if cand.provider == candidates[ci].provider}
    assert wide == same & {c for c, _ in model.r} and len(wide) > 1
    reopen(model, saved, wide)
    for (c, _), v in model.r.items():
        assert v.upBound == (before[v] if c in wide else 0)


def test_the_second_try_widens_to_its_providers_from_its_plan(monkeypatch):
    """When the plan on the points' candidates is further than WIDEN_ABOVE_GAP from the bound
    (here always), the second try solves again on all its providers' candidates, from that
    plan: never worse, and verified."""
    from bench.generate import generate
    from planner.solver import work

    inventory, catalog = generate(50, seed=1, executable=True)  # 2 candidates used, within
    narrow = pipeline.plan(inventory, catalog).plan                # 2e-4 of the bound
    monkeypatch.setattr(work, "WIDEN_ABOVE_GAP", -1.0)
    monkeypatch.setattr(work, "WHOLE_MOST_COLUMNS", 0)  # the providers' stage alone
    wide = pipeline.plan(inventory, catalog).plan
    assert "candidates of the providers" in wide.solver.phases[0].raw_status
    assert "candidates of the providers" not in narrow.solver.phases[0].raw_status
    assert wide.solver.phases[0].objective <= narrow.solver.phases[0].objective * (1 + 1e-9)
    assert verify(wide) == []


def test_the_last_stage_is_the_whole_model_from_the_plan_so_far(monkeypatch):
    """Up to WHOLE_MOST_COLUMNS, after its providers' candidates the second try solves the
    whole model with the team's rows, from the plan so far, while that plan is further than
    WIDEN_ABOVE_GAP from the bound (here always): never worse than the stages before, the
    solver's own bound counted (it holds for every plan), and verified. On 50 executable
    synthetic servers (seed 0) under 60 s it found 1.54 M weighted hours against 1.72 M."""
    from bench.generate import generate
    from planner.solver import work

    inventory, catalog = generate(50, seed=1, executable=True)
    monkeypatch.setattr(work, "WIDEN_ABOVE_GAP", -1.0)
    monkeypatch.setattr(work, "WHOLE_MOST_COLUMNS", 0)
    staged = pipeline.plan(inventory, catalog).plan
    hints, solve = [], work.solve

    def spy(model, **kwargs):
        hints.append((kwargs.get("hint"), model.restricted))
        return solve(model, **kwargs)

    monkeypatch.setattr(work, "solve", spy)
    monkeypatch.setattr(work, "WHOLE_MOST_COLUMNS", 10**9)
    whole = pipeline.plan(inventory, catalog).plan
    first = whole.solver.phases[0]
    assert "on all " in first.raw_status and "the solver's" in first.raw_status
    assert hints[-1][0] and hints[-1][1] is False  # from the plan so far, unrestricted
    assert first.objective <= staged.solver.phases[0].objective * (1 + 1e-9)
    assert first.bound >= staged.solver.phases[0].bound - 1e-6
    assert verify(whole) == []


def test_the_team_lp_is_left_out_above_its_size(monkeypatch):
    """Above LP_MOST_COLUMNS the LP with the team's rows is not tried (at 400 executable
    servers it ran out its share of every limit for no bound); below, it is."""
    from planner.solver import work

    calls = []
    lp_bound = work.team_lp_bound
    monkeypatch.setattr(work, "team_lp_bound", lambda *a, **k: calls.append(1) or lp_bound(*a, **k))
    _plan(people=1)
    assert calls
    calls.clear()
    monkeypatch.setattr(work, "LP_MOST_COLUMNS", 0)
    plan = _plan(people=1)
    assert not calls and verify(plan) == []
