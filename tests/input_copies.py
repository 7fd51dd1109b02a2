"""Editable copies of shipped scenarios, written as a CSV folder or as a workbook.

A copy holds the settings (the scenario.yaml mapping) and each table as rows of
text (header first), so that one defect can be written in both formats. The
workbook is built here with openpyxl (not by eipopt's writer): numbers go in as
real number cells, a ``README`` sheet is added, and formulas can be planted.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import yaml
from click.testing import CliRunner, Result

from eipopt.cli import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FORMATS = ("csv", "xlsx")


@dataclass
class Copy:
    """A scenario being broken: settings mapping, tables as text rows (header first)."""

    settings: dict
    tables: dict[str, list[list[str]]]
    yaml_text: str | None = None  # replaces the dumped settings in the CSV folder
    formulas: dict[tuple[str, int, str], str] = field(default_factory=dict)  # (table, row, column) -> formula

    def column_index(self, table: str, column: str) -> int:
        return self.tables[table][0].index(column)

    def set(self, table: str, row: int, column: str, value: str) -> Copy:
        """Set the cell at file line / sheet ``row`` (header = 1) of ``column``."""
        self.tables[table][row - 1][self.column_index(table, column)] = value
        return self

    def rename_column(self, table: str, old: str, new: str) -> Copy:
        self.tables[table][0][self.column_index(table, old)] = new
        return self

    def add_column(self, table: str, name: str, value: str = "") -> Copy:
        self.tables[table][0].append(name)
        for row in self.tables[table][1:]:
            row.append(value)
        return self


def shipped(name: str = "khanh_phu") -> Copy:
    folder = SCENARIOS / name
    tables = {}
    for file in sorted(folder.glob("*.csv")):
        with file.open(encoding="utf-8", newline="") as handle:
            tables[file.stem] = [list(row) for row in csv.reader(handle)]
    return Copy(yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8")), tables)


def write(scenario: Copy, target: Path, fmt: str) -> Path:
    """The copy as a folder (``csv``) or a workbook (``xlsx``) under ``target``; returns its path."""
    return _write_folder(scenario, target / "park") if fmt == "csv" else _write_workbook(scenario, target / "park.xlsx")


def _write_folder(scenario: Copy, folder: Path) -> Path:
    folder.mkdir(parents=True)
    text = scenario.yaml_text if scenario.yaml_text is not None else yaml.safe_dump(scenario.settings, sort_keys=False)
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    for name, rows in scenario.tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return folder


def settings_rows(settings: dict) -> list[tuple[str, object]]:
    """The ``scenario`` sheet's key | value rows (budgets go to their own sheet)."""
    rows = []
    for key, value in settings.items():
        if key == "budgets":
            continue
        if isinstance(value, dict):
            for inner, item in value.items():
                rows.append((f"{key}.{inner}", "; ".join(item) if isinstance(item, list) else item))
        else:
            rows.append((key, value))
    return rows


def _number_or_text(text: str) -> object:
    """A finite number as a number cell, a blank as no cell, anything else as text."""
    if not text.strip():
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _write_workbook(scenario: Copy, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["column", "meaning"])
    sheet = book.create_sheet("scenario")
    sheet.append(["key", "value"])
    for key, value in settings_rows(scenario.settings):
        sheet.append([key, value])
    budgets = book.create_sheet("budgets")
    budget_keys = list(dict.fromkeys(k for b in scenario.settings.get("budgets", []) for k in b)) or ["id", "limit", "applies_to"]
    budgets.append(budget_keys)
    for budget in scenario.settings.get("budgets", []):
        budgets.append([budget.get(k) for k in budget_keys])
    for name, rows in scenario.tables.items():
        sheet = book.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for position, text in enumerate(row, start=1):
                value = text if number == 1 else _number_or_text(text)
                if value is not None:
                    cell = sheet.cell(row=number, column=position, value=value)
                    cell.data_type = "s" if isinstance(value, str) else cell.data_type
        for (table, row, column), formula in scenario.formulas.items():
            if table == name:
                sheet.cell(row=row, column=rows[0].index(column) + 1, value=formula)
    book.save(path)
    return path


def run(*args: str) -> Result:
    """The command line, in process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_refused(result: Result, *fragments: str) -> None:
    """Exit 2, no traceback, and every fragment in the output."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"


def broken(edit) -> Copy:
    """A fresh copy of Khanh Phu with ``edit`` applied (edit changes it in place)."""
    scenario = shipped()
    edit(scenario)
    return scenario
