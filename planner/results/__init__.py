"""Layer 6, solver values to a plain Plan (assemble) with what is short and why
(diagnose)."""
