"""HiGHS through Pyomo's persistent highspy interface.

One :class:`HighsRunner` per built model: re-solves after parameter updates,
objective switches or fixings reuse the loaded HiGHS model (Pyomo sends only
the changes).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import pyomo.core as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs
from pyomo.core.expr.visitor import identify_mutable_parameters

from eipopt.model import Objective, ParkModel, SolverOptions
from eipopt.solvers.status import SolveOutcome, SolveStatus

#: Relative slack on the least CO2e when stage 2 of the ``co2`` objective
#: minimises cost under it (numerical tolerance, not a modelling choice).
LEXICOGRAPHIC_TOLERANCE = 1e-7


class _BulkLoadingHighs(Highs):
    """Pyomo's persistent HiGHS interface, loading a model's variables in one call.

    Pyomo 6.10.1 adds variables constraint by constraint as it meets them:
    one ``addVars`` + ``changeColsIntegrality`` call per constraint, even for
    none, each slower as the model grows (about 20 s of the hand-over of a
    100,000-link model). Adding every variable of the block first makes the
    per-constraint calls empty, and empty calls are skipped.
    """

    def add_variables(self, variables):
        if variables:
            super().add_variables(variables)

    def add_block(self, block):
        new = [v for v in block.component_data_objects(pyo.Var, descend_into=True) if id(v) not in self._referenced_variables]
        self.add_variables(new)
        super().add_block(block)


class _IncrementalHighs(_BulkLoadingHighs):
    """Pushes to HiGHS only the coefficients, costs and bounds of the parameters that changed.

    Pyomo's ``update_parameters`` re-evaluates every mutable coefficient,
    cost and row bound of the model and sends each to HiGHS, whatever
    changed. Here the parameter values are remembered at each hand-over; a
    re-solve compares them, finds the rows and objective terms that read a
    changed parameter (an index from parameter to its uses, kept as rows and
    objectives are added) and calls Pyomo's own helpers for those only
    (``changeCoeff``, ``changeRowBounds``, ``changeColCost``), so the HiGHS
    model ends up exactly as a full update leaves it.
    """

    def __init__(self, **kwds):
        super().__init__(**kwds)  # also run by Pyomo's _reinit when a model is loaded
        self._synced_values: dict[int, object] = {}  # parameter id -> value HiGHS holds
        self._rows_reading: dict[int, set] = {}  # parameter id -> constraints whose helpers read it
        self._objective_terms_reading: dict[int, list] = {}  # parameter id -> objective helpers reading it

    def _add_parameters(self, params):
        super()._add_parameters(params)
        for param in params:
            self._synced_values[id(param)] = param.value

    def _remove_parameters(self, params):
        super()._remove_parameters(params)
        for param in params:
            self._synced_values.pop(id(param), None)
            self._rows_reading.pop(id(param), None)

    def _add_constraints(self, cons):
        super()._add_constraints(cons)
        for con in cons:
            for helper in self._mutable_helpers.get(con, ()):
                for expr in _helper_expressions(helper):
                    for param in identify_mutable_parameters(expr):
                        self._rows_reading.setdefault(id(param), set()).add(con)

    def _set_objective(self, obj):
        super()._set_objective(obj)
        self._objective_terms_reading = {}
        objective = self._mutable_objective
        for helper in [objective.constant, *objective.linear_coefs]:
            for param in identify_mutable_parameters(helper.expr):
                self._objective_terms_reading.setdefault(id(param), []).append(helper)

    def update_parameters(self):
        changed = [pid for pid, param in self._params.items() if not _same(param.value, self._synced_values.get(pid, _UNSEEN))]
        if not changed:
            return
        objective = getattr(self, "_mutable_objective", None)
        if objective is not None and objective.quadratic_coefs:
            super().update_parameters()  # not ours to narrow: a quadratic objective passes its Hessian whole
        else:
            self._sol = None
            if self._last_results_object is not None:
                self._last_results_object.solution_loader.invalidate()
            rows = {con for pid in changed for con in self._rows_reading.get(pid, ())}
            for con in rows:
                for helper in self._mutable_helpers.get(con, ()):  # a removed row has no helpers left
                    helper.update()
            for _, helper in self._mutable_bounds.values():  # variable bounds read from parameters (none in the park model)
                helper.update()
            terms = {id(h): h for pid in changed for h in self._objective_terms_reading.get(pid, ())}
            for helper in terms.values():
                helper.update()
        for pid in changed:
            self._synced_values[pid] = self._params[pid].value


_UNSEEN = object()


def _same(value, synced) -> bool:
    """Equal, or both NaN (a NaN parameter has not changed)."""
    return value == synced or (isinstance(value, float) and isinstance(synced, float) and math.isnan(value) and math.isnan(synced))


def _helper_expressions(helper) -> list:
    """The expressions a Pyomo HiGHS helper evaluates: a coefficient, or a row's lower and upper bound."""
    if hasattr(helper, "expr"):
        return [helper.expr]
    return [helper.lower_expr, helper.upper_expr]


class HighsRunner:
    """Solve a :class:`ParkModel` with HiGHS, keeping the solver loaded between solves."""

    def __init__(self, options: SolverOptions | None = None):
        self.options = options or SolverOptions()
        self._solver = _IncrementalHighs()
        self._model_id: int | None = None

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
                second = self._run(park, self.options.time_limit)
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
            second = self._run(park, remaining, secondary.value)
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

    def _run(self, park: ParkModel, time_limit: float | None, stage: str = "") -> SolveOutcome:
        """One HiGHS run of the active objective (``stage``: its name, the key of ``absolute_gaps``)."""
        config = {
            "load_solutions": False,
            "raise_exception_on_nonoptimal_result": False,
            "tee": False,
        }
        if time_limit is not None:
            config["time_limit"] = time_limit
        if self.options.mip_gap is not None:
            config["rel_gap"] = self.options.mip_gap
        if self.options.threads is not None:
            config["threads"] = self.options.threads
        started = time.perf_counter()
        try:
            results = self._solver.solve(park.model, **config)
        except Exception as exc:  # noqa: BLE001 - any solver failure is reported, not raised
            return SolveOutcome(SolveStatus.ERROR, None, None, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        seconds = time.perf_counter() - started
        status = _status(results.termination_condition, results.solution_status)
        bound = results.objective_bound
        bound = float(bound) if bound is not None and math.isfinite(bound) else None
        if not status.has_solution:
            return SolveOutcome(status, None, bound, None, seconds, str(results.termination_condition.name), stage, {stage: None})
        results.solution_loader.load_vars()
        value = results.incumbent_objective
        if value is None:  # not reported: evaluate the objective at the loaded solution
            value = pyo.value(_active_objective(park.model))
        bound = value if bound is None else bound
        gap = _relative_gap(value, bound)
        return SolveOutcome(status, float(value), bound, gap, seconds, results.termination_condition.name, stage, {stage: abs(float(value) - bound)})


def _active_objective(model: pyo.ConcreteModel) -> pyo.Objective:
    return next(model.component_data_objects(pyo.Objective, active=True))


def _relative_gap(value: float, bound: float) -> float:
    """|incumbent - bound| / |incumbent| (HiGHS' definition), 0 when they agree."""
    difference = abs(value - bound)
    if difference <= 1e-9 * max(1.0, abs(value)):
        return 0.0
    return difference / max(abs(value), 1e-10)


def _status(termination: TerminationCondition, solution: SolutionStatus) -> SolveStatus:
    """Map Pyomo's termination and solution status to ours, honestly."""
    if termination is TerminationCondition.convergenceCriteriaSatisfied:
        return SolveStatus.OPTIMAL
    if termination is TerminationCondition.provenInfeasible:
        return SolveStatus.INFEASIBLE
    if termination is TerminationCondition.unbounded:
        return SolveStatus.UNBOUNDED
    if termination is TerminationCondition.infeasibleOrUnbounded:
        return SolveStatus.INFEASIBLE  # refined by the caller's diagnosis (elastic model)
    if termination is TerminationCondition.error:
        return SolveStatus.ERROR
    if solution in (SolutionStatus.feasible, SolutionStatus.optimal):
        return SolveStatus.FEASIBLE
    return SolveStatus.NO_SOLUTION
