"""Benchmark: 50 what-if scenarios of the 2021 case, as `planner drill` and `planner sweep`
run them: each provider the base plan uses refuses (23 cases), and the deadline from 8 to 60
hours in steps of 2 (27 cases). Prints the wall time (base plan included), the time per
scenario and worker, the statuses and the worst coverage gap, and what the plans are worth
(servers serving at the deadline, monthly cost, summed over the scenarios), so that a
faster solve that returns dearer or thinner plans shows here; figures are printed, never
asserted.

Run: `python bench/whatif_2021.py [--workers N] [--time-limit S] [--slowest K]` (default:
one worker per core, no time limit: each case proven within the gap, as `planner drill` and
`planner sweep` run by default; with S, each case's solve stops after S seconds, as their
--time-limit). With K, the cases are solved once more, one HiGHS thread each as in the run,
and the K slowest are listed with the seconds of each stage (pipeline.Run.seconds): where
the time goes, which a plan never records (its outputs are byte-identical run to run).
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from planner import pipeline
from planner.inputs import loader
from planner.solver.highs import use_threads
from planner.whatif import drills
from planner.whatif.cases import sweep_cases
from planner.whatif.runs import CASE_THREADS, Settings, default_workers, solve_all

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "inventories" / "parler-2021.yaml"
DEADLINES = "deadline_hours=8:60:2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per case's solve (default: none)")
    parser.add_argument("--slowest", type=int, default=0, metavar="K",
                        help="then list the K slowest cases, stage by stage")
    args = parser.parse_args()
    started = time.perf_counter()
    inventory = loader.load_inventory(INVENTORY)
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    base = pipeline.plan(inventory, catalog).plan
    cases = drills.drill_cases(inventory, catalog, base, 1)
    cases += sweep_cases(inventory, catalog, DEADLINES)[1]
    plans = solve_all(cases, Settings(time_limit=args.time_limit), args.workers)
    wall = time.perf_counter() - started
    workers = args.workers or default_workers(len(cases))
    gaps = [p.solver.phases[0].gap or 0.0 for p in plans]
    statuses = sorted({p.status for p in plans})
    servers = sum(p.servers_at_deadline for p in plans)
    monthly = sum(p.costs.monthly_total for p in plans)
    print("| scenarios | workers | wall s (base plan included) | s per scenario per worker "
          "| statuses | worst phase-1 gap | servers at the deadline, sum | monthly cost, sum |")
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    print(f"| {len(cases)} | {workers} | {wall:.1f} | {wall * workers / len(cases):.2f} "
          f"| {', '.join(statuses)} | {max(gaps):.1e} | {servers:,} | {monthly:,.0f} |")
    if args.slowest:
        _slowest(cases, args.time_limit, workers, args.slowest)


def _timed(case, time_limit):
    """One case as solve_all runs it (one HiGHS thread), with its seconds."""
    use_threads(CASE_THREADS)
    started = time.perf_counter()
    run = pipeline.plan(case.inventory, case.catalog, time_limit=time_limit,
                        follow=case.follow)
    return case.name, time.perf_counter() - started, run.seconds


def _slowest(cases, time_limit, workers: int, k: int) -> None:
    with ProcessPoolExecutor(workers) as pool:
        timed = list(pool.map(_timed, cases, [time_limit] * len(cases)))
    stages = sorted({stage for _, _, seconds in timed for stage in seconds})
    print(f"\n| case (the {k} slowest of {len(cases)}) | s | " + " | ".join(stages) + " |")
    print("| --- | ---: |" + " ---: |" * len(stages))
    for name, wall, seconds in sorted(timed, key=lambda row: -row[1])[:k]:
        print(f"| {name} | {wall:.1f} | "
              + " | ".join(f"{seconds.get(stage, 0.0):.1f}" for stage in stages) + " |")


if __name__ == "__main__":
    main()
