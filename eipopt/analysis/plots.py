"""Figures of the analyses (matplotlib, no display needed): each function takes an analysis and returns a Figure.

:func:`save` writes a figure as ``STEM.png`` and ``STEM.svg``. Figures are
built with :class:`matplotlib.figure.Figure` directly (the Agg canvas for PNG),
never through pyplot's global state, so they work in scripts, servers and
notebooks alike.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from eipopt.analysis.attribution import Attribution
from eipopt.analysis.budget import BudgetResponse
from eipopt.analysis.greedy import GreedyComparison
from eipopt.analysis.pareto import ParetoFront


def _figure(width: float = 7.0, height: float = 4.5) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def save(figure: Figure, stem: str | Path) -> list[Path]:
    """Write ``figure`` to ``STEM.png`` and ``STEM.svg``; return both paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_name(f"{stem.name}.{fmt}") for fmt in ("png", "svg")]
    for path in paths:
        figure.savefig(path, dpi=150)
    return paths


def pareto_plot(front: ParetoFront, currency: str = "") -> Figure:
    """Annual cost against annual CO2e of the non-dominated points, labelled with their number of new items."""
    figure = _figure()
    ax = figure.subplots()
    points = front.points
    ax.plot(points["total_co2"], points["total_cost"], marker="o", color="tab:blue")
    for row in points.itertuples():
        items = row.n_measures_funded + row.n_links_built + row.n_tiers_built
        ax.annotate(f"{row.point}: {items} items", (row.total_co2, row.total_cost), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xlabel("annual CO2e (tCO2e/yr)")
    ax.set_ylabel(f"annual cost ({currency}/yr)")
    ax.set_title("Cost-CO2e trade-off (non-dominated portfolios)")
    ax.grid(alpha=0.3)
    return figure


def budget_plot(response: BudgetResponse, currency: str = "") -> Figure:
    """Savings and CO2e reduction of the optimum against the budget limit."""
    figure = _figure(9.0, 4.0)
    left, right = figure.subplots(1, 2)
    levels = response.levels[response.levels["status"].isin(["optimal", "feasible"])]
    left.step(levels["limit"], levels["cost_savings"], where="post", marker="o", color="tab:green")
    left.set_ylabel(f"annual savings ({currency}/yr)")
    right.step(levels["limit"], levels["co2_reduction"], where="post", marker="o", color="tab:purple")
    right.set_ylabel("CO2e reduction (tCO2e/yr)")
    for ax in (left, right):
        ax.set_xlabel(f"budget '{response.budget}' limit ({currency})")
        ax.grid(alpha=0.3)
    figure.suptitle(f"Budget response (objective {response.objective})")
    return figure


def abatement_plot(response: BudgetResponse, currency: str = "") -> Figure:
    """Abatement cost curve: one bar per package that abates CO2e, width = tCO2e/yr abated, height = cost per tonne.

    Bars follow the budget (the order in which more money buys them), starting
    at the park's CO2e reduction before the package.
    """
    figure = _figure()
    ax = figure.subplots()
    packages = response.packages[response.packages["abated"] > 0].dropna(subset=["cost_per_tonne"])
    colours = ["tab:green" if h < 0 else "tab:red" for h in packages["cost_per_tonne"]]
    ax.bar(packages["reduction_from"], packages["cost_per_tonne"], width=packages["abated"], align="edge", color=colours, edgecolor="black", linewidth=0.5)
    for row in packages.itertuples():
        label = row.added if len(row.added) <= 30 else row.added[:27] + "..."
        ax.annotate(label, (row.reduction_from + row.abated / 2, row.cost_per_tonne), ha="center",
                    va="bottom" if row.cost_per_tonne >= 0 else "top", fontsize=7, rotation=90 if len(packages) > 4 else 0)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("CO2e reduction against the baseline (tCO2e/yr)")
    ax.set_ylabel(f"cost per tonne abated ({currency}/tCO2e)")
    ax.set_title("Abatement cost of the packages bought by each budget step")
    ax.grid(alpha=0.3, axis="y")
    return figure


def attribution_plot(attribution: Attribution, currency: str = "") -> Figure:
    """Each funded item's contribution to the optimum: annual cost it saves and CO2e it avoids."""
    items = attribution.items.iloc[::-1]
    figure = _figure(9.0, max(2.5, 0.35 * len(items) + 1.5))
    left, right = figure.subplots(1, 2, sharey=True)
    y = np.arange(len(items))
    left.barh(y, items["delta_cost"].fillna(0.0), color="tab:green")
    right.barh(y, items["delta_co2"].fillna(0.0), color="tab:purple")
    left.set_yticks(y, items["item"])
    left.set_xlabel(f"annual cost saved ({currency}/yr)")
    right.set_xlabel("CO2e avoided (tCO2e/yr)")
    for ax in (left, right):
        ax.axvline(0, color="black", linewidth=0.8)
        ax.grid(alpha=0.3, axis="x")
    figure.suptitle("What each funded item contributes (optimum without it)")
    return figure


def greedy_plot(comparison: GreedyComparison, currency: str = "") -> Figure:
    """Savings and CO2e reduction of the optimal and the greedy portfolio."""
    figure = _figure(8.0, 3.5)
    left, right = figure.subplots(1, 2)
    rows = comparison.comparison.iloc[:2]
    names = list(rows["portfolio"])
    savings = [0.0 if not math.isfinite(v) else v for v in rows["cost_savings"]]
    reductions = [0.0 if not math.isfinite(v) else v for v in rows["co2_reduction"]]
    left.bar(names, savings, color=["tab:blue", "tab:orange"])
    left.set_ylabel(f"annual savings ({currency}/yr)")
    right.bar(names, reductions, color=["tab:blue", "tab:orange"])
    right.set_ylabel("CO2e reduction (tCO2e/yr)")
    figure.suptitle(f"Optimal versus greedy portfolio (objective {comparison.objective})")
    return figure
