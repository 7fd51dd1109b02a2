"""Analyses on top of the solve: trade-offs, budget response, attribution, greedy comparison, plots.

Each analysis is a loop of solves on one built model (:class:`eipopt.ScenarioSolver`)
and returns tidy DataFrames:

- :func:`pareto_front`: the cost-CO2e front by the epsilon-constraint method;
- :func:`budget_response`: optimum and marginal value as a budget grows, and
  :func:`abatement_curve`: the packages each step buys and their cost per tonne;
- :func:`attribute`: what each funded item contributes (optimum without it);
- :func:`greedy_comparison`: the optimum against a static cost-effectiveness ranking;
- :func:`viability_gaps` and :func:`grant_response` (:func:`finance_analysis`):
  which items need a grant, and what a grant pool buys;
- :mod:`eipopt.analysis.plots`, :mod:`eipopt.analysis.finance_plots`: their figures.
"""

from eipopt.analysis.attribution import Attribution, attribute
from eipopt.analysis.budget import BudgetResponse, abatement_curve, budget_response, parse_steps
from eipopt.analysis.finance import (
    FinanceAnalysis,
    finance_analysis,
    grant_response,
    viability_gaps,
)
from eipopt.analysis.greedy import GreedyComparison, greedy_comparison
from eipopt.analysis.pareto import ParetoFront, pareto_front
from eipopt.analysis.portfolio import AnalysisError, Portfolio

__all__ = [
    "AnalysisError",
    "Attribution",
    "BudgetResponse",
    "FinanceAnalysis",
    "GreedyComparison",
    "ParetoFront",
    "Portfolio",
    "abatement_curve",
    "attribute",
    "budget_response",
    "finance_analysis",
    "grant_response",
    "greedy_comparison",
    "pareto_front",
    "parse_steps",
    "viability_gaps",
]
