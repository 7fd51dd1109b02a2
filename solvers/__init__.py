"""Solving park models with HiGHS: statuses, lexicographic objectives, diagnosis.

Depends on :mod:`eipopt.model` only; reads no files.
"""

from eipopt.solvers.diagnose import Diagnosis, diagnose
from eipopt.solvers.highs import HighsRunner
from eipopt.solvers.status import SolveOutcome, SolveStatus

__all__ = ["Diagnosis", "HighsRunner", "SolveOutcome", "SolveStatus", "diagnose"]
