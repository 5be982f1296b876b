"""Layer 9, the command line (click): the one place that reads arguments and writes files.
main holds the group and the plan, verify, validate, render and catalog commands; whatif
and imports register theirs; common and writers are what they share."""
