"""The HiGHS model of a Pyomo model, held as a matrix and kept in step with it.

:class:`MatrixHighs` compiles the Pyomo model once into rows, columns and
one cost row per objective (Pyomo's linear representation visitor, the one
its standard-form compiler uses) and hands it to HiGHS in one ``passModel``
call. Before each solve it sends only what changed on the Pyomo side:

- column bounds (fixed, unfixed or re-bounded variables): ``changeColsBounds``;
- constraints activated or deactivated: ``changeRowsBounds`` (a deactivated
  row is kept, free); a constraint activated for the first time is added
  (``addRows``) with its stored compile;
- mutable parameters: the rows and objectives that read a changed parameter
  (an index from parameter to rows, built at the first change) are compiled
  again and their coefficients, bounds and costs pushed (``changeCoeff``,
  ``changeRowsBounds``, ``changeColsCost``); a constraint not yet in HiGHS
  only has its stored compile updated;
- the active objective: ``changeColsCost`` with its precompiled cost row.

A run may be given a start (column values, ``setSolution``): a MIP takes
it as its first incumbent when it is feasible for the changed model, and
drops it otherwise.

Every variable of the model is a column (fixed ones with equal bounds), so a
variable fixed or zero at load needs no new column later. Every constraint is
compiled at load, but HiGHS receives only the active ones, in the model's
order: an inactive row, even free, changes HiGHS's search path (presolve
removes it, yet on a large park the search took 165 s with two free rows
against 113.5 s without) and HiGHS's MPS reader drops free rows, so the
model written to MPS would not be the model solved. A constraint gets its
row when first activated (after the loaded ones, in activation order) and
keeps it afterwards.

Relies on Pyomo's ``pyomo.repn.linear.LinearRepnVisitor`` and
``pyomo.repn.util.VarRecorder`` (not part of Pyomo's documented API: pinned
with Pyomo in pyproject.toml).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.core.expr.visitor import identify_mutable_parameters
from pyomo.core.staleflag import StaleFlagManager
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.util import VarRecorder

_INF = highspy.kHighsInf


@dataclass(frozen=True)
class HighsRun:
    """What one HiGHS run established, as HiGHS reports it."""

    model_status: highspy.HighsModelStatus
    has_solution: bool  #: HiGHS holds a feasible primal solution
    objective_value: float | None
    objective_bound: float | None  #: the MIP dual bound; an LP's optimum; None when unknown


@dataclass(frozen=True)
class Solution:
    """The column values of a solution loaded back, and which load of the model they belong to."""

    load: int  #: :attr:`MatrixHighs.loads` when it was solved: a later load may give columns other meanings
    values: list[float]


class MatrixHighs:
    """One HiGHS model for one Pyomo model, loaded as a matrix and updated by difference."""

    def __init__(self):
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.model: pyo.ConcreteModel | None = None
        self.loads = 0  #: models loaded so far (a column's meaning may change at a load)

    # --- loading -------------------------------------------------------------
    def load(self, model: pyo.ConcreteModel) -> None:
        """Compile ``model`` and pass it to HiGHS in one call."""
        self.model = model
        self.loads += 1
        self.columns = list(model.component_data_objects(pyo.Var, descend_into=True))
        self.rows = list(model.component_data_objects(pyo.Constraint, active=None, descend_into=True))
        self.objectives = list(model.component_data_objects(pyo.Objective, active=None, descend_into=True))
        self._shape = _component_sizes(model)
        self._column_of = {id(v): i for i, v in enumerate(self.columns)}
        self._row_of: dict[int, int] | None = None  # built at the first lookup
        with _all_free(self.columns):
            visitor = self._visitor()
            self.row_lower, self.row_upper, starts, index, value = self._compile_rows(visitor, self.rows)
            self.costs = [self._compile_objective(visitor, obj) for obj in self.objectives]
        self._row_starts, self._row_index, self._row_value = starts, index, value
        self._changed_rows: dict[int, dict[int, float]] = {}  # row -> entries, for rows recompiled since loading
        self.row_active = np.fromiter((c.active for c in self.rows), bool, len(self.rows))
        self._highs_row = np.full(len(self.rows), -1, dtype=np.int64)  # constraint position -> HiGHS row; -1: not handed over
        self._highs_row[self.row_active] = np.arange(self.row_active.sum())
        self.col_lower, self.col_upper = _column_bounds(self.columns)
        self._parameters = [p for comp in model.component_objects(pyo.Param, descend_into=True) if comp.mutable for p in comp.values()]
        self._parameter_values = _values(self._parameters)
        self._readers: dict[int, tuple[set, set]] | None = None  # parameter position -> (rows, objectives) reading it
        self.objective = self._active_objective()
        self.solution: Solution | None = None  # the last solution loaded back

        lp = highspy.HighsLp()
        active = self.row_active
        lp.num_col_, lp.num_row_ = len(self.columns), int(active.sum())
        cost, offset, sense = self.costs[self.objective]
        lp.col_cost_, lp.offset_, lp.sense_ = cost, offset, sense
        lp.col_lower_, lp.col_upper_ = self.col_lower, self.col_upper
        lp.row_lower_, lp.row_upper_ = self.row_lower[active], self.row_upper[active]
        entry_active = np.repeat(active, np.diff(starts))  # per matrix entry: its row is handed over
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
        lp.a_matrix_.start_ = np.concatenate(([0], np.cumsum(np.diff(starts)[active]))).astype(np.int32)
        lp.a_matrix_.index_, lp.a_matrix_.value_ = index[entry_active], value[entry_active]
        integer = [v.is_integer() for v in self.columns]
        if any(integer):
            lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
        _check(self.highs.passModel(lp), "passModel")

    def column(self, var) -> int:
        """The HiGHS column of a Pyomo variable."""
        return self._column_of[id(var)]

    def row(self, constraint) -> int:
        """The HiGHS row of a Pyomo constraint.

        Raises ``KeyError`` for a constraint HiGHS has no row for: one
        inactive since loading (it gets a row at the first solve after it is
        activated), or one not in the loaded model.
        """
        if self._row_of is None:
            self._row_of = {id(c): r for r, c in enumerate(self.rows)}
        row = self._highs_row[self._row_of[id(constraint)]]
        if row < 0:
            raise KeyError(f"constraint {constraint.name} has no HiGHS row: inactive since the model was loaded")
        return int(row)

    def _visitor(self) -> LinearRepnVisitor:
        """Pyomo's linear walker, its columns those of the loaded model (a new variable is a structure change)."""
        return LinearRepnVisitor({}, var_recorder=VarRecorder(dict(zip(self._column_of, self.columns, strict=True)), None))

    def _compile_row(self, visitor: LinearRepnVisitor, con) -> tuple[float, float, dict[int, float]]:
        """(lower, upper, {column: coefficient}) of one constraint, its constant moved to the bounds."""
        lower, body, upper = con.to_bounded_expression(evaluate_bounds=True)
        repn = visitor.walk_expression(body)
        if repn.nonlinear is not None:
            raise ValueError(f"constraint {con.name} is not linear")
        constant = float(pyo.value(repn.constant))
        entries = {self._column_of[var_id]: float(coefficient) for var_id, coefficient in repn.linear.items()}
        lower = -_INF if lower is None else float(lower) - constant
        upper = _INF if upper is None else float(upper) - constant
        return lower, upper, entries

    def _compile_rows(self, visitor, rows):
        lower, upper = np.empty(len(rows)), np.empty(len(rows))
        starts, index, value = [0], [], []
        for r, con in enumerate(rows):
            lower[r], upper[r], entries = self._compile_row(visitor, con)
            index.extend(entries)
            value.extend(entries.values())
            starts.append(len(index))
        return lower, upper, np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.array(value, dtype=float)

    def _compile_objective(self, visitor, objective) -> tuple[np.ndarray, float, highspy.ObjSense]:
        """(cost per column, offset, sense) of one objective."""
        repn = visitor.walk_expression(objective.expr)
        if repn.nonlinear is not None:
            raise ValueError(f"objective {objective.name} is not linear")
        cost = np.zeros(len(self.columns))
        for var_id, coefficient in repn.linear.items():
            cost[self._column_of[var_id]] = coefficient
        sense = highspy.ObjSense.kMaximize if objective.sense == pyo.maximize else highspy.ObjSense.kMinimize
        return cost, float(pyo.value(repn.constant)), sense

    # --- keeping HiGHS in step -------------------------------------------------
    def synchronise(self, model: pyo.ConcreteModel) -> None:
        """Load ``model`` if it is new or its structure changed; else push what changed since the last solve."""
        if model is not self.model or _component_sizes(model) != self._shape:
            self.load(model)
            return
        self._push_column_bounds()
        self._push_parameters()
        self._push_row_activity()
        self._push_objective()

    def _push_column_bounds(self) -> None:
        lower, upper = _column_bounds(self.columns)
        changed = np.flatnonzero((lower != self.col_lower) | (upper != self.col_upper))
        if changed.size:
            _check(self.highs.changeColsBounds(changed.size, changed.astype(np.int32), lower[changed], upper[changed]), "changeColsBounds")
            self.col_lower, self.col_upper = lower, upper

    def _push_row_activity(self) -> None:
        """Add the constraints activated for the first time; re-bound those (de)activated again."""
        active = np.fromiter((c.active for c in self.rows), bool, len(self.rows))
        changed = np.flatnonzero(active != self.row_active)
        held = self._highs_row[changed] >= 0  # a constraint HiGHS does not hold was inactive: it is now activated
        self._add_rows(changed[~held])
        self._push_row_bounds(changed[held], active)

    def _add_rows(self, rows: np.ndarray) -> None:
        """Hand ``rows`` (constraint positions) to HiGHS as new rows, with their stored compile."""
        if not rows.size:
            return
        entries = [self._stored_entries(r) for r in rows.tolist()]
        starts = np.cumsum([0] + [len(e) for e in entries[:-1]], dtype=np.int32)
        index = np.fromiter((c for e in entries for c in e), np.int32)
        value = np.fromiter((v for e in entries for v in e.values()), float)
        first = self.highs.getNumRow()
        _check(self.highs.addRows(rows.size, self.row_lower[rows], self.row_upper[rows], index.size, starts, index, value), "addRows")
        self._highs_row[rows] = np.arange(first, first + rows.size)

    def _push_row_bounds(self, rows: np.ndarray, active: np.ndarray) -> None:
        """Send the bounds of ``rows`` HiGHS holds (free where inactive) and remember what HiGHS holds."""
        self.row_active = active
        rows = rows[self._highs_row[rows] >= 0]
        if rows.size:
            lower = np.where(active[rows], self.row_lower[rows], -_INF)
            upper = np.where(active[rows], self.row_upper[rows], _INF)
            _check(self.highs.changeRowsBounds(rows.size, self._highs_row[rows].astype(np.int32), lower, upper), "changeRowsBounds")

    def _push_parameters(self) -> None:
        """Recompile the rows and objectives that read a changed parameter; push their coefficients, bounds and costs."""
        values = _values(self._parameters)
        changed = np.flatnonzero((values != self._parameter_values) & ~(np.isnan(values) & np.isnan(self._parameter_values)))
        if not changed.size:
            return
        readers = self._parameter_readers()
        rows = sorted({r for p in changed.tolist() for r in readers.get(p, ((), ()))[0]})
        objectives = sorted({o for p in changed.tolist() for o in readers.get(p, ((), ()))[1]})
        with _all_free(self.columns):
            visitor = self._visitor()
            for r in rows:
                self.row_lower[r], self.row_upper[r], entries = self._compile_row(visitor, self.rows[r])
                self._push_row_entries(r, entries)
            for o in objectives:
                self.costs[o] = self._compile_objective(visitor, self.objectives[o])
        self._push_row_bounds(np.array(rows, dtype=np.int64), self.row_active)
        if self.objective in objectives:
            self.objective = None  # pushed again by _push_objective
        self._parameter_values = values

    def _stored_entries(self, row: int) -> dict[int, float]:
        """{column: coefficient} of a constraint as last compiled (at load or at a parameter change)."""
        entries = self._changed_rows.get(row)
        if entries is None:
            start, end = self._row_starts[row], self._row_starts[row + 1]
            entries = dict(zip(self._row_index[start:end].tolist(), self._row_value[start:end].tolist(), strict=True))
        return entries

    def _push_row_entries(self, row: int, entries: dict[int, float]) -> None:
        """Store a recompiled constraint's coefficients; push the differences if HiGHS holds its row."""
        highs_row = int(self._highs_row[row])
        if highs_row >= 0:
            old = self._stored_entries(row)
            for column in old.keys() | entries.keys():
                new = entries.get(column, 0.0)
                if new != old.get(column, 0.0):
                    _check(self.highs.changeCoeff(highs_row, column, new), "changeCoeff")
        self._changed_rows[row] = entries

    def _parameter_readers(self) -> dict[int, tuple[set, set]]:
        """{parameter position: (rows, objectives) whose expressions read it}, walked once, at the first change."""
        if self._readers is None:
            position = {id(p): i for i, p in enumerate(self._parameters)}
            readers: dict[int, tuple[set, set]] = {}
            for kind, components in ((0, self.rows), (1, self.objectives)):
                for k, component in enumerate(components):
                    for param in identify_mutable_parameters(component.expr):
                        readers.setdefault(position[id(param)], (set(), set()))[kind].add(k)
            self._readers = readers
        return self._readers

    def _active_objective(self) -> int:
        active = [k for k, obj in enumerate(self.objectives) if obj.active]
        if len(active) != 1:
            raise ValueError(f"the model has {len(active)} active objectives; HiGHS needs exactly one")
        return active[0]

    def _push_objective(self) -> None:
        chosen = self._active_objective()
        if chosen == self.objective:
            return
        cost, offset, sense = self.costs[chosen]
        everything = np.arange(len(self.columns), dtype=np.int32)
        _check(self.highs.changeColsCost(len(everything), everything, cost), "changeColsCost")
        _check(self.highs.changeObjectiveOffset(offset), "changeObjectiveOffset")
        _check(self.highs.changeObjectiveSense(sense), "changeObjectiveSense")
        self.objective = chosen

    # --- solving ------------------------------------------------------------------
    def run(self, model: pyo.ConcreteModel, *, time_limit: float | None, mip_gap: float | None, threads: int | None,
            start: Solution | None = None) -> HighsRun:
        """Bring HiGHS in step with ``model`` and solve; the options apply to this run only.

        ``start``: an earlier run's :attr:`solution` for HiGHS to start from
        (not given if the model was loaded again since).
        """
        self.synchronise(model)
        highs = self.highs
        if start is not None and start.load == self.loads:
            given = highspy.HighsSolution()
            given.col_value, given.value_valid = start.values, True
            _check(highs.setSolution(given), "setSolution")
        highs.setOptionValue("time_limit", _INF if time_limit is None else float(time_limit))
        highs.setOptionValue("mip_rel_gap", 1e-4 if mip_gap is None else float(mip_gap))  # 1e-4: HiGHS' default
        if threads is not None:
            highs.setOptionValue("threads", int(threads))
        highs.run()
        info = highs.getInfo()
        status = highs.getModelStatus()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        value = info.objective_function_value if has_solution else None
        if info.mip_node_count == -1:  # solved as an LP: its optimum is its bound
            bound = value if has_solution and status == highspy.HighsModelStatus.kOptimal else None
        else:
            bound = info.mip_dual_bound
        bound = float(bound) if bound is not None and math.isfinite(bound) else None
        return HighsRun(status, has_solution, value, bound)

    def load_solution(self) -> None:
        """Set every free variable to its value in HiGHS' solution (fixed ones keep theirs)."""
        values = self.highs.getSolution().col_value
        self.solution = Solution(self.loads, values)
        for var, value in zip(self.columns, values, strict=True):
            if not var.fixed:
                var.set_value(value, skip_validation=True)
        StaleFlagManager.mark_all_as_stale(delayed=True)


def _component_sizes(model: pyo.ConcreteModel) -> tuple:
    """How many variables, constraints and objectives each component holds (a change is a new structure)."""
    return tuple(
        (id(component), len(component))
        for kind in (pyo.Var, pyo.Constraint, pyo.Objective)
        for component in model.component_objects(kind, descend_into=True)
    )


def _column_bounds(columns: list) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of every column: a fixed variable's value for both; no bound as infinity."""
    unset = [v.name for v in columns if v.fixed and v.value is None]
    if unset:  # None would read as "no bound"
        raise ValueError(f"fixed variable(s) without a value: {', '.join(unset[:5])}")
    lower = np.array([v.value if v.fixed else v.lb for v in columns], dtype=float)
    upper = np.array([v.value if v.fixed else v.ub for v in columns], dtype=float)
    return np.nan_to_num(lower, nan=-_INF), np.nan_to_num(upper, nan=_INF)


def _values(parameters: list) -> np.ndarray:
    return np.array([p.value for p in parameters], dtype=float)


@contextmanager
def _all_free(columns: list) -> Iterator[None]:
    """Unfix every variable for a walk: fixed variables stay columns (held by bounds), not constants."""
    fixed = [v for v in columns if v.fixed]
    for v in fixed:
        v.fixed = False
    try:
        yield
    finally:
        for v in fixed:
            v.fixed = True


def _check(status: highspy.HighsStatus, call: str) -> None:
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS {call} failed")
