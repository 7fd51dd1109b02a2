"""Read and write scenarios: a folder of CSV files + scenario.yaml, or one Excel workbook.

A workbook has one sheet per table (same names and columns as the CSV files),
a ``scenario`` sheet of ``key | value`` rows (dotted keys such as
``solver.time_limit``) and a ``budgets`` sheet (``id | limit | applies_to | period``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from eipopt.model import Problem, Scenario, ScenarioError
from eipopt.model.schema import TABLES
from eipopt.model.settings import SETTINGS_FILE, override_settings

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_SETTINGS_SHEET = "scenario"
_BUDGETS_SHEET = "budgets"


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario folder or workbook; raise :class:`ScenarioError` with every problem."""
    path = Path(path)
    if path.is_dir():
        return _load_folder(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES and path.is_file():
        return _load_workbook(path)
    raise ScenarioError([Problem(str(path), "not a scenario folder or an Excel workbook (.xlsx)")])


def _numbered(raw: pd.DataFrame) -> pd.DataFrame:
    """Index rows by their line in the file (header = 1) and tidy header names."""
    raw = raw.copy()
    raw.columns = [str(c).strip() for c in raw.columns]
    raw.index = range(2, len(raw) + 2)
    return raw.fillna("").astype(str)


def _load_folder(folder: Path) -> Scenario:
    problems: list[Problem] = []
    settings_file = folder / SETTINGS_FILE
    settings: dict[str, Any] = {}
    if not settings_file.is_file():
        problems.append(Problem(str(settings_file), "missing: every scenario folder needs scenario.yaml"))
    else:
        try:
            settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
            if not isinstance(settings, dict):
                problems.append(Problem(str(settings_file), "must be a mapping of settings"))
                settings = {}
        except yaml.YAMLError as exc:
            problems.append(Problem(str(settings_file), f"not valid YAML: {exc}"))
    raw_tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    for name, table in TABLES.items():
        file = folder / table.file_name
        sources[name] = str(file)
        if not file.is_file():
            continue
        try:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, skip_blank_lines=True, comment=None, encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(file), f"cannot be read as CSV: {exc}"))
            continue
        raw_tables[name] = _numbered(raw)
    if problems:
        raise ScenarioError(problems)
    return _with_file_names(settings, raw_tables, sources, settings_file)


def _with_file_names(settings, raw_tables, sources, settings_label) -> Scenario:
    """Build the scenario, reporting settings problems under the real file name."""
    try:
        return Scenario.from_raw(settings, raw_tables, sources)
    except ScenarioError as error:
        renamed = [
            Problem(str(settings_label), p.message, p.row, p.column) if p.file == SETTINGS_FILE else p
            for p in error.problems
        ]
        raise ScenarioError(renamed) from None


def _load_workbook(path: Path) -> Scenario:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise ScenarioError([Problem(str(path), f"cannot be read as a workbook: {exc}")]) from None
    problems: list[Problem] = []
    settings: dict[str, Any] = {}
    label = f"{path}[{_SETTINGS_SHEET}]"
    if _SETTINGS_SHEET not in sheets:
        problems.append(Problem(label, "missing: the workbook needs a 'scenario' sheet of key | value rows"))
    else:
        sheet = _numbered(sheets[_SETTINGS_SHEET])
        if not {"key", "value"} <= set(sheet.columns):
            problems.append(Problem(label, "needs the columns 'key' and 'value'"))
        else:
            for row, key, value in zip(sheet.index, sheet["key"], sheet["value"], strict=True):
                if key.strip():
                    for p in override_settings(settings, key.strip(), value):
                        problems.append(Problem(label, p.message, row=row, column="key"))
    if _BUDGETS_SHEET in sheets:
        budgets = _numbered(sheets[_BUDGETS_SHEET])
        settings["budgets"] = [
            {k: v for k, v in record.items() if k in ("id", "limit", "applies_to", "period") and v != ""}
            for record in budgets.to_dict("records")
        ]
    raw_tables = {name: _numbered(sheets[name]) for name in TABLES if name in sheets}
    sources = {name: f"{path}[{name}]" for name in TABLES}
    if problems:
        raise ScenarioError(problems)
    return _with_file_names(settings, raw_tables, sources, label)


def write_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as a folder (CSV + scenario.yaml) or, for a .xlsx path, a workbook.

    Reading the written scenario back gives the same tables and settings.
    """
    path = Path(path)
    tables = scenario.raw_tables()
    settings = scenario.settings.to_dict()
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        budgets = settings.pop("budgets")
        rows = [(k, v) for k, v in _flatten(settings)]
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            pd.DataFrame(rows, columns=["key", "value"]).to_excel(writer, sheet_name=_SETTINGS_SHEET, index=False)
            pd.DataFrame(budgets, columns=["id", "limit", "applies_to", "period"]).to_excel(writer, sheet_name=_BUDGETS_SHEET, index=False)
            for name, df in tables.items():
                df.to_excel(writer, sheet_name=name, index=False)
        return path
    path.mkdir(parents=True, exist_ok=True)
    (path / SETTINGS_FILE).write_text(yaml.safe_dump(_drop_none(settings), sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name, df in tables.items():
        if len(df) or TABLES[name].required_table:
            df.to_csv(path / TABLES[name].file_name, index=False)
    return path


def _flatten(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items = []
    for key, value in settings.items():
        if isinstance(value, dict):
            items += _flatten(value, f"{prefix}{key}.")
        elif isinstance(value, list):  # periods.years
            items.append((f"{prefix}{key}", ";".join(str(v) for v in value)))
        elif value is not None:
            items.append((f"{prefix}{key}", value))
    return items


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
