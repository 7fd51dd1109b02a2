"""Which period a picture of a multi-period result shows, and the rows of that period.

The rule every document follows: a table is written whole (one row per period,
tidy), but a picture or a short list of the park (the Sankey, the map, the
breakdown, "links built", a measure's decision) shows **one period, by default
the last: the park at the end of the plan**, and its title names that period
("in 2030-2034"). An item counts as built when it is built by then; its
``build_period`` says when.

A single-year result has no ``period`` column: every helper then returns the
table or the result unchanged and every title suffix is empty, so single-year
documents read as before.
"""

from __future__ import annotations

import pandas as pd

from eipopt.result import Result


def shown_period(result: Result) -> int | None:
    """The period the pictures show: the last one (its start year); None for a single-year result."""
    periods = result.tables.get("periods")
    if periods is not None and len(periods):
        return int(periods["period"].max())
    for table in result.tables.values():
        if "period" in table.columns and table["period"].notna().any():
            return int(table["period"].max())
    return None


def period_label(first_year: int, last_year: int) -> str:
    """The years of a period as a planner reads them: ``2030-2034``, or ``2030`` for a period of one year."""
    return f"{first_year}-{last_year}" if last_year > first_year else str(first_year)


def period_labels(periods: pd.DataFrame) -> list[str]:
    """:func:`period_label` of each row of a ``periods`` table."""
    return [period_label(int(a), int(b)) for a, b in zip(periods["first_year"], periods["last_year"], strict=True)]


def period_years(result: Result, period: int | None = None) -> str:
    """The years of a period as a planner reads them: ``2030-2034`` (``2030`` for one year); "" without periods."""
    period = shown_period(result) if period is None else period
    if period is None:
        return ""
    periods = result.tables.get("periods")
    if periods is None or period not in set(periods["period"]):
        return str(period)
    return period_labels(periods[periods["period"] == period])[0]


def period_suffix(result: Result, period: int | None = None) -> str:
    """Title suffix naming the period shown (``" in 2030-2034"``); "" for a single-year result."""
    years = period_years(result, period)
    return f" in {years}" if years else ""


def titled(figure, suffix: str):
    """A plotly figure whose title, and the titles its menu buttons set, end with ``suffix`` (the period shown)."""
    if not suffix:
        return figure
    figure.update_layout(title_text=f"{figure.layout.title.text}{suffix}")
    for menu in figure.layout.updatemenus or ():
        for button in menu.buttons:
            if len(button.args) > 1 and "title.text" in button.args[1]:
                button.args[1]["title.text"] += suffix
    return figure


def rows_of_period(table: pd.DataFrame, period: int | None) -> pd.DataFrame:
    """The rows of ``period`` of a table with a ``period`` column; the table itself otherwise.

    Rows with a blank period (a budget over the whole horizon) hold in every period and are kept.
    """
    if period is None or "period" not in table.columns:
        return table
    return table[(table["period"] == period) | table["period"].isna()]


def result_at(result: Result, period: int | None = None) -> Result:
    """The result as the park stands in one period (default: the shown, last one).

    Tables with a ``period`` column keep that period's rows; the others
    (``measures``, ``tiers``, ``periods`` ...) are kept whole. A single-year
    result is returned as it is.
    """
    period = shown_period(result) if period is None else period
    if period is None:
        return result
    return Result(summary=result.summary, tables={name: rows_of_period(frame, period) for name, frame in result.tables.items()})


def has_periods(result: Result) -> bool:
    """Whether the result covers a horizon of periods (its totals are present values and cumulative tonnes)."""
    return bool(result.summary.get("horizon"))
