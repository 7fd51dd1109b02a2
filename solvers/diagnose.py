"""Explain an infeasible scenario in terms a planner can act on.

The scenario is rebuilt *elastic*: every balance gets a shortage and a surplus
slack, every budget an overrun, the symbiosis minimum a shortfall, and the
sum of slacks is minimised. Slacks left non-zero at the optimum are what
cannot be met; each becomes one finding.
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
    outcome = HighsRunner(options).solve(park, "elastic")
    columns = ["constraint", "firm", "resource", "budget", "amount", "unit", "explanation"]
    if not outcome.status.has_solution:
        row = {"constraint": "solver", "explanation": f"the diagnosis itself did not solve ({outcome.status.value})"}
        return Diagnosis(False, pd.DataFrame([row], columns=columns))
    m = park.model
    units = scenario.resources.set_index("id")["unit"]
    currency = scenario.settings.currency
    rows = []
    for (firm, resource), var in m.shortage.items():
        if (var.value or 0) > _TOLERANCE:
            rows.append({"constraint": "balance", "firm": firm, "resource": resource, "amount": var.value, "unit": units[resource],
                         "explanation": f"{firm} needs {var.value:,.6g} {units[resource]}/yr more {resource} than any purchase, link or measure can supply"})
    for (firm, resource), var in m.surplus.items():
        if (var.value or 0) > _TOLERANCE:
            rows.append({"constraint": "balance", "firm": firm, "resource": resource, "amount": var.value, "unit": units[resource],
                         "explanation": f"{firm} has {var.value:,.6g} {units[resource]}/yr of {resource} that it can neither use, sell, dispose of nor send (give it a disposal_cost, a sell_price or a link)"})
    for budget, var in m.budget_overrun.items():
        if (var.value or 0) > _TOLERANCE:
            rows.append({"constraint": "budget", "budget": budget, "amount": var.value, "unit": currency,
                         "explanation": f"budget '{budget}' is {var.value:,.6g} {currency} short of what the required items draw"})
    shortfall = m.symbiosis_shortfall.value or 0
    if shortfall > _TOLERANCE:
        rows.append({"constraint": "min_symbiosis_links", "amount": shortfall, "unit": "links",
                     "explanation": f"min_symbiosis_links needs {shortfall:.0f} more IS link(s) than can be built"})
    return Diagnosis(not rows, pd.DataFrame(rows, columns=columns))
