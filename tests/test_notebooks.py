"""The worked notebooks run top to bottom, and are stored without outputs or machine paths."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = (
    "planner_what_if.ipynb",
    "funder_budget_response.ipynb",
    "researcher_khanh_phu_expansion.ipynb",
    "researcher_expansion_timing.ipynb",
)
MACHINE_PATH = re.compile(r"(/work/|/home/|/tmp/|/Users/|[A-Za-z]:\\\\)")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, if a cell fails
    errors = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs if out.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_clean(name):
    text = (NOTEBOOKS / name).read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "store notebooks without outputs"
    assert not MACHINE_PATH.search(text), "a machine path is written into the notebook"
