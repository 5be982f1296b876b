"""HiGHS through PuLP: PuLP's adapter with the model handed over as arrays
(planner/solver/highs_arrays.py), a start or a partial hint, the objective's constant, and a
solution read back by name. Used by the solve stage (planner/solver/phases.py) and by completing the
greedy start (planner/solver/start.py)."""

from __future__ import annotations

import contextlib
import os
import sys

import pulp

from planner.solver.highs_arrays import pass_model


class HighsSolver(pulp.HiGHS):
    """PuLP's HiGHS with the model handed over as arrays (planner/solver/highs_arrays.py), and the
    objective's constant, which PuLP leaves out, as HiGHS's objective offset (else HiGHS
    would measure its gap against a shifted objective)."""

    def createAndConfigureSolver(self, lp):
        # highspy 1.16 prints its banner from the constructor, before output_flag can be
        # set (ERGO-Code/HiGHS#2749); the summary on stdout must stay ours alone.
        with stdout_silenced():
            super().createAndConfigureSolver(lp)
        configure(lp.solverModel)

    # reads planner.formulation.problem.Problem's array rows (highs_arrays.pass_model)
    takes_rows = True
    start: dict[str, float] | None = None  # a known feasible point, by variable name
    hint: dict[str, float] | None = None   # values for some variables: HiGHS completes them

    def findSolutionValues(self, lp):
        try:
            return super().findSolutionValues(lp)
        except KeyError:  # a status PuLP 3 has no entry for (HiGHS's memory limit): values
            return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound  # are already read

    def buildSolverModel(self, lp):
        pass_model(lp, lp.solverModel, self.mip)
        lp.solverModel.changeObjectiveOffset(float(lp.objective.constant))
        if self.start:
            import highspy

            solution = highspy.HighsSolution()
            solution.col_value = [self.start.get(v.name, 0.0) for v in lp.variables()]
            solution.value_valid = True
            lp.solverModel.setSolution(solution)
        elif self.hint:
            import numpy as np

            known = [(i, self.hint[v.name]) for i, v in enumerate(lp.variables())
                     if v.name in self.hint]
            if known:  # a partial solution: HiGHS tries to complete it, else ignores it
                lp.solverModel.setSolution(len(known), np.array([i for i, _ in known],
                                                                dtype=np.int32),
                                           np.array([x for _, x in known], dtype=float))


@contextlib.contextmanager
def stdout_silenced():
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable stdout at all: nothing to protect
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def snapshot(lp: pulp.LpProblem) -> dict[str, float]:
    return {v.name: (v.varValue or 0.0) for v in lp.variables()}


# Threads per HiGHS run, when set (None: HiGHS's own choice). What-if workers run one case
# each, side by side: with one thread per run, not two per worker on two cores, the 2021
# drill (23 cases, 2 workers) took 53-58 s instead of 60-66 s over three pairs of runs,
# with the same plans; a single plan is faster with HiGHS's own choice (1.8 s against 2.1).
_threads: int | None = None


def use_threads(count: int | None) -> None:
    """Run HiGHS with `count` threads from now on in this process (None: HiGHS's choice).
    HiGHS keeps one scheduler per process, started by the first run with that run's count
    and refusing any other; it is reset here so that the next run starts it anew."""
    global _threads
    if count == _threads:
        return
    _threads = count
    if highs_available():
        import highspy

        highspy.Highs.resetGlobalScheduler(True)


def configure(highs) -> None:
    """Apply this process's HiGHS settings (`use_threads`) to a new HiGHS instance."""
    if _threads is not None:
        highs.setOptionValue("threads", _threads)


def new_highs():
    """An empty HiGHS model that prints nothing, with this process's settings: for the
    models the solve stage hands over itself (planner/solver/restricted.py,
    planner/solver/period_floor.py)."""
    import highspy

    with stdout_silenced():  # the banner comes from the constructor (see HighsSolver)
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    configure(highs)
    return highs


def highs_available() -> bool:
    try:
        return pulp.HiGHS().available()
    except Exception:  # a broken highspy install can fail in odd ways on import
        return False
