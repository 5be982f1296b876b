"""Layer 8, a loop around the pipeline: cases (the inputs after a scenario or a swept
value), runs (cases planned in parallel), compare (rows and differences), drills and
readiness."""
