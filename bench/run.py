"""Benchmark: the planner on synthetic inventories of growing size, against the baseline.

For each case (servers, groups, providers, solver) a fresh subprocess generates the inputs
(bench/generate.py), runs the greedy baseline (planner/baseline/waves.py; where latency is
planned, with each application's stack in one metro, formulation/location.by_stack) and the planner
(`pipeline.plan`, which prepares, formulates, solves both phases, assembles and verifies),
renders the runbook, and reports its timings and its own peak memory. The parent prints:

1. one Markdown table row per case: model size (variables, integer variables, constraints
   from plan.solver), build (prepare + formulate), phase-1 and phase-2 solve, assemble +
   verify and render times, peak resident memory, status and gap of each phase;
2. a table of the planner against the baseline: tier-weighted unserved hours (phase 1's
   objective; the baseline's is its plan completed in the same model), coverage at the
   deadline, hour of full coverage (every group and service) and of all servers serving,
   each plan's cost (one-time + run_rate_months x monthly), and cost at equal coverage:
   the least cost the planner finds serving at least what the greedy plan serves, hour by
   hour, against the greedy plan's cost in the same model (the cost phase gets 30% of the
   time limit).

Results are printed, never asserted. Usage:

    python bench/run.py                      # the standard set (`make bench`)
    python bench/run.py --size 100000 --groups 316 --providers 89 --solver highs \\
        --time-limit 600                     # one case
    python bench/run.py --executable --max-servers 2000
                                             # the standard set up to 2,000 servers, on
                                             # the executable model's instances

Every case has a solver time limit (default 30 s, the target; phase 2 gets what phase 1
left, at least 1 s) and a hard wall-clock limit after which its process group is killed;
time-limited and killed runs are reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARKER = "BENCH-RESULT "
COVERAGE_SHARE = 0.7  # as planner.solver.phases gives the coverage phase; the cost phase the rest
# (servers, groups, providers, solvers): groups and providers as bench.generate.default_shape
# gives them. CBC only where it finishes in reasonable time.
STANDARD = [
    (50, 7, 13, ("highs", "cbc")),
    (400, 20, 22, ("highs", "cbc")),
    (2000, 45, 33, ("highs",)),
    (10000, 100, 50, ("highs",)),
]


# ---------------------------------------------------------------- one case, in a child process

def _peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its reaped children (the CBC binary), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def _instrument_pulp() -> list[tuple[str, float]]:
    """Time PuLP's hand-over to the solver, the solver run and the read-back, per call, by
    wrapping the solver adapter's methods in this process (the planner is not touched). Returns the
    list the timings are appended to, as (label, seconds) in call order."""
    events: list[tuple[str, float]] = []

    def wrap(cls, name: str, label: str) -> None:
        original = getattr(cls, name, None)
        if original is None:
            return

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                events.append((label, time.perf_counter() - started))

        setattr(cls, name, timed)

    try:
        import pulp
        from pulp.apis import coin_api, highs_api
    except ImportError:
        return events
    from planner.solver.highs import HighsSolver  # hands the model over, reads it back

    wrap(HighsSolver, "buildSolverModel", "to_solver")
    wrap(highs_api.HiGHS, "callSolver", "solver")
    wrap(HighsSolver, "findSolutionValues", "from_solver")
    wrap(pulp.LpProblem, "writeMPS", "to_solver")
    wrap(coin_api.COIN_CMD, "solve_CBC", "cbc_total")
    wrap(coin_api.COIN_CMD, "readsol_MPS", "from_solver")
    return events


def _split(events: list[tuple[str, float]]) -> list[dict[str, float]]:
    """Per solver call: seconds handing the model over, in the solver, reading back."""
    phases: list[dict[str, float]] = []
    current: dict[str, float] = {}
    for label, seconds in events:
        current[label] = current.get(label, 0.0) + seconds
        if label == "cbc_total":  # writeMPS and readsol_MPS happen inside solve_CBC
            total = current.pop("cbc_total")
            current["solver"] = total - current.get("to_solver", 0.0) \
                - current.get("from_solver", 0.0)
        if label == "cbc_total" or label == "from_solver" and "solver" in current:
            phases.append(current)
            current = {}
    return phases


def run_case(servers: int, groups: int, providers: int, solver: str, time_limit: float | None,
             gap: float, seed: int, executable: bool = False) -> dict:
    """Generate, baseline, plan, render; timings in seconds. Runs in the current process.
    `executable`: on the executable model's instance (bench/generate.py executable=True)."""
    from bench.generate import generate
    from planner import pipeline
    from planner.baseline.waves import baseline
    from planner.formulation.instance import prepare
    from planner.formulation.location import by_stack
    from planner.report.render import render_runbook

    out: dict = {"servers": servers, "groups": groups, "providers": providers,
                 "solver": solver, "seed": seed, "time_limit": time_limit, "gap": gap,
                 "executable": executable}
    started = time.perf_counter()
    inventory, catalog = generate(servers, groups, providers, seed, executable=executable)
    out["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    instance = prepare(inventory, catalog)
    out["prepare_s"] = time.perf_counter() - started
    out["candidates"], out["periods"] = len(instance.candidates), len(instance.grid)
    started = time.perf_counter()
    # the yardstick keeps the inventory's latency bounds as a team would, each application's
    # stack in one metro (the instance itself where latency is not planned). Placed anywhere,
    # at 10,000 executable servers it broke 1,362 latency rows: no start could be made of it
    # in the model, and its 5.9% at the deadline was a plan nobody could run.
    base = baseline(inventory, catalog, by_stack(instance))
    out["baseline_s"] = time.perf_counter() - started
    late = greedy_overdue(instance, base)
    del instance
    out["baseline"] = {
        "coverage_at_deadline": base.coverage_at_deadline,
        "servers_at_deadline": base.servers_at_deadline,
        "servers_at_horizon": sum(s[-1] for s in base.serving.values()),
        "full_coverage_hour": base.full_coverage_hour,
        "all_servers_hour": _all_servers_hour(
            [(base.serving[g.name], g.count) for g in inventory.groups]),
        "one_time": base.one_time_cost, "monthly": base.monthly_cost, "cost": base.cost,
        "team_overdue": late}
    events = _instrument_pulp()
    run = pipeline.plan(inventory, catalog, solver=solver, time_limit=time_limit, gap=gap)
    out["solver_split"] = _split(events)
    plan = run.plan
    started = time.perf_counter()
    render_runbook(plan)
    out["render_s"] = time.perf_counter() - started
    out["seconds"] = run.seconds
    facts = plan.solver
    out["model"] = {"variables": facts.variables, "integer": facts.integer_variables,
                    "constraints": facts.constraints}
    out["phases"] = [{"name": p.name, "status": p.status, "raw": p.raw_status,
                      "gap": p.gap, "objective": p.objective} for p in facts.phases]
    out["status"] = plan.status
    H = plan.horizon_hours
    served = {}
    for row in plan.schedule:
        served.setdefault(row.group, [0] * (H + 1))
        served[row.group] = [a + b for a, b in zip(served[row.group], row.up_by_hour)]
    counts = {g.name: g.count for g in inventory.groups}
    out["planner"] = {
        "coverage_at_deadline": plan.coverage_at_deadline,
        "servers_at_deadline": plan.servers_at_deadline,
        "servers_at_horizon": sum(s[H] for s in served.values()),
        "full_coverage_hour": plan.full_coverage_hour,
        "all_servers_hour": _all_servers_hour(
            [(served.get(g, [0] * (H + 1)), n) for g, n in counts.items()]),
        "one_time": plan.costs.one_time_total, "monthly": plan.costs.monthly_total,
        "cost": plan.costs.one_time_total
        + inventory.policy.run_rate_months * plan.costs.monthly_total}
    out["peak_mb"], out["peak_children_mb"] = _peak_mb()  # before the second model below
    del run, plan
    out["equal_coverage"] = _cost_at_greedy_coverage(
        inventory, catalog, base, solver,
        None if time_limit is None else (1 - COVERAGE_SHARE) * time_limit, gap)
    return out


def greedy_overdue(instance, base) -> tuple[int, float, float] | None:
    """Where the greedy plan's work first overruns the stated team (domain/labour.py, as
    the verifier counts it; servers due when they come up): (hour, engineer-hours due,
    engineer-hours had), or None when it fits or no team is planned. The greedy plan keeps
    to the team (rule 7 of planner/baseline/waves.py), so a dagger is a bug there."""
    from planner.domain.labour import overdue, plan_tasks

    if not instance.team_planned:
        return None
    tasks = plan_tasks(instance.inventory, instance.catalog, base.servers, base.services,
                       base.copies)
    return overdue(tasks, instance.team_by_hour)


def _cost_at_greedy_coverage(inventory, catalog, base, solver, time_limit, gap) -> dict | None:
    """Cost at equal coverage, like for like: the greedy plan made a feasible point of the
    model (solver.warmstart.greedy_hint, start.complete), then the least cost that serves
    at least what it serves, tier by tier and hour by hour (solver.phases.cost_phase). Both
    costs are the model's cost of a point, so they differ only in the choices made. Also
    the greedy plan's
    tier-weighted unserved hours, completed with the services and storage that serve the
    most, as the planner completes its own start (phase 1's objective, like for like)."""
    from planner.formulation.families import formulate
    from planner.formulation.instance import prepare
    from planner.formulation.objectives import value_of
    from planner.solver.phases import cost_phase
    from planner.solver.start import complete
    from planner.solver.warmstart import greedy_hint

    started = time.perf_counter()
    model = formulate(prepare(inventory, catalog))
    hint = greedy_hint(model, base)  # the yardstick's plan, not the planner's start
    model.lp.setObjective(model.unserved)  # its services and storage, as the planner's start
    covered = complete(model.lp, hint)
    model.lp.setObjective(model.cost)
    start = complete(model.lp, hint)
    if start is None or covered is None:
        return None
    phase, values = cost_phase(model, start, solver, time_limit, gap)
    return {"greedy": value_of(model.cost, start), "planner": value_of(model.cost, values),
            "greedy_unserved": value_of(model.unserved, covered),
            "status": phase.status, "gap": phase.gap, "seconds": time.perf_counter() - started}


def _all_servers_hour(rows) -> int | None:
    """First hour every group serves all its servers (None: not within the horizon)."""
    hours = [next((t for t, s in enumerate(values) if s >= n), None) for values, n in rows]
    return None if None in hours else max(hours, default=0)


def _child(spec: str) -> None:
    args = json.loads(spec)
    limit_gb = args.pop("memory_limit_gb", None)
    if limit_gb:
        limit = int(limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result = run_case(**args)
    sys.stdout.flush()
    print(MARKER + json.dumps(result), flush=True)


def run_in_subprocess(case: dict, hard_timeout: float) -> dict:
    """Run one case in a fresh interpreter (so its peak memory is its own); kill its whole
    process group (the interpreter and any CBC it started) after `hard_timeout` seconds."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(case)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=str(ROOT))
    try:
        stdout, stderr = proc.communicate(timeout=hard_timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {**case, "status": f"killed after {hard_timeout:.0f} s",
                "wall_s": time.perf_counter() - started}
    wall = time.perf_counter() - started
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            return {**json.loads(line[len(MARKER):]), "wall_s": wall}
    lines = stderr.strip().splitlines() or ["no output"]
    tail = next((line for line in lines if "plan fails verification" in line), lines[-1])
    why = "out of memory" if proc.returncode in (-9, 137) or "MemoryError" in stderr \
        else f"failed (exit {proc.returncode}): {tail.strip()[:100]}"
    return {**case, "status": why, "wall_s": wall}


# ---------------------------------------------------------------- tables

def _s(x) -> str:
    return "—" if x is None else f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def _n(x) -> str:
    return "—" if x is None else f"{x:,}"


def _gap(phases, name) -> str:
    phase = next((p for p in phases if p["name"] == name), None)
    if phase is None:
        return "—"
    gap = "—" if phase["gap"] is None else f"{100 * phase['gap']:.2g}%"
    return f"{phase['status']} {gap}"


def _hour(h) -> str:
    return "never" if h is None else str(h)


def _ratio(a, b) -> str:
    if a is None or b is None:
        return "—"
    if b == 0:
        return "—" if a == 0 else "∞"
    return f"{a / b:.2f}"


PERF_HEADER = ("| servers | groups | providers | solver | variables | integer | constraints "
               "| build s | phase 1 s | phase 2 s | plan+verify s | render s | peak MB "
               "| status | phase 1 | phase 2 |\n"
               "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
               "| ---: | ---: | --- | --- | --- |")


def _after_solve(s: dict) -> float:
    """Seconds from the solution to the verified Plan: assembly, the home stage, the
    verifier."""
    return s.get("assemble", 0) + s.get("home", 0) + s.get("verify", 0)


def perf_row(r: dict) -> str:
    head = f"| {r['servers']:,} | {r['groups']} | {r['providers']} | {r['solver']} "
    if "model" not in r:
        return (head + "| — | — | — | — | — | — | — | — | — | "
                + f"{r['status']} (wall {r['wall_s']:.0f} s) | — | — |")
    m, s = r["model"], r["seconds"]
    peak = max(r["peak_mb"], r["peak_children_mb"])
    return (head + f"| {_n(m['variables'])} | {_n(m['integer'])} | {_n(m['constraints'])} "
            f"| {_s(s.get('build'))} | {_s(s.get('solve_coverage'))} "
            f"| {_s(s.get('solve_cost'))} | {_s(_after_solve(s))} "
            f"| {_s(r['render_s'])} | {peak:,.0f} | {r['status']} "
            f"| {_gap(r['phases'], 'coverage')} | {_gap(r['phases'], 'cost')} |")


VS_HEADER = ("| servers | solver | unserved weighted h P / B | ratio "
             "| coverage at deadline P / B | ratio | full coverage h P / B "
             "| all servers h P / B | cost P / B | cost at B's coverage P / B | ratio |\n"
             "| ---: | --- | --- | ---: | --- | ---: | --- | --- | --- | --- | ---: |")


def vs_row(r: dict) -> str:
    if "planner" not in r:
        return f"| {r['servers']:,} | {r['solver']} " + "| — " * 9 + "|"
    p, b = r["planner"], r["baseline"]
    phase2 = next((ph for ph in r["phases"] if ph["name"] == "cost"), None)
    mark = "" if phase2 and phase2["status"] == "optimal" else "*"
    eq = r.get("equal_coverage")
    same = "—" if eq is None else \
        f"{eq['planner']:,.0f}{'' if eq['status'] == 'optimal' else '*'} / {eq['greedy']:,.0f}"
    same_ratio = "—" if eq is None else _ratio(eq["planner"], eq["greedy"])
    phase1 = next((ph for ph in r["phases"] if ph["name"] == "coverage"), {})
    mine, theirs = phase1.get("objective"), None if eq is None else eq["greedy_unserved"]
    unserved = "— | —" if mine is None or theirs is None else \
        f"{mine:,.0f} / {theirs:,.0f} | {_ratio(mine, theirs)}"
    late = "†" if b.get("team_overdue") else ""
    return (f"| {r['servers']:,} | {r['solver']} | {unserved} "
            f"| {100 * p['coverage_at_deadline']:.1f}% / "
            f"{100 * b['coverage_at_deadline']:.1f}%{late} "
            f"| {_ratio(p['coverage_at_deadline'], b['coverage_at_deadline'])} "
            f"| {_hour(p['full_coverage_hour'])} / {_hour(b['full_coverage_hour'])} "
            f"| {_hour(p['all_servers_hour'])} / {_hour(b['all_servers_hour'])} "
            f"| {p['cost']:,.0f}{mark} / {b['cost']:,.0f} | {same} | {same_ratio} |")


def detail(r: dict) -> str:
    """Where the time of one case goes (printed for single cases and the largest case)."""
    if "model" not in r:
        return f"{r['servers']:,} servers, {r['solver']}: {r['status']}"
    s = r["seconds"]
    prep = r["prepare_s"]
    split = "; ".join(
        f"phase {i + 1}: {ph.get('to_solver', 0):.1f} s handing the model to the solver, "
        f"{ph.get('solver', 0):.1f} s in the solver, {ph.get('from_solver', 0):.1f} s reading "
        "the solution back" for i, ph in enumerate(r.get("solver_split", [])))
    return (f"{r['servers']:,} servers / {r['groups']} groups / {r['providers']} providers, "
            f"{r['solver']}: {r['candidates']:,} candidates x {r['periods']} periods; "
            f"build {s['build']:.1f} s (prepare ~{prep:.1f} s, formulate ~"
            f"{max(0.0, s['build'] - prep):.1f} s), phase 1 {s.get('solve_coverage', 0):.1f} s, "
            f"phase 2 {s.get('solve_cost', 0):.1f} s, plan+home+verify "
            f"{_after_solve(s):.1f} s, render {r['render_s']:.1f} s; baseline "
            f"{r['baseline_s']:.2f} s; peak {r['peak_mb']:,.0f} MB (CBC process "
            f"{r['peak_children_mb']:,.0f} MB); wall {r['wall_s']:.0f} s; solver said: "
            + "; ".join(f"{p['name']}: {p['raw']}" for p in r["phases"])
            + (f"\n  - {split}" if split else ""))


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Planner benchmarks on synthetic inputs.")
    parser.add_argument("--size", type=int, help="servers of one case (default: standard set)")
    parser.add_argument("--groups", type=int)
    parser.add_argument("--providers", type=int)
    parser.add_argument("--solver", choices=("highs", "cbc", "both"), default="highs")
    parser.add_argument("--time-limit", type=float, default=30.0,
                        help="solver seconds per case (phase 1, then what is left for phase 2)")
    parser.add_argument("--gap", type=float, default=1e-3, help="relative MIP gap (0.1%%)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--executable", action="store_true",
                        help="executable instances: a team with efforts, regions and latency "
                             "bounds, write rates, packing, provider caps (bench/generate.py "
                             "executable_inventory, executable_catalog)")
    parser.add_argument("--max-servers", type=int,
                        help="of the standard set, only the cases of at most this many servers")
    parser.add_argument("--hard-timeout", type=float,
                        help="wall-clock seconds before a case is killed (default: "
                             "600 + 4 x time limit)")
    parser.add_argument("--memory-limit-gb", type=float, help="address-space cap per case")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return
    from bench.generate import default_shape

    if args.size:
        g, p = default_shape(args.size)
        solvers = ("highs", "cbc") if args.solver == "both" else (args.solver,)
        cases = [(args.size, args.groups or g, args.providers or p, solvers)]
    else:
        cases = [c for c in STANDARD if not args.max_servers or c[0] <= args.max_servers]
    hard = args.hard_timeout or 600 + 4 * args.time_limit
    model = "executable model (team, regions, write rates, packing)" if args.executable \
        else "servers, data and services only"
    print(f"Synthetic inputs (bench/generate.py, seed {args.seed}, {model}); solver time limit "
          f"{args.time_limit:g} s per case, gap {args.gap:g}; {os.cpu_count()} CPUs.\n")
    print(PERF_HEADER, flush=True)
    results = []
    for servers, groups, providers, solvers in cases:
        for solver in solvers:
            case = {"servers": servers, "groups": groups, "providers": providers,
                    "solver": solver, "time_limit": args.time_limit, "gap": args.gap,
                    "seed": args.seed, "executable": args.executable}
            if args.memory_limit_gb:
                case["memory_limit_gb"] = args.memory_limit_gb
            print(f"running {servers} servers with {solver} ...", file=sys.stderr, flush=True)
            result = run_in_subprocess(case, hard)
            results.append(result)
            print(perf_row(result), flush=True)
    print("\nPlanner (P) against the greedy baseline (B, planner/baseline/waves.py; each stack "
          "in one metro where latency is planned):\n")
    print(VS_HEADER)
    for result in results:
        print(vs_row(result))
    print("\n\\* not proven least: the cost phase stopped at its time limit, found nothing, "
          "was not run, or ran on the candidates the plan uses only (planner/solver/search.py); "
          "the "
          "planner's cost is that of its best plan so far. Cost at B's coverage: the least "
          "cost the planner finds serving at least what the greedy plan serves, hour by hour, "
          "against the greedy plan's cost in the same model.")
    for result in results:
        late = result.get("baseline", {}).get("team_overdue")
        if late:
            print(f"\n† {result['servers']:,} servers: the greedy plan's work does not fit the "
                  f"stated team: by hour {late[0]}, {late[1]:,.1f} engineer-hours due against "
                  f"{late[2]:,.1f} had (the planner's plan fits it; the greedy plan should "
                  "too: rule 7 of planner/baseline/waves.py).")
    print("\nWhere the time goes:\n")
    largest = max(r["servers"] for r in results)
    for result in results:
        if result["servers"] == largest:
            print("- " + detail(result))


if __name__ == "__main__":
    main()
