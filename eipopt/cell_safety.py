"""Text cells a spreadsheet would execute, made safe in every file eipopt writes.

A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula (CSV injection). Every
CSV and workbook eipopt writes passes its text through here:

- CSV: such a text is written with a leading apostrophe (``'=HYPERLINK(...)``),
  which spreadsheets show as text; the scenario loader removes that one
  apostrophe again (:func:`restore`), so a written scenario loads back unchanged.
- Workbooks: the cell is written as a string cell (never a formula), so the
  text needs no change at all (:func:`write_text_cell`).

Numbers are never touched: ``-5`` in a numeric column is a number, not text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would execute ``text`` if it were a cell."""
    return text.startswith(FORMULA_PREFIXES)


def neutralise(value: Any) -> Any:
    """``value`` safe for a CSV cell: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return _ESCAPE + value
    return value


def restore(text: str) -> str:
    """Undo :func:`neutralise` on a text read from a CSV file eipopt may have written."""
    if text.startswith(_ESCAPE) and is_formula_like(text[1:]):
        return text[1:]
    return text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (object / string columns) are neutralised.

    Column names are text too and are neutralised the same way.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(c) for c in safe.columns]
    return safe


def write_text_cell(cell: Any, value: Any) -> None:
    """Set an openpyxl ``cell`` so that a text is stored as text, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
