"""Small helpers shared by the analyses: result rows and numeric tolerances."""

from __future__ import annotations

import math

from eipopt.analysis.portfolio import Portfolio
from eipopt.result import Result

#: Relative tolerance under which two annual costs or CO2e totals count as equal.
RELATIVE_TOLERANCE = 1e-6

#: Result summary keys copied into every analysis row.
RESULT_COLUMNS = ("status", "total_cost", "total_co2", "cost_savings", "co2_reduction", "capex_total", "mip_gap")


def result_row(result: Result) -> dict:
    """The KPIs and the portfolio of one result, as one tidy row."""
    s = result.summary
    portfolio = Portfolio.of(result)
    row = {key: s.get(key) for key in RESULT_COLUMNS}
    row.update(
        n_measures_funded=len(portfolio.measures),
        n_links_built=len(portfolio.links),
        n_tiers_built=len(portfolio.tiers),
        measures_funded=";".join(portfolio.measures),
        links_built=";".join(portfolio.links),
        tiers_built=";".join(portfolio.tiers),
    )
    return {k: (math.nan if v is None else v) for k, v in row.items()}


def tolerance(*values: float, relative: float = RELATIVE_TOLERANCE) -> float:
    """Absolute tolerance for comparing quantities of the magnitude of ``values``."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    return relative * max([1.0, *finite])


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when the denominator is zero or either is missing."""
    if numerator is None or denominator is None or not math.isfinite(numerator) or not math.isfinite(denominator):
        return math.nan
    return numerator / denominator if denominator != 0 else math.nan
