"""Import the inventory people already have: `aws ec2 describe-instances` output,
`terraform show -json` state, Azure Migrate, Application Discovery Service / Migration
Factory and plain CSV files, turned into a commented inventory with placeholders.

`files.import_files` reads and groups into a `result.ImportResult`; `writer.render` writes
the YAML text; the CLI (planner.cli.imports) writes the file and prints
`ImportResult.summary()`.
"""
