"""The park model: scenario schema, validation, and the Pyomo MILP.

This layer knows no solver and reads no files. Data flows one way:
``Scenario`` (validated tables + settings) -> :func:`build_model` -> Pyomo model,
and after a solve :mod:`eipopt.model.extract` turns variable values into tables.
"""

from eipopt.model.errors import Problem, ScenarioError
from eipopt.model.scenario import Scenario
from eipopt.model.settings import AppliesTo, Budget, Objective, Settings, SolverOptions


def __getattr__(name: str):
    """``ParkModel`` and ``build_model`` on first use: reading and checking a scenario needs no Pyomo."""
    if name in ("ParkModel", "build_model"):
        from eipopt.model import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AppliesTo",
    "Budget",
    "Objective",
    "ParkModel",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Settings",
    "SolverOptions",
    "build_model",
]
