"""Analyses shown in the HTML report: trade-off curve, budget response, attribution.

Each function runs nothing: it turns an analysis already computed (by
:mod:`eipopt.analysis`) into a report section with sentences, the analysis
figure (:mod:`eipopt.analysis.plots`) and a readable table.
"""

from __future__ import annotations

from eipopt.analysis import Attribution, BudgetResponse, ParetoFront
from eipopt.analysis.plots import attribution_plot, budget_plot, front_is_degenerate, pareto_plot
from eipopt.html_report import AnalysisSection, figure_png, html_table
from eipopt.readable import CO2_UNIT, money, number


def pareto_section(front: ParetoFront, currency: str) -> AnalysisSection:
    """The cost-CO2e front: its points, or in words why there is no trade-off to draw."""
    points = front.points
    lines = []
    degenerate = front_is_degenerate(front)
    if degenerate:
        lines.append(degenerate)
    else:
        lines.append(
            f"{len(points)} non-dominated plans from least cost ({money(points['total_cost'].iloc[0], currency, 'yr')}, "
            f"{number(points['total_co2'].iloc[0])} {CO2_UNIT}/yr) to least CO2e ({money(points['total_cost'].iloc[-1], currency, 'yr')}, "
            f"{number(points['total_co2'].iloc[-1])} {CO2_UNIT}/yr)."
        )
    table = points[["point", "total_cost", "total_co2", "capex_total", "n_measures_funded", "n_links_built", "change"]]
    png = "" if degenerate else figure_png(pareto_plot(front, currency))  # a degenerate front is said, not drawn
    return AnalysisSection("Cost-CO2e trade-off", lines, png, html_table(table, currency))


def budget_section(response: BudgetResponse, currency: str) -> AnalysisSection:
    """What each budget level buys."""
    levels = response.levels
    lines = [f"Budget '{response.budget}' varied over {len(levels)} limits (objective {response.objective})."]
    table = levels[["limit", "status", "cost_savings", "co2_reduction", "budget_used"]]
    return AnalysisSection("Budget response", lines, figure_png(budget_plot(response, currency)), html_table(table, currency))


def attribution_section(attribution: Attribution, currency: str) -> AnalysisSection:
    """What each funded item contributes: the optimum without it."""
    items = attribution.items
    lines = [f"{len(items)} funded items, each removed in turn (objective {attribution.objective})."]
    table = items[["rank", "item", "kind", "capex", "delta_cost", "delta_co2"]]
    return AnalysisSection("What each funded item contributes", lines, figure_png(attribution_plot(attribution, currency)), html_table(table, currency))
