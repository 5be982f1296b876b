"""Nothing is destroyed: outputs go through symlinks to their targets, into FIFOs and
character devices as streams, never over a folder or a command's own input; an existing
file keeps its mode; an unusable -o is refused before any solving; files written together
are written under the folder's lock (issue 18, item 1)."""

from __future__ import annotations

import fcntl
import os
import stat
import threading
import time

import pytest
import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.cli.main import main
from planner.cli.writers import folder_lock, write_atomic, write_together
from planner.errors import PlannerError
from tests.builders import catalog_dict, inventory_dict


@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan")
    inv, cat = tmp / "inv.yaml", tmp / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    result = CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "-o", str(tmp / "out"), "-q"])
    assert result.exit_code == 0, result.output
    return tmp / "out" / "plan.json"


def _render(plan_file, output):
    return CliRunner().invoke(main, ["render", str(plan_file), "-o", str(output)])


def _device(tmp_path, name, minor):
    """A character device node of our own (1, minor: 3 is null, 7 is full), so that a bug
    here could never replace the machine's /dev/null."""
    path = tmp_path / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node needs root (CI runs as root)")
    return path


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path, saved_plan):
    target = tmp_path / "real" / "runbook.md"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "runbook.md"
    link.symlink_to(target)
    assert _render(saved_plan, link).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("# Exit plan")
    assert not list(target.parent.glob(".*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_a_fifo_gets_the_text_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(10)
    assert got == ["through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_character_device_is_written_not_replaced(tmp_path, saved_plan):
    null = _device(tmp_path, "null", 3)
    assert _render(saved_plan, null).exit_code == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_a_full_device_is_an_error_and_stays_a_device(tmp_path, saved_plan):
    full = _device(tmp_path, "full", 7)
    result = _render(saved_plan, full)
    assert result.exit_code == 1 and "cannot write" in result.output
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_a_folder_is_refused_and_left_alone(tmp_path, saved_plan):
    folder = tmp_path / "docs"
    (folder / "keep").mkdir(parents=True)
    result = _render(saved_plan, folder)
    assert result.exit_code == 1 and "is a folder" in result.output
    assert (folder / "keep").is_dir()


def test_an_input_is_never_an_output(tmp_path, saved_plan):
    copy = tmp_path / "x.json"
    copy.write_bytes(saved_plan.read_bytes())
    before = copy.read_bytes()
    result = _render(copy, copy)
    assert result.exit_code == 1 and "also an input" in result.output
    assert copy.read_bytes() == before


def test_plan_refuses_to_write_over_its_inventory(tmp_path, monkeypatch):
    same = tmp_path / "same"
    same.mkdir()
    inv = same / "plan.json"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat = tmp_path / "cat.yaml"
    cat.write_text(yaml.safe_dump(catalog_dict()))
    before = inv.read_bytes()
    monkeypatch.setattr(pipeline, "plan", lambda *a, **k: pytest.fail("solved anyway"))
    result = CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "-o", str(same)])
    assert result.exit_code == 1 and "also an input" in result.output
    assert inv.read_bytes() == before


@pytest.mark.parametrize("make", ["file", "file_on_the_way"])
def test_an_unusable_output_folder_is_refused_before_solving(tmp_path, monkeypatch, make):
    inv, cat = tmp_path / "inv.yaml", tmp_path / "cat.yaml"
    inv.write_text(yaml.safe_dump(inventory_dict(horizon=60)))
    cat.write_text(yaml.safe_dump(catalog_dict()))
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    output = blocker if make == "file" else blocker / "out"
    monkeypatch.setattr(pipeline, "plan", lambda *a, **k: pytest.fail("solved anyway"))
    result = CliRunner().invoke(main, ["plan", str(inv), "--no-default-catalog", "-c", str(cat),
                                       "-o", str(output)])
    assert result.exit_code == 1 and f"-o {output}" in result.output
    assert blocker.read_text() == "a file"


def test_an_existing_file_keeps_its_mode(tmp_path, saved_plan):
    out = tmp_path / "runbook.md"
    out.write_text("old")
    out.chmod(0o600)
    assert _render(saved_plan, out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_text() != "old"


def test_a_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


def test_files_written_together_wait_for_the_folders_lock(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another run is writing its pair
    writer = threading.Thread(target=write_together,
                              args=(folder, [("plan.json", "{}\n"), ("runbook.md", "# x\n")]),
                              daemon=True)
    writer.start()
    time.sleep(0.3)
    assert not (folder / "plan.json").exists()  # waits: no file of this run in between
    os.close(fd)
    writer.join(10)
    assert (folder / "plan.json").read_text() == "{}\n" and (folder / "runbook.md").exists()


def test_the_lock_is_released_after_an_error(tmp_path):
    folder = tmp_path / "out"
    (folder / "runbook.md").mkdir(parents=True)  # the second file cannot be written
    with pytest.raises(PlannerError, match="is a folder"):
        write_together(folder, [("plan.json", "{}\n"), ("runbook.md", "# x\n")])
    assert not (folder / "plan.json").exists()  # checked before the first write
    with folder_lock(folder):
        pass
