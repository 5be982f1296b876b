"""Database and search-cluster copies, by engine, over the shard-to-host map of
`planner.report.shell.data`: a live database is copied with its own tools and kept current
by replication until the cut-off, never as files; a search cluster by snapshot and restore.

Syntax, as documented:
- PostgreSQL: pg_basebackup (-h -U -D -X stream -c fast -P -R -w -C -S), pg_promote(),
  pg_last_wal_replay_lsn(), and IDENTIFY_SYSTEM over a replication connection, whose
  xlogpos is the source's current WAL flush location (postgresql.org/docs/current:
  app-pgbasebackup, functions-admin, protocol-replication).
- MySQL: the clone plugin (INSTALL PLUGIN clone, clone_valid_donor_list, CLONE INSTANCE
  FROM), then CHANGE REPLICATION SOURCE TO ... SOURCE_AUTO_POSITION = 1 (8.0.23+) and
  START REPLICA (dev.mysql.com/doc/refman/8.0/en/clone-plugin-replication.html).
- MongoDB: rs.add({host, priority: 0, votes: 0}) on the source primary, rs.status()
  (mongodb.com/docs/manual/reference/method/rs.add).
- Elasticsearch and OpenSearch: PUT _snapshot/<repo> (type s3, settings.bucket, client,
  readonly), PUT _snapshot/<repo>/<snapshot>?wait_for_completion=false,
  POST _snapshot/<repo>/<snapshot>/_restore, _cat/recovery, _cat/indices
  (elastic.co/guide/en/elasticsearch/reference: snapshots-register-repository,
  repository-s3, restore-snapshot-api)."""

from __future__ import annotations

import re

from planner.report.shell.base import require_var
from planner.report.shell.data import ShardRow, over_map, shard_map, stream_note

PG_SOURCES = "postgresql.org/docs/current/app-pgbasebackup.html, functions-admin.html, " \
             "protocol-replication.html"
MYSQL_SOURCES = "dev.mysql.com/doc/refman/8.0/en/clone-plugin-replication.html"
MONGODB_SOURCES = "mongodb.com/docs/manual/reference/method/rs.add"
SEARCH_SOURCES = "elastic.co/guide/en/elasticsearch/reference: snapshots-register-repository, " \
                 "repository-s3, restore-snapshot-api"


def _pg_vars() -> list[str]:
    return [require_var("PG_REPL_USER", "set PG_REPL_USER to a role with REPLICATION on the "
                        "servers copied from"),
            require_var("NEW_PGDATA", "set NEW_PGDATA to the data directory on the new "
                        "servers, absent or empty"),
            "export PG_REPL_USER NEW_PGDATA"]


def pg_copy(label: str, rows: list[ShardRow], streams: int, peak_gbps: float,
            seeded: bool) -> list[str]:
    """A base backup of the source primary (or of the seed, a new primary) on each new
    server, written as a standby of it (-R): it streams WAL from there once started. From a
    source, a replication slot (-C -S) keeps the source's WAL until the standby has it."""
    slot = ' -C -S "$3"' if not seeded else ""
    lines = shard_map(label, rows, seeded) + _pg_vars()
    lines += ["copy_one() {  # new host, address of the server copied from"]
    if not seeded:  # a slot name holds 63 characters at most: the host's last 58 are unique
        lines += ['  h=${1//[^a-z0-9]/_}; (( ${#h} <= 58 )) || h=${h: -58}',
                  '  set -- "$1" "$2" "exit_$h"  # and $3: its replication slot on the source']
    retry = (" (before a retry, drop its slot on the source: SELECT "
             "pg_drop_replication_slot('$3'))") if not seeded else ""
    lines += [
              "  if ssh \"root@$1\" sudo -u postgres pg_basebackup -h \"$2\" -U "
              f"\"$PG_REPL_USER\" -D \"$NEW_PGDATA\" -X stream -c fast -P -R -w{slot} "
              "> \"copy-$1.log\" 2>&1 && ssh \"root@$1\" systemctl start postgresql; then",
              "    echo \"$1: copied, streaming from $2\"",
              "  else",
              f"    echo \"$1: FAILED, see copy-$1.log{retry}\"",
              "  fi",
              "}",
              "export -f copy_one",
              stream_note(streams, len(rows), peak_gbps)]
    return lines + over_map(label, seeded, streams, "copy_one")


_PG_BEHIND = [
    "behind() {  # new host, source address: bytes of the source's WAL not yet replayed",
    "  src=$(ssh \"root@$1\" sudo -u postgres psql -h \"$2\" -U \"$PG_REPL_USER\" -w -d "
    "replication=true -Atc IDENTIFY_SYSTEM | cut -d '|' -f 3)",
    "  new=$(ssh \"root@$1\" sudo -u postgres psql -Atc \"'SELECT pg_last_wal_replay_lsn()'\")",
    "  [ -n \"$src\" ] && [ -n \"$new\" ] || return 1",
    "  echo $(( $(lsn \"$src\") - $(lsn \"$new\") ))",
    "}",
    "lsn() { echo $(( (16#${1%/*} << 32) + 16#${1#*/} )); }",
]


# Lag a replica of a live new primary may show and still be called in sync: one WAL segment
# (16 MB, PostgreSQL's default wal_segment_size), seconds of writes at the rates planned.
SEED_LAG_MB = 16


def pg_check(label: str, rows: list[ShardRow], seeded: bool) -> list[str]:
    """Passes when every new server has replayed all the WAL its source has flushed (a
    seeded one: all but SEED_LAG_MB, as its seed is live)."""
    lines = shard_map(label, rows, seeded) + _pg_vars()[:1] + ["export PG_REPL_USER"]
    limit = SEED_LAG_MB * 1024 * 1024 if seeded else 0
    lines += _PG_BEHIND + [
        "check_one() {",
        "  if ! n=$(behind \"$1\" \"$2\"); then echo \"$1: CHECK FAILED (ssh or psql)\"; "
        "return 1; fi",
        f"  if [ \"$n\" -le {limit} ]; then echo \"$1: caught up ($n bytes behind)\"; else "
        "echo \"$1: $n bytes behind\"; return 1; fi",
        "}",
        "export -f lsn behind check_one"]
    return lines + over_map(label, seeded, len(rows), "check_one")


def pg_promote(label: str, rows: list[ShardRow]) -> list[str]:
    """At the cut-off, once writes to the source stopped: promote each new server that has
    replayed everything; one that has not is left as it is, and said so."""
    lines = shard_map(label, rows, False) + _pg_vars()[:1] + ["export PG_REPL_USER"]
    lines += _PG_BEHIND + [
        "promote_one() {",
        "  n=$(behind \"$1\" \"$2\") || { echo \"$1: NOT promoted, check failed\"; return 1; }",
        "  if [ \"$n\" -gt 0 ]; then echo \"$1: NOT promoted, $n bytes behind\"; return 1; fi",
        "  ssh \"root@$1\" sudo -u postgres psql -Atc \"'SELECT pg_promote()'\" && "
        "echo \"$1: promoted\"",
        "}",
        "export -f lsn behind promote_one"]
    return lines + over_map(label, False, len(rows), "promote_one")


def _mysql_vars() -> list[str]:
    return [require_var("MYSQL_CLONE_USER", "set MYSQL_CLONE_USER to a user with "
                        "BACKUP_ADMIN and REPLICATION SLAVE on the servers copied from"),
            require_var("MYSQL_CLONE_PASSWORD", "set MYSQL_CLONE_PASSWORD to its password"),
            "export MYSQL_CLONE_USER MYSQL_CLONE_PASSWORD"]


_MYSQL_SQL = ["sql() {  # host, statement: run by mysql on the host (root's ~/.my.cnf)",
              "  ssh \"root@$1\" mysql -e \"$(printf '%q' \"$2\")\"",
              "}"]


def mysql_copy(label: str, rows: list[ShardRow], streams: int, peak_gbps: float,
               seeded: bool) -> list[str]:
    """The clone plugin copies the donor onto each new server (which restarts with it), then
    the new server replicates from the donor by GTID until the cut-off."""
    lines = shard_map(label, rows, seeded) + _mysql_vars() + _MYSQL_SQL
    lines += [
        "copy_one() {  # new host, donor address",
        "  { sql \"$1\" \"SET GLOBAL clone_valid_donor_list = '$2:3306'\" &&",
        "    sql \"$1\" \"CLONE INSTANCE FROM '$MYSQL_CLONE_USER'@'$2':3306 IDENTIFIED BY "
        "'$MYSQL_CLONE_PASSWORD'\"",
        "  } > \"copy-$1.log\" 2>&1",
        "  until ssh \"root@$1\" mysqladmin ping > /dev/null 2>&1; do sleep 10; done  "
        "# it restarts on the clone",
        "  sql \"$1\" \"CHANGE REPLICATION SOURCE TO SOURCE_HOST = '$2', SOURCE_USER = "
        "'$MYSQL_CLONE_USER', SOURCE_PASSWORD = '$MYSQL_CLONE_PASSWORD', "
        "SOURCE_AUTO_POSITION = 1, SOURCE_SSL = 1\" &&",
        "    sql \"$1\" 'START REPLICA' && echo \"$1: cloned, replicating from $2\"",
        "}",
        "export -f sql copy_one",
        stream_note(streams, len(rows), peak_gbps)]
    return lines + over_map(label, seeded, streams, "copy_one")


def mysql_check(label: str, rows: list[ShardRow], seeded: bool) -> list[str]:
    """Passes when each new server replicates and is 0 seconds behind its donor."""
    lines = shard_map(label, rows, seeded) + _MYSQL_SQL
    lines += ["check_one() {  # new host, donor address",
              "  status=$(sql \"$1\" 'SHOW REPLICA STATUS\\G')",
              "  if grep -q 'Seconds_Behind_Source: 0$' <<< \"$status\"; then "
              "echo \"$1: caught up with $2\"; else",
              "    echo \"$1: NOT caught up\"; grep -E 'Running:|Behind|Error' "
              "<<< \"$status\"; return 1",
              "  fi",
              "}",
              "export -f sql check_one"]
    return lines + over_map(label, seeded, len(rows), "check_one")


def mongodb_copy(label: str, rows: list[ShardRow], streams: int, peak_gbps: float,
                 seeded: bool) -> list[str]:
    """Each new server joins its shard's replica set as a member without a vote or a
    chance to become primary; its initial sync copies the data and keeps it current."""
    lines = shard_map(label, rows, seeded)
    lines += [
        require_var("MONGO_URI_OPTS", "set MONGO_URI_OPTS to the user and options of the "
                    "source, e.g. admin:secret@ with ?authSource=admin after the host"),
        "export MONGO_URI_OPTS",
        "addr_new() { ssh -G \"$1\" | awk '$1 == \"hostname\" { print $2 }'; }",
        "export -f addr_new",
        "copy_one() {  # new host, address of the replica-set primary it joins",
        "  mongosh --quiet \"mongodb://$MONGO_URI_OPTS$2:27017/\" --eval "
        "\"rs.add({host: '$(addr_new \"$1\"):27017', priority: 0, votes: 0})\" "
        "&& echo \"$1: added, initial sync under way\"",
        "}",
        "export -f copy_one",
        stream_note(streams, len(rows), peak_gbps)]
    return lines + over_map(label, seeded, streams, "copy_one")


def mongodb_check(label: str, rows: list[ShardRow], seeded: bool) -> list[str]:
    """Passes when every new member is SECONDARY (initial sync done, replicating)."""
    lines = shard_map(label, rows, seeded)
    lines += [
        "check_one() {  # new host, primary address",
        "  state=$(ssh \"root@$1\" mongosh --quiet --eval \"'rs.status().myState'\")",
        "  if [ \"$state\" = 2 ]; then echo \"$1: SECONDARY, in sync\"; else "
        "echo \"$1: state $state, not yet in sync\"; return 1; fi",
        "}",
        "export -f check_one"]
    return lines + over_map(label, seeded, len(rows), "check_one")


SNAPSHOT_REPO = "exit"
SNAPSHOT = "exit-1"


def _es_vars(which: list[str], bucket_at: str | None) -> list[str]:
    hints = {"SRC_ES": "set SRC_ES to the URL of the source cluster, "
                       "https://user:password@host:9200",
             "NEW_ES": "set NEW_ES to the URL of a node of the new cluster, "
                       "https://user:password@host:9200"}
    where = f"at {bucket_at}" if bucket_at else "in the object storage both clusters reach"
    lines = [require_var(v, hints[v]) for v in which]
    lines.append(require_var("SNAPSHOT_BUCKET", f"set SNAPSHOT_BUCKET to the bucket {where}"))
    return lines


def _repo_body(label: str, readonly: bool) -> str:
    """The repository's JSON body as one shell word; `label` (a hostname label, [a-z0-9-])
    is its base path, so the body needs no quoting beyond its single quotes."""
    assert re.fullmatch(r"[a-z0-9-]+", label), label
    settings = (f'"bucket": "\'"$SNAPSHOT_BUCKET"\'", "client": "exit", '
                f'"base_path": "{label}"' + (', "readonly": true' if readonly else ""))
    return "'{\"type\": \"s3\", \"settings\": {" + settings + "}}'"


def search_copy(label: str, bucket_at: str | None) -> list[str]:
    """Snapshot the source cluster into the bucket (only it writes there), then restore it on
    the new cluster from the same bucket, registered read-only there."""
    curl = "curl -fsS -H 'Content-Type: application/json'"
    repo = f"_snapshot/{SNAPSHOT_REPO}"
    return _es_vars(["SRC_ES", "NEW_ES"], bucket_at) + [
        "# 1. on the source cluster: the repository, then the snapshot (runs in the background)",
        f"{curl} -X PUT \"$SRC_ES/{repo}\" -d {_repo_body(label, False)}",
        f"{curl} -X PUT \"$SRC_ES/{repo}/{SNAPSHOT}?wait_for_completion=false\" "
        "-d '{\"include_global_state\": true}'",
        "# 2. wait while the snapshot runs; its state must then be SUCCESS",
        f"while curl -fsS \"$SRC_ES/{repo}/{SNAPSHOT}\" | grep -q '\"state\":\"IN_PROGRESS\"'; "
        "do sleep 60; done",
        f"curl -fsS \"$SRC_ES/{repo}/{SNAPSHOT}\" | grep -o '\"state\":\"[A-Z_]*\"'",
        "# 3. on the new cluster: the same repository, read-only, then the restore",
        f"{curl} -X PUT \"$NEW_ES/{repo}\" -d {_repo_body(label, True)}",
        f"{curl} -X POST \"$NEW_ES/{repo}/{SNAPSHOT}/_restore\" "
        "-d '{\"include_global_state\": false}'",
    ]


def search_check(bucket_at: str | None) -> list[str]:
    """Passes when the snapshot succeeded, no restore is still recovering, and each index has
    as many documents on the new cluster as on the source (after writes to it stopped)."""
    counts = "_cat/indices/*?h=index,docs.count&s=index&expand_wildcards=open"
    return _es_vars(["SRC_ES", "NEW_ES"], bucket_at)[:2] + [
        f"curl -fsS \"$SRC_ES/_snapshot/{SNAPSHOT_REPO}/{SNAPSHOT}\" | "
        "grep -q '\"state\":\"SUCCESS\"' && echo 'snapshot: SUCCESS' &&",
        "  test -z \"$(curl -fsS \"$NEW_ES/_cat/recovery?active_only=true\")\" && "
        "echo 'restore: no shard still recovering' &&",
        f"  diff <(curl -fsS \"$SRC_ES/{counts}\") <(curl -fsS \"$NEW_ES/{counts}\") && "
        "echo 'documents: the same in every index'",
    ]


def engine_sources(engine: str) -> str:
    return {"postgresql": PG_SOURCES, "mysql": MYSQL_SOURCES, "mongodb": MONGODB_SOURCES,
            "elasticsearch": SEARCH_SOURCES, "opensearch": SEARCH_SOURCES}.get(engine, "")
