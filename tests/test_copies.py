"""The runbook's data copies (issue 25): each group copied by its engine's own tools over
the shard-to-host map, in parallel streams sized to the plan's rate, with checks that can
pass; every block parses and is shellcheck-clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner import pipeline
from planner.inputs.planfile import load_plan
from planner.models import Catalog, Inventory
from planner.models.groups import WorkloadGroup
from planner.models.plan import Plan
from planner.report.render import render_runbook
from planner.report.shell.data import STREAM_GBPS, src_var, streams_for
from tests.builders import catalog_dict, inventory_dict
from tests.shell_checks import bash_syntax_errors, shellcheck_findings
from tests.test_cli_flags import undocumented
from tests.test_runbook_golden import code_blocks, lint

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_PLAN = ROOT / "tests" / "golden" / "plan-parler-2021.json"
ENGINES_2021 = {"database-primary": "postgresql", "database-replica": "postgresql",
                "search": "elasticsearch"}


def _with_engines(plan: Plan, engines: dict[str, str]) -> Plan:
    groups = [g.model_copy(update={"engine": engines[g.name]}) if g.name in engines else g
              for g in plan.inventory.groups]
    return plan.model_copy(update={"inventory": plan.inventory.model_copy(
        update={"groups": groups})})


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else len(text)]


def _data_blocks(text: str) -> list[str]:
    return [block for title in ("Data copy", "Verification")
            for block in code_blocks(_section(text, title), ("sh", "bash"))]


@pytest.fixture(scope="module")
def runbook_2021() -> str:
    return render_runbook(_with_engines(load_plan(GOLDEN_PLAN), ENGINES_2021))


def _assert_clean(blocks: list[str]) -> None:
    assert blocks
    for block in blocks:
        assert bash_syntax_errors(block) == "", block
        assert shellcheck_findings(block) == [], block


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_2021_data_copy_and_verification_blocks_parse_and_are_shellcheck_clean(
        runbook_2021):
    _assert_clean(_data_blocks(runbook_2021))


def test_the_2021_primaries_are_base_backups_streaming_until_promoted(runbook_2021):
    copy = _section(runbook_2021, "Data copy")
    # a base backup written as a standby (-R), WAL streamed, a slot on the source
    assert copy.count("pg_basebackup -h \"$2\"") == 4  # 2 primaries' and 2 replicas' copies
    assert "-X stream -c fast -P -R -w -C -S" in copy
    assert "rsync -a" not in copy  # no file copy of a database
    # each block writes its part of the map and requires the source addresses it names
    assert "cat > shards-database-primary-linode.txt <<'EOF'" in copy
    assert "3 SRC_DATABASE_PRIMARY_3 database-primary-linode-1" in copy
    assert ': "${SRC_DATABASE_PRIMARY_3:?set SRC_DATABASE_PRIMARY_3 to' in copy
    # the replicas come from the new primary of their shard, by its ~/.ssh/config address
    assert "1 database-primary-hetzner-cloud-1 database-replica-linode-1" in copy
    assert "addr_of \"$source\"" in copy
    # the map table names the source of each shard
    assert "| `database-primary` | 3 | `database-primary-linode-1` | `$SRC_DATABASE_PRIMARY_3` |" \
        in copy
    # promotion at the cut-off, only when caught up
    assert "SELECT pg_promote()" in copy and "NOT promoted" in copy
    check = _section(runbook_2021, "Verification")
    assert "IDENTIFY_SYSTEM" in check and "pg_last_wal_replay_lsn()" in check
    assert "--checksum" not in check  # no file check of a live database


def test_the_2021_streams_follow_the_plans_rate(runbook_2021):
    # 2,000 GB in one hour is 4.4 Gbit/s: 5 streams of 1 Gbit/s, two servers take one each
    assert STREAM_GBPS == 1.0
    assert "**2 streams at a time**: the plan copies at up to 4.4 Gbit/s" in runbook_2021
    assert "xargs -P 2 -n 2 bash -c 'copy_one \"$@\"' _" in runbook_2021
    assert "take about 2.2 h, not the plan's 1" in runbook_2021


@pytest.mark.parametrize("peak, hosts, streams", [
    (4.4, 2, 2), (0.3, 5, 1), (0.0, 3, 1), (2.5, 10, 3), (3.0, 10, 3), (30.0, 12, 12)])
def test_streams_carry_the_peak_rate_one_per_server_at_most(peak, hosts, streams):
    assert streams_for(peak, hosts) == streams


def test_source_variables_are_shell_names():
    assert src_var("database-primary", 3) == "SRC_DATABASE_PRIMARY_3"
    assert src_var("Search (posts) ü", 12) == "SRC_SEARCH_POSTS_12"


def test_a_group_without_an_engine_serializes_as_before():
    group = WorkloadGroup(name="db", count=2, vcpu=4, ram_gb=8, data_gb=10)
    assert "engine" not in group.model_dump()
    assert group.model_copy(update={"engine": "postgresql"}).model_dump()["engine"] == \
        "postgresql"


CATALOG = Catalog.model_validate(catalog_dict())


def _small_plan(engine: str | None, replica: bool = False) -> Plan:
    data = inventory_dict(horizon=60, survive=0, max_share=1.0)
    data["groups"][1].update(engine=engine, write_gb_per_hour=20, cutover="replicate")
    if replica:
        data["groups"].append({"name": "replica", "count": 4, "vcpu": 16, "ram_gb": 64,
                               "disk_gb": 300, "data_gb": 2000, "data_from": "db",
                               "engine": engine, "tier": 1})
    return pipeline.plan(Inventory.model_validate(data), CATALOG).plan


@pytest.fixture(scope="module")
def small_runbooks() -> dict:
    return {engine: render_runbook(_small_plan(engine, replica=engine in (None, "postgresql")))
            for engine in (None, "postgresql", "mysql", "mongodb", "opensearch")}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("engine", [None, "postgresql", "mysql", "mongodb", "opensearch"])
def test_every_engines_blocks_parse_and_are_shellcheck_clean(small_runbooks, engine):
    _assert_clean(_data_blocks(small_runbooks[engine]))


def test_the_runbooks_stay_lint_clean_markdown(runbook_2021, small_runbooks):
    for text in [runbook_2021, *small_runbooks.values()]:
        assert lint(text) == []


def test_files_are_checked_only_once_writes_stopped_and_pass_when_nothing_differs(
        small_runbooks):
    text = small_runbooks[None]
    copy, check = _section(text, "Data copy"), _section(text, "Verification")
    assert "rsync -aHAX --delete --partial \"$SRC_USER@$2:$SRC_DIR/\" /srv/data/" in copy
    assert "--dry-run --checksum --itemize-changes" in check
    assert "if [ -z \"$changes\" ]; then echo \"$1: identical\"" in check
    assert "Run it only after writes to" in check
    # seeded from the new servers of its seed's shard, not from the source
    assert "\"root@$2:/srv/data/\"" in copy


def test_each_engine_uses_its_own_tools(small_runbooks):
    assert "CLONE INSTANCE FROM" in small_runbooks["mysql"]
    assert "START REPLICA" in small_runbooks["mysql"]
    assert "rs.add({host:" in small_runbooks["mongodb"]
    search = small_runbooks["opensearch"]
    assert "/_snapshot/exit/exit-1?wait_for_completion=false" in search
    assert '"readonly": true' in search and "/_restore" in search
    assert "SNAPSHOT_BUCKET to the bucket at obj" in search  # the plan's object storage
    assert "_cat/indices" in _section(search, "Verification")


def test_the_tools_run_on_the_new_servers_use_documented_flags_only(small_runbooks):
    """rsync runs on a new server, behind `ssh -A host`: its words are checked from `rsync`
    on (tests/cli_flags.py); curl runs as is."""
    checked = 0
    for text in small_runbooks.values():
        for block in _data_blocks(text):
            for line in block.split("\n"):
                if " rsync " in line:
                    line = line[line.index("rsync "):].split(" > ")[0].split(")")[0]
                    checked += 1
                elif not line.lstrip().startswith("curl "):
                    continue
                assert undocumented(line.strip()) == [], line
    assert checked >= 4


def test_a_replication_slot_name_fits_postgresql_and_keeps_the_host_apart():
    """PostgreSQL names hold 63 bytes; host names may be 63 characters. The slot keeps the
    host's last 58 (its index stays in it), so two long hosts still get two slots."""
    import subprocess

    from planner.report.shell.data import ShardRow
    from planner.report.shell.databases import pg_copy

    lines = pg_copy("db-x", [ShardRow(1, "SRC_DB_1", "db-x-1")], 1, 1.0, seeded=False)
    at = next(i for i, line in enumerate(lines) if line.startswith("  h="))
    body = "\n".join(lines[at:at + 2])
    script = f'slot() {{\n{body}\n  echo "$3"\n}}\n' + "".join(
        f"slot {'a' * 50}-provider-label-{n} addr\n" for n in (11, 12))
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    assert len(out) == 2 and out[0] != out[1]
    assert all(len(s) <= 63 and s.startswith("exit_") for s in out), out
