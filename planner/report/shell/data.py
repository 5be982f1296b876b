"""Data-copy commands: the shard-to-host map each copy reads, parallel streams over it,
rsync for plain files, rclone for object storage. Database and search engines are in
`planner.report.shell.databases`; they read the same map the same way.

Every block is standalone: it writes its map (a here-doc, `shards-<label>.txt`: shard,
source, new host), requires the variables the plan cannot know, and runs one stream per new
host, `streams` at a time, with `xargs -P`. The source column holds the name of the variable
with the source server's address (`SRC_<GROUP>_<shard>`, set once by the operator), or, for
a group seeded from another group's new servers, the seed's host name, whose address is the
one in ~/.ssh/config (`ssh -G`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.report.shell.base import default_var, require_var, shq

# Rate of one copy stream (one rsync over ssh, one pg_basebackup or one clone connection).
# ESTIMATE: 1 Gbit/s. A stream is one TCP connection whose bytes are encrypted by one core
# (ssh and TLS do not spread a connection over cores) and, for rsync, checksummed by one
# more; over a path of hundreds of km such a stream does about 1-2 Gbit/s in practice. The
# low end is taken, so that the streams started reach the plan's rate rather than miss it.
STREAM_GBPS = 1.0


@dataclass(frozen=True)
class ShardRow:
    """Shard `shard` of a group goes from `source` to the new server `host`."""

    shard: int
    source: str  # SRC_<GROUP>_<shard> (a variable), or a seed's host name (seeded copies)
    host: str


def src_var(group: str, shard: int) -> str:
    """The variable the operator sets to the address of the source server of a shard."""
    return f"SRC_{re.sub(r'[^A-Z0-9]+', '_', group.upper()).strip('_')}_{shard}"


def source_exports(rows: list[tuple[str, int, str]]) -> list[str]:
    """The operator's file of source addresses: (variable, shard, new host) each."""
    return [f"export {var}=''  # shard {shard}, to {host}" for var, shard, host in rows]


def streams_for(peak_gbps: float, hosts: int) -> int:
    """Parallel streams that carry the plan's peak rate: one per STREAM_GBPS, at least one,
    at most one per new server (a server takes one stream)."""
    need = -(-round(peak_gbps * 1000) // round(STREAM_GBPS * 1000))  # ceil, without float
    return max(1, min(need, hosts))


def map_file(label: str) -> str:
    return f"shards-{label}.txt"


def shard_map(label: str, rows: list[ShardRow], seeded: bool) -> list[str]:
    """Write the map this block reads, and require the source addresses it names."""
    what = ("the seed (a new server, by its name in ~/.ssh/config)" if seeded
            else "the variable holding the source server's address")
    lines = [f"# the shard-to-host map: shard, {what}, new host",
             f"cat > {shq(map_file(label))} <<'EOF'"]
    lines += [f"{r.shard} {r.source} {r.host}" for r in rows]
    lines.append("EOF")
    if not seeded:
        lines += [require_var(r.source, f"set {r.source} to the address of the source "
                                        f"server of shard {r.shard}") for r in rows]
    return lines


def over_map(label: str, seeded: bool, streams: int, worker: str) -> list[str]:
    """Feed each (new host, source address) of the map to `worker`, `streams` at a time."""
    address = '"$(addr_of "$source")"' if seeded else '"${!source}"'
    lines = []
    if seeded:
        lines.append("addr_of() { ssh -G \"$1\" | awk '$1 == \"hostname\" { print $2 }'; }")
    lines += ["while read -r _ source host; do",
              f"  printf '%s %s\\n' \"$host\" {address}",
              f"done < {shq(map_file(label))} | xargs -P {streams} -n 2 bash -c "
              f"'{worker} \"$@\"' _"]
    return lines


def stream_note(streams: int, hosts: int, peak_gbps: float) -> str:
    servers = "1 new server" if hosts == 1 else f"{hosts} new servers"
    return (f"# {streams} at a time: the plan copies at up to {peak_gbps:.1f} Gbit/s, one "
            f"stream does about {STREAM_GBPS:g} Gbit/s, {servers}")


def rsync_copy(label: str, rows: list[ShardRow], streams: int, peak_gbps: float,
               seeded: bool) -> list[str]:
    """Each new server pulls its shard with rsync over ssh (agent forwarded): from the
    source server of its shard, or from its seed among the new servers."""
    lines = shard_map(label, rows, seeded)
    if seeded:
        src = '"root@$2:/srv/data/"'
    else:
        lines += [require_var("SRC_DIR", "set SRC_DIR to the data directory on the source "
                              "servers"),
                  default_var("SRC_USER", "root")]
        src = '"$SRC_USER@$2:$SRC_DIR/"'
    lines += ["copy_one() {  # new host, source address",
              f"  if ssh -A \"root@$1\" rsync -aHAX --delete --partial {src} /srv/data/ "
              "> \"copy-$1.log\" 2>&1; then",
              "    echo \"$1: copied\"",
              "  else",
              "    echo \"$1: FAILED, see copy-$1.log\"",
              "  fi",
              "}",
              "export -f copy_one"]
    if not seeded:
        lines.append("export SRC_DIR SRC_USER")
    lines.append(stream_note(streams, len(rows), peak_gbps))
    return lines + over_map(label, seeded, streams, "copy_one")


def rsync_verify(label: str, rows: list[ShardRow], seeded: bool) -> list[str]:
    """Passes when nothing differs by checksum: run once writes to the source stopped."""
    lines = shard_map(label, rows, seeded)
    if seeded:
        src = '"root@$2:/srv/data/"'
    else:
        lines += [require_var("SRC_DIR", "set SRC_DIR as for the copy"),
                  default_var("SRC_USER", "root")]
        src = '"$SRC_USER@$2:$SRC_DIR/"'
    lines += ["check_one() {  # new host, source address: silent rsync means identical",
              f"  if ! changes=$(ssh -A \"root@$1\" rsync -aHAX --delete --dry-run --checksum "
              f"--itemize-changes {src} /srv/data/); then",
              "    echo \"$1: CHECK FAILED (rsync or ssh)\"; return 1",
              "  fi",
              "  if [ -z \"$changes\" ]; then echo \"$1: identical\"; else",
              "    echo \"$1: DIFFERS, run the copy again:\"; printf '%s\\n' \"$changes\" | "
              "head -n 20; return 1",
              "  fi",
              "}",
              "export -f check_one"]
    if not seeded:
        lines.append("export SRC_DIR SRC_USER")
    return lines + over_map(label, seeded, len(rows), "check_one")


RCLONE_REMOTES = {
    # vendor id -> `rclone config create` arguments after the remote name
    "backblaze-b2": "b2 account \"$B2_KEY_ID\" key \"$B2_APP_KEY\"",
    "wasabi": "s3 provider Wasabi access_key_id \"$WASABI_KEY\" "
              "secret_access_key \"$WASABI_SECRET\" endpoint s3.wasabisys.com",
    "minio-self-hosted": "s3 provider Minio access_key_id \"$MINIO_KEY\" "
                         "secret_access_key \"$MINIO_SECRET\" endpoint \"$MINIO_ENDPOINT\"",
}
RCLONE_SOURCE = "rclone.org/commands/rclone_config_create, rclone.org/b2, rclone.org/s3"


def rclone_setup(source_cli: str | None, targets: list[str]) -> list[str]:
    lines = []
    if source_cli == "aws":
        lines.append("rclone config create source s3 provider AWS env_auth true")
    else:
        lines.append("rclone config  # create a remote named source for the data being left")
    for target in targets:
        args = RCLONE_REMOTES.get(target)
        if args:
            lines.append(f"rclone config create {shq(target)} {args}")
        else:
            lines.append(f"rclone config  # create a remote named {target} (S3 endpoint and "
                         "keys from its console)")
    return lines


def rclone_copy(target: str) -> list[str]:
    return [require_var("BUCKET", "set BUCKET to the bucket (or bucket/prefix) assigned to "
                        "this target"),
            f"rclone copy \"source:$BUCKET\" {shq(target)}:\"$BUCKET\" --transfers 64 "
            "--checkers 128 --fast-list --progress"]


def rclone_check(target: str) -> str:
    return f"rclone check \"source:$BUCKET\" {shq(target)}:\"$BUCKET\" --one-way"
