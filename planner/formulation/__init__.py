"""Layer 4, the MILP: the instance (eligibility, candidates, the grid of hours), the model
index (Model), the array rows (problem, server_rows), the constraint families (families)
and the objectives. It builds; it never solves."""
