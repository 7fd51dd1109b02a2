"""eipopt: which industrial-symbiosis links and RECP measures an eco-industrial park should fund.

>>> import eipopt
>>> scenario = eipopt.load_scenario("scenarios/khanh_phu")      # doctest: +SKIP
>>> result = eipopt.solve(scenario.with_overrides({"carbon_price": 20}))  # doctest: +SKIP
>>> result.summary["co2_reduction"], result.links                 # doctest: +SKIP
"""

from eipopt.api import ScenarioSolver, solve
from eipopt.io import load_scenario, write_scenario
from eipopt.model import Objective, Scenario, ScenarioError
from eipopt.result import SUMMARY_KEYS, Result
from eipopt.solvers import SolveStatus

__version__ = "0.1.0"

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
