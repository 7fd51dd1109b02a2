"""A scenario as one Excel workbook a planner can read and edit (``eipopt convert PATH out.xlsx``).

Sheets: ``README`` (what each sheet and column means, from the schema
:data:`eipopt.model.schema.TABLES`), ``scenario`` (``key | value`` rows of the
settings, dotted keys such as ``solver.time_limit``), ``budgets``
(``id | limit | applies_to``) and one sheet per input table with the same
columns as the CSV files. Cells are typed from the schema: numbers are numbers,
true/false are booleans, blanks are empty cells, text is text (never a formula).
The loader skips the ``README`` sheet, so the workbook loads back as the same
scenario.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eipopt.cell_safety import write_text_cell
from eipopt.model import Scenario
from eipopt.model.schema import TABLES
from eipopt.model.settings import SETTINGS_FILE
from eipopt.workbook_reading import BUDGETS_SHEET, README_SHEET, SETTINGS_SHEET

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_README_COLUMNS = ("sheet", "column", "type", "required", "default", "unit", "description")


def write_scenario_workbook(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` to the workbook ``path``: README, settings, budgets, one typed sheet per table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = scenario.settings.to_dict()
    budgets = settings.pop("budgets")
    book = Workbook()
    _write_readme(book.active, scenario)
    _write_rows(book.create_sheet(SETTINGS_SHEET), ["key", "value"], flatten_settings(settings), widths=(28, 100))
    _write_rows(book.create_sheet(BUDGETS_SHEET), ["id", "limit", "applies_to", "period"],
                [(b["id"], b["limit"], b["applies_to"], b.get("period")) for b in budgets])
    for name, frame in scenario.tables.items():
        _write_table(book.create_sheet(name), name, frame)
    book.save(path)
    return path


def flatten_settings(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested settings as ``(dotted key, value)`` rows; unset (None) values are left out."""
    items = []
    for key, value in settings.items():
        if isinstance(value, dict):
            items += flatten_settings(value, f"{prefix}{key}.")
        elif isinstance(value, list):  # extra_columns, periods.years: one cell, ';'-separated
            items.append((f"{prefix}{key}", "; ".join(map(str, value))))
        elif value is not None:
            items.append((f"{prefix}{key}", value))
    return items


def _typed(value: Any) -> Any:
    """A cell value: NaN and None as an empty cell, numpy scalars as Python numbers."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _header(sheet: Worksheet, titles: list[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = sheet.cell(1, col)
        write_text_cell(cell, title)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
    sheet.freeze_panes = "A2"


def _write_rows(sheet: Worksheet, titles: list[str], rows: list[tuple], widths: tuple[int, ...] = ()) -> None:
    _header(sheet, titles)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            write_text_cell(cell, _typed(value))
            if isinstance(value, str) and len(value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c, width in enumerate(widths or (20,) * len(titles), start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width


def _write_table(sheet: Worksheet, name: str, frame: pd.DataFrame) -> None:
    """One input table with cells typed by the schema; columns outside the schema stay text."""
    schema = TABLES[name]
    columns = list(frame.columns)
    _header(sheet, columns)
    for c, column in enumerate(columns, start=1):
        dtype = schema.column_index[column].dtype if column in schema.column_index else "str"
        values = frame[column].tolist()
        for r, value in enumerate(values, start=2):
            cell = sheet.cell(r, c)
            if dtype == "float":
                write_text_cell(cell, _typed(value))
                cell.number_format = "General" if value is None or not isinstance(value, float) or abs(value) < 1e6 else "#,##0"
            elif dtype == "bool":
                write_text_cell(cell, bool(value))
            else:
                write_text_cell(cell, "" if value is None else str(value))
        longest = max([len(column)] + [len(str(v)) for v in values[:200]])
        sheet.column_dimensions[get_column_letter(c)].width = min(50, max(10, longest + 2))


def _write_readme(sheet: Worksheet, scenario: Scenario) -> None:
    """What each sheet and column means: the schema's descriptions, types, defaults and units."""
    sheet.title = README_SHEET
    _header(sheet, list(_README_COLUMNS))
    rows: list[tuple] = [
        (README_SHEET, "", "", "", "", "", "This sheet: what every sheet and column means. It is not read back."),
        (SETTINGS_SHEET, "key | value", "", "yes", "", "",
         f"Settings of scenario '{scenario.name}' (scenario.yaml), one dotted key a row (solver.time_limit, constraints.min_symbiosis_links)."),
        (BUDGETS_SHEET, "id | limit | applies_to", "", "", "", "currency",
         "Budgets: a limit on what new items draw (their capex, or their budget_use rows); applies_to all, measures or links."),
    ]
    for key, comment in settings_comments(scenario).items():
        sheet_name = BUDGETS_SHEET if key.startswith("budgets.") else SETTINGS_SHEET
        rows.append((sheet_name, key, "", "", "", "", f"Comment in {SETTINGS_FILE}: {comment}"))
    for table in TABLES.values():
        rows.append((table.name, "", "", "yes" if table.required_table else "", "", "", table.description))
        for column in table.columns:
            rows.append((table.name, column.name, column.dtype, "yes" if column.required else "",
                         _default_text(column), column.unit, column.description))
        extras = [c for c in scenario.tables[table.name].columns if c not in table.column_index]
        for extra in extras:
            rows.append((table.name, extra, "str", "", "", "", "Not in the scenario format: kept as a note, not used by the model."))
    _write_rows(sheet, list(_README_COLUMNS), rows, widths=(16, 24, 8, 9, 9, 16, 100))


def _default_text(column) -> str:
    if column.required:
        return ""
    if column.default is None:
        return "(blank)"
    if isinstance(column.default, bool):
        return str(column.default).lower()
    if isinstance(column.default, float):
        return f"{column.default:g}"
    return str(column.default)


_YAML_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w]*)\s*:\s*(?P<value>[^#]*?)\s*(?:#\s*(?P<comment>.*))?$")


def settings_comments(scenario: Scenario) -> dict[str, str]:
    """Comments of the scenario's ``scenario.yaml`` by dotted key (``budgets.investment.limit``), when it came from a folder.

    The YAML reader drops comments, yet they carry what a reader needs (which
    limits are assumptions): they are read from the file's lines again.
    """
    source = scenario.sources.get("resources", "")
    settings_file = Path(source).parent / SETTINGS_FILE if source and not source.endswith("]") else None
    if settings_file is None or not settings_file.is_file():
        return {}
    comments: dict[str, str] = {}
    stack: list[tuple[int, str]] = []  # (indent, name) of the enclosing mappings and list items
    for line in settings_file.read_text(encoding="utf-8").splitlines():
        match = _YAML_LINE.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        key_indent = indent + len(match["dash"] or "")
        while stack and stack[-1][0] >= (indent if match["dash"] else key_indent):
            stack.pop()
        if match["dash"]:  # a list item is named by its id (budgets.ID.limit, as in overrides)
            stack.append((indent, match["value"] if match["key"] == "id" else "?"))
        if match["comment"]:
            comments[".".join([name for _, name in stack] + [match["key"]])] = match["comment"].strip()
        if not match["value"]:
            stack.append((key_indent, match["key"]))
    return comments
