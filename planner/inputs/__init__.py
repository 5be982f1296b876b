"""Layer 2, reading inputs: safe YAML with line numbers (yamlsafe), inventories, catalog
layers and scenario files into validated models (loader), a saved plan.json (planfile), the
overrides in their one order (overrides), and the shipped catalog (catalog/*.yaml)."""
