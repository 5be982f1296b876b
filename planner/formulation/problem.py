"""The PuLP problem the model is built in, with its constraints kept as arrays.

PuLP keeps each constraint as an LpConstraint holding a dict of LpVariable -> coefficient. At
the issue-7 size (10,000 servers in 500 groups: 2 million rows) those objects took GBs and
most of formulate's time, and PuLP's HiGHS adapter walked them again for every solve. Here a
row is entries in flat arrays (its variables' hashes, its coefficients, its bounds), which
planner/solver/highs_arrays.py hands to HiGHS in one call. A solver that only knows PuLP's
constraints (CBC, or PuLP's own HiGHS adapter) gets them made from the rows first.
"""

from __future__ import annotations

import weakref
from array import array

import numpy as np
import pulp

INF = float("inf")


class Rows:
    """Rows lower <= sum_j value_j * x_j <= upper, in compressed sparse row form. A nonzero's
    variable is kept as its PuLP hash (an int in a flat array: no object per nonzero),
    `by_hash` gives the variable back (the problem's own register)."""

    def __init__(self, by_hash: dict[int, pulp.LpVariable]):
        self.by_hash = by_hash
        self.hashes = array("q")  # one per nonzero
        self.values = array("d")
        self.starts = array("q")
        self.lower = array("d")
        self.upper = array("d")
        self.families: list[str] = []

    def __len__(self) -> int:
        return len(self.starts)

    def _own(self) -> None:
        """Make each array growable again: an array a numpy view still reads (the solver's
        hand-over, solver/highs_arrays.py: np.frombuffer) cannot be resized while the view
        lives, and a view in a reference cycle lives until the cycle collector runs, which
        a Dask worker runs on its own schedule ("BufferError: cannot resize an array that
        is exporting buffers" in the cost phase there). Such an array is replaced by a copy;
        the view keeps reading the old one."""
        for name in ("hashes", "values", "starts", "lower", "upper"):
            values = getattr(self, name)
            try:
                values.append(0)
                values.pop()
            except BufferError:
                setattr(self, name, array(values.typecode, values))

    def add(self, terms: dict, sense: int, rhs: float, family: str) -> None:
        """One row: sum of terms (variable -> coefficient, zeros left out) `sense` rhs."""
        self._own()
        self.starts.append(len(self.hashes))
        for var, coefficient in terms.items():
            if coefficient != 0:
                self.hashes.append(var.hash)
                self.values.append(coefficient)
        self.lower.append(rhs if sense != pulp.LpConstraintLE else -INF)
        self.upper.append(rhs if sense != pulp.LpConstraintGE else INF)
        self.families.append(family)

    def add_block(self, hashes, values, counts, lower, upper, family: str) -> None:
        """Rows lower_i <= sum_j values_j * x_j <= upper_i, one per entry of `counts` (how
        many of `hashes` and `values`, in order, row i has), in one pass from numpy arrays:
        what `add` makes row by row, without a call per row and nonzero. Zero values are
        kept: the caller leaves them out, as `add` does."""
        self._own()
        first, count = len(self.hashes), len(counts)
        offsets = np.cumsum(counts) - counts
        self.hashes.frombytes(np.asarray(hashes, dtype=np.int64).tobytes())
        self.values.frombytes(np.asarray(values, dtype=float).tobytes())
        self.starts.frombytes((first + offsets).astype(np.int64).tobytes())
        self.lower.frombytes(np.broadcast_to(np.asarray(lower, dtype=float), count).tobytes())
        self.upper.frombytes(np.broadcast_to(np.asarray(upper, dtype=float), count).tobytes())
        self.families.extend([family] * count)

    def row(self, i: int) -> tuple[dict, float, float]:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.hashes)
        terms = {self.by_hash[h]: value for h, value in
                 zip(self.hashes[self.starts[i]:end], self.values[self.starts[i]:end])}
        return terms, self.lower[i], self.upper[i]


class Problem(pulp.LpProblem):
    """PuLP's problem with its constraints in `rows`, and `variables()` answered from its
    register of variables: PuLP's own re-registers every variable of every constraint and
    re-sorts them on each of its 18 calls per plan (0.2 s of the 2021 case's 2 s)."""

    _in_name_order = False
    _registered_objective = (lambda: None, 0)  # (weak reference, size) of the last one

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = Rows(self._variable_ids)

    def add_variable(self, *args, **kwargs) -> pulp.LpVariable:
        """A variable of this problem from its creation (PuLP 3 registers a variable only
        when a constraint or the objective names it, and rows are not PuLP constraints)."""
        variable = super().add_variable(*args, **kwargs)
        # two variables of one name are one to the solver's values, and a plan read back
        # by name mixes them (support's S_0 once took the stored GB's S_0); the server
        # variables made in bulk are r_ and checked by their own test
        names = self.__dict__.setdefault("_names", set())
        if variable.name in names:
            raise ValueError(f"variable name {variable.name} made twice")
        names.add(variable.name)
        self._register_variable(variable)
        return variable

    def add_integer_variables(self, names: list[str], uppers: list[int]) -> list:
        """Integer variables in [0, upper], as `add_variable` makes them, in one pass: at a
        million and a half server variables (10,000 synthetic servers in 500 groups)
        LpVariable's constructor and the register check per variable took 6.9 s of
        formulate's 28 s. It sets the attributes LpVariable.__init__ sets, in its order
        (tests/test_problem.py holds it to that)."""
        new, cls = pulp.LpVariable.__new__, pulp.LpVariable
        trans, integer = pulp.LpElement.trans, pulp.LpInteger
        made = []
        for name, upper in zip(names, uppers):
            # attribute by attribute in __init__'s order, so the instances share their keys
            # (a dict built by update() takes 170 bytes more per variable)
            variable = new(cls)
            variable._LpElement__name = name.translate(trans)
            variable.hash = id(variable)
            variable.modified = True
            variable._lowbound_original = variable.lowBound = 0
            variable._upbound_original = variable.upBound = upper
            variable.cat = integer
            variable.varValue = None
            variable.dj = None
            made.append(variable)
        self._variables.extend(made)
        self._variable_ids.update((v.hash, v) for v in made)
        self._in_name_order = False
        return made

    def _register_variable(self, variable: pulp.LpVariable) -> None:
        if variable.hash not in self._variable_ids:
            super()._register_variable(variable)
            self._in_name_order = False

    def variables(self) -> list[pulp.LpVariable]:
        objective = self.objective
        registered, size = self._registered_objective
        if objective and (registered() is not objective or size != len(objective)):
            # PuLP registers the objective's variables on every call: 2 s a call at 1.5
            # million server variables. Once per objective (held weakly: a new objective
            # at the address of a dead one is not taken for it), again if it grows.
            self._add_variables(objective.keys())
            self._registered_objective = weakref.ref(objective), len(objective)
        if not self._in_name_order:
            self._variables.sort(key=lambda v: v.name)
            self._in_name_order = True
        return self._variables

    def numConstraints(self) -> int:
        return len(self._constraints) + len(self.rows)

    def solve(self, solver=None, **kwargs):
        if not getattr(solver, "takes_rows", False):  # only planner's HiGHS adapter reads rows
            self.materialize()
        return super().solve(solver, **kwargs)

    def materialize(self) -> None:
        """Move the rows into PuLP constraints (same order, names family_number), for a
        solver that reads only those."""
        rows, self.rows = self.rows, Rows(self._variable_ids)
        for i, family in enumerate(rows.families):
            terms, lower, upper = rows.row(i)
            expr = pulp.LpAffineExpression(terms)
            if lower == upper:
                constraint = pulp.LpConstraint(expr, pulp.LpConstraintEQ, rhs=lower)
            elif upper < INF:
                constraint = pulp.LpConstraint(expr, pulp.LpConstraintLE, rhs=upper)
            else:
                constraint = pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=lower)
            self.addConstraint(constraint, f"{family}_{len(self._constraints)}")
