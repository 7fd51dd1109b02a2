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
    headline.add_row(f"annual cost ({currency}/yr)", _fmt(s["baseline_cost"]), _fmt(s["total_cost"]), _fmt(None if s["cost_savings"] is None else -s["cost_savings"]))
    headline.add_row("annual CO2e (t/yr)", _fmt(s["baseline_co2"]), _fmt(s["total_co2"]), _fmt(None if s["co2_reduction"] is None else -s["co2_reduction"]))
    console.print(headline)
    gap = "" if s["mip_gap"] is None else f", gap {s['mip_gap']:.2e}"
    console.print(f"status [bold]{s['status']}[/bold] (objective {s['objective']}{gap}), baseline {s['baseline_status']}, "
                  f"new capex {_fmt(s['capex_total'])} {currency}, solved in {s['solve_seconds']:.2f} s")
    for key in ("infeasibility", "baseline_infeasibility"):
        for line in s.get(key, []):
            console.print(f"[red]{key.replace('_', ' ')}:[/red] {line}")
    if "links" in result.tables and len(result.links):
        table = Table(title="Symbiosis links", header_style="bold")
        table.add_column("link", no_wrap=True)
        table.add_column("from -> to")
        table.add_column("built")
        table.add_column("tiers built")
        for column in ("flow", "capacity", "use"):
            table.add_column(column, justify="right", no_wrap=True)
        for row in result.links.itertuples():
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
        table = Table(title="Breakdown by component", header_style="bold")
        for column in ("quantity", "component", "baseline", "optimised"):
            table.add_column(column, justify="right" if column in ("baseline", "optimised") else "left")
        for row in result.breakdown.itertuples():
            if row.value or row.baseline_value:
                table.add_row(row.quantity, row.component, _fmt(row.baseline_value), _fmt(row.value))
        console.print(table)
    for budget_id, budget in s["budgets"].items():
        console.print(f"budget {budget_id}: used {_fmt(budget['used'])} of {_fmt(budget['limit'])} {currency}")
