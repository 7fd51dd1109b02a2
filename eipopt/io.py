"""Read and write scenarios: a folder of CSV files + scenario.yaml, or one Excel workbook.

A workbook has one sheet per table (same names and columns as the CSV files),
a ``scenario`` sheet of ``key | value`` rows (dotted keys such as
``solver.time_limit``), a ``budgets`` sheet (``id | limit | applies_to``) and
may have a ``README`` sheet, which is skipped.

Reading is strict (``docs/input-rules.md``): an unknown file, sheet, column or
key is an error, as is a formula without a saved value; rows are reported as
the line of the file or the row number a spreadsheet shows. Files larger than
:data:`MAX_FILE_BYTES` and tables longer than :data:`MAX_ROWS` are refused
before they are read whole, so that no input can exhaust memory.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import yaml

from eipopt.cell_safety import neutralise, restore
from eipopt.model import Problem, Scenario, ScenarioError
from eipopt.model.errors import did_you_mean
from eipopt.model.schema import TABLES, format_value, normalise_header
from eipopt.model.settings import BUDGET_KEYS, SETTINGS_FILE, override_settings
from eipopt.strict_yaml import StrictYamlError, load_settings_yaml

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SETTINGS_SHEET = "scenario"
BUDGETS_SHEET = "budgets"
#: A sheet of this name (any case) documents the columns and is not read.
README_SHEET = "readme"
#: Largest file read: each CSV file and the workbook (100 MB).
MAX_FILE_BYTES = 100 * 2**20
#: Largest scenario.yaml (1 MB).
MAX_SETTINGS_BYTES = 2**20
#: Most data rows of one table.
MAX_ROWS = 1_000_000
#: Most columns of one table or sheet.
MAX_COLUMNS = 200

#: Where each settings key was read: dotted key -> (file or sheet, line or row).
KeyPositions = dict[str, tuple[str, int]]


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario folder or workbook; raise :class:`ScenarioError` with every problem."""
    path = Path(path)
    if path.is_dir():
        return _load_folder(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES and path.is_file():
        return _load_workbook(path)
    raise ScenarioError([Problem(str(path), "not a scenario folder or an Excel workbook (.xlsx)")])


def _too_large(path: Path, limit: int) -> Problem | None:
    size = path.stat().st_size
    if size > limit:
        return Problem(str(path), f"file of {size / 2**20:.1f} MB is larger than the {limit / 2**20:g} MB a scenario file may have")
    return None


def _load_folder(folder: Path) -> Scenario:
    problems: list[Problem] = []
    settings_file = folder / SETTINGS_FILE
    settings: dict[str, Any] = {}
    positions: KeyPositions = {}
    settings_read = False
    if not settings_file.is_file():
        problems.append(Problem(str(settings_file), "missing: every scenario folder needs scenario.yaml"))
    elif (too_large := _too_large(settings_file, MAX_SETTINGS_BYTES)) is not None:
        problems.append(too_large)
    else:
        try:
            document, lines = load_settings_yaml(settings_file.read_text(encoding="utf-8"))
            positions = {key: (str(settings_file), line) for key, line in lines.items()}
            if isinstance(document, dict):
                settings, settings_read = document, True
            elif document is not None:
                problems.append(Problem(str(settings_file), "must be a mapping of settings (key: value lines)"))
        except StrictYamlError as exc:
            problems.append(Problem(str(settings_file), str(exc), row=exc.line))
        except UnicodeDecodeError as exc:
            problems.append(Problem(str(settings_file), f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() == ".csv" and file.stem not in TABLES:
            problems.append(Problem(str(file), f"unknown table{did_you_mean(file.stem, TABLES)}; tables are {', '.join(t.file_name for t in TABLES.values())}"))
    raw_tables: dict[str, pd.DataFrame] = {}
    sources = {name: str(folder / table.file_name) for name, table in TABLES.items()}
    for name, table in TABLES.items():
        file = folder / table.file_name
        if file.is_file():
            frame, file_problems = _read_csv(file)
            problems += file_problems
            if frame is not None:
                raw_tables[name] = frame
    return _build(settings, settings_read, raw_tables, sources, positions, str(settings_file), problems)


def _read_csv(file: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A CSV file as text cells indexed by file line (blank lines skipped, not renumbered),
    with formula-neutralised text restored (:func:`eipopt.cell_safety.restore`)."""
    if (too_large := _too_large(file, MAX_FILE_BYTES)) is not None:
        return None, [too_large]
    if _more_lines_than(file, MAX_ROWS + 1):
        return None, [Problem(str(file), f"more than {MAX_ROWS:,} rows; split the park or aggregate rows")]
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    line = 1
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            for record in reader:
                start, line = line, reader.line_num + 1  # a quoted cell may span lines
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > MAX_COLUMNS:
                    return None, [Problem(str(file), f"{len(record)} columns; a table has at most {MAX_COLUMNS}", row=start)]
                if header is None:
                    header, header_line = record, start
                    continue
                if len(rows) == MAX_ROWS:
                    return None, [Problem(str(file), f"more than {MAX_ROWS:,} rows; split the park or aggregate rows", row=start)]
                rows.append([restore(cell) for cell in record])
                lines.append(start)
    except (UnicodeDecodeError, csv.Error) as exc:
        return None, [Problem(str(file), f"cannot be read as UTF-8 CSV: {exc}", row=line)]
    if header is None:
        return None, [Problem(str(file), "empty file: a table needs at least its header line")]
    return _frame(header, header_line, rows, lines), []


def _more_lines_than(file: Path, limit: int) -> bool:
    """Whether ``file`` has more than ``limit`` lines, counted in 1 MB chunks (constant memory)."""
    lines = 0
    with file.open("rb") as handle:
        while chunk := handle.read(2**20):
            lines += chunk.count(b"\n")
            if lines > limit:
                return True
    return False


def _frame(header: list[str], header_row: int, rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    """Text cells under ``header`` (padded with blank names where a row is longer), indexed by row number."""
    width = max([len(header), *map(len, rows)])
    columns = [*header, *[""] * (width - len(header))]
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], index=numbers, columns=range(width), dtype=object)
    frame.columns = columns
    frame.attrs["header_row"] = header_row
    return frame


def _build(settings, settings_read, raw_tables, sources, positions: KeyPositions, settings_label: str, problems: list[Problem]) -> Scenario:
    """Build the scenario; settings problems and warnings are located at the file or sheet and
    line or row of their key; reading problems are reported with all the others."""
    try:
        scenario = Scenario.from_raw(settings, raw_tables, sources)
    except ScenarioError as error:
        found = [p for p in error.problems if settings_read or p.file != SETTINGS_FILE]
        raise ScenarioError(problems + [_located(p, positions, settings_label) for p in found]) from None
    if problems:
        raise ScenarioError(problems)
    return replace(scenario, warnings=tuple(_located(w, positions, settings_label) for w in scenario.warnings))


def _located(problem: Problem, positions: KeyPositions, settings_label: str) -> Problem:
    if problem.file != SETTINGS_FILE:
        return problem
    key = problem.column or ""
    while key and key not in positions:
        key = key.rpartition(".")[0] if "." in key else key.partition("[")[0] if "[" in key else ""
    label, row = positions.get(key, (settings_label, None))
    return Problem(label, problem.message, row, problem.column)


def _load_workbook(path: Path) -> Scenario:
    if (too_large := _too_large(path, MAX_FILE_BYTES)) is not None:
        raise ScenarioError([too_large])
    sheets, problems = _read_sheets(path)
    settings: dict[str, Any] = {}
    positions: KeyPositions = {}
    label = f"{path}[{SETTINGS_SHEET}]"
    if SETTINGS_SHEET not in sheets:
        problems.append(Problem(label, "missing: the workbook needs a 'scenario' sheet of key | value rows"))
    else:
        problems += _settings_rows(sheets[SETTINGS_SHEET], label, settings, positions)
    if BUDGETS_SHEET in sheets:
        problems += _budget_rows(sheets[BUDGETS_SHEET], f"{path}[{BUDGETS_SHEET}]", settings, positions)
    raw_tables = {name: sheets[name] for name in TABLES if name in sheets}
    sources = {name: f"{path}[{name}]" for name in TABLES}
    return _build(settings, SETTINGS_SHEET in sheets, raw_tables, sources, positions, label, problems)


def _settings_rows(sheet: pd.DataFrame, label: str, settings: dict, positions: KeyPositions) -> list[Problem]:
    header_row = sheet.attrs["header_row"]
    headers = [normalise_header(c) for c in sheet.columns]
    problems = [
        Problem(label, f"unknown column{did_you_mean(h, ['key', 'value'])}; this sheet has the columns key and value", row=header_row, column=h)
        for h in headers if h and h not in ("key", "value")
    ]
    if not {"key", "value"} <= set(headers):
        return problems + [Problem(label, "needs the columns 'key' and 'value'", row=header_row)]
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


def _budget_rows(sheet: pd.DataFrame, label: str, settings: dict, positions: KeyPositions) -> list[Problem]:
    header_row = sheet.attrs["header_row"]
    headers = [normalise_header(c) for c in sheet.columns]
    problems = [
        Problem(label, f"unknown column{did_you_mean(h, BUDGET_KEYS)}; budgets have the columns {', '.join(BUDGET_KEYS)}", row=header_row, column=h)
        for h in headers if h and h not in BUDGET_KEYS
    ]
    budgets = []
    for row, cells in zip(sheet.index, sheet.itertuples(index=False), strict=True):
        entry = {h: v for h, v in zip(headers, cells, strict=True) if h in BUDGET_KEYS and v.strip()}
        budgets.append(entry)
        positions[f"budgets.{entry.get('id', '')}"] = (label, row)
        positions[f"budgets[{len(budgets) - 1}]"] = (label, row)
    settings["budgets"] = budgets
    return problems


def _read_sheets(path: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every sheet but README as text cells indexed by the row number a spreadsheet shows;
    formulas give their saved value, and a formula without one is a problem."""
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
            if sheet.title.strip().lower() == README_SHEET:
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
    return _frame(header, header_row, rows, numbers), formulas, []


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


def write_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as a folder (CSV + scenario.yaml) or, for a .xlsx path, a workbook.

    Reading the written scenario back gives the same tables and settings. In CSV
    files, text cells a spreadsheet would execute are written with a leading
    apostrophe (:func:`eipopt.cell_safety.neutralise`), removed again on reading.
    """
    path = Path(path)
    tables = scenario.raw_tables()
    settings = scenario.settings.to_dict()
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        budgets = settings.pop("budgets")
        rows = [(k, v) for k, v in _flatten(settings)]
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            pd.DataFrame(rows, columns=["key", "value"]).to_excel(writer, sheet_name=SETTINGS_SHEET, index=False)
            pd.DataFrame(budgets, columns=["id", "limit", "applies_to"]).to_excel(writer, sheet_name=BUDGETS_SHEET, index=False)
            for name, df in tables.items():
                df.to_excel(writer, sheet_name=name, index=False)
        return path
    path.mkdir(parents=True, exist_ok=True)
    (path / SETTINGS_FILE).write_text(yaml.safe_dump(_drop_none(settings), sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name, df in tables.items():
        if len(df) or TABLES[name].required_table:
            _neutralised_text(name, df).to_csv(path / TABLES[name].file_name, index=False)
    return path


def _neutralised_text(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns (ids, texts, declared extra columns) made spreadsheet-safe;
    number and true/false columns are left as they are (``-5`` stays a number)."""
    safe = frame.copy()
    table = TABLES[name]
    for column in safe.columns:
        if column not in table.column_index or table.column(column).dtype in ("id", "str"):
            safe[column] = safe[column].map(neutralise)
    return safe


def _flatten(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items = []
    for key, value in settings.items():
        if isinstance(value, dict):
            items += _flatten(value, f"{prefix}{key}.")
        elif isinstance(value, list):  # extra_columns: one cell, ';'-separated
            items.append((f"{prefix}{key}", "; ".join(map(str, value))))
        elif value is not None:
            items.append((f"{prefix}{key}", value))
    return items


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
