"""Solver outcomes, reported honestly, and the command line's exit codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    """Result of one (possibly two-stage) solve.

    ``mip_gap`` is the relative gap of the stage that decides the status: the
    stage that stopped short of proving its optimum if one did, else the
    first; ``gap_stage`` names its objective. ``absolute_gaps`` maps each
    stage's objective to its absolute gap |incumbent - bound| (in that
    objective's units; None when the stage has no bound), so analyses can tell
    a real difference from one inside the gap.
    """

    status: SolveStatus
    objective_value: float | None
    objective_bound: float | None
    mip_gap: float | None
    seconds: float
    message: str = ""
    gap_stage: str | None = None
    absolute_gaps: Mapping[str, float | None] = field(default_factory=dict)
