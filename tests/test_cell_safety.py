"""Formula-like text is neutralised in CSV and stored as text in workbooks."""

import io

import openpyxl
import pandas as pd
import pytest

from eipopt.cell_safety import neutralise, neutralise_frame, restore, write_text_cell


@pytest.mark.parametrize("text", ["=1+1", "+A1", "-cmd", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped_and_restored(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("value", ["plain", "'quoted", 5, -5.0, None])
def test_other_values_pass_unchanged(value):
    assert neutralise(value) == value
    if isinstance(value, str):
        assert restore(value) == value


def test_frame_neutralises_text_columns_only():
    frame = pd.DataFrame({"id": ["=bad", "ok"], "amount": [-1.0, 2.0]})
    safe = neutralise_frame(frame)
    assert safe["id"].tolist() == ["'=bad", "ok"]
    assert safe["amount"].tolist() == [-1.0, 2.0]
    assert frame["id"].tolist() == ["=bad", "ok"]  # the input is not changed


def test_workbook_cell_keeps_text_as_text():
    book = openpyxl.Workbook()
    write_text_cell(book.active["A1"], "=HYPERLINK(\"x\")")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    cell = openpyxl.load_workbook(buffer).active["A1"]
    assert cell.data_type == "s"
    assert cell.value == "=HYPERLINK(\"x\")"
