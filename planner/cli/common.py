"""What the commands share: the catalog they read (the shipped layers, then the user's),
today's date, where many solves run (local processes or a Dask cluster), and how a long
solve is stopped by Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import datetime
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from planner.errors import PlannerError
from planner.inputs import loader
from planner.models.catalog import Catalog
from planner.whatif.runs import Executor, run_all, stop_all

T = TypeVar("T")
R = TypeVar("R")


def load_catalog(paths: tuple[Path, ...], no_default: bool) -> Catalog:
    """The shipped catalog (unless `no_default`) with the `-c` layers over it, in order."""
    layers = ([] if no_default else loader.shipped_catalog_paths()) + list(paths)
    if not layers:
        raise PlannerError("no catalog: give -c FILE or drop --no-default-catalog")
    return loader.load_catalog(layers)


def today() -> str:
    """Today in UTC, YYYY-MM-DD: the decision date of an inventory that gives none."""
    return datetime.datetime.now(datetime.UTC).date().isoformat()


EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that half-written files are cleaned up."""


_received: list[KeyboardInterrupt] = []


def on_signal(signum, frame) -> None:
    """The handler of SIGINT and SIGTERM: raise KeyboardInterrupt (Terminated for SIGTERM)
    and remember it. A library may turn it into an error of its own (pydantic reports a
    Ctrl-C inside a serializer as a PydanticSerializationError), and the command must
    still end as stopped, not as a bug: see `received`."""
    exc = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    _received.append(exc)
    raise exc


def catch_signals() -> None:
    """`on_signal` for SIGINT and SIGTERM, except one this process was started ignoring
    (a background job of a shell, `nohup`): that was asked for and is kept."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, on_signal)


def received() -> KeyboardInterrupt | None:
    """The signal this process received through `on_signal`, if any (the first)."""
    return _received[0] if _received else None


def stopped(exc: KeyboardInterrupt) -> tuple[str, int]:
    """The message and exit code of a Ctrl-C (130) or a SIGTERM (143)."""
    terminated = isinstance(exc, Terminated)
    return (f"{'terminated' if terminated else 'interrupted'}: outputs not written; earlier "
            "ones are untouched", EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)


def interruptible(work: Callable[[], T]) -> T:
    """`work()` (a solve: nothing is written in it) in a thread while this one waits, so
    that Ctrl-C and SIGTERM end the command at once: HiGHS runs in C and keeps Python's
    signal handlers from running until it returns (a long plan was still running 20 s
    after Ctrl-C). On either, the worker processes of a what-if are killed (its tasks on a
    Dask cluster cancelled) and the process exits with 130 or 143 without waiting for the
    solver; a folder lock, the only thing held, is released by the exit."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread as it is
            result["error"] = exc

    thread = threading.Thread(target=run, name="planner-solve", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.1)
    except KeyboardInterrupt as exc:
        _stop_runs()
        for child in multiprocessing.active_children():
            child.kill()
        message, code = stopped(exc)
        click.echo(message, err=True)
        sys.stderr.flush()
        os._exit(code)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]  # type: ignore[return-value]


def _stop_runs(patience_seconds: float = 5) -> None:
    """`stop_all`, waited for a few seconds at most: cancelling tasks on a Dask cluster
    is a call to its scheduler, which may be slow or gone, and Ctrl-C must end the command
    now (the scheduler drops the tasks of a client that left anyway)."""
    stopper = threading.Thread(target=stop_all, name="planner-stop", daemon=True)
    stopper.start()
    with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: exit without waiting
        stopper.join(patience_seconds)


def executor_options(command):
    """`--workers` and `--scheduler` (or PLANNER_DASK_SCHEDULER): where a command's many
    solves run. The command receives `workers` and `scheduler`; see `executor_from`."""
    for option in reversed([
        click.option("--workers", type=click.IntRange(1, 64),
                     help="Solves at once on local processes (default: one per core)."),
        click.option("--scheduler", envvar="PLANNER_DASK_SCHEDULER", show_envvar=True,
                     metavar="ADDRESS",
                     help="Dask scheduler address (tcp://host:8786); default: local "
                          "processes."),
    ]):
        command = option(command)
    return command


def executor_from(workers: int | None, scheduler: str | None) -> Executor:
    """The Executor the `executor_options` ask for (an empty PLANNER_DASK_SCHEDULER is
    unset: local processes)."""
    return Executor(workers=workers, scheduler=scheduler or None)


def with_progress(total: int, label: str, quiet: bool,
                  work: Callable[[Callable[[int], None] | None], T]) -> T:
    """`work(step)` under `interruptible`; `step(n)` moves a progress bar of `total` on a
    terminal's stderr (None when `quiet` or not a terminal: nothing to draw on)."""
    show = not quiet and sys.stderr.isatty()
    bar = click.progressbar(length=total, label=label, file=sys.stderr) if show \
        else contextlib.nullcontext()
    with bar as progress:
        step = progress.update if show else None
        return interruptible(lambda: work(step))


def run_with_progress(fn: Callable[[T], R], items: list[T], executor: Executor, label: str,
                      quiet: bool = False) -> list[R]:
    """`run_all(fn, items, executor)` with a progress bar, stopped by Ctrl-C."""
    return with_progress(len(items), label, quiet,
                         lambda step: run_all(fn, items, executor, step))
