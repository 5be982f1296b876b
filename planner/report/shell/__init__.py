"""Shell commands for the runbook, in each provider's own CLI.

Every value that comes from an inventory or a catalog and reaches a command is quoted here,
with `shq`, in one place; templates only put the returned lines inside fenced `sh` blocks.
Names of servers are hostname labels (see `planner.report.render.NameMap`), so they are safe, and
they are still quoted. The engineer's own choices (region, image, SSH key) are shell
variables that stop the script with a message when unset (`: "${REGION:?...}"`), never
values guessed by the planner.

Flags come from each tool's reference documentation (the `source` of each tool below). A
CLI this module does not know, or a provider without a CLI, gets console steps instead of
guessed flags.

The package is split by job: `base` (quoting, rows, batches, steps, shell variables),
`compute` and `compute_described` (one builder per provider CLI, and `tool_steps`), `data`
(rsync, rclone), `dns` (zones, octoDNS) and `email` (sender records, DKIM). Every public name
is re-exported here, so `from planner import commands; commands.tool_steps(...)` is unchanged.
"""

from __future__ import annotations

from planner.report.shell.base import (
    VOLUME_SUFFIX,
    Batch,
    Row,
    ToolSteps,
    shq,
    split_volume,
)
from planner.report.shell.compute import BUILDERS, REPLAN, tool_steps
from planner.report.shell.compute import _upcloud_plan as _upcloud_plan
from planner.report.shell.compute_described import (
    AZURE_SIZE,
    OCI_OCPUS,
    OCI_SHAPE,
    azure_size,
    ionos_type,
    oci_shape,
)
from planner.report.shell.data import (
    RCLONE_REMOTES,
    RCLONE_SOURCE,
    rclone_check,
    rclone_copy,
    rclone_setup,
    rsync_copy,
    rsync_verify,
    rsync_verify_all,
)
from planner.report.shell.dns import (
    DNS_IMPORT_SOURCES,
    OCTODNS_PROVIDERS,
    octodns_config,
    zone_check,
    zone_export,
    zone_file,
    zone_import,
    zone_public_check,
)
from planner.report.shell.email import (
    EMAIL_VENDORS,
    PTR_CHECK,
    SELF_HOSTED_SENDER,
    SenderDns,
    dkim_keygen,
    sender_dns,
)

__all__ = [
    "AZURE_SIZE", "BUILDERS", "DNS_IMPORT_SOURCES", "EMAIL_VENDORS", "OCI_OCPUS", "OCI_SHAPE",
    "OCTODNS_PROVIDERS", "PTR_CHECK", "RCLONE_REMOTES", "RCLONE_SOURCE", "REPLAN",
    "SELF_HOSTED_SENDER", "VOLUME_SUFFIX", "Batch", "Row", "SenderDns", "ToolSteps", "azure_size",
    "dkim_keygen", "ionos_type", "octodns_config", "oci_shape", "rclone_check", "rclone_copy",
    "rclone_setup", "rsync_copy", "rsync_verify", "rsync_verify_all", "sender_dns", "shq",
    "split_volume", "tool_steps", "zone_check", "zone_export", "zone_file", "zone_import",
    "zone_public_check",
]
