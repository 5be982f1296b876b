"""Output at the edge: files are written whole or not at all, and nothing that is not a
regular file is ever replaced.

- A regular file (or a new one) gets a temporary file beside it, renamed over it: a reader
  sees the old file or the new one, never half. An existing file keeps its mode.
- A symlink is written through: its target is replaced as above, the link stays.
- A FIFO or a character device (`/dev/stdout`, `/dev/null`) is written to directly.
- Anything else (a folder, a socket, a block device) is refused, and so is an output that is
  one of the command's inputs.
- Files written together (plan.json and runbook.md) are written under an exclusive lock on
  their folder, so two runs into one folder cannot interleave their files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from planner.errors import PlannerError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _existing(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)  # follows symlinks: what a write would reach
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PlannerError(f"cannot write {path}: {exc.strerror or exc}") from None


def check_output(path: Path) -> None:
    """Refuse, before any work, an output path that cannot be written as a file."""
    st = _existing(Path(path))
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)
                               or stat.S_ISCHR(st.st_mode)):
        raise PlannerError(f"{path} is {_kind(st.st_mode)}: not replaced; give a file path")


def check_folder(folder: Path) -> None:
    """Refuse, before any work, an output folder that is not a folder or cannot be written
    (nor made, where it does not exist yet)."""
    folder = Path(folder)
    probe = folder
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    st = _existing(probe)
    if st is None or not stat.S_ISDIR(st.st_mode):
        kind = "missing" if st is None else "a file" if stat.S_ISREG(st.st_mode) \
            else _kind(st.st_mode)
        if probe == folder:
            raise PlannerError(f"-o {folder}: is {kind}, not a folder")
        raise PlannerError(f"-o {folder}: {probe} is {kind}, so the folder cannot be made")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise PlannerError(f"-o {folder}: {probe} is not writable")


def check_not_inputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Refuse to write over one of the command's own inputs (through links too)."""
    inputs = [Path(p) for p in inputs]
    for out in outputs:
        for source in inputs:
            same = os.path.realpath(out) == os.path.realpath(source)
            with contextlib.suppress(OSError):
                same = same or os.path.samefile(out, source)
            if same:
                raise PlannerError(f"{out} is also an input ({source}): not overwritten; "
                                   "give another output path")


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` to `path` as the module docstring says."""
    path = Path(path)
    check_output(path)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    st = _existing(target)
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        _write_stream(path, data)
    else:
        _replace(target, data, None if st is None else stat.S_IMODE(st.st_mode), path)


def _write_stream(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as out:
            out.write(data)
    except OSError as exc:
        raise PlannerError(f"cannot write {path}: {exc.strerror or exc}") from None


def _replace(target: Path, data: bytes, mode: int | None, named: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise PlannerError(f"cannot write {named}: {exc.strerror or exc}") from None
    try:
        # mkstemp makes 0600; a new output is an ordinary file, an old one keeps its mode
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise PlannerError(f"cannot write {named}: {exc.strerror or exc}") from None
        raise


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` (made if missing) while the block runs: another
    planner writing into it waits."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise PlannerError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_together(folder: Path, files: Iterable[tuple[str, str | bytes]]) -> list[Path]:
    """Write `files` (name, content) into `folder` under its lock; their paths."""
    files = list(files)
    paths = [Path(folder) / name for name, _ in files]
    for path in paths:
        check_output(path)
    with folder_lock(folder):
        for path, (_, content) in zip(paths, files):
            write_atomic(path, content)
    return paths
