"""Ctrl-C and SIGTERM end every command at once, and never leave partial outputs (issue 18,
item 2): exit 130 or 143 within a few seconds, one line on stderr and no traceback, no
worker process left, the previous outputs untouched; a what-if whose parent is killed
outright leaves no worker behind either. Each test runs the real command line and
signals it mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PARLER = ROOT / "inventories" / "parler-2021.yaml"
PATIENCE_SECONDS = 60  # for a slow machine to reach the solve; the exit itself is timed


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def _default_signals() -> None:
    """In the child before it runs: Ctrl-C as at a terminal, even when these tests run as a
    shell's background job (SIGINT ignored, which the command rightly keeps)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: list[str], cwd: Path, workers: int) -> tuple[subprocess.Popen, list[int]]:
    """The command, once it runs `workers` worker processes (and 2 s more: mid-solve)."""
    proc = subprocess.Popen([sys.executable, "-m", "planner", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=_default_signals,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    started = time.monotonic()
    while len(_children(proc.pid)) < workers and time.monotonic() - started < PATIENCE_SECONDS:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(2)
    assert proc.poll() is None, "finished before it could be interrupted"
    return proc, _children(proc.pid)


def _stopped(proc: subprocess.Popen, kids: list[int], code: int, out: Path) -> None:
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("still running 20 s after the signal")
    assert proc.returncode == code, err
    assert "Traceback" not in err.decode() and "Warning" not in err.decode(), err
    if code > 0:
        assert err.decode().strip().splitlines()[-1].startswith(
            "interrupted" if code == 130 else "terminated"), err
    deadline = time.monotonic() + 5
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [k for k in kids if _alive(k)], "worker processes left behind"
    assert not out.exists() or not any(out.iterdir()), "something was written"


def _sweep(tmp_path: Path) -> list[str]:
    return ["sweep", str(PARLER), "--param", "deadline_hours=12,24,36,48,60",
            "-o", str(tmp_path / "out"), "-q", "--workers", "2"]


def test_ctrl_c_stops_a_sweep_and_its_workers(tmp_path):
    proc, kids = _start(_sweep(tmp_path), tmp_path, workers=2)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
    _stopped(proc, kids, 130, tmp_path / "out")


def test_sigterm_to_the_parent_alone_stops_a_drill_and_its_workers(tmp_path):
    args = ["drill", str(PARLER), "-k", "2", "-o", str(tmp_path / "out"), "-q",
            "--workers", "2"]
    proc, kids = _start(args, tmp_path, workers=2)
    os.kill(proc.pid, signal.SIGTERM)
    _stopped(proc, kids, 143, tmp_path / "out")


def test_workers_leave_with_a_parent_killed_outright(tmp_path):
    proc, kids = _start(_sweep(tmp_path), tmp_path, workers=2)
    os.kill(proc.pid, signal.SIGKILL)
    _stopped(proc, kids, -signal.SIGKILL, tmp_path / "nothing")


def test_ctrl_c_stops_a_single_plan_while_the_solver_runs(tmp_path):
    """HiGHS runs in C and held Python's signal handler off until it returned: this plan
    was still running 20 s after Ctrl-C."""
    inventory = yaml.safe_load(PARLER.read_text())
    inventory["horizon_hours"] = 2000  # a solve of tens of seconds
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(inventory))
    proc, kids = _start(["plan", str(path), "-o", str(tmp_path / "out")], tmp_path, workers=0)
    os.killpg(proc.pid, signal.SIGINT)
    _stopped(proc, kids, 130, tmp_path / "out")


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "terminated")])
def test_a_signal_mid_run_keeps_the_previous_outputs(tmp_path, sig, code, word):
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_text("previous plan\n")
    (out / "runbook.md").write_text("previous runbook\n")
    proc = subprocess.Popen([sys.executable, "-m", "planner", "plan",
                             str(ROOT / "inventories" / "parler-2021.yaml"), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals)
    time.sleep(1.5)  # inside loading or solving
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    if proc.returncode == 0:  # finished before the signal: then the outputs are whole
        assert (out / "plan.json").read_text().startswith("{")
        return
    assert proc.returncode == code, stderr
    assert word in stderr and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert (out / "plan.json").read_text() == "previous plan\n"
    assert (out / "runbook.md").read_text() == "previous runbook\n"
    assert sorted(p.name for p in out.iterdir()) == ["plan.json", "runbook.md"]


def test_a_ctrl_c_a_library_wrapped_still_ends_as_stopped(tmp_path, monkeypatch):
    """pydantic reports a Ctrl-C inside a serializer as a PydanticSerializationError (a CI
    run ended in exit 3, "internal error", so): a signal received ends the command as
    stopped whatever error it surfaces as. Without a signal the same error is a bug."""
    from click.testing import CliRunner

    from planner.cli import common
    from planner.cli.main import main
    from planner.inputs import loader

    def wrapped_ctrl_c(path):
        try:
            common.on_signal(signal.SIGINT, None)
        except KeyboardInterrupt as exc:
            raise ValueError("Error calling function: KeyboardInterrupt") from exc

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.setattr(common, "_received", [])
    monkeypatch.setattr(loader, "load_inventory", wrapped_ctrl_c)
    out = tmp_path / "out"
    try:
        result = CliRunner().invoke(main, ["plan", str(PARLER), "-o", str(out)])
        assert result.exit_code == 130, result.output
        assert "interrupted" in result.output and "internal error" not in result.output
        monkeypatch.setattr(common, "_received", [])
        monkeypatch.setattr(loader, "load_inventory",
                            lambda path: (_ for _ in ()).throw(ValueError("plain bug")))
        result = CliRunner().invoke(main, ["plan", str(PARLER), "-o", str(out)])
        assert result.exit_code == 3 and "internal error" in result.output, result.output
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert not out.exists() or not list(out.iterdir())


def test_a_signal_the_process_was_started_ignoring_stays_ignored():
    """A background job of a shell (or `nohup`) starts with SIGINT ignored: the command
    keeps that, and catches only what was not ignored."""
    from planner.cli import common

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        common.catch_signals()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is common.on_signal
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
