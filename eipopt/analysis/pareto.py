"""The cost-CO2e trade-off curve of a park, by the epsilon-constraint method.

1. The two extremes: the least-cost solution (objective ``cost``, with the
   least CO2e among least-cost solutions as a tie-break) and the least-CO2e
   solution (objective ``co2``: least CO2e, then least cost at it).
2. Between them, ``points - 2`` evenly spaced caps
   ``eps_i = E_min + i (E_max - E_min) / (points - 1)`` on the park's CO2e
   (``constraints.max_co2``; over periods the cumulative tonnes,
   ``constraints.max_co2_total``), each solved for least cost (with the same
   CO2e tie-break, so every point is efficient, not only weakly so).
3. Points that repeat another (same cost and CO2e) or are dominated (another
   point costs no more and emits no more, and is better in one) are dropped
   and listed with the reason.

Each point carries its portfolio, ``change`` (the items added ``+`` and
dropped ``-`` from the previous, dirtier point) and ``abatement_cost``: what a
tonne of CO2e avoided costs when moving to it from that point (the slope of
the front, currency per tCO2e). On a MILP front the slope need not rise
monotonically: the front is not convex.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from eipopt.analysis.portfolio import AnalysisError
from eipopt.analysis.tables import result_row, tolerance
from eipopt.api import ScenarioSolver
from eipopt.model import Objective, Scenario
from eipopt.result import Result

#: Relative difference under which two points' costs or CO2e count as equal:
#: twice the solvers' lexicographic slack (1e-7), as a point may carry two
#: (its CO2e tie-break under the cost, and the co2 objective's second stage).
#: Fronts narrower than this are indistinguishable from solver noise.
SAME_POINT_TOLERANCE = 2e-7


@dataclass(frozen=True)
class ParetoFront:
    """``points``: the non-dominated solutions, from least cost to least CO2e;
    ``dropped``: the solves left out, with ``reason`` (duplicate, dominated,
    or a cap that cannot be expressed)."""

    points: pd.DataFrame
    dropped: pd.DataFrame

    @property
    def n_dropped(self) -> int:
        return len(self.dropped)


def pareto_front(scenario: Scenario, points: int = 5, *, solver: ScenarioSolver | None = None) -> ParetoFront:
    """The cost-CO2e front of ``scenario`` with up to ``points`` solutions (at least 2: the extremes).

    Raises :class:`AnalysisError` when an extreme has no solution (an
    infeasible scenario has no front).
    """
    if points < 2:
        raise ValueError("a front needs at least 2 points (its two extremes)")
    solver = solver or ScenarioSolver()
    least_cost = _solved(solver.solve(scenario, Objective.COST, least_co2_at_cost=True), "least-cost")
    least_co2 = _solved(solver.solve(scenario, Objective.CO2), "least-CO2e")
    high, low = least_cost.summary["total_co2"], least_co2.summary["total_co2"]

    rows = [_row(least_cost, "least_cost", math.nan)]
    skipped = []
    cap_key = "constraints.max_co2" if scenario.settings.periods is None else "constraints.max_co2_total"
    for i in range(1, points - 1):
        epsilon = low + i * (high - low) / (points - 1)
        if epsilon < 0:
            skipped.append({"kind": "epsilon", "epsilon": epsilon, "reason": "cap below 0 (constraints.max_co2 must be >= 0)"})
            continue
        variant = scenario.with_overrides({cap_key: epsilon})
        result = solver.solve(variant, Objective.COST, least_co2_at_cost=True)
        rows.append(_row(result, "epsilon", epsilon))
    rows.append(_row(least_co2, "least_co2", math.nan))

    solves = pd.DataFrame(rows)
    solves.insert(0, "solve", range(len(solves)))
    kept, dropped = _non_dominated(solves)
    kept = kept.sort_values(["total_co2", "total_cost"], ascending=[False, True]).reset_index(drop=True)
    kept.insert(0, "point", range(len(kept)))
    kept["abatement_cost"] = -kept["total_cost"].diff() / kept["total_co2"].diff()
    kept["change"] = _changes(kept)
    dropped = pd.concat([dropped, pd.DataFrame(skipped)], ignore_index=True) if skipped else dropped
    return ParetoFront(kept, dropped.reset_index(drop=True))


def _changes(points: pd.DataFrame) -> list[str]:
    """Items added (+) and dropped (-) from one point to the next, as ``+a;-b``."""
    portfolios = [
        [i for column in ("measures_funded", "links_built", "tiers_built") for i in str(row[column]).split(";") if i]
        for _, row in points.iterrows()
    ]
    changes = [""]
    for before, after in zip(portfolios[:-1], portfolios[1:], strict=True):
        changes.append(";".join([f"+{i}" for i in after if i not in before] + [f"-{i}" for i in before if i not in after]))
    return changes


def _solved(result: Result, label: str) -> Result:
    if result.status not in ("optimal", "feasible"):
        raise AnalysisError(f"the {label} solve has no solution ({result.status})", result)
    return result


def _row(result: Result, kind: str, epsilon: float) -> dict:
    return {"kind": kind, "epsilon": epsilon, **result_row(result)}


def _priority(row: pd.Series) -> tuple[int, int]:
    return (0 if row["kind"] != "epsilon" else 1, row["solve"])


def _non_dominated(solves: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split solved rows into the non-dominated ones and the rest (with ``reason``)."""
    solved = solves[solves["status"].isin(["optimal", "feasible"])]
    unsolved = solves.drop(solved.index).assign(reason=lambda d: "no solution: " + d["status"].astype(str))
    cost_tol = tolerance(*solved["total_cost"], relative=SAME_POINT_TOLERANCE)
    co2_tol = tolerance(*solved["total_co2"], relative=SAME_POINT_TOLERANCE)
    keep, reasons = [], {}
    for index, row in solved.iterrows():
        reason = None
        for other_index, other in solved.iterrows():
            if other_index == index:
                continue
            no_worse = other["total_cost"] <= row["total_cost"] + cost_tol and other["total_co2"] <= row["total_co2"] + co2_tol
            better = other["total_cost"] < row["total_cost"] - cost_tol or other["total_co2"] < row["total_co2"] - co2_tol
            if no_worse and better:
                reason = f"dominated by solve {other['solve']}"
                break
            if no_worse and _priority(other) < _priority(row):  # equal within tolerance: keep an extreme, else the first
                reason = f"duplicate of solve {other['solve']}"
                break
        if reason is None:
            keep.append(index)
        else:
            reasons[index] = reason
    dropped = solved.loc[list(reasons)].assign(reason=pd.Series(reasons))
    return solved.loc[keep].copy(), pd.concat([dropped, unsolved]) if len(unsolved) else dropped
