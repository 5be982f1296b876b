"""What-if runs: many independent solves, on local processes (one per core) or on a Dask
cluster (shared/design.md, "Scale-out").

Results are in input order and each item is solved alone, with the same solver settings
(one HiGHS thread), so they depend neither on the number of workers nor on where they ran.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from planner import pipeline
from planner.errors import PlannerError
from planner.models.plan import Plan
from planner.solver.highs import use_threads
from planner.whatif.cases import Case

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Settings:
    solver: str = "highs"
    time_limit: float | None = None
    gap: float = 1e-4


@dataclass(frozen=True)
class Executor:
    """Where `run_all` computes: local processes (`workers`, default one per core), or the
    Dask cluster whose scheduler is at `scheduler` (tcp://host:8786), which then decides
    how many run at once."""

    workers: int | None = None
    scheduler: str | None = None
    connect_seconds: float = 10.0  # an unreachable scheduler is an error after this long


# HiGHS threads per case: the cases run side by side, one per core
# (planner.solver.highs.use_threads)
CASE_THREADS = 1

DASK_MISSING = "--scheduler needs the dask extra: pip install 'planner[dask]'"


def _solve(args: tuple[Case, Settings]) -> Plan:
    case, settings = args
    return pipeline.plan(case.inventory, case.catalog, solver=settings.solver,
                         time_limit=settings.time_limit, gap=settings.gap,
                         follow=case.follow).plan


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


# What stops the runs in progress: the CLI waits for a run in another thread
# (planner.cli.common.interruptible), which Ctrl-C cannot interrupt, so it calls these.
_stoppers: list[Callable[[], None]] = []
_stoppers_lock = threading.Lock()


@contextlib.contextmanager
def _stoppable(stop: Callable[[], None]) -> Iterator[None]:
    with _stoppers_lock:
        _stoppers.append(stop)
    try:
        yield
    finally:
        with _stoppers_lock:
            _stoppers.remove(stop)


def stop_all() -> None:
    """Stop every `run_all` in progress in this process: kill its local workers, or cancel
    its tasks on the Dask cluster. Each such run_all then raises. Best effort: a stop that
    fails (a scheduler gone) does not keep the others from running."""
    with _stoppers_lock:
        stoppers = list(_stoppers)
    for stop in stoppers:
        with contextlib.suppress(Exception):
            stop()


def run_all(fn: Callable[[T], R], items: list[T], executor: Executor = Executor(),
            progress: Callable[[int], None] | None = None) -> list[R]:
    """`[fn(x) for x in items]`, in input order, each call with CASE_THREADS HiGHS threads.
    `fn` and the items are pickled to the workers: `fn` must be a module's top-level
    function. `progress(1)` is called as each item finishes. A failure, Ctrl-C or
    `stop_all` ends the run at once (workers killed, cluster tasks cancelled), then the
    exception is raised."""
    if executor.scheduler:
        return _on_dask(fn, items, executor, progress)
    workers = executor.workers or default_workers(len(items))
    if workers == 1 or len(items) <= 1:
        return _in_process(fn, items, progress)
    return _on_processes(fn, items, workers, progress)


def solve_all(cases: list[Case], settings: Settings, workers: int | None = None,
              progress: Callable[[int], None] | None = None,
              scheduler: str | None = None) -> list[Plan]:
    """Plans for `cases`, in order, on `workers` local processes or the Dask cluster at
    `scheduler` (`run_all`). `progress(n)` is called as each one finishes."""
    return run_all(_solve, [(case, settings) for case in cases],
                   Executor(workers=workers, scheduler=scheduler), progress)


def _in_process(fn: Callable[[T], R], items: list[T],
                progress: Callable[[int], None] | None) -> list[R]:
    results = []
    use_threads(CASE_THREADS)  # the same settings as in a worker: the same results
    try:
        for item in items:
            results.append(fn(item))
            progress and progress(1)
    finally:
        use_threads(None)
    return results


def _on_processes(fn: Callable[[T], R], items: list[T], workers: int,
                  progress: Callable[[int], None] | None) -> list[R]:
    # spawn, not fork: a forked child could inherit a solver's threads mid-state.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_start, initargs=(CASE_THREADS, os.getpid()))
    try:
        with _stoppable(lambda: _stop(pool)):
            results = []
            for result in pool.map(fn, items):
                results.append(result)
                progress and progress(1)
    except BaseException:
        _stop(pool)  # an item failed, or Ctrl-C / SIGTERM: no waiting on running solves
        raise
    pool.shutdown()
    return results


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and let it go without waiting (shutdown alone waits for
    the solves running; `_processes` is the executor's map of its workers, the only handle
    on them before Python 3.14's kill_workers)."""
    for process in list((pool._processes or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


_threads_lock = threading.Lock()


def _with_case_threads(item: Any, fn: Callable[[Any], Any]) -> Any:
    """On a Dask worker: the HiGHS settings of a local worker, hence the same results.
    A worker may run several tasks in threads; HiGHS's thread count is per process."""
    with _threads_lock:
        use_threads(CASE_THREADS)
    return fn(item)


def _on_dask(fn: Callable[[T], R], items: list[T], executor: Executor,
             progress: Callable[[int], None] | None) -> list[R]:
    """On the cluster at `executor.scheduler`. A task the cluster has started runs on to
    its end there even when cancelled (Dask cannot interrupt it); its result is dropped."""
    try:
        import distributed
    except ImportError:
        raise PlannerError(DASK_MISSING) from None
    try:
        client = distributed.Client(executor.scheduler, timeout=executor.connect_seconds,
                                    set_as_default=False)
    except (OSError, ValueError) as exc:  # refused, unresolvable, timed out, bad scheme
        raise PlannerError(f"cannot reach the Dask scheduler at {executor.scheduler}: "
                           f"{exc}") from None
    futures: list[Any] = []

    def cancel() -> None:
        client.cancel(list(futures), force=True)  # force: also if another client wants them

    try:
        with _stoppable(cancel):
            # one task per item, in input order (a higher priority runs first): one graph
            # of every item (a drill's 210 cases, 43 MB) makes the client warn it is large
            run = f"planner-{getattr(fn, '__name__', 'run')}-{uuid.uuid4().hex}"
            futures.extend(client.submit(_with_case_threads, item, fn, key=f"{run}-{i}",
                                         priority=-i)
                           for i, item in enumerate(items))
            position = {future.key: i for i, future in enumerate(futures)}
            results: list[Any] = [None] * len(items)
            for future in distributed.as_completed(futures, loop=client.loop):
                results[position[future.key]] = future.result()
                progress and progress(1)
    except BaseException:
        with contextlib.suppress(Exception):  # the error raised is the run's, not this
            cancel()
        raise
    finally:
        with contextlib.suppress(Exception):
            client.close()
    return results
