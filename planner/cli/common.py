"""What the commands share: the catalog they read (the shipped layers, then the user's),
today's date, and how a long solve is stopped by Ctrl-C or SIGTERM."""

from __future__ import annotations

import datetime
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from planner.errors import PlannerError
from planner.inputs import loader
from planner.models.catalog import Catalog

T = TypeVar("T")


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


def stopped(exc: KeyboardInterrupt) -> tuple[str, int]:
    """The message and exit code of a Ctrl-C (130) or a SIGTERM (143)."""
    terminated = isinstance(exc, Terminated)
    return (f"{'terminated' if terminated else 'interrupted'}: outputs not written; earlier "
            "ones are untouched", EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)


def interruptible(work: Callable[[], T]) -> T:
    """`work()` (a solve: nothing is written in it) in a thread while this one waits, so
    that Ctrl-C and SIGTERM end the command at once: HiGHS runs in C and keeps Python's
    signal handlers from running until it returns (a long plan was still running 20 s
    after Ctrl-C). On either, the worker processes of a what-if are killed and the
    process exits with 130 or 143 without waiting for the solver; a folder lock, the only
    thing held, is released by the exit."""
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
        for child in multiprocessing.active_children():
            child.kill()
        message, code = stopped(exc)
        click.echo(message, err=True)
        sys.stderr.flush()
        os._exit(code)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]  # type: ignore[return-value]
