"""Workbook sheets read as text tables: rows as a spreadsheet shows them, formulas by their saved value.

The ``scenario`` sheet holds ``key | value`` rows (dotted keys), the ``budgets``
sheet one budget per row; a ``README`` sheet (any case) is skipped.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from eipopt.model import Problem
from eipopt.model.errors import did_you_mean
from eipopt.model.schema import TABLES, format_value, normalise_header
from eipopt.model.settings import BUDGET_KEYS, override_settings
from eipopt.text_tables import MAX_COLUMNS, MAX_ROWS, text_frame

SETTINGS_SHEET = "scenario"
BUDGETS_SHEET = "budgets"
#: A sheet of this name (any case) documents the columns and is not read.
README_SHEET = "README"
#: Where each settings key was read: dotted key -> (file or sheet, line or row).
KeyPositions = dict[str, tuple[str, int]]


def _headers(sheet: pd.DataFrame, label: str, allowed: list[str]) -> tuple[list[str], list[Problem]]:
    """The sheet's normalised headers, and a problem for each unknown or duplicated one."""
    header_row = sheet.attrs["header_row"]
    headers = [normalise_header(c) for c in sheet.columns]
    problems = []
    for position, header in enumerate(headers):
        if header and header not in allowed:
            problems.append(Problem(label, f"unknown column{did_you_mean(header, allowed)}; this sheet has the columns {', '.join(allowed)}", row=header_row, column=header))
        elif header and header in headers[:position]:
            problems.append(Problem(label, "duplicated column", row=header_row, column=header))
    return headers, problems


def settings_rows(sheet: pd.DataFrame, label: str, settings: dict, positions: KeyPositions) -> list[Problem]:
    """Apply the ``key | value`` rows to ``settings``, noting each key's row in ``positions``."""
    headers, problems = _headers(sheet, label, ["key", "value"])
    if problems or not {"key", "value"} <= set(headers):
        return problems + ([] if problems else [Problem(label, "needs the columns 'key' and 'value'", row=sheet.attrs["header_row"])])
    sheet = sheet.set_axis(headers, axis=1)
    for row, key, value in zip(sheet.index, sheet["key"], sheet["value"], strict=True):
        key = key.strip()
        if not key:
            continue
        if key in positions:
            problems.append(Problem(label, f"key '{key}' appears twice (rows {positions[key][1]} and {row}); keep one", row=row, column="key"))
            continue
        positions[key] = (label, row)
        problems += [Problem(label, p.message, row=row, column=key) for p in override_settings(settings, key, value)]
    return problems


def budget_rows(sheet: pd.DataFrame, label: str, settings: dict, positions: KeyPositions) -> list[Problem]:
    """Set ``settings["budgets"]`` from one budget a row, noting each budget's row in ``positions``."""
    headers, problems = _headers(sheet, label, list(BUDGET_KEYS))
    if problems:
        return problems
    budgets = []
    for row, cells in zip(sheet.index, sheet.itertuples(index=False), strict=True):
        entry = {h: v for h, v in zip(headers, cells, strict=True) if h and v.strip()}
        budgets.append(entry)
        positions[f"budgets.{entry.get('id', '')}"] = (label, row)
        positions[f"budgets[{len(budgets) - 1}]"] = (label, row)
    settings["budgets"] = budgets
    return problems


def read_sheets(path: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every sheet but README as text cells indexed by the row number a spreadsheet shows;
    formulas give their saved value, and a formula without one is a problem."""
    import openpyxl  # here, not at import: reading a scenario folder needs no workbook library

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        return {}, [Problem(str(path), f"cannot be read as a workbook: {exc}")]
    known = [*TABLES, SETTINGS_SHEET, BUDGETS_SHEET]
    sheets: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    formulas: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for sheet in book.worksheets:
            if sheet.title.lower() == README_SHEET.lower():
                continue
            label = f"{path}[{sheet.title}]"
            if sheet.title not in known:
                problems.append(Problem(label, f"unknown sheet{did_you_mean(sheet.title, known)}; sheets are {', '.join(known)} and README"))
                continue
            frame, formulas[sheet.title], sheet_problems = _read_sheet(sheet, label)
            problems += sheet_problems
            if frame is not None:
                sheets[sheet.title] = frame
    except Exception as exc:  # noqa: BLE001 - a damaged sheet fails inside openpyxl's reader
        return {}, [Problem(str(path), f"cannot be read as a workbook: {exc}")]
    finally:
        book.close()
    if any(formulas.values()):
        problems += _saved_formula_values(path, sheets, formulas)
    return sheets, problems


def _read_sheet(sheet, label: str) -> tuple[pd.DataFrame | None, dict[tuple[int, int], str], list[Problem]]:
    header: list[str] | None = None
    header_row = 1
    rows: list[list[str]] = []
    numbers: list[int] = []
    formulas: dict[tuple[int, int], str] = {}
    number = (sheet.min_row or 1) - 1
    for cells in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
        number = next((c.row for c in cells if getattr(c, "row", None)), number + 1)
        texts = [_cell_text(c.value) for c in cells]
        if len(texts) > MAX_COLUMNS and texts[MAX_COLUMNS]:
            return None, {}, [Problem(label, f"more than {MAX_COLUMNS} columns", row=number)]
        texts = texts[:MAX_COLUMNS]
        while texts and not texts[-1].strip():
            texts.pop()
        if not texts:
            continue
        if header is None:
            header, header_row = texts, number
            continue
        if len(rows) == MAX_ROWS:
            return None, {}, [Problem(label, f"more than {MAX_ROWS:,} rows; split the park or aggregate rows", row=number)]
        for position, cell in enumerate(cells[: len(texts)]):
            if getattr(cell, "data_type", None) == "f":
                formulas[(number, position)] = texts[position]
        rows.append(texts)
        numbers.append(number)
    if header is None:
        return None, {}, [Problem(label, "empty sheet: a table needs at least its header row")]
    return text_frame(header, header_row, rows, numbers), formulas, []


def _cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold (numbers stored as numbers or as text read alike)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return format_value(value)


def _saved_formula_values(path: Path, sheets: dict[str, pd.DataFrame], formulas: dict[str, dict[tuple[int, int], str]]) -> list[Problem]:
    """Replace formula texts by the values the spreadsheet saved; a formula never computed
    (a workbook written by a program and not opened since) is a problem."""
    import openpyxl

    problems = []
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for title, cells in formulas.items():
            if not cells or title not in sheets:
                continue
            frame = sheets[title]
            last = max(row for row, _ in cells)
            for row_cells in book[title].iter_rows(max_row=last, max_col=MAX_COLUMNS):
                for cell in row_cells:
                    key = (getattr(cell, "row", 0), getattr(cell, "column", 0) - 1)
                    if key not in cells:
                        continue
                    row, position = key
                    column = normalise_header(frame.columns[position]) if position < len(frame.columns) else None
                    if cell.value is None:
                        problems.append(Problem(f"{path}[{title}]", f"formula '{cells[key]}' has no saved value: open and save the workbook in a spreadsheet program, or type the value", row=row, column=column or openpyxl.utils.get_column_letter(position + 1)))
                    elif row in frame.index:
                        frame.iat[frame.index.get_loc(row), position] = _cell_text(cell.value)
    finally:
        book.close()
    return problems
