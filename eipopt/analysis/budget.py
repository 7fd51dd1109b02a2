"""What each extra unit of a budget buys, and the abatement cost curve it traces.

:func:`budget_response` solves the scenario at a series of limits of one
budget (ascending) and reports, per level, the optimum's CO2e and savings and
the marginal value of the step from the previous level::

    savings_per_budget       = (savings_k - savings_{k-1}) / (limit_k - limit_{k-1})      (currency/yr per currency)
    co2_reduction_per_budget = (reduction_k - reduction_{k-1}) / (limit_k - limit_{k-1})  (tCO2e/yr per currency)

More budget can never make the optimum worse: the portfolio of a smaller
budget fits in a larger one. A solver stopped at a MIP gap can still return a
worse answer; then the level keeps the previous portfolio (``kept_previous``),
which is feasible and measured by the same model.

A step whose change of the objective is no larger than the two levels' MIP
gaps summed (``gap``; see :func:`~eipopt.analysis.tables.within_gap`) is not
a finding: ``within_gap`` is True and its marginal values are left blank.
Unless a solver is given the solves use
:data:`~eipopt.analysis.tables.ANALYSIS_MIP_GAP`.

:func:`abatement_curve` turns successive levels into the packages the optimum
adds (and drops) between them, each with its annual cost change and CO2e
abated and so its cost per tonne::

    cost_per_tonne = (cost_k - cost_{k-1}) / (co2_{k-1} - co2_k)      (currency per tCO2e)

Unlike a static ranking of items, a package is what the optimum does with the
extra money, interactions between measures and links included (a link that
only pays with a measure enters with it; an item can be swapped out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from eipopt.analysis.tables import ANALYSIS_MIP_GAP, result_row, stage_difference, tolerance
from eipopt.api import ScenarioSolver
from eipopt.model import Objective, Scenario


@dataclass(frozen=True)
class BudgetResponse:
    """``levels``: one row per budget limit; ``packages``: the abatement cost curve."""

    budget: str
    objective: str
    levels: pd.DataFrame
    packages: pd.DataFrame


#: Most budget levels one response solves (each is a MIP solve); checked before any value is made.
MAX_STEPS = 10_000


def parse_steps(text: str) -> list[float]:
    """Budget limits from ``V1,V2,...`` or ``START:STOP:STEPS`` (STEPS evenly spaced values, both ends included).

    More than :data:`MAX_STEPS` values raise ``ValueError`` (``0:1:1e9`` is refused, not built).

    >>> parse_steps("0:3e9:4")
    [0.0, 1000000000.0, 2000000000.0, 3000000000.0]
    >>> parse_steps("5e9, 1e9")
    [1000000000.0, 5000000000.0]
    """
    text = text.strip()
    try:
        if ":" in text:
            start, stop, steps = (part.strip() for part in text.split(":"))
            count = int(steps)
            if count < 2 or float(steps) != count:
                raise ValueError("STEPS must be a whole number >= 2")
            if count > MAX_STEPS:
                raise ValueError(f"{count:,} steps, more than the limit of {MAX_STEPS:,} solves")
            values = list(np.linspace(float(start), float(stop), count))
        else:
            values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise ValueError(f"'{text}' is not V1,V2,... or START:STOP:STEPS ({error})") from None
    if not values:
        raise ValueError("no budget values given")
    if len(values) > MAX_STEPS:
        raise ValueError(f"{len(values):,} budget values, more than the limit of {MAX_STEPS:,} solves")
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise ValueError("budget values must be finite and >= 0")
    return sorted({float(v) for v in values})


def budget_response(
    scenario: Scenario,
    budget: str,
    limits: list[float],
    objective: Objective | str | None = None,
    *,
    solver: ScenarioSolver | None = None,
) -> BudgetResponse:
    """Solve ``scenario`` with ``budgets.<budget>.limit`` at each of ``limits`` (sorted ascending)."""
    known = [b.id for b in scenario.settings.budgets]
    if budget not in known:
        raise ValueError(f"unknown budget '{budget}'; the scenario has {known}")
    objective = Objective(objective or scenario.settings.objective)
    if objective is Objective.GRANT:  # its levels would be compared by grant money, which the rows do not carry
        raise ValueError("the budget response compares cost and CO2e; for grant money use 'eipopt finance' (grant pool response)")
    solver = solver or ScenarioSolver(mip_gap=ANALYSIS_MIP_GAP)
    rows, previous, previous_result = [], None, None
    for step, limit in enumerate(sorted(set(limits))):
        result = solver.solve(scenario.with_overrides({f"budgets.{budget}.limit": limit}), objective)
        row = {"step": step, "limit": limit, **result_row(result), "budget_used": result.summary["budgets"][budget]["used"]}
        row.update(kept_previous=False, gap=math.nan, within_gap=False)
        solved = row["status"] in ("optimal", "feasible")
        if previous is not None and solved and _worse(row, previous, objective, scenario.settings.carbon_price):
            row.update({k: previous[k] for k in previous if k not in ("step", "limit")})
            row.update(kept_previous=True, gap=math.nan, within_gap=False)  # the same portfolio: no change at all
        elif previous_result is not None and solved:
            _, gap, inside = stage_difference(previous_result, result, objective.value)
            row.update(gap=math.nan if gap is None else gap, within_gap=inside)
        rows.append(row)
        if solved and not row["kept_previous"]:
            previous, previous_result = row, result
        elif solved:
            previous = row
    levels = pd.DataFrame(rows)
    levels["budget_used"] = levels["budget_used"].astype(float)
    _add_marginals(levels)
    return BudgetResponse(budget, objective.value, levels, abatement_curve(levels))


def _worse(row: dict, previous: dict, objective: Objective, carbon_price: float) -> bool:
    """Whether ``row`` is a worse optimum than ``previous`` for ``objective`` (beyond tolerance)."""
    cost_tol = tolerance(row["total_cost"], previous["total_cost"])
    co2_tol = tolerance(row["total_co2"], previous["total_co2"])
    if objective is Objective.COST:
        return row["total_cost"] > previous["total_cost"] + cost_tol
    if objective is Objective.CO2:
        if row["total_co2"] > previous["total_co2"] + co2_tol:
            return True
        return row["total_co2"] >= previous["total_co2"] - co2_tol and row["total_cost"] > previous["total_cost"] + cost_tol
    weighted = row["total_cost"] + carbon_price * row["total_co2"]
    weighted_before = previous["total_cost"] + carbon_price * previous["total_co2"]
    return weighted > weighted_before + tolerance(weighted, weighted_before)


def _add_marginals(levels: pd.DataFrame) -> None:
    """Δ columns from the previous solved level, in place."""
    solved = levels["status"].isin(["optimal", "feasible"])
    base = levels[solved]
    delta_budget = base["limit"].diff()
    delta_savings = base["cost_savings"].diff()
    delta_reduction = base["co2_reduction"].diff()
    levels["delta_budget"] = delta_budget
    levels["delta_savings"] = delta_savings
    levels["delta_co2_reduction"] = delta_reduction
    levels["savings_per_budget"] = delta_savings / delta_budget
    levels["co2_reduction_per_budget"] = delta_reduction / delta_budget
    marginal = ["delta_savings", "delta_co2_reduction", "savings_per_budget", "co2_reduction_per_budget"]
    levels.loc[levels["within_gap"].astype(bool), marginal] = math.nan  # inside the gap: not a finding


def abatement_curve(levels: pd.DataFrame) -> pd.DataFrame:
    """The packages added between successive solved budget levels, with their cost per tonne CO2e.

    Columns: ``from_limit``, ``to_limit``, ``added`` and ``removed`` items
    (``;``-joined), ``delta_capex``, ``delta_cost`` (annual, currency/yr),
    ``abated`` (tCO2e/yr, positive when CO2e falls), ``cost_per_tonne``
    (NaN when nothing is abated), ``reduction_from`` / ``reduction_to`` (the
    park's CO2e reduction against its baseline before and after: the bar's
    extent on an abatement cost curve), ``within_gap`` (the step's change
    is inside the MIP gaps: its package may be the solver's slack).
    """
    solved = levels[levels["status"].isin(["optimal", "feasible"])]
    rows = []
    for (_, before), (_, after) in zip(solved.iloc[:-1].iterrows(), solved.iloc[1:].iterrows(), strict=True):
        old, new = set(_items(before)), set(_items(after))
        if old == new:
            continue
        abated = before["total_co2"] - after["total_co2"]
        delta_cost = after["total_cost"] - before["total_cost"]
        significant = abs(abated) > tolerance(before["total_co2"], after["total_co2"])
        rows.append({
            "from_limit": before["limit"],
            "to_limit": after["limit"],
            "added": ";".join(i for i in _items(after) if i not in old),
            "removed": ";".join(i for i in _items(before) if i not in new),
            "delta_capex": after["capex_total"] - before["capex_total"],
            "delta_cost": delta_cost,
            "abated": abated,
            "cost_per_tonne": delta_cost / abated if significant else math.nan,
            "reduction_from": before["co2_reduction"],
            "reduction_to": after["co2_reduction"],
            "within_gap": bool(after.get("within_gap", False)),
        })
    columns = ["from_limit", "to_limit", "added", "removed", "delta_capex", "delta_cost", "abated", "cost_per_tonne", "reduction_from", "reduction_to", "within_gap"]
    return pd.DataFrame(rows, columns=columns)


def _items(row: pd.Series) -> list[str]:
    return [i for column in ("measures_funded", "links_built", "tiers_built") for i in str(row[column]).split(";") if i and i != "nan"]
