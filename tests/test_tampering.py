"""`verify` catches what issue 18 (item 7) found it missed: non-finite numbers, a deleted
list of stale facts or exclusions, a bound on the wrong side of its objective, a gap that
is not that of its bound. Each tampering is made on a real plan that verifies."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from planner import pipeline
from planner.cli.main import main
from planner.inputs.planfile import plan_json
from planner.models import Catalog, Inventory
from planner.verify import verify
from tests.builders import SRC, catalog_dict, inventory_dict


@pytest.fixture(scope="module")
def plan():
    # decided long after the fixture's facts (2026-01), one provider excluded by policy:
    # the plan lists stale facts and exclusions, the things a tamperer would delete
    inv = inventory_dict(horizon=60, decision_date="2029-06-01")
    inv["policy"]["excluded_providers"] = ["b"]
    made = pipeline.plan(Inventory.model_validate(inv),
                         Catalog.model_validate(catalog_dict())).plan
    assert made.stale_facts and len(made.excluded) == 2  # the source and b
    assert verify(made) == []
    return made


def _names(plan):
    return {v.constraint for v in verify(plan)}


def test_deleted_stale_facts(plan):
    assert "stale_facts" in _names(plan.model_copy(update={"stale_facts": []}))
    assert "stale_facts" in _names(plan.model_copy(update={"stale_facts": plan.stale_facts[1:]}))


def test_deleted_or_rewritten_exclusions(plan):
    assert "excluded" in _names(plan.model_copy(update={"excluded": plan.excluded[:1]}))
    rewritten = [e.model_copy(update={"reason": "it asked nicely"}) for e in plan.excluded]
    assert "excluded" in _names(plan.model_copy(update={"excluded": rewritten}))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers(plan, value):
    costs = plan.costs.model_copy(update={"monthly_total": value})
    found = verify(plan.model_copy(update={"costs": costs}))
    assert any(v.constraint == "shape" and "costs.monthly_total" in v.detail for v in found)


def test_non_finite_numbers_in_a_saved_plan(plan, tmp_path):
    data = json.loads(plan_json(plan))
    data["copies"][0]["gb_by_hour"][5] = float("nan")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))  # json writes NaN, and reads it back
    result = CliRunner().invoke(main, ["verify", str(path)])
    assert result.exit_code == 1 and "not a finite number" in result.output


def _phase(plan, **update):
    phases = [plan.solver.phases[0].model_copy(update=update), *plan.solver.phases[1:]]
    return plan.model_copy(update={"solver": plan.solver.model_copy(update={"phases": phases})})


def test_a_bound_above_its_objective(plan):
    coverage = plan.solver.phases[0]
    faked = _phase(plan, bound=coverage.objective * 1.5 + 1, gap=0.0)
    assert any(v.constraint == "status" and "above its objective" in v.detail
               for v in verify(faked))


def test_a_gap_that_is_not_that_of_its_bound(plan):
    coverage = plan.solver.phases[0]
    faked = _phase(plan, bound=coverage.objective * 0.5)  # the gap still says ~0
    assert any(v.constraint == "status" and "is not that of its objective" in v.detail
               for v in verify(faked))


def _edited(plan, tmp_path, edit):
    data = json.loads(plan_json(plan))
    edit(data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return CliRunner().invoke(main, ["verify", str(path)])


@pytest.mark.parametrize("edit, said", [
    (lambda d: d["warnings"].append("all is well"), "violated: warnings"),
    (lambda d: d["shortfalls"][0]["causes"][0].update(detail="a vendor outage"),
     "violated: shortfalls"),
    (lambda d: d["shortfalls"][0]["causes"][0].update(remedy="wait"), "violated: shortfalls"),
    (lambda d: d["shortfalls"][0]["causes"].pop(), "violated: shortfalls"),
    (lambda d: d["shortfalls"][0]["causes"][0].update(code="budget"), "violated: shortfalls"),
    (lambda d: d["solver"].update(periods=d["solver"]["periods"] + 1), "violated: solver"),
])
def test_rewritten_explanations_are_caught(plan, tmp_path, edit, said):
    """Issue 18, item 7: warnings and causes are derived again from the plan's own inputs
    and rows (domain/warnings.py in the verifier; results/diagnose in pipeline.audit)."""
    assert plan.shortfalls and plan.shortfalls[0].causes
    assert _edited(plan, tmp_path, lambda d: None).exit_code == 0
    result = _edited(plan, tmp_path, edit)
    assert result.exit_code == 1 and said in result.output, result.output


def test_a_deleted_warning_is_caught(tmp_path):
    inventory = inventory_dict(horizon=60)  # no decision date: a warning follows from it
    made = pipeline.plan(Inventory.model_validate(inventory),
                         Catalog.model_validate(catalog_dict())).plan
    assert made.warnings
    assert "warnings" in _names(made.model_copy(update={"warnings": made.warnings[1:]}))
    assert verify(made) == []


@pytest.fixture(scope="module")
def warned():
    # no decision date, an end of life in the catalog and no effort for tasks in it: three
    # warnings follow from the plan (a provider's region is given: latency is planned)
    catalog = catalog_dict()
    catalog["providers"][1]["end_of_life"] = "2030-01-01"
    catalog["providers"][1]["regions"] = [{"id": "fsn1", "metro": "falkenstein",
                                           "country": "DE", "continent": "europe",
                                           "lat": 50.48, "lon": 12.37, **SRC}]
    made = pipeline.plan(Inventory.model_validate(inventory_dict(horizon=60)),
                         Catalog.model_validate(catalog)).plan
    assert len(made.warnings) == 3 and verify(made) == []
    return made


def _warning_violations(plan, warnings, **solver) -> list[str]:
    tampered = plan.model_copy(update={"warnings": warnings,
                                       "solver": plan.solver.model_copy(update=solver)})
    return [v.detail for v in verify(tampered) if v.constraint == "warnings"]


def test_each_deleted_warning_is_named_and_no_other(warned):
    """Deleting one of the warnings names it, and only it (those kept were reported as
    'a warning the plan does not imply')."""
    for i, deleted in enumerate(warned.warnings):
        kept = warned.warnings[:i] + warned.warnings[i + 1:]
        assert _warning_violations(warned, kept) == [
            f"missing a warning that follows from the plan: {deleted!r}"]


def test_a_reworded_warning_is_named_with_the_one_it_replaces(warned):
    first, second, third = warned.warnings
    assert _warning_violations(warned, [first, "end-of-life dates were checked", third]) == [
        f"missing a warning that follows from the plan: {second!r}",
        "a warning that does not follow from the plan: 'end-of-life dates were checked'"]


def test_moved_or_repeated_warnings(warned):
    """Reordered, it said 'missing [], unexpected []'."""
    first, second, third = warned.warnings
    said = "the warnings are repeated or in another order than the plan gives them"
    assert _warning_violations(warned, [second, first, third]) == [
        f"{said}: 3 given, 3 expected"]
    assert _warning_violations(warned, [first, first, second, third]) == [
        f"{said}: 4 given, 3 expected"]


def test_a_fallback_to_cbc_only_from_cbc_and_first(warned):
    fallback = "HiGHS (highspy) is not available: solved with CBC instead"
    assert _warning_violations(warned, [fallback, *warned.warnings], solver="cbc") == []
    assert _warning_violations(warned, [fallback, *warned.warnings]) == [
        f"a fallback to CBC in a plan solved with highs: {fallback!r}"]
    assert _warning_violations(warned, [*warned.warnings, fallback], solver="cbc") == [
        "the fallback to CBC is stated 1 time(s), not first; once and first expected"]


def test_a_warning_deleted_from_a_saved_plan(warned, tmp_path):
    result = _edited(warned, tmp_path, lambda d: d["warnings"].pop(0))
    assert result.exit_code == 1
    assert "violated: warnings: missing a warning that follows from the plan: 'no " \
        "decision_date in the inventory: the age of catalog facts was not checked'" \
        in result.output


def _audited(plan, shortfalls) -> list[str]:
    return [f"{v.constraint}: {v.detail}"
            for v in pipeline.audit(plan.model_copy(update={"shortfalls": shortfalls}))]


def _with_causes(plan, index, causes):
    shortfalls = list(plan.shortfalls)
    shortfalls[index] = shortfalls[index].model_copy(update={"causes": causes})
    return shortfalls


@pytest.fixture(scope="module")
def explained():
    """A plan whose db is short for three reasons: the source's egress at a and at b, and
    the delivery of b's model."""
    made = pipeline.plan(Inventory.model_validate(inventory_dict(horizon=60, egress_gbps=0.1)),
                         Catalog.model_validate(catalog_dict())).plan
    assert any(len(s.causes) > 2 for s in made.shortfalls) and pipeline.audit(made) == []
    return made


def test_a_rewritten_cause_is_named_with_both_texts(explained):
    """It said '<demand>: causes is "[Cause(code=..." ' cut at 160 characters, the same
    beginning twice when the first cause was not the one rewritten."""
    plan = explained
    short = next(s for s in plan.shortfalls if len(s.causes) > 2)
    causes = list(short.causes)
    last = len(causes) - 1
    causes[last] = causes[last].model_copy(update={"detail": "a vendor outage"})
    label = causes[last].code + (f" at {causes[last].provider}" if causes[last].provider else "")
    said = _audited(plan, _with_causes(plan, plan.shortfalls.index(short), causes))
    assert len(said) == 1 and said[0].startswith(
        f"shortfalls: {short.demand}: cause {last + 1} ({label}): detail is 'a vendor "
        f"outage', derived '{short.causes[last].detail[:100]}")


def test_a_deleted_cause_is_named_alone(explained):
    plan = explained
    short = next(s for s in plan.shortfalls if len(s.causes) > 2)
    kept = short.causes[1:]
    said = _audited(plan, _with_causes(plan, plan.shortfalls.index(short), kept))
    assert len(said) == 1 and said[0].startswith(
        f"shortfalls: {short.demand}: cause 1 ({short.causes[0].code}")
    assert "derived from the plan is missing" in said[0]


def test_a_fake_shortfall_is_caught(plan, tmp_path):
    served = next(row for row in plan.coverage
                  if row.demand not in {s.demand for s in plan.shortfalls})
    fake = {**json.loads(plan.shortfalls[0].model_dump_json()), "demand": served.demand,
            "kind": served.kind, "unit": served.unit, "total": served.total}
    result = _edited(plan, tmp_path, lambda d: d["shortfalls"].append(fake))
    assert result.exit_code == 1 and f"violated: shortfalls: shortfall for " \
        f"{served.kind}/{served.demand}, which is fully served" in result.output


def test_objects_left_behind_are_warned_of_and_the_warning_is_checked():
    """10 TB of objects and 0.1 Gbit/s of egress until hour 24: at most 1,080 GB leave, so
    most objects are lost when the source goes dark, and the plan says so."""
    made = pipeline.plan(Inventory.model_validate(inventory_dict(horizon=60, egress_gbps=0.1,
                                                                 decision_date="2026-03-02",
                                                                 source={})),
                         Catalog.model_validate(catalog_dict())).plan
    lost = [w for w in made.warnings if w.startswith("objects left behind: ")]
    assert len(lost) == 1 and "of 10,000 GB of object storage are not copied by hour 24" \
        in lost[0] and verify(made) == []
    kept = [w for w in made.warnings if w not in lost]
    assert "warnings" in _names(made.model_copy(update={"warnings": kept}))
