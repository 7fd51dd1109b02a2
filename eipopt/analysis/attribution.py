"""What each funded item contributes to the optimum: re-solve with the item ruled out.

For every new item i (measure, link or tier) of the optimum, the scenario is
solved again with i forbidden (its decision fixed to 0, as ``allowed=false``
does for measures and links), and the item's contribution is what the park
loses without it::

    delta_cost = cost(without i) - cost(optimum)     currency/yr the item saves
    delta_co2  = co2(without i)  - co2(optimum)      tCO2e/yr the item avoids

Both are measured after the model has re-optimised around the gap (it may
fund something else instead: ``replaced_by``), so they are marginal values
at the optimum, not stand-alone ones, and they need not add up to the total
savings (items that substitute for each other each contribute little;
complementary ones each contribute much). Forbidding a link also forbids its
tiers, and forbidding an item forbids what requires it. An item without which
the scenario is infeasible is ``indispensable`` and ranks first.

Per unit capex (``delta_cost_per_capex``, ``delta_co2_per_capex``) is what a
funder reads: annual savings or tonnes per unit of money put in.

Both optima are known only to within their MIP gaps. ``gap`` is the two
solves' absolute gaps summed, on the objective (currency/yr for ``cost`` and
``weighted``, tCO2e/yr for ``co2``; for ``co2`` the cost stage's when CO2e
ties exactly). A contribution no larger than ``gap`` is not a finding:
``significant`` is False and its deltas are left blank (the optimum without
the item, ``total_cost_without`` / ``total_co2_without``, is still shown).
Such rows rank after the significant ones. Unless a solver is given the
solves use :data:`~eipopt.analysis.tables.ANALYSIS_MIP_GAP`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from eipopt.analysis.portfolio import (
    AnalysisError,
    Portfolio,
    item_capex,
    item_kind,
)
from eipopt.analysis.tables import ANALYSIS_MIP_GAP, ratio, stage_difference
from eipopt.api import ScenarioSolver
from eipopt.model import Objective, Scenario
from eipopt.result import Result


@dataclass(frozen=True)
class Attribution:
    """``items``: one row per funded new item, ranked; ``optimum``: the solve they are funded in."""

    objective: str
    items: pd.DataFrame
    optimum: Result

    @property
    def interaction(self) -> float:
        """Total savings minus the sum of the items' ``delta_cost`` (0 when contributions add up; NaN without a baseline)."""
        savings = self.optimum.summary["cost_savings"]
        return math.nan if savings is None else savings - float(self.items["delta_cost"].sum())


COLUMNS = [
    "rank", "item", "kind", "capex", "status_without", "total_cost_without", "total_co2_without",
    "delta_cost", "delta_co2", "delta_cost_per_capex", "delta_co2_per_capex", "significant", "gap",
    "replaced_by", "dropped_with", "reproduce",
]


def attribute(
    scenario: Scenario,
    objective: Objective | str | None = None,
    *,
    solver: ScenarioSolver | None = None,
) -> Attribution:
    """Rank the new items of the optimum of ``scenario`` by what the optimum loses without each.

    Ranking: indispensable items first, then by ``delta_cost`` for the
    ``cost`` and ``weighted`` objectives, by ``delta_co2`` then
    ``delta_cost`` for ``co2``; contributions inside the gap last. Raises
    :class:`AnalysisError` when the scenario has no solution.
    """
    objective = Objective(objective or scenario.settings.objective)
    solver = solver or ScenarioSolver(mip_gap=ANALYSIS_MIP_GAP)
    optimum = solver.solve(scenario, objective)
    if optimum.status not in ("optimal", "feasible"):
        raise AnalysisError(f"the scenario has no solution ({optimum.status})", optimum)
    funded = Portfolio.of(optimum).items
    capex = item_capex(scenario)
    cost, co2 = optimum.summary["total_cost"], optimum.summary["total_co2"]
    rows = []
    for item in funded:
        without = solver.solve(scenario, objective, forbid=[item])
        solved = without.status in ("optimal", "feasible")
        other = set(Portfolio.of(without).items)
        kind = item_kind(scenario, item)
        _, gap, inside = stage_difference(optimum, without, objective.value) if solved else (None, math.nan, False)
        measured = solved and not inside
        delta_cost = without.summary["total_cost"] - cost if measured else math.nan
        delta_co2 = without.summary["total_co2"] - co2 if measured else math.nan
        rows.append({
            "item": item,
            "kind": kind,
            "capex": capex[item],
            "status_without": without.status if solved else f"indispensable ({without.status} without it)",
            "total_cost_without": without.summary["total_cost"] if solved else math.nan,
            "total_co2_without": without.summary["total_co2"] if solved else math.nan,
            "delta_cost": delta_cost,
            "delta_co2": delta_co2,
            "delta_cost_per_capex": ratio(delta_cost, capex[item]),
            "delta_co2_per_capex": ratio(delta_co2, capex[item]),
            "significant": not inside,
            "gap": math.nan if gap is None else gap,
            "replaced_by": ";".join(i for i in Portfolio.of(without).items if i not in funded) if solved else "",
            "dropped_with": ";".join(i for i in funded if i != item and i not in other) if solved else "",
            "reproduce": f"--set {kind}s.{item}.allowed=false" if kind != "tier" else "",
            "_indispensable": not solved,
        })
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"] + ["_indispensable"])
    keys = ["delta_co2", "delta_cost"] if objective is Objective.CO2 else ["delta_cost", "delta_co2"]
    table = table.sort_values(["_indispensable", "significant", *keys], ascending=[False, False, False, False], na_position="first")
    table = table.drop(columns="_indispensable").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return Attribution(objective.value, table, optimum)
