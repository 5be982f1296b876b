"""`python -m planner` and the `planner` command. Ctrl-C or SIGTERM while the modules are
still loading (a second or more on a slow machine) ends with the CLI's own exit codes and
words (cli/common.stopped), not a traceback: nothing has been written yet."""

import os
import signal
import sys


def _stopped_early(code: int, word: str):
    """At once: nothing is written or held yet, and a plain exit may end on SIGINT again."""
    sys.stderr.write(f"{word}: outputs not written; earlier ones are untouched\n")
    sys.stderr.flush()
    os._exit(code)


def run() -> None:
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:  # as cli/common.catch_signals
        signal.signal(signal.SIGTERM, lambda *_: _stopped_early(143, "terminated"))
    try:
        from planner.cli.main import main
    except KeyboardInterrupt:
        _stopped_early(130, "interrupted")
    main()


if __name__ == "__main__":
    run()
