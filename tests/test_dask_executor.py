"""Many solves on a Dask cluster (issue 24, shared/design.md "Scale-out"): the same results,
in the same order, as on local processes; an error that says what is missing or unreachable
instead of a traceback; a failing task or a stop cancels the rest on the cluster."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import distributed  # the test extra installs it: these tests never skip
import pytest
import yaml
from click.testing import CliRunner

from planner.cli.main import main
from planner.errors import PlannerError
from planner.whatif import runs
from planner.whatif.runs import Executor, run_all, stop_all
from tests.builders import catalog_dict, inventory_dict

UNREACHABLE = "tcp://127.0.0.1:1"  # port 1: nothing listens there


@pytest.fixture(scope="module")
def scheduler():
    """A local cluster of two worker processes, one thread each (as the README advises),
    for the whole module; its address."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address="127.0.0.1:0") as cluster:
        yield cluster.scheduler_address


def square_or_fail(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * x


def late_first(item: tuple[str, int, int]) -> int:
    """The first item finishes only after the last one (or 20 s, should both land on one
    worker): results that came back in finishing order would be out of input order."""
    path, x, last = item
    if x == 0:
        deadline = time.monotonic() + 20
        while not Path(path).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    if x == last:
        Path(path).touch()
    return x * x


def highs_threads(_: object) -> int:
    """The thread count a HiGHS model made by this process's planner gets."""
    import highspy

    from planner.solver.highs import configure

    highs = highspy.Highs()
    configure(highs)
    return highs.getOptionValue("threads")[1]


def wait_for_file(path: str) -> str:
    """Runs until `path` exists: a task that is still running when the test stops it."""
    Path(path + ".started").touch()
    while not Path(path).exists():
        time.sleep(0.05)
    return path


def test_run_all_gives_the_local_results_in_input_order(scheduler, tmp_path):
    items = [(str(tmp_path / "last-done"), x, 6) for x in range(7)]
    finished = []
    on_dask = run_all(late_first, items, Executor(scheduler=scheduler), finished.append)
    assert on_dask == [x * x for x in range(7)]
    assert finished == [1] * len(items)
    values = [5, 3, 8, 1, 0, 7, 2]
    assert run_all(square_or_fail, values, Executor(scheduler=scheduler)) == \
        run_all(square_or_fail, values, Executor(workers=1)) == [x * x for x in values]


def test_a_task_on_the_cluster_solves_with_the_local_solver_settings(scheduler):
    """One HiGHS thread per solve, as on a local worker: the same plans."""
    assert run_all(highs_threads, [0, 1, 2], Executor(scheduler=scheduler)) == \
        run_all(highs_threads, [0], Executor(workers=1)) * 3 == [runs.CASE_THREADS] * 3


def _compare_files(tmp_path: Path, name: str, args: list[str], env: dict) -> dict[str, bytes]:
    inv, cat, later = tmp_path / "inv.yaml", tmp_path / "cat.yaml", tmp_path / "later.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    later.write_text("name: later\ndeadline_hours: 36\n")
    out = tmp_path / name
    result = CliRunner(env=env).invoke(main, ["compare", str(inv), "--no-default-catalog",
                                              "-c", str(cat), "-s", str(later), "-o", str(out),
                                              "-q", *args])
    assert result.exit_code == 0, result.output
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_compare_writes_the_same_bytes_on_dask_as_on_local_processes(tmp_path, scheduler):
    local = _compare_files(tmp_path, "local", ["--workers", "2"],
                           {"PLANNER_DASK_SCHEDULER": ""})
    by_flag = _compare_files(tmp_path, "flag", ["--scheduler", scheduler], {})
    by_env = _compare_files(tmp_path, "env", [], {"PLANNER_DASK_SCHEDULER": scheduler})
    assert {"comparison.json", "comparison.md", "plans/later.json"} <= set(local)
    assert by_flag == local and by_env == local


def test_without_dask_installed_the_scheduler_is_an_error_saying_how_to_get_it(
        monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(PlannerError, match=r"pip install 'planner\[dask\]'"):
        run_all(square_or_fail, [1, 2], Executor(scheduler="tcp://127.0.0.1:8786"))
    inv = tmp_path / "inv.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    result = CliRunner().invoke(main, ["sweep", str(inv), "--no-default-catalog", "-c",
                                       str(_catalog(tmp_path)), "--param",
                                       "deadline_hours=12,24", "--scheduler",
                                       "tcp://127.0.0.1:8786",
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--scheduler needs the dask extra: pip install 'planner[dask]'" in result.output


@pytest.mark.parametrize("address, words", [
    (UNREACHABLE, "Timed out trying to connect"),
    ("nonsense://host:8786", "unknown address scheme"),
])
def test_a_scheduler_that_cannot_be_reached_is_an_error_naming_it(address, words):
    with pytest.raises(PlannerError, match=f"cannot reach the Dask scheduler at {address}: "
                                           f".*{words}"):
        run_all(square_or_fail, [1, 2], Executor(scheduler=address, connect_seconds=0.5))


def test_the_command_line_reports_a_bad_scheduler_in_one_line(tmp_path):
    inv = tmp_path / "inv.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    result = CliRunner().invoke(main, ["drill", str(inv), "--no-default-catalog", "-c",
                                       str(_catalog(tmp_path)), "--scheduler",
                                       "nonsense://host:8786", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("error: cannot reach the Dask scheduler at "
                                    "nonsense://host:8786"), result.output
    assert not (tmp_path / "out").exists()


def _catalog(tmp_path: Path) -> Path:
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(catalog_dict()))
    return path


class _CancelSpy:
    """Records what run_all cancels on the cluster, then cancels it."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple[set, bool]] = []
        cancel = distributed.Client.cancel

        def spy(client, futures, *args, force=False, **kw):
            self.calls.append(({f.key for f in futures}, force))
            return cancel(client, futures, *args, force=force, **kw)

        monkeypatch.setattr(distributed.Client, "cancel", spy)


def test_a_failing_task_cancels_the_others_and_its_error_is_raised(scheduler, monkeypatch):
    spy = _CancelSpy(monkeypatch)
    items = [1, 2, -3, 4, 5, 6, 7, 8]
    with pytest.raises(ValueError, match="negative: -3"):
        run_all(square_or_fail, items, Executor(scheduler=scheduler))
    assert spy.calls and spy.calls[0][1] is True
    assert len(spy.calls[0][0]) == len(items)  # every task, not only the ones not yet run
    with distributed.Client(scheduler, set_as_default=False) as client:
        left = client.run_on_scheduler(
            lambda dask_scheduler: [k for k in dask_scheduler.tasks if "square" in str(k)])
    assert left == []
    assert run_all(square_or_fail, [2, 3], Executor(scheduler=scheduler)) == [4, 9]


def test_stop_all_cancels_a_run_on_the_cluster(scheduler, tmp_path, monkeypatch):
    """What Ctrl-C does (planner.cli.common.interruptible): the run ends at once, its
    tasks cancelled, though the solves running on the cluster cannot be interrupted."""
    spy = _CancelSpy(monkeypatch)
    release = tmp_path / "release"
    items = [str(release)] * 4  # two run, two wait for a worker
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            run_all(wait_for_file, items, Executor(scheduler=scheduler))
        except BaseException as exc:  # noqa: BLE001 - looked at below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        while not Path(str(release) + ".started").exists():
            thread.join(0.05)
            assert thread.is_alive(), outcome
        stop_all()
        thread.join(60)
        assert not thread.is_alive(), "still running after stop_all"
    finally:
        release.touch()  # the workers' running tasks end, for the next tests
    assert isinstance(outcome.get("error"), distributed.client.FutureCancelledError), outcome
    assert spy.calls and len(spy.calls[0][0]) == len(items) and spy.calls[0][1] is True
