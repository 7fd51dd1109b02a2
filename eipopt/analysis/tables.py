"""Small helpers shared by the analyses: result rows, numeric tolerances and MIP gaps.

A difference between two solves is a finding only beyond the solves' MIP
gaps: each optimum is known to within its absolute gap |incumbent - bound|,
so a difference smaller than the two gaps summed may be the solver's slack,
not the park's. :func:`within_gap` tells them apart; analyses solve with
:data:`ANALYSIS_MIP_GAP` unless told otherwise, so that on the shipped parks
no difference they report is inside a gap.
"""

from __future__ import annotations

import math

from eipopt.analysis.portfolio import Portfolio
from eipopt.result import Result

#: Relative tolerance under which two annual costs or CO2e totals count as equal.
RELATIVE_TOLERANCE = 1e-6

#: Relative MIP gap of the analyses' solves when none is given (--mip-gap): a
#: scenario's own gap (often HiGHS' 1e-4) can hide contributions of small
#: items, as 1e-4 of a park's annual cost exceeds what one small measure saves.
ANALYSIS_MIP_GAP = 1e-9

#: Result summary keys copied into every analysis row.
RESULT_COLUMNS = ("status", "total_cost", "total_co2", "cost_savings", "co2_reduction", "capex_total", "mip_gap")

#: The quantity each objective's stage optimises, as a summary key.
STAGE_QUANTITY = {"cost": "total_cost", "co2": "total_co2", "weighted": "objective_value"}


def result_row(result: Result) -> dict:
    """The KPIs and the portfolio of one result, as one tidy row."""
    s = result.summary
    portfolio = Portfolio.of(result)
    row = {key: s.get(key) for key in RESULT_COLUMNS}
    row.update(cost_gap=absolute_gap(result, "cost"), co2_gap=absolute_gap(result, "co2"))
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


def absolute_gap(result: Result, stage: str) -> float | None:
    """The absolute MIP gap of ``result``'s ``stage`` (``cost``, ``co2``, ``weighted``) in its units; None if not optimised."""
    value = (result.summary.get("absolute_gaps") or {}).get(stage)
    return None if value is None else float(value)


def within_gap(delta: float, gap: float | None, *magnitudes: float) -> bool:
    """Whether ``delta``, a difference of two solves, lies inside ``gap`` (their absolute gaps summed).

    An unknown gap (None, NaN) may hide anything: inside. A gap within the
    numeric tolerance of ``magnitudes`` is no gap: outside, whatever ``delta``.
    """
    if gap is None or not math.isfinite(gap):
        return True
    slack = tolerance(delta, *magnitudes)
    return gap > slack and abs(delta) <= gap + slack


def stage_difference(before: Result, after: Result, objective: str) -> tuple[float, float | None, bool]:
    """``after - before`` on the objective, the two solves' gap on it, and whether it lies inside that gap.

    A ``co2`` solve is lexicographic: an exact tie on CO2e is decided by cost,
    so the cost stage's difference and gap are the ones reported then.
    """
    stages = ["co2", "cost"] if objective == "co2" else [objective]
    for stage in stages:
        key = STAGE_QUANTITY[stage]
        a, b = before.summary[key], after.summary[key]
        gaps = [absolute_gap(before, stage), absolute_gap(after, stage)]
        gap = None if None in gaps else sum(gaps)
        delta, inside = b - a, within_gap(b - a, gap, a, b)
        if inside or abs(delta) > tolerance(a, b):
            break
    return delta, gap, inside
