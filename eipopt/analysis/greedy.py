"""The optimal portfolio against the spreadsheet habit: rank items by static cost-effectiveness, fill the budget.

The greedy portfolio is built the way a funding spreadsheet is:

1. every candidate item (new measure, link or tier) is valued on its own:
   the park with only that item (and what it needs: ``requires``, a tier's
   link and earlier tiers) funded, operated by the model, against the
   baseline. Plan requirements (``min_symbiosis_links``, ``max_co2``, ``max_co2_total``) are
   lifted for this valuation: a spreadsheet looks at one project at a time;
2. items are ranked by ``saving per capex`` (objective ``cost`` or
   ``weighted``) or ``CO2e reduction per capex`` (``co2``), best first, zero
   capex first among those that help;
3. down the ranking, an item joins when it helps on its own (saving or
   reduction > 0), no measure of its group is in yet, and every budget still
   holds with it; otherwise it is skipped and the next one tried.

The greedy portfolio is then measured by the same model as the optimum: its
items fixed to 1, every other candidate to 0, the operations optimised with
the scenario's objective and requirements. The optimum is a solution of the
same problem with the items free, so greedy can never beat it; ``comparison``
shows by how much it falls short.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from eipopt.analysis.portfolio import (
    AnalysisError,
    Portfolio,
    candidate_items,
    item_capex,
    item_kind,
    prerequisites,
)
from eipopt.analysis.tables import result_row, tolerance
from eipopt.api import ScenarioSolver
from eipopt.model import Objective, Scenario
from eipopt.model.data import model_data
from eipopt.result import Result


@dataclass(frozen=True)
class GreedyComparison:
    """``ranking``: the items as the greedy rule sees them; ``comparison``: optimum, greedy and their difference."""

    objective: str
    ranking: pd.DataFrame
    comparison: pd.DataFrame
    optimum: Result
    greedy: Result


def greedy_comparison(
    scenario: Scenario,
    objective: Objective | str | None = None,
    *,
    solver: ScenarioSolver | None = None,
) -> GreedyComparison:
    """Compare the optimum of ``scenario`` with the greedy portfolio at the same budgets."""
    objective = Objective(objective or scenario.settings.objective)
    solver = solver or ScenarioSolver()
    optimum = solver.solve(scenario, objective)
    if optimum.status not in ("optimal", "feasible"):
        raise AnalysisError(f"the scenario has no solution ({optimum.status})", optimum)

    candidates = candidate_items(scenario)
    ranking = _rank(scenario, objective, candidates, solver.sibling())
    chosen = _fill(scenario, ranking)
    ranking["in_optimum"] = ranking["item"].isin(Portfolio.of(optimum).items)
    greedy = solver.solve(scenario, objective, force=chosen, forbid=[i for i in candidates if i not in chosen])

    rows = [{"portfolio": "optimal", **result_row(optimum)}, {"portfolio": "greedy", **result_row(greedy)}]
    comparison = pd.DataFrame(rows)
    difference = {"portfolio": "greedy - optimal", "status": ""}
    for column in ("total_cost", "total_co2", "cost_savings", "co2_reduction", "capex_total"):
        difference[column] = comparison.at[1, column] - comparison.at[0, column]
    comparison = pd.concat([comparison, pd.DataFrame([difference])], ignore_index=True)
    return GreedyComparison(objective.value, ranking, comparison, optimum, greedy)


def _rank(scenario: Scenario, objective: Objective, candidates: list[str], solver: ScenarioSolver) -> pd.DataFrame:
    """Each candidate valued on its own (plan requirements lifted), ranked by the static ratio."""
    alone = scenario.with_overrides({"constraints.min_symbiosis_links": 0, "constraints.max_co2": None, "constraints.max_co2_total": None})
    capex = item_capex(scenario)
    rows = []
    for item in candidates:
        bundle = prerequisites(scenario, item)
        try:
            result = solver.solve(alone, objective, force=bundle, forbid=[i for i in candidates if i not in bundle])
            solved = result.status in ("optimal", "feasible")
        except ValueError:  # it requires an item ruled out (allowed=false): it cannot be funded
            solved = False
        saving = result.summary["cost_savings"] if solved else math.nan
        reduction = result.summary["co2_reduction"] if solved else math.nan
        bundle_capex = sum(capex[i] for i in bundle)
        merit = reduction if objective is Objective.CO2 else saving
        if objective is Objective.WEIGHTED and solved:
            merit = saving + scenario.settings.carbon_price * reduction
        rows.append({
            "item": item,
            "kind": item_kind(scenario, item),
            "bundle": ";".join(bundle),
            "bundle_capex": bundle_capex,
            "saving_alone": saving,
            "co2_reduction_alone": reduction,
            "merit_alone": merit,
            "merit_per_capex": (math.inf if merit > 0 else -math.inf) if bundle_capex == 0 else merit / bundle_capex,
        })
    table = pd.DataFrame(rows, columns=["item", "kind", "bundle", "bundle_capex", "saving_alone", "co2_reduction_alone", "merit_alone", "merit_per_capex"])
    table = table.sort_values(["merit_per_capex", "merit_alone"], ascending=False, na_position="last", kind="stable")
    table = table.reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def _fill(scenario: Scenario, ranking: pd.DataFrame) -> list[str]:
    """Walk down the ranking, taking what helps and fits; record each decision in ``ranking['greedy']``."""
    data = model_data(scenario)
    first = data.sets["periods"][0]  # a greedy portfolio is built at once, in the first period
    later = {b for b, period in data.sets["budget_periods"] if period != first}
    limits = {b: limit for b, limit in data.params["budget_limit"].items() if b not in later}
    draws = defaultdict(dict)
    for (budget, item, period), amount in data.params["budget_draw"].items():
        if period == first:
            draws[item][budget] = amount
    group_of = {m.id: m.group for m in scenario.measures.itertuples() if m.group}
    used = dict.fromkeys(limits, 0.0)
    chosen: list[str] = []
    decisions = []
    for row in ranking.itertuples():
        bundle = [i for i in row.bundle.split(";") if i not in chosen]
        groups_taken = {group_of[i] for i in chosen if i in group_of}
        if not math.isfinite(row.merit_alone) or row.merit_alone <= tolerance(row.merit_alone):
            decisions.append("no gain alone" if math.isfinite(row.merit_alone) else "infeasible alone")
        elif not bundle:
            decisions.append("chosen (already in)")
        elif any(group_of.get(i) in groups_taken for i in bundle if i in group_of):
            decisions.append("group taken")
        elif any(used[b] + sum(draws[i].get(b, 0.0) for i in bundle) > limits[b] + tolerance(limits[b]) for b in limits):
            decisions.append("over budget")
        else:
            for b in limits:
                used[b] += sum(draws[i].get(b, 0.0) for i in bundle)
            chosen.extend(bundle)
            decisions.append("chosen")
    ranking["greedy"] = decisions
    return chosen
