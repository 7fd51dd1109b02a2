"""eipopt: which industrial-symbiosis links and RECP measures an eco-industrial park should fund.

>>> import eipopt
>>> scenario = eipopt.load_scenario("scenarios/khanh_phu")      # doctest: +SKIP
>>> result = eipopt.solve(scenario.with_overrides({"carbon_price": 20}))  # doctest: +SKIP
>>> result.summary["co2_reduction"], result.links                 # doctest: +SKIP

The names below are imported on first use (PEP 562), so that ``import
eipopt.cli`` (the command line) does not load pandas, Pyomo and HiGHS before
a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eipopt.api import ScenarioSolver, solve
    from eipopt.io import load_scenario, write_scenario
    from eipopt.model import Objective, Scenario, ScenarioError
    from eipopt.result import SUMMARY_KEYS, Result
    from eipopt.solvers import SolveStatus

__version__ = "0.1.0"

#: Public name -> module it comes from.
_EXPORTS = {
    "SUMMARY_KEYS": "eipopt.result",
    "Objective": "eipopt.model",
    "Result": "eipopt.result",
    "Scenario": "eipopt.model",
    "ScenarioError": "eipopt.model",
    "ScenarioSolver": "eipopt.api",
    "SolveStatus": "eipopt.solvers",
    "load_scenario": "eipopt.io",
    "solve": "eipopt.api",
    "write_scenario": "eipopt.io",
}

__all__ = [
    "SUMMARY_KEYS",
    "Objective",
    "Result",
    "Scenario",
    "ScenarioError",
    "ScenarioSolver",
    "SolveStatus",
    "load_scenario",
    "solve",
    "write_scenario",
]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'eipopt' has no attribute '{name}'")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # imported once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
