"""The shipped catalog: YAML layers, every number with its source and as_of date."""
