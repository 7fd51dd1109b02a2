"""Read and write scenarios: a folder of CSV files + scenario.yaml, or one Excel workbook.

A workbook has one sheet per table (same names and columns as the CSV files),
a ``scenario`` sheet of ``key | value`` rows (dotted keys such as
``solver.time_limit``), a ``budgets`` sheet (``id | limit | applies_to | period``) and
may have a ``README`` sheet, which is skipped.

Reading is strict (``docs/input-rules.md``): an unknown file, sheet, column or
key is an error, as is a formula without a saved value; rows are reported as
the line of the file or the row number a spreadsheet shows. Files larger than
:data:`MAX_FILE_BYTES` and tables longer than :data:`MAX_ROWS` are refused
before they are read whole, so that no input can exhaust memory.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from eipopt.cell_safety import neutralise
from eipopt.model import Problem, Scenario, ScenarioError
from eipopt.model.errors import did_you_mean
from eipopt.model.schema import TABLES
from eipopt.model.settings import SETTINGS_FILE
from eipopt.strict_yaml import StrictYamlError, load_settings_yaml
from eipopt.text_tables import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_SETTINGS_BYTES,
    read_csv,
    too_large,
)
from eipopt.workbook_reading import (
    BUDGETS_SHEET,
    README_SHEET,
    SETTINGS_SHEET,
    KeyPositions,
    budget_rows,
    read_sheets,
    settings_rows,
)

__all__ = ["MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS", "MAX_SETTINGS_BYTES", "README_SHEET", "load_scenario", "write_scenario"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario folder or workbook; raise :class:`ScenarioError` with every problem."""
    path = Path(path)
    if path.is_dir():
        return _load_folder(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES and path.is_file():
        return _load_workbook(path)
    raise ScenarioError([Problem(str(path), "not a scenario folder or an Excel workbook (.xlsx)")])


def _load_folder(folder: Path) -> Scenario:
    problems: list[Problem] = []
    settings_file = folder / SETTINGS_FILE
    settings: dict[str, Any] = {}
    positions: KeyPositions = {}
    settings_read = False
    if not settings_file.is_file():
        problems.append(Problem(str(settings_file), "missing: every scenario folder needs scenario.yaml"))
    elif (oversized := too_large(settings_file, MAX_SETTINGS_BYTES)) is not None:
        problems.append(oversized)
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
            frame, file_problems = read_csv(file)
            problems += file_problems
            if frame is not None:
                raw_tables[name] = frame
    return _build(settings, settings_read, raw_tables, sources, positions, str(settings_file), problems)


def _build(settings, settings_read, raw_tables, sources, positions: KeyPositions, settings_label: str, problems: list[Problem]) -> Scenario:
    """Build the scenario; settings problems and warnings are located at the file or sheet and
    line or row of their key; reading problems are reported with all the others."""
    unread = {p.file for p in problems}  # a file that could not be read is not also "missing"
    try:
        scenario = Scenario.from_raw(settings, raw_tables, sources)
    except ScenarioError as error:
        found = [p for p in error.problems if (settings_read or p.file != SETTINGS_FILE) and p.file not in unread]
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
    if (oversized := too_large(path, MAX_FILE_BYTES)) is not None:
        raise ScenarioError([oversized])
    sheets, problems = read_sheets(path)
    settings: dict[str, Any] = {}
    positions: KeyPositions = {}
    label = f"{path}[{SETTINGS_SHEET}]"
    if SETTINGS_SHEET not in sheets:
        problems.append(Problem(label, "missing: the workbook needs a 'scenario' sheet of key | value rows"))
    else:
        problems += settings_rows(sheets[SETTINGS_SHEET], label, settings, positions)
    if BUDGETS_SHEET in sheets:
        problems += budget_rows(sheets[BUDGETS_SHEET], f"{path}[{BUDGETS_SHEET}]", settings, positions)
    raw_tables = {name: sheets[name] for name in TABLES if name in sheets}
    sources = {name: f"{path}[{name}]" for name in TABLES}
    return _build(settings, SETTINGS_SHEET in sheets, raw_tables, sources, positions, label, problems)


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
        # openpyxl is imported only when a workbook is written or read
        from eipopt.scenario_workbook import write_scenario_workbook

        return write_scenario_workbook(scenario, path)
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


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
