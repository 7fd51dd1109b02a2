"""Figures of the analyses (matplotlib, no display needed): each function takes an analysis and returns a Figure.

:func:`save` writes a figure as ``STEM.png`` and ``STEM.svg``. Figures are
built with :class:`matplotlib.figure.Figure` directly (the Agg canvas for PNG),
never through pyplot's global state, so they work in scripts, servers and
notebooks alike.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from eipopt.analysis.attribution import Attribution
from eipopt.analysis.budget import BudgetResponse
from eipopt.analysis.greedy import GreedyComparison
from eipopt.analysis.pareto import ParetoFront
from eipopt.readable import CO2_UNIT, money_scale


def _figure(width: float = 7.0, height: float = 4.5) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def readable_axis(axis: Axis, values, currency: str | None = None, per: str = "") -> str:
    """Plain tick labels (no ``1e11`` offset, thousands separators); money scaled to a readable unit.

    Returns the unit to put in the axis label: ``bn VND/yr`` for money, ``""`` otherwise.
    """
    axis.set_major_locator(MaxNLocator(nbins=6))  # room for separators and decimals
    if currency is None:
        axis.set_major_formatter(_PlainTicks(1.0))
        return ""
    scale = money_scale(list(values), currency)
    axis.set_major_formatter(_PlainTicks(scale.factor))
    return scale.unit(per)


class _PlainTicks(Formatter):
    """Tick labels divided by ``factor``, with thousands separators and just the decimals the tick step needs.

    A narrow range on a large value (1.0650 to 1.0660 tn) keeps ticks apart
    without an offset or an exponent.
    """

    def __init__(self, factor: float):
        self.factor = factor
        self.decimals = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        steps = np.diff(np.asarray(locs, dtype=float)) / self.factor
        step = float(np.min(np.abs(steps[steps != 0]))) if np.any(steps != 0) else 1.0
        self.decimals = max(0, min(6, -math.floor(math.log10(step)) + (0 if round(step / 10 ** math.floor(math.log10(step)), 6).is_integer() else 1)))

    def __call__(self, value, pos=None):
        text = f"{value / self.factor + 0.0:,.{self.decimals}f}"
        return "0" if text.strip("-0.,") == "" else text


def front_is_degenerate(front: ParetoFront) -> str:
    """Why ``front`` shows no trade-off, in words (``""`` when it does).

    A single point (least cost is also least CO2e), or points whose costs or
    CO2e differ by less than the solver's relative gap (the largest of the
    points' gaps, applied to the largest cost or CO2e), are not a trade-off.
    """
    points = front.points
    if len(points) < 2:
        return "No trade-off: the least-cost plan is also the least-CO2e plan (one point)."
    gap = float(np.nanmax(points["mip_gap"].to_numpy(dtype=float))) if points["mip_gap"].notna().any() else 0.0
    cost_range = points["total_cost"].max() - points["total_cost"].min()
    if gap > 0 and cost_range <= gap * points["total_cost"].abs().max():
        return (f"No trade-off that can be told apart: the plans' annual costs differ by less than the "
                f"solver's gap ({gap:.2%}).")
    co2_range = points["total_co2"].max() - points["total_co2"].min()
    if gap > 0 and co2_range <= gap * points["total_co2"].abs().max():
        # a CO2e cap tightened by less than the tolerance the optimum is found within buys nothing that can be shown
        return (f"No trade-off that can be told apart: the plans' annual CO2e differ by {co2_range:,.2g} {CO2_UNIT}/yr, "
                f"less than the solver's gap ({gap:.3%} of {points['total_co2'].abs().max():,.0f} {CO2_UNIT}/yr); "
                "the least-cost plan is as clean as the model can tell.")
    return ""


def _say(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, transform=ax.transAxes, fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])


def save(figure: Figure, stem: str | Path) -> list[Path]:
    """Write ``figure`` to ``STEM.png`` and ``STEM.svg``; return both paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_name(f"{stem.name}.{fmt}") for fmt in ("png", "svg")]
    for path in paths:
        figure.savefig(path, dpi=150)
    return paths


def pareto_plot(front: ParetoFront, currency: str = "") -> Figure:
    """How much more a year each tonne of CO2e avoided costs: annual cost against annual CO2e of the non-dominated plans.

    A degenerate front (one point, or a range inside the solver's gap) is said in words, not drawn as a curve.
    """
    figure = _figure()
    ax = figure.subplots()
    points = front.points
    degenerate = front_is_degenerate(front)
    ax.set_title("What cutting CO2e costs: least-cost to least-CO2e plans")
    if degenerate:
        _say(ax, degenerate)
        return figure
    # against the least-cost plan (point 0): a narrow front on a large total stays readable
    avoided = points["total_co2"].iloc[0] - points["total_co2"]
    extra = points["total_cost"] - points["total_cost"].iloc[0]
    ax.plot(avoided, extra, marker="o", color="tab:blue")
    for row, x, y in zip(points.itertuples(), avoided, extra, strict=True):
        items = row.n_measures_funded + row.n_links_built + row.n_tiers_built
        ax.annotate(f"{row.point}: {items} items", (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    readable_axis(ax.xaxis, avoided)
    unit = readable_axis(ax.yaxis, extra, currency, "yr")
    ax.set_xlabel(f"CO2e avoided beyond the least-cost plan ({CO2_UNIT}/yr)")
    ax.set_ylabel(f"extra annual cost ({unit})")
    least = money_scale([points["total_cost"].iloc[0]], currency)
    ax.set_title("What cutting CO2e costs: least-cost to least-CO2e plans\n"
                 f"(least-cost plan: {least.text(points['total_cost'].iloc[0], 'yr')}, {points['total_co2'].iloc[0]:,.0f} {CO2_UNIT}/yr)", fontsize=10)
    ax.grid(alpha=0.3)
    return figure


def budget_plot(response: BudgetResponse, currency: str = "") -> Figure:
    """What more budget buys: annual savings and CO2e reduction of the optimum at each budget limit."""
    figure = _figure(9.0, 4.0)
    left, right = figure.subplots(1, 2)
    levels = response.levels[response.levels["status"].isin(["optimal", "feasible"])]
    left.step(levels["limit"], levels["cost_savings"], where="post", marker="o", color="tab:green")
    left.set_ylabel(f"annual savings ({readable_axis(left.yaxis, levels['cost_savings'], currency, 'yr')})")
    right.step(levels["limit"], levels["co2_reduction"], where="post", marker="o", color="tab:purple")
    readable_axis(right.yaxis, levels["co2_reduction"])
    right.set_ylabel(f"CO2e reduction ({CO2_UNIT}/yr)")
    for ax in (left, right):
        ax.set_xlabel(f"budget '{response.budget}' limit ({readable_axis(ax.xaxis, levels['limit'], currency)})")
        ax.grid(alpha=0.3)
    figure.suptitle(f"What each budget level buys (objective {response.objective})")
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
        # every item of the package, wrapped rather than cut: the curve is read item by item
        label = "\n".join(textwrap.wrap(row.added.replace(";", ", "), 34))
        ax.annotate(label, (row.reduction_from + row.abated / 2, row.cost_per_tonne), ha="center",
                    va="bottom" if row.cost_per_tonne >= 0 else "top", fontsize=7, rotation=90 if len(packages) > 4 else 0)
    ax.axhline(0, color="black", linewidth=0.8)
    readable_axis(ax.xaxis, packages["reduction_from"])
    unit = readable_axis(ax.yaxis, packages["cost_per_tonne"], currency)
    ax.set_xlabel(f"CO2e reduction against the baseline ({CO2_UNIT}/yr)")
    ax.set_ylabel(f"cost per tonne abated ({unit}/{CO2_UNIT})\nbelow 0: it saves money")
    ax.set_title("What a tonne of CO2e avoided costs, package by package as the budget grows", fontsize=10)
    ax.margins(y=0.25)  # room for the package labels above and below the bars
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
    left.set_xlabel(f"annual cost saved ({readable_axis(left.xaxis, items['delta_cost'].fillna(0.0), currency, 'yr')})")
    readable_axis(right.xaxis, items["delta_co2"].fillna(0.0))
    right.set_xlabel(f"CO2e avoided ({CO2_UNIT}/yr)")
    for ax in (left, right):
        ax.axvline(0, color="black", linewidth=0.8)
        ax.grid(alpha=0.3, axis="x")
    figure.suptitle("Which funded items matter most: what the optimum loses without each")
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
    left.set_ylabel(f"annual savings ({readable_axis(left.yaxis, savings, currency, 'yr')})")
    right.bar(names, reductions, color=["tab:blue", "tab:orange"])
    readable_axis(right.yaxis, reductions)
    right.set_ylabel(f"CO2e reduction ({CO2_UNIT}/yr)")
    figure.suptitle(f"What optimising gains over ranking by cost-effectiveness (objective {comparison.objective})")
    return figure
