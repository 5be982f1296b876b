"""Killing `planner plan` mid-run never leaves a partial or corrupt plan.json or runbook.md."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "terminated")])
def test_a_signal_mid_run_keeps_the_previous_outputs(tmp_path, sig, code, word):
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_text("previous plan\n")
    (out / "runbook.md").write_text("previous runbook\n")
    proc = subprocess.Popen([sys.executable, "-m", "planner", "plan",
                             str(ROOT / "inventories" / "parler-2021.yaml"), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
