"""Tables as text cells, indexed by the row number a person sees, within size limits.

Both readers (CSV here, workbooks in :mod:`eipopt.workbook_reading`) give the
loader the same thing: a DataFrame of text cells (blank = ``""``) whose index is
the file line or spreadsheet row of each data row and whose
``attrs["header_row"]`` is the header's. Limits are checked before a file is
read whole, so that no input can exhaust memory.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from eipopt.cell_safety import restore
from eipopt.model import Problem

#: Largest file read: each CSV file and the workbook (100 MB).
MAX_FILE_BYTES = 100 * 2**20
#: Largest scenario.yaml (1 MB).
MAX_SETTINGS_BYTES = 2**20
#: Most data rows of one table.
MAX_ROWS = 1_000_000
#: Most columns of one table or sheet.
MAX_COLUMNS = 200


def too_large(path: Path, limit: int) -> Problem | None:
    """A problem when the file at ``path`` has more than ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        return Problem(str(path), f"file of {size / 2**20:.1f} MB is larger than the {limit / 2**20:g} MB a scenario file may have")
    return None


def read_csv(file: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A CSV file as text cells indexed by file line (blank lines skipped, not renumbered),
    with formula-neutralised text restored (:func:`eipopt.cell_safety.restore`)."""
    if (oversized := too_large(file, MAX_FILE_BYTES)) is not None:
        return None, [oversized]
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
    return text_frame(header, header_line, rows, lines), []


def _more_lines_than(file: Path, limit: int) -> bool:
    """Whether ``file`` has more than ``limit`` lines, counted in 1 MB chunks (constant memory)."""
    lines = 0
    with file.open("rb") as handle:
        while chunk := handle.read(2**20):
            lines += chunk.count(b"\n")
            if lines > limit:
                return True
    return False


def text_frame(header: list[str], header_row: int, rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    """Text cells under ``header`` (padded with blank names where a row is longer), indexed by row number."""
    width = max([len(header), *map(len, rows)])
    columns = [*header, *[""] * (width - len(header))]
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], index=numbers, columns=range(width), dtype=object)
    frame.columns = columns
    frame.attrs["header_row"] = header_row
    return frame
