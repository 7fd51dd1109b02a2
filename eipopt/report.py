"""Readable terminal output of a result (rich tables); reads only the Result's tables."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table

from eipopt.result import Result


def _fmt(value, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        value += 0.0  # no "-0"
        return f"{value:,.{digits}g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def print_result(result: Result, console: Console | None = None) -> None:
    """Headline KPIs, then funded measures, built links and budgets."""
    console = console or Console(width=None if Console().is_terminal else 120)
    s = result.summary
    currency = s.get("currency", "")
    headline = Table(title=f"eipopt - {s['scenario']}", show_header=True, header_style="bold")
    headline.add_column("")
    headline.add_column("baseline", justify="right")
    headline.add_column("optimised", justify="right")
    headline.add_column("change", justify="right")
    over = s.get("horizon")  # with periods: present value and cumulative tonnes over the horizon
    cost_label, co2_label = (f"cost, present value ({currency})", f"CO2e over {over['n_years']} years (t)") if over else (f"annual cost ({currency}/yr)", "annual CO2e (t/yr)")
    headline.add_row(cost_label, _fmt(s["baseline_cost"]), _fmt(s["total_cost"]), _fmt(None if s["cost_savings"] is None else -s["cost_savings"]))
    headline.add_row(co2_label, _fmt(s["baseline_co2"]), _fmt(s["total_co2"]), _fmt(None if s["co2_reduction"] is None else -s["co2_reduction"]))
    console.print(headline)
    gap = "" if s["mip_gap"] is None else f", gap {s['mip_gap']:.2e}"
    console.print(f"status [bold]{s['status']}[/bold] (objective {s['objective']}{gap}), baseline {s['baseline_status']}, "
                  f"new capex {_fmt(s['capex_total'])} {currency}, solved in {s['solve_seconds']:.2f} s")
    for key in ("infeasibility", "baseline_infeasibility"):
        for line in s.get(key, []):
            console.print(f"[red]{key.replace('_', ' ')}:[/red] {line}")
    if "links" in result.tables and len(result.links):
        links = _last_period(result.links)
        table = Table(title="Symbiosis links" + _period_note(result.links), header_style="bold")
        table.add_column("link", no_wrap=True)
        table.add_column("from -> to")
        table.add_column("built")
        table.add_column("tiers built")
        for column in ("flow", "capacity", "use"):
            table.add_column(column, justify="right", no_wrap=True)
        for row in links.itertuples():
            built = "existing" if row.existing else ("yes" if row.built else "no")
            table.add_row(row.id, f"{row.source} -> {row.sink}", built, row.tiers_built or "-",
                          _fmt(row.flow), _fmt(row.capacity_built), f"{row.utilisation:.0%}")
        console.print(table)
    if "measures" in result.tables and len(result.measures):
        funded = result.measures[result.measures["funded"]]
        table = Table(title=f"RECP measures funded: {int(result.measures['new'].sum())} new, {int(result.measures['existing'].sum())} existing, of {len(result.measures)}", header_style="bold")
        for column in ("id", "firm", "name", "capex", "annual cost"):
            table.add_column(column)
        for row in funded.head(25).itertuples():
            table.add_row(row.id, row.firm, row.name, _fmt(row.capex), _fmt(row.annual_cost))
        console.print(table)
    if "breakdown" in result.tables:
        table = Table(title="Breakdown by component" + _period_note(result.breakdown), header_style="bold")
        for column in ("quantity", "component", "baseline", "optimised"):
            table.add_column(column, justify="right" if column in ("baseline", "optimised") else "left")
        for row in _last_period(result.breakdown).itertuples():
            if row.value or row.baseline_value:
                table.add_row(row.quantity, row.component, _fmt(row.baseline_value), _fmt(row.value))
        console.print(table)
    for budget_id, budget in s["budgets"].items():
        console.print(f"budget {budget_id}: used {_fmt(budget['used'])} of {_fmt(budget['limit'])} {currency}")
    print_schedule(result, console)


def _last_period(table):
    """The rows of the last period of a table with a ``period`` column (the table itself otherwise)."""
    return table[table["period"] == table["period"].max()] if "period" in table.columns else table


def _period_note(table) -> str:
    return f" in the period from {table['period'].max()} (per year; all periods in the result tables)" if "period" in table.columns else ""


_MONEY_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def print_schedule(result: Result, console: Console) -> None:
    """The investment schedule of a plan over periods: what is built when, its capex, annual cost and CO2e.

    Prints nothing for a single-year scenario (no ``periods`` table).
    """
    periods = result.tables.get("periods")
    if periods is None or periods.empty:
        return
    currency = result.summary.get("currency", "")
    largest = max(periods[["capex", "annual_cost", "baseline_annual_cost"]].abs().max().max(), 1.0)
    scale, prefix = next(((f, name) for f, name in _MONEY_SCALES if largest >= 10 * f), (1.0, ""))
    money = f"{prefix} {currency}".strip()
    names = _item_names(result)
    table = Table(title=f"Investment schedule (money in {money})", header_style="bold")
    table.add_column("period", no_wrap=True, min_width=9)
    table.add_column("built (id: name)", min_width=16, ratio=1)
    for column in ("capex", "cost/yr", "baseline cost/yr", "CO2e t/yr", "baseline t/yr"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in periods.itertuples():
        built = [i for i in row.built.split(";") if i]
        table.add_row(
            f"{row.first_year}-{row.last_year}" if row.last_year > row.first_year else str(row.first_year),
            "\n".join(f"{i}: {names[i]}" if names.get(i) else i for i in built) or "-",
            _fmt(row.capex / scale), _fmt(row.annual_cost / scale), _fmt(row.baseline_annual_cost / scale),
            _fmt(row.annual_co2), _fmt(row.baseline_annual_co2),
        )
    console.print(table)
    horizon = result.summary.get("horizon", {})
    console.print(f"over {horizon.get('n_years', '?')} years: costs are present values at a discount rate of "
                  f"{horizon.get('discount_rate', 0):.1%}, CO2e cumulative tonnes")


def _item_names(result: Result) -> dict[str, str]:
    """Readable names of measures and links by id (tiers keep their LINK:TIER id)."""
    names = {}
    if "measures" in result.tables:
        names.update(zip(result.measures["id"], result.measures["name"], strict=True))
    if "links" in result.tables and "name" in result.links.columns:
        names.update(zip(result.links["id"], result.links["name"], strict=True))
    return {k: v for k, v in names.items() if isinstance(v, str) and v}
