"""Readable terminal output of a result (rich tables): the decision, links, measure economics, breakdown, budgets.

Reads only the Result's tables and the Scenario (names, units, currency); money
is scaled to a readable unit named in each header (:mod:`eipopt.readable`), and
a cut table says how many rows it shows.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from eipopt.decision import decision_lines, headline, headline_scale
from eipopt.economics import STATUS_REJECTED
from eipopt.model import Scenario
from eipopt.period_view import period_label, period_suffix, rows_of_period, shown_period
from eipopt.readable import formatted_frame, is_numeric_kind, money_scale, number, shown_of
from eipopt.report_tables import readable_tables
from eipopt.result import Result

#: Rows of a table printed before it says how many more the workbook holds.
CONSOLE_ROWS = 25


def _rich_table(frame, currency: str, title: str) -> Table:
    text = formatted_frame(frame, currency)
    table = Table(title=title, header_style="bold")
    for column, source in zip(text.columns, frame.columns, strict=True):
        table.add_column(column, justify="right" if is_numeric_kind(source) else "left", overflow="fold")  # wrap, never cut
    for row in text.itertuples(index=False):
        table.add_row(*row)
    return table


def print_result(result: Result, scenario: Scenario, console: Console | None = None) -> None:
    """The decision in a few lines, baseline against plan, then links, measures, breakdown and budgets."""
    console = console or Console(width=None if Console().is_terminal else 140)
    currency = scenario.settings.currency
    for i, line in enumerate(decision_lines(result, scenario, where="all with --out results.xlsx")):
        console.print(f"[bold]{line}[/bold]" if i == 0 else f"- {line}", highlight=False)
    if result.summary["total_cost"] is None:
        return
    scale = headline_scale(result, scenario)
    head = Table(title=f"eipopt - {scenario.name}: baseline against plan", header_style="bold")
    for column in ("", "baseline", "plan", "change"):
        head.add_column(column, justify="right" if column else "left")
    for row in headline(result, scenario).itertuples():
        is_money = row.unit.startswith(currency)
        unit = scale.unit(row.unit.partition("/")[2]) if is_money else row.unit
        head.add_row(f"{row.figure} ({unit})", *[number(scale.scaled(v) if is_money and v is not None else v) for v in (row.baseline, row.plan, row.change)])
    console.print(head)
    tables = readable_tables(result, scenario)
    links = _last_period(tables["links"])
    if len(links):
        columns = ["id", "source_name", "sink_name", "built", *(["build_period"] if "build_period" in links.columns and shown_period(result) else []),
                   "existing", "tiers_built", "capacity_entered", "flow", "unit", "utilisation", "capex", "why_not_built"]
        shown = links.sort_values(["built", "flow"], ascending=False)[columns]
        cut = shown_of(min(CONSOLE_ROWS, len(shown)), len(shown), "all with --out results.xlsx")
        console.print(_rich_table(shown.head(CONSOLE_ROWS), currency, "Symbiosis links" + _period_note(tables["links"]) + (f" ({cut})" if cut else "")))
    economics = tables["economics"]
    if len(economics):
        order = economics.assign(_rejected=economics["decision"] == STATUS_REJECTED).sort_values(["_rejected", "net_annual_benefit"], ascending=[True, False])
        timing = ["build_period"] if "build_period" in economics.columns else []
        shown = order[["id", "name", "decision", *timing, "capex", "annual_saving", "simple_payback_years", "co2_avoided", "cost_per_tonne", "why_not_funded"]]
        cut = shown_of(min(CONSOLE_ROWS, len(shown)), len(shown), "all with --out results.xlsx")
        title = f"RECP measures: {result.summary['n_measures_funded']} new funded, {int(result.measures['existing'].sum())} existing, of {len(economics)} (stand-alone economics)"
        console.print(_rich_table(shown.head(CONSOLE_ROWS), currency, title + (f"; {cut}" if cut else "")))
    breakdown = _last_period(result.breakdown)
    breakdown = breakdown[(breakdown["value"] != 0) | (breakdown["baseline_value"] != 0)]
    for quantity, unit_title in (("cost", None), ("co2", "tCO2e/yr")):
        part = breakdown[breakdown["quantity"] == quantity]
        if not len(part):
            continue
        part_scale = money_scale(list(part["value"]) + list(part["baseline_value"]), currency) if quantity == "cost" else None
        title = f"Annual {'cost' if quantity == 'cost' else 'CO2e'} by component{period_suffix(result)} ({part_scale.unit('yr') if part_scale else unit_title})"
        table = Table(title=title, header_style="bold")
        for column in ("component", "baseline", "plan"):
            table.add_column(column, justify="left" if column == "component" else "right")
        for row in part.itertuples():
            convert = part_scale.scaled if part_scale else float
            table.add_row(row.component.replace("_", " "), number(convert(row.baseline_value)), number(convert(row.value)))
        console.print(table)
    print_schedule(result, scenario, console)
    print_financing(result, scenario, console)
    if "quality" in result.tables:
        print_quality(result.quality, console)


def print_quality(quality, console: Console) -> None:
    """Each limited node and contaminant: the inlet concentration against its limit, baseline beside."""
    limited = _last_period(quality).dropna(subset=["max_inlet"])
    if not len(limited):
        return
    table = Table(title="Water quality at the limited nodes" + _period_note(quality), header_style="bold")
    for column in ("node", "contaminant"):
        table.add_column(column)
    for column in ("inflow", "inlet, baseline", "inlet", "max_inlet", "binding"):
        table.add_column(column, justify="right")
    for row in limited.itertuples():
        node = f"{row.firm} ({row.firm_name}) {row.resource}" if row.firm_name else f"{row.firm} {row.resource}"
        table.add_row(node, row.contaminant, f"{number(row.inflow)} {row.flow_unit}/yr", f"{number(row.baseline_inlet_concentration)} {row.unit}",
                      f"{number(row.inlet_concentration)} {row.unit}", f"{number(row.max_inlet)} {row.unit}", "yes" if row.binding else "")
    console.print(table)


def _last_period(table):
    """The rows of the last period of a table with a ``period`` column (the table itself otherwise)."""
    return rows_of_period(table, table["period"].max() if "period" in table.columns else None)


def _period_note(table) -> str:
    """Names the period a table shows: the last, the park at the end of the plan (:mod:`eipopt.period_view`)."""
    return f" in the period from {table['period'].max()} (the end of the plan; per year; all periods in the result tables)" if "period" in table.columns else ""


def print_schedule(result: Result, scenario: Scenario, console: Console) -> None:
    """The investment schedule of a plan over periods: what is built when, its capex, annual cost and CO2e.

    Prints nothing for a single-year scenario (no ``periods`` table).
    """
    periods = result.tables.get("periods")
    if periods is None or periods.empty:
        return
    scale = money_scale(list(periods["capex"]) + list(periods["annual_cost"]) + list(periods["baseline_annual_cost"]), scenario.settings.currency)
    names = _item_names(result)
    table = Table(title=f"Investment schedule (money in {scale.unit()})", header_style="bold")
    table.add_column("period", no_wrap=True, min_width=9)
    table.add_column("built (id: name)", min_width=16, ratio=1)
    for column in ("capex", "cost/yr", "baseline cost/yr", "CO2e t/yr", "baseline t/yr"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in periods.itertuples():
        built = [i for i in row.built.split(";") if i]
        table.add_row(
            period_label(row.first_year, row.last_year),
            "\n".join(f"{i}: {names[i]}" if names.get(i) else i for i in built) or "-",
            number(scale.scaled(row.capex)), number(scale.scaled(row.annual_cost)), number(scale.scaled(row.baseline_annual_cost)),
            number(row.annual_co2), number(row.baseline_annual_co2),
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


_MOST_FIRMS_SHOWN = 20


def print_financing(result: Result, scenario: Scenario, console: Console) -> None:
    """Who pays what: each firm with new items, how their capex is paid and whether its saving carries its loans.

    Prints nothing for a scenario without financing input (no ``firms`` table).
    """
    firms = result.tables.get("firms")
    if firms is None or firms.empty:
        return
    s = result.summary
    involved = firms[(firms["capex"] > 0) | (firms["debt_service"] > 0)]
    shown = involved.sort_values("capex", ascending=False, kind="stable").head(_MOST_FIRMS_SHOWN)
    columns = ["capex", "own_money", "loans", "grants", "equity", "saving", "debt_service"]
    scale = money_scale(shown[columns].to_numpy().ravel().tolist(), scenario.settings.currency)
    money = scale.unit()
    by_period = "period" in firms.columns
    more = f"; the {len(shown)} largest shown, all in the firms table" if len(involved) > len(shown) else ""
    table = Table(title=f"Who pays what ({money}; saving and debt service per year): {len(involved)} of {len(firms)} firm rows invest or repay{more}",
                  header_style="bold")
    table.add_column("firm (id: name)", min_width=16)
    if by_period:
        table.add_column("period")
    for column in ("capex", "own money", "loans", "grants", "equity", "saving /yr", "debt service /yr", "DSCR", "min DSCR"):
        table.add_column(column, justify="right")
    for row in shown.itertuples():
        name = f"{row.firm}: {row.name}" if isinstance(row.name, str) and row.name else row.firm
        cells = [number(scale.scaled(getattr(row, c))) for c in columns] + [number(row.dscr), number(row.min_dscr)]
        table.add_row(name, *([str(row.period)] if by_period else []), *cells)
    console.print(table)
    leverage = "-" if s.get("leverage") is None else f"{s['leverage']:,.2f}"
    per_grant = s.get("co2_reduction_per_grant")
    co2_unit = "t" if s.get("horizon") else "t/yr"
    co2 = "" if per_grant is None else f"; the plan's CO2e cut per {money} of grant {number(per_grant * scale.factor)} {co2_unit}"
    console.print(f"grants {number(scale.scaled(s['grant_total']))}, loans {number(scale.scaled(s['loans_total']))}, outside equity {number(scale.scaled(s['equity_total']))}, "
                  f"own money {number(scale.scaled(s['own_money_total']))} ({money}); all money invested per unit of grant {leverage}{co2}; DSCR rule: {s['dscr_rule']}")
    for warning in s.get("financing_warnings", []):
        console.print(f"[yellow]warning:[/yellow] {warning}")
