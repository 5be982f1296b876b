"""Shell commands for the runbook, in each provider's own CLI.

Every value that comes from an inventory or a catalog and reaches a command is quoted here,
with `shq`, in one place; templates only put the returned lines inside fenced `sh` blocks.
Names of servers are hostname labels (see `planner.report.names.NameMap`), so they are safe,
and they are still quoted. The engineer's own choices (region, image, SSH key) are shell
variables that stop the script with a message when unset (`: "${REGION:?...}"`), never
values guessed by the planner.

Flags come from each tool's reference documentation (the `source` of each tool below). A
CLI this module does not know, or a provider without a CLI, gets console steps instead of
guessed flags.

The package is split by job: `base` (quoting, rows, batches, steps, shell variables),
`compute` and `compute_described` (one builder per provider CLI, and `tool_steps`), `data`
(rsync, rclone), `dns` (zones, octoDNS) and `email` (sender records, DKIM). Import each name
from the module that defines it.
"""
