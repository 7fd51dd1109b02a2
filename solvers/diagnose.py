"""Explain an infeasible scenario in terms a planner can act on.

The scenario is rebuilt *elastic*: every balance gets a shortage and a surplus
slack, every budget an overrun, the CO2e cap an overrun, the symbiosis minimum
a shortfall. First the balance slacks are minimised with the requirements
relaxed: what is left is physically impossible whatever is funded. If the
balances can all be met, they are held and the requirements' slacks are
minimised (each relative to its limit): what is left names the budget, cap
or minimum that cannot be met. Each non-zero slack becomes one finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from eipopt.model import SolverOptions, build_model
from eipopt.solvers.highs import HighsRunner

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Diagnosis:
    """``feasible`` is True when the elastic optimum needs no slack (the model itself was unbounded)."""

    feasible: bool
    findings: pd.DataFrame  # columns: constraint, firm, resource, budget, amount, unit, explanation

    def messages(self) -> list[str]:
        return list(self.findings["explanation"])


def diagnose(scenario, *, baseline: bool = False, options: SolverOptions | None = None) -> Diagnosis:
    """Find which balances, budgets or requirements cannot be met (``baseline``: with nothing new funded)."""
    park = build_model(scenario, elastic=True)
    if baseline:
        park.fix_baseline()
    runner = HighsRunner(options)
    outcome = runner.solve(park, "elastic")
    if outcome.status.has_solution and outcome.objective_value <= _TOLERANCE:
        for var in [*park.model.shortage.values(), *park.model.surplus.values()]:
            var.fix(0)
        outcome = runner.solve(park, "elastic_requirements")
    columns = ["constraint", "firm", "resource", "budget", "amount", "unit", "explanation"]
    if not outcome.status.has_solution:
        row = {"constraint": "solver", "explanation": f"the diagnosis itself did not solve ({outcome.status.value})"}
        return Diagnosis(False, pd.DataFrame([row], columns=columns))
    m = park.model
    units = scenario.resources.set_index("id")["unit"]
    currency = scenario.settings.currency
    by_period = scenario.settings.periods is not None

    def when(period) -> str:
        """' from PERIOD' with periods; nothing for one representative year."""
        return f" in the period from {period}" if by_period else ""

    rows = []
    for (firm, resource, period), var in m.shortage.items():
        if (var.value or 0) > _TOLERANCE:
            rows.append({"constraint": "balance", "firm": firm, "resource": resource, "amount": var.value, "unit": units[resource],
                         "explanation": f"{firm} needs {var.value:,.6g} {units[resource]}/yr more {resource}{when(period)} than any purchase, link or measure can supply"})
    for (firm, resource, period), var in m.surplus.items():
        if (var.value or 0) > _TOLERANCE:
            rows.append({"constraint": "balance", "firm": firm, "resource": resource, "amount": var.value, "unit": units[resource],
                         "explanation": f"{firm} has {var.value:,.6g} {units[resource]}/yr of {resource}{when(period)} that it can neither use, sell, dispose of nor send (give it a disposal_cost, a sell_price or a link)"})
    for budget, var in m.budget_overrun.items():
        if (var.value or 0) > _TOLERANCE:
            rows.append({"constraint": "budget", "budget": budget, "amount": var.value, "unit": currency,
                         "explanation": f"budget '{budget}'{_budget_scope(scenario, budget)} is {var.value:,.6g} {currency} short of what the required items draw"})
    for period, var in m.symbiosis_shortfall.items():
        shortfall = var.value or 0
        if shortfall > _TOLERANCE:
            rows.append({"constraint": "min_symbiosis_links", "amount": shortfall, "unit": "links",
                         "explanation": f"min_symbiosis_links cannot be met{when(period)}: {shortfall:.0f} more IS link(s) needed than the links, budgets and requirements allow"})
    for period, var in m.co2_overrun.items():
        overrun = var.value or 0
        if overrun > _TOLERANCE:
            rows.append({"constraint": "max_co2", "amount": overrun, "unit": "tCO2e/yr",
                         "explanation": f"constraints.max_co2 cannot be met{when(period)}: the least CO2e reachable is {overrun:,.6g} tCO2e/yr above it"})
    for var in m.co2_total_overrun.values():
        if (var.value or 0) > _TOLERANCE:
            rows.append({"constraint": "max_co2_total", "amount": var.value, "unit": "tCO2e",
                         "explanation": f"constraints.max_co2_total cannot be met: the least CO2e reachable over the horizon is {var.value:,.6g} tCO2e above it"})
    return Diagnosis(not rows, pd.DataFrame(rows, columns=columns))


def _budget_scope(scenario, budget_id: str) -> str:
    """' (items built in the period from YEAR)' for a budget of one period; nothing otherwise."""
    period = scenario.settings.budget(budget_id).period
    return "" if period is None else f" (items built in the period from {period})"
