"""Figures of the funder analysis (:mod:`eipopt.analysis.finance`): who needs a grant, and what a grant pool buys."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from eipopt.analysis.finance import FinanceAnalysis
from eipopt.analysis.plots import _figure
from eipopt.readable import money_scale

#: Most items drawn in the viability-gap figure (the largest gaps; the title says how many are left out).
MAX_BARS = 25


def _plain_axes(*axes, axis: str = "both") -> None:
    """Numbers as they are: no offset or scientific notation on the numeric axes."""
    for ax in axes:
        ax.ticklabel_format(useOffset=False, style="plain", axis=axis)


def viability_gap_plot(gaps: pd.DataFrame, currency: str = "") -> Figure:
    """Horizontal bars: the least grant that makes each item financeable alone, largest first (``gaps`` of :func:`viability_gaps`)."""
    needing = gaps[gaps["viability_gap"] > 0].sort_values("viability_gap", ascending=False)
    shown = needing.head(MAX_BARS).iloc[::-1]
    money = money_scale(float(shown["viability_gap"].max()) if len(shown) else 1.0, currency)
    scale, unit = money.factor, money.unit()
    figure = _figure(9.0, max(3.0, 0.32 * len(shown) + 1.8))
    ax = figure.subplots()
    y = np.arange(len(shown))
    ax.barh(y, shown["viability_gap"] / scale, color="tab:orange")
    labels = [f"{row.item}: {row.name}" if row.name else row.item for row in shown.itertuples()]
    ax.set_yticks(y, [label if len(label) <= 60 else label[:57] + "..." for label in labels], fontsize=7)
    ax.set_xlabel(f"least grant that makes the item financeable alone ({unit})")
    _plain_axes(ax, axis="x")
    ax.grid(alpha=0.3, axis="x")
    bankable = int((gaps["viability_gap"] == 0).sum())
    never = int((~gaps["financeable"]).sum())
    left_out = f"; the {MAX_BARS} largest of {len(needing)} shown" if len(needing) > MAX_BARS else ""
    ax.set_title(f"Which investments need a grant? {len(needing)} of {len(gaps)} items{left_out}\n"
                 f"({bankable} financeable without grant, {never} not financeable with these sources)", fontsize=10)
    return figure


def grant_response_plot(analysis: FinanceAnalysis, currency: str = "") -> Figure:
    """CO2e reduction and savings of the optimum against the grant money it uses, one point per grant pool level."""
    levels = analysis.response[analysis.response["status"].isin(["optimal", "feasible"])]
    money = money_scale(float(max(levels["grant_pool"].max(), levels["cost_savings"].abs().max(), 1.0)), currency)
    scale, unit = money.factor, money.unit()
    figure = _figure(10.0, 4.0)
    left, right = figure.subplots(1, 2)
    left.plot(levels["grant_total"] / scale, levels["co2_reduction"], marker="o", color="tab:purple")
    left.set_ylabel("CO2e reduction (tCO2e/yr)")
    right.plot(levels["grant_total"] / scale, levels["cost_savings"] / scale, marker="o", color="tab:green")
    right.set_ylabel(f"annual savings ({unit}/yr)")
    for ax in (left, right):
        ax.set_xlabel(f"grant money used ({unit})")
    _plain_axes(left, right)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    figure.suptitle(f"What each grant level buys: grant pool '{analysis.source}' (objective {analysis.objective})")
    return figure
