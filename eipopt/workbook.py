"""The results workbook: one formatted .xlsx a park board can be handed.

Sheets: ``summary`` (the decision in a few lines, baseline against plan,
budgets, two charts), then one sheet per result table (``economics``,
``measures``, ``links``, ``tiers``, ``budgets``, ``breakdown``, ``flows`` ...)
with names beside ids. Cells hold the exact, unscaled numbers of the Result;
money is *displayed* in a readable scale by its number format (``#,##0.0,,,``
shows 412,000,000,000 as 412.0) and the header says the scale (``capex (bn
VND)``). Header rows are frozen, columns sized, text written as text (never a
formula, :func:`eipopt.cell_safety.write_text_cell`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eipopt.cell_safety import write_text_cell
from eipopt.decision import decision_lines, headline, headline_scale
from eipopt.model import Scenario
from eipopt.readable import MoneyScale, column_label, header, money_scale, table_money_scale
from eipopt.report_tables import readable_tables
from eipopt.result import Result

SUMMARY_SHEET = "summary"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WIDEST = 60


def write_results_workbook(result: Result, scenario: Scenario, path: str | Path) -> Path:
    """Write ``result`` of ``scenario`` as a formatted workbook at ``path`` (.xlsx)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    _write_summary(summary, result, scenario)
    for name, frame in readable_tables(result, scenario).items():
        if name == "breakdown":  # what the plan changes, for the second chart of the sheet
            frame = frame.assign(change_from_baseline=frame["value"] - frame["baseline_value"])
        sheet = book.create_sheet(name)
        write_table(sheet, frame, scenario.settings.currency)
        _chart_table(sheet, name, frame)
    for sheet in book.worksheets:  # printed for a meeting: landscape, one page wide
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    book.save(path)
    return path


def number_format(kind: str, scale: MoneyScale, values: pd.Series) -> str | None:
    """Excel number format of one column's kind (money in its scale, amounts by magnitude)."""
    if kind in ("money", "money_yr"):
        return scale.excel_format
    if kind == "money_per_t":
        return money_scale(values, scale.currency).excel_format
    if kind in ("amount", "co2_yr"):
        largest = pd.to_numeric(values, errors="coerce").abs().max()
        return "#,##0" if pd.notna(largest) and largest >= 100 else "#,##0.00"
    return {"share": "0%", "years": "0.0", "count": "0", "ratio": "0.00"}.get(kind)


def write_table(sheet: Worksheet, frame: pd.DataFrame, currency: str, start_row: int = 1) -> None:
    """A DataFrame as a typed table: readable headers with units, number formats, frozen header, widths."""
    scale = table_money_scale(frame, currency)
    money_rows, row_scale = _money_rows(frame, currency)
    columns = list(frame.columns)
    for col, column in enumerate(columns, start=1):
        label = column_label(column)
        per_t_scale = money_scale(frame[column], currency) if label.kind == "money_per_t" else scale
        cell = sheet.cell(start_row, col)
        write_text_cell(cell, header(column, per_t_scale))
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        fmt = number_format(label.kind, scale, frame[column])
        values = frame[column].tolist()
        if column == "unit" and money_rows.any():  # money rows say the scale they are shown in
            values = [row_scale.unit(u.partition("/")[2]) if is_money else u for u, is_money in zip(values, money_rows, strict=True)]
        for row, (value, is_money) in enumerate(zip(values, money_rows, strict=True), start=start_row + 1):
            target = sheet.cell(row, col)
            write_text_cell(target, _cell_value(value))
            if is_money and label.kind == "amount":
                target.number_format = row_scale.excel_format
            elif fmt:
                target.number_format = fmt
    sheet.freeze_panes = sheet.cell(start_row + 1, 2 if columns and columns[0] in ("id", "firm", "figure") else 1)
    _size_columns(sheet, frame, start_row)


def _money_rows(frame: pd.DataFrame, currency: str) -> tuple[pd.Series, MoneyScale]:
    """Rows whose ``unit`` is money (the cost rows of ``breakdown``) and one scale for their amounts."""
    if "unit" not in frame.columns:
        return pd.Series(False, index=frame.index), money_scale(None, currency)
    mask = frame["unit"].astype(str).str.split("/").str[0] == currency
    amounts = [c for c in frame.columns if column_label(c).kind == "amount"]
    values = frame.loc[mask, amounts].to_numpy().ravel().tolist() if amounts else []
    return mask, money_scale(values, currency)


def _cell_value(value):
    """A Python value openpyxl stores typed: numbers as numbers, NaN as an empty cell."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _size_columns(sheet: Worksheet, frame: pd.DataFrame, header_row: int) -> None:
    for col, column in enumerate(frame.columns, start=1):
        texts = [str(v) for v in frame[column].head(200).tolist()]
        kind = column_label(column).kind
        longest = max((len(t) for t in texts), default=4) if kind == "text" else 12
        width = min(_WIDEST, max(10, longest + 2, min(len(header(column)) // 2 + 2, 30)))
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.row_dimensions[header_row].height = 45


def _write_summary(sheet: Worksheet, result: Result, scenario: Scenario) -> None:
    """The decision in a few lines, baseline against plan, budgets, and two charts."""
    currency = scenario.settings.currency
    write_text_cell(sheet.cell(1, 1), f"eipopt results: {scenario.name}")
    sheet.cell(1, 1).font = _TITLE
    _paragraph(sheet, 2, scenario.settings.description.strip())
    row = 4
    for line in decision_lines(result, scenario, where="all in the sheets 'measures' and 'links'"):
        _paragraph(sheet, row, line)
        row += 1
    row += 1
    table = headline(result, scenario)
    scale = headline_scale(result, scenario)
    headline_row = row + 1
    if result.summary["total_cost"] is not None:  # no plan, no figures: the lines above say why
        write_text_cell(sheet.cell(row, 1), "Baseline against plan")
        sheet.cell(row, 1).font = _BOLD
        _write_headline(sheet, table, scale, headline_row)
        row += len(table) + 3
    if "budgets" in result.tables and len(result.budgets):
        write_text_cell(sheet.cell(row, 1), "Budgets")
        sheet.cell(row, 1).font = _BOLD
        budgets = result.budgets.assign(left=result.budgets["limit"] - result.budgets["used"])
        write_table(sheet, budgets, currency, start_row=row + 1)
        row += len(budgets) + 3
    if "periods" in result.tables:  # over periods: where the schedule is, and what the totals above are
        _paragraph(sheet, row, "Totals are present values over the plan and cumulative tonnes; what is built in each period, "
                               "its capex, annual cost and CO2e: sheet 'periods'. Other sheets hold one row per period (column 'period').")
        row += 1
    _paragraph(sheet, row, f"Money cells hold full {currency} values; the number format shows them in the scale named in each header.")
    sheet.freeze_panes = None
    for col, width in zip("ABCDEF", (44, 16, 18, 18, 18, 18), strict=True):
        sheet.column_dimensions[col].width = width
    if result.summary["baseline_cost"] is not None and result.summary["total_cost"] is not None:
        (cost_title, cost_unit), (co2_title, co2_unit) = _headline_chart_titles(result, scale)
        _bar_chart(sheet, cost_title, cost_unit, headline_row, headline_row + 1, "H4")
        _bar_chart(sheet, co2_title, co2_unit, headline_row, headline_row + 2, "H20")


def _paragraph(sheet: Worksheet, row: int, text: str, last_column: str = "F", characters_per_line: int = 130) -> None:
    """A sentence across columns A to F, wrapped, its row tall enough to show it whole."""
    write_text_cell(sheet.cell(row, 1), text)
    sheet.merge_cells(f"A{row}:{last_column}{row}")
    sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[row].height = 15 * max(1, math.ceil(len(text) / characters_per_line))


def _write_headline(sheet: Worksheet, table: pd.DataFrame, scale: MoneyScale, row: int) -> None:
    for col, title in enumerate(["figure", "unit", "baseline", "plan", "change"], start=1):
        write_text_cell(sheet.cell(row, col), title)
        sheet.cell(row, col).font, sheet.cell(row, col).fill = _BOLD, _HEADER_FILL
    for offset, record in enumerate(table.itertuples(index=False), start=1):
        is_money = record.unit.split("/")[0] == scale.currency
        unit = scale.unit("yr" if record.unit.endswith("/yr") else "") if is_money else record.unit
        for col, value in enumerate([record.figure, unit, record.baseline, record.plan, record.change], start=1):
            cell = sheet.cell(row + offset, col)
            write_text_cell(cell, _cell_value(value))
            if col > 2:
                cell.number_format = scale.excel_format if is_money else "#,##0"


def _bar_chart(sheet: Worksheet, title: str, unit: str, header_row: int, data_row: int, anchor: str) -> None:
    chart = BarChart()
    chart.title = title
    chart.y_axis.title = unit
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=3, max_col=4, min_row=data_row), from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=3, max_col=4, min_row=header_row))
    if all(isinstance(v, (int, float)) and v >= 0 for v in (sheet.cell(data_row, 3).value, sheet.cell(data_row, 4).value)):
        chart.y_axis.scaling.min = 0  # bars from zero, so their heights compare honestly
    chart.height, chart.width = 7, 12
    sheet.add_chart(chart, anchor)


def _chart_table(sheet: Worksheet, name: str, frame: pd.DataFrame) -> None:
    """Native charts where they help: budget use, and the cost breakdown baseline against plan."""
    if name == "budgets" and len(frame):
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Budget limit and use"
        cols = list(frame.columns)
        chart.add_data(Reference(sheet, min_col=cols.index("limit") + 1, max_col=cols.index("used") + 1, min_row=1, max_row=len(frame) + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(frame) + 1))
        chart.x_axis.title = "budget"
        chart.y_axis.title = sheet.cell(1, cols.index("limit") + 1).value.split("(")[-1].rstrip(")")
        sheet.add_chart(chart, f"{get_column_letter(len(cols) + 2)}2")
    elif name == "periods" and len(frame):
        _schedule_charts(sheet, frame)
    elif name == "breakdown" and "period" in frame.columns and len(frame):
        _breakdown_chart_of_last_period(sheet, frame)
    elif name == "breakdown" and len(frame):
        cost_rows = [i for i, q in enumerate(frame["quantity"], start=2) if q == "cost"]
        if not cost_rows:
            return
        cols = list(frame.columns)
        unit = sheet.cell(cost_rows[0], cols.index("unit") + 1).value  # the scale the money rows are shown in
        charts = (("Annual cost by component: baseline and plan", ("baseline_value", "value"), 2),
                  ("What the plan changes: annual cost, plan - baseline (negative: saving)", ("change_from_baseline",), 21))
        for title, columns, anchor_row in charts:
            chart = BarChart()
            chart.type = "bar"
            chart.title = title
            for column in columns:
                col = cols.index(column) + 1
                chart.add_data(Reference(sheet, min_col=col, min_row=1, max_row=cost_rows[-1]), titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=cols.index("component") + 1, min_row=2, max_row=cost_rows[-1]))
            chart.x_axis.title = "component"
            chart.x_axis.tickLblPos = "low"  # names at the left edge, clear of bars that go negative
            chart.y_axis.title = unit
            if len(columns) == 1:
                chart.legend = None
            chart.height, chart.width = 9, 16
            sheet.add_chart(chart, f"{get_column_letter(len(cols) + 2)}{anchor_row}")


# --------------------------------------------------------------------------- periods (eipopt.period_view)


def _headline_chart_titles(result: Result, scale: MoneyScale) -> tuple[tuple[str, str], tuple[str, str]]:
    """Titles and units of the summary's two charts: annual figures, or over periods present value and cumulative tonnes."""
    horizon = result.summary.get("horizon")
    if not horizon:
        return ("Annual cost: baseline and plan", scale.unit("yr")), ("Annual CO2e: baseline and plan", "tCO2e/yr")
    years = horizon["n_years"]
    return ((f"Cost over {years} years (present value): baseline and plan", scale.unit()),
            (f"CO2e over {years} years (cumulative): baseline and plan", "tCO2e"))


def _column_reference(sheet: Worksheet, frame: pd.DataFrame, column: str, first_row: int = 1, last_row: int | None = None) -> Reference:
    col = list(frame.columns).index(column) + 1
    return Reference(sheet, min_col=col, min_row=first_row, max_row=last_row or len(frame) + 1)


def _schedule_charts(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """The investment schedule's charts: capex per period, and annual cost and CO2e per period against the baseline."""
    categories = _column_reference(sheet, frame, "years_of_period", first_row=2)
    anchor_col = get_column_letter(len(frame.columns) + 2)
    charts = (
        ("New investment per period (capex)", ("capex",), "capex"),
        ("Annual cost per period: baseline and plan", ("baseline_annual_cost", "annual_cost"), "annual_cost"),
        ("Annual CO2e per period: baseline and plan", ("baseline_annual_co2", "annual_co2"), "annual_co2"),
    )
    for i, (title, columns, unit_column) in enumerate(charts):
        chart = BarChart()
        chart.title = title
        for column in columns:
            chart.add_data(_column_reference(sheet, frame, column), titles_from_data=True)
        chart.set_categories(categories)
        chart.x_axis.title = "period (years)"
        chart.y_axis.title = sheet.cell(1, list(frame.columns).index(unit_column) + 1).value.split("(")[-1].rstrip(")")
        chart.height, chart.width = 7.5, 16
        sheet.add_chart(chart, f"{anchor_col}{2 + 16 * i}")


def _breakdown_chart_of_last_period(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """The cost breakdown chart of the last period (the park at the end of the plan), baseline against plan."""
    last = frame["period"].max()
    rows = [i for i, (q, p) in enumerate(zip(frame["quantity"], frame["period"], strict=True), start=2) if q == "cost" and p == last]
    if not rows or rows[-1] - rows[0] != len(rows) - 1:  # the period's cost rows are one block in the sheet
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = f"Annual cost by component in the period from {last}: baseline and plan"
    for column, title in (("baseline_value", "baseline"), ("value", "plan")):
        chart.series.append(Series(_column_reference(sheet, frame, column, rows[0], rows[-1]), title=title))
    chart.set_categories(_column_reference(sheet, frame, "component", rows[0], rows[-1]))
    chart.x_axis.title = "component"
    chart.y_axis.title = sheet.cell(1, list(frame.columns).index("value") + 1).value.split("(")[-1].rstrip(")")
    chart.height, chart.width = 9, 16
    sheet.add_chart(chart, f"{get_column_letter(len(frame.columns) + 2)}2")
