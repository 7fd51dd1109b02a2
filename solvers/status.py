"""Solver outcomes, reported honestly, and the command line's exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SolveStatus(StrEnum):
    """What the solver established."""

    OPTIMAL = "optimal"  #: proven optimal within the gap asked for
    FEASIBLE = "feasible"  #: a solution, not proven optimal (time or iteration limit); see mip_gap
    INFEASIBLE = "infeasible"  #: proven that no solution exists
    UNBOUNDED = "unbounded"  #: the objective can improve without limit (a data error: e.g. sell above buy price)
    NO_SOLUTION = "no_solution"  #: stopped at a limit before any solution was found
    ERROR = "error"  #: the solver failed

    @property
    def has_solution(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    @property
    def exit_code(self) -> int:
        """0 solved, 3 infeasible, 4 solver failure or no solution within the limit."""
        if self.has_solution:
            return 0
        if self is SolveStatus.INFEASIBLE:
            return 3
        return 4


@dataclass(frozen=True)
class SolveOutcome:
    """Result of one (possibly two-stage) solve."""

    status: SolveStatus
    objective_value: float | None
    objective_bound: float | None
    mip_gap: float | None
    seconds: float
    message: str = ""
