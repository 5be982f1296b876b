"""Data-copy commands: rsync for server groups, rclone for object storage."""

from __future__ import annotations

from planner.report.shell.base import require_var, shq


def rsync_copy(label: str, first: int, last: int) -> list[str]:
    """Copy one source server's share of a group's data to each of its new servers."""
    return [require_var("SRC_DIR", "set SRC_DIR to the data directory on the source server"),
            f"PREFIX={shq(label)}",
            f"for i in $(seq {first} {last}); do",
            "  # each server takes its shard (the shard-to-host map); add the addresses to",
            "  # ~/.ssh/config under these names first",
            "  rsync -aHAX --partial --info=progress2 \"$SRC_DIR/\" \"root@$PREFIX-$i:/srv/data/\"",
            "done"]


def seeded_copy(pairs: list[tuple[str, str]]) -> list[str]:
    """Seed each new server from the new server of its shard (`pairs`: host, seed host),
    run from the operator's machine: nothing is read from the source."""
    lines = ["# each line: the new server pulls its shard from its seed over the targets' links"]
    for host, seed in pairs:
        lines.append(f"ssh {shq('root@' + host)} "
                     f"{shq('rsync -aHAX --partial root@' + seed + ':/srv/data/ /srv/data/')}")
    return lines


def rsync_verify(label: str, first: int, last: int) -> list[str]:
    """List what would still differ, by checksum, without changing anything."""
    return [f"PREFIX={shq(label)}",
            f"for i in $(seq {first} {last}); do",
            "  rsync -aHAX --dry-run --checksum --itemize-changes \"$SRC_DIR/\" "
            "\"root@$PREFIX-$i:/srv/data/\"",
            "done"]


def rsync_verify_all(targets: list[tuple[str, int, int]]) -> list[str]:
    """The checks of every group copy from the source, in one block: (label, first, last
    server index)."""
    lines = [require_var("SRC_DIR", "set SRC_DIR as for the copy")]
    for label, first, last in targets:
        lines += rsync_verify(label, first, last)
    return lines


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
