"""Benchmark: `planner stress` on the 2021 case, 1,000 sampled refusal scenarios of the plan
as it stands, on local processes and on a 2-worker local Dask cluster (when the dask extra
is installed). Prints, for each, the wall time of the sampling and evaluation (the plan is
made once, before), scenarios per second per worker, the figures (P10/P50/P90 of users
served at the deadline and to the horizon), and whether the two reports are identical; with
--hedge also the hedged plan. Figures are printed, never asserted.

Run: `python bench/stress_2021.py [--samples N] [--workers N] [--hedge]`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from planner.inputs import loader
from planner.whatif import stress
from planner.whatif.runs import Executor, Settings, run_all, solve_all

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "inventories" / "parler-2021.yaml"


def _report(cases, plans, samples: int, executor: Executor):
    policy = stress.sampling_policy(plans[0], None)
    started = time.perf_counter()
    outcomes = stress.evaluated(plans, policy, samples,
                                lambda fn, items: run_all(fn, items, executor))
    wall = time.perf_counter() - started
    results = [(case.name, plan, mine) for case, plan, mine in zip(cases, plans, outcomes)]
    return stress.stress(plans[0], policy, samples, "evaluate", results), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hedge", action="store_true")
    args = parser.parse_args()
    inventory = loader.load_inventory(INVENTORY)
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    cases = stress.plan_cases(inventory, catalog, {}, args.hedge)
    started = time.perf_counter()
    plans = solve_all(cases, Settings(), args.workers)
    plan_seconds = time.perf_counter() - started
    runs = [("local processes", Executor(workers=args.workers), None)]
    try:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        runs.append(("local Dask cluster", Executor(scheduler=cluster.scheduler_address),
                     cluster))
    except ImportError:
        print("dask is not installed (pip install -e '.[dask]'): local processes only")
    print(f"plans: {len(plans)} in {plan_seconds:.1f} s ({args.workers} workers)")
    print("| where | scenarios | workers | wall s | scenarios per s per worker "
          "| plan | users at deadline P10/P50/P90 | users to horizon P10/P50/P90 |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |")
    reports = []
    for where, executor, cluster in runs:
        report, wall = _report(cases, plans, args.samples, executor)
        reports.append(report.model_dump_json())
        for d in report.plans:
            a, h = d.users_at_deadline, d.users_over_horizon
            print(f"| {where} | {args.samples:,} | {args.workers} | {wall:.2f} "
                  f"| {args.samples * len(plans) / wall / args.workers:,.0f} | {d.label} "
                  f"| {a.p10:.3f} / {a.p50:.3f} / {a.p90:.3f} "
                  f"| {h.p10:.3f} / {h.p50:.3f} / {h.p90:.3f} |")
        if cluster is not None:
            cluster.close()
    if len(reports) > 1:
        print(f"reports identical: {len(set(reports)) == 1}")


if __name__ == "__main__":
    main()
