"""Solve park models with HiGHS: objectives, lexicographic stages, statuses and gaps.

One :class:`HighsRunner` per built model: it holds the model in HiGHS as a
matrix (:class:`~eipopt.solvers.matrix.MatrixHighs`); re-solves after
parameter updates, objective switches or fixings send HiGHS only what changed.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import highspy
import pyomo.core as pyo

from eipopt.model import Objective, ParkModel, SolverOptions
from eipopt.solvers.matrix import MatrixHighs, Solution
from eipopt.solvers.status import SolveOutcome, SolveStatus

#: Relative slack on the least CO2e when stage 2 of the ``co2`` objective
#: minimises cost under it (numerical tolerance, not a modelling choice).
LEXICOGRAPHIC_TOLERANCE = 1e-7


class HighsRunner:
    """Solve a :class:`ParkModel` with HiGHS, keeping the solver loaded between solves."""

    def __init__(self, options: SolverOptions | None = None):
        self.options = options or SolverOptions()
        self._solver = MatrixHighs()
        #: with ``warm_start``: (objective, baseline held) -> the last such run's solution
        self._starts: dict[tuple[str, bool], Solution] = {}

    def load(self, park: ParkModel) -> None:
        """Hand ``park`` to HiGHS now (a solve would do it first; or push what changed since the last solve)."""
        self._solver.synchronise(park.model)

    def solve(self, park: ParkModel, objective: Objective | str, *, co2_tie_break: bool = False) -> SolveOutcome:
        """Optimise ``objective``; ``co2`` is lexicographic (least CO2e, then least cost at it).

        With ``co2_tie_break`` a ``cost`` solve gets a second stage: the least
        CO2e among least-cost solutions (a point of the cost-CO2e frontier).
        """
        objective = objective if str(objective).startswith("elastic") else Objective(objective)
        if objective is Objective.COST and co2_tie_break:
            return self._lexicographic(park, Objective.COST, park.cap_cost, Objective.CO2)
        if objective is Objective.CO2:
            return self._lexicographic(park, Objective.CO2, park.cap_co2, Objective.COST)
        if objective is Objective.GRANT:
            return self._least_grant(park)
        if objective is Objective.COST and park.finances_grants:
            return self._least_grant_split(park)
        park.use_objective(objective)
        return self._run(park, self.options.time_limit, str(getattr(objective, "value", objective)))

    def _least_grant(self, park: ParkModel) -> SolveOutcome:
        """The ``grant`` objective: least grant money, then least cost at it.

        Without a grant source that may finance an item the least grant
        money is 0 without solving for it: the least-cost solve answers.
        """
        if park.finances_grants:
            return self._lexicographic(park, Objective.GRANT, park.cap_grant, Objective.COST)
        park.use_objective(Objective.COST)
        outcome = self._run(park, self.options.time_limit)
        if not outcome.status.has_solution:
            return outcome
        return SolveOutcome(outcome.status, 0.0, 0.0, outcome.mip_gap, outcome.seconds,
                            f"no grant source: grant money 0; cost stage: {outcome.message}")

    def _least_grant_split(self, park: ParkModel) -> SolveOutcome:
        """Least cost; then, with that plan held and its cost capped, the financing split with the least grant money.

        Financing is a transfer, so the split does not change the park's cost;
        without the second stage it would be whatever split the solver met
        first. Holding the plan makes the second stage a linear program.
        """
        started = time.perf_counter()
        park.use_objective(Objective.COST)
        first = self._run(park, self.options.time_limit)
        if not first.status.has_solution:
            return first
        park.cap_cost(first.objective_value + LEXICOGRAPHIC_TOLERANCE * max(1.0, abs(first.objective_value)))
        park.use_objective(Objective.GRANT)
        try:
            with park.decisions_held():
                second = self._run(park, self.options.time_limit, start=self._solver.solution)
        finally:
            park.cap_cost(None)
            park.use_objective(Objective.COST)
        note = f"grant split: {second.message}" if second.status.has_solution else f"least-grant split failed ({second.message}): the split is the cost stage's"
        return SolveOutcome(first.status, first.objective_value, first.objective_bound, first.mip_gap, time.perf_counter() - started,
                            f"cost stage: {first.message}; {note}")

    def _lexicographic(self, park: ParkModel, primary: Objective, cap, secondary: Objective) -> SolveOutcome:
        """Optimise ``primary``; then, holding it at its optimum (``cap``), optimise ``secondary``.

        The outcome's objective value is the primary's. Its status and gap are
        those of the stage that stopped short (Pyomo keeps the last loaded
        solution, so a stage without an answer leaves the previous one):

        - primary stopped at a limit with an incumbent: that incumbent is the
          answer (feasible, the primary's gap); the secondary is not run, as
          the time is used up and its cap would not be an optimum;
        - primary optimal, secondary stopped with an incumbent: feasible, the
          secondary's gap;
        - primary optimal, secondary without an answer: the primary's solution
          is the answer, feasible, with the secondary's gap measured from that
          solution where HiGHS gave a bound (else none);
        - both optimal: optimal, the primary's gap.

        The second stage gets the time left (at least 1 s).
        """
        started = time.perf_counter()
        park.use_objective(primary)
        first = self._run(park, self.options.time_limit, primary.value)
        if first.status is not SolveStatus.OPTIMAL:
            park.use_objective(Objective.COST)
            if not first.status.has_solution:
                return first
            stopped = f"{primary.value} stage: {first.message}; {secondary.value} stage not run (the {primary.value} stage was not proven optimal)"
            return replace(first, message=stopped, seconds=time.perf_counter() - started)
        best = first.objective_value
        cap(best + LEXICOGRAPHIC_TOLERANCE * max(1.0, abs(best)))
        park.use_objective(secondary)
        remaining = None
        if self.options.time_limit is not None:
            remaining = max(1.0, self.options.time_limit - (time.perf_counter() - started))
        try:
            second = self._run(park, remaining, secondary.value, start=self._solver.solution)
        finally:
            cap(None)
        if not second.status.has_solution:
            second = self._measured_from_loaded(park, second)
        park.use_objective(Objective.COST)
        seconds = time.perf_counter() - started
        gaps = {**first.absolute_gaps, **second.absolute_gaps}
        message = f"{primary.value} stage: {first.message}; {secondary.value} stage: {second.message}"
        if second.status is SolveStatus.OPTIMAL:
            return SolveOutcome(SolveStatus.OPTIMAL, best, first.objective_bound, first.mip_gap, seconds, message, primary.value, gaps)
        if second.status.has_solution or second.status is SolveStatus.NO_SOLUTION:
            return SolveOutcome(SolveStatus.FEASIBLE, best, first.objective_bound, second.mip_gap, seconds, message, secondary.value, gaps)
        # the secondary failed outright (numerics): the primary's optimum stands, its secondary not optimised
        return SolveOutcome(SolveStatus.FEASIBLE, best, first.objective_bound, None, seconds, f"{message} (its {primary.value} optimum is kept)", secondary.value, gaps)

    def _measured_from_loaded(self, park: ParkModel, stopped: SolveOutcome) -> SolveOutcome:
        """A secondary stage without an incumbent, its gap measured at the (loaded) primary optimum."""
        value = pyo.value(_active_objective(park.model))
        bound = stopped.objective_bound
        if bound is None or not math.isfinite(bound):
            return replace(stopped, absolute_gaps={})
        gap = _relative_gap(value, bound)
        return replace(stopped, mip_gap=gap, absolute_gaps={stopped.gap_stage: abs(value - bound)})

    def _run(self, park: ParkModel, time_limit: float | None, stage: str = "", start: Solution | None = None) -> SolveOutcome:
        """One HiGHS run of the active objective (``stage``: its name, the key of ``absolute_gaps``).

        HiGHS starts from ``start`` when given: a second stage starts from the
        first stage's solution, feasible under the stage's cap, always (the
        same solve gives the same start every time). With the ``warm_start``
        option any other run starts from the last solution of a run of the
        same objective on the same side of the baseline (a baseline's solution
        funds nothing, a poor start for a plan; the previous what-if's plan is
        a good one), which makes its answer depend on what was solved before.
        """
        kind = (_active_objective(park.model).name, park.baseline_held)
        if start is None and self.options.warm_start:
            start = self._starts.get(kind)
        started = time.perf_counter()
        try:
            run = self._solver.run(park.model, time_limit=time_limit, mip_gap=self.options.mip_gap, threads=self.options.threads,
                                   start=start)
        except Exception as exc:  # noqa: BLE001 - any solver failure is reported, not raised
            return SolveOutcome(SolveStatus.ERROR, None, None, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        seconds = time.perf_counter() - started
        status = _status(run.model_status, run.has_solution)
        message = _MESSAGES.get(run.model_status, "unknown")
        bound = run.objective_bound
        if not status.has_solution:
            return SolveOutcome(status, None, bound, None, seconds, message, stage, {stage: None})
        self._solver.load_solution()
        if self.options.warm_start:
            self._starts[kind] = self._solver.solution
        value = run.objective_value
        bound = value if bound is None else bound
        gap = _relative_gap(value, bound)
        return SolveOutcome(status, float(value), bound, gap, seconds, message, stage, {stage: abs(float(value) - bound)})


def _active_objective(model: pyo.ConcreteModel) -> pyo.Objective:
    return next(model.component_data_objects(pyo.Objective, active=True))


def _relative_gap(value: float, bound: float) -> float:
    """|incumbent - bound| / |incumbent| (HiGHS' definition), 0 when they agree."""
    difference = abs(value - bound)
    if difference <= 1e-9 * max(1.0, abs(value)):
        return 0.0
    return difference / max(abs(value), 1e-10)


_S = highspy.HighsModelStatus
#: HiGHS' model status in the words solver messages have always used (Pyomo's termination conditions).
_MESSAGES = {
    _S.kOptimal: "convergenceCriteriaSatisfied",
    _S.kInfeasible: "provenInfeasible",
    _S.kUnboundedOrInfeasible: "infeasibleOrUnbounded",
    _S.kUnbounded: "unbounded",
    _S.kTimeLimit: "maxTimeLimit",
    _S.kIterationLimit: "iterationLimit",
    _S.kSolutionLimit: "iterationLimit",
    _S.kObjectiveBound: "objectiveLimit",
    _S.kObjectiveTarget: "objectiveLimit",
    **dict.fromkeys((_S.kLoadError, _S.kModelError, _S.kPresolveError, _S.kSolveError, _S.kPostsolveError), "error"),
}
_ERRORS = frozenset({
    highspy.HighsModelStatus.kLoadError,
    highspy.HighsModelStatus.kModelError,
    highspy.HighsModelStatus.kPresolveError,
    highspy.HighsModelStatus.kSolveError,
    highspy.HighsModelStatus.kPostsolveError,
})


def _status(model_status: highspy.HighsModelStatus, has_solution: bool) -> SolveStatus:
    """Map HiGHS' model status (and whether it holds a feasible solution) to ours, honestly."""
    if model_status == highspy.HighsModelStatus.kOptimal:
        return SolveStatus.OPTIMAL
    if model_status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return SolveStatus.INFEASIBLE  # infeasible-or-unbounded is refined by the caller's diagnosis (elastic model)
    if model_status == highspy.HighsModelStatus.kUnbounded:
        return SolveStatus.UNBOUNDED
    if model_status in _ERRORS:
        return SolveStatus.ERROR
    return SolveStatus.FEASIBLE if has_solution else SolveStatus.NO_SOLUTION
