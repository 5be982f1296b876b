"""What-if runs: cases planned in parallel processes, one per core.

Results are in case order and each case is solved alone, with the same solver settings,
so they do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from planner import pipeline
from planner.models.plan import Plan
from planner.solver.highs import use_threads
from planner.whatif.cases import Case


@dataclass(frozen=True)
class Settings:
    solver: str = "highs"
    time_limit: float | None = None
    gap: float = 1e-4


# HiGHS threads per case: the cases run side by side, one per core
# (planner.solver.highs.use_threads)
CASE_THREADS = 1


def _solve(args: tuple[Case, Settings]) -> Plan:
    case, settings = args
    return pipeline.plan(case.inventory, case.catalog, solver=settings.solver,
                         time_limit=settings.time_limit, gap=settings.gap).plan


def _worker_start(threads: int, parent: int) -> None:
    """In each worker: Ctrl-C is the parent's to handle (a worker interrupted while it
    writes its result to the pool's queue leaves the lock held and the parent waiting on
    it: the reported hang), and a worker whose parent is gone (kill -9) exits by itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    use_threads(threads)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True,
                     name="planner-parent-watch").start()


def _exit_with(parent: int, every_seconds: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every_seconds)
    os._exit(1)  # orphaned: no one will read the result


def default_workers(cases: int) -> int:
    return max(1, min(cases, os.cpu_count() or 1))


def solve_all(cases: list[Case], settings: Settings, workers: int | None = None,
              progress: Callable[[int], None] | None = None) -> list[Plan]:
    """Plans for `cases`, in order. `progress(n)` is called as each one finishes."""
    workers = workers or default_workers(len(cases))
    jobs = [(case, settings) for case in cases]
    if workers == 1 or len(cases) == 1:
        plans = []
        use_threads(CASE_THREADS)  # the same settings as in a worker: the same plans
        try:
            for job in jobs:
                plans.append(_solve(job))
                progress and progress(1)
        finally:
            use_threads(None)
        return plans
    # spawn, not fork: a forked child could inherit a solver's threads mid-state.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_start, initargs=(CASE_THREADS, os.getpid()))
    try:
        plans = []
        for plan in pool.map(_solve, jobs):
            plans.append(plan)
            progress and progress(1)
    except BaseException:
        _stop(pool)  # a case failed, or Ctrl-C / SIGTERM: no waiting on running solves
        raise
    pool.shutdown()
    return plans


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and let it go without waiting (shutdown alone waits for
    the solves running; `_processes` is the executor's map of its workers, the only handle
    on them before Python 3.14's kill_workers)."""
    for process in list((pool._processes or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
