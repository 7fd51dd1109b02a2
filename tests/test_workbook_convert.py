"""``eipopt convert PATH out.xlsx``: typed cells, a README sheet from the schema, and a lossless round trip."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from eipopt import load_scenario
from eipopt.io import write_scenario
from eipopt.model.schema import TABLES
from tests.conftest import SCENARIOS

SHIPPED = sorted(p.parent.name for p in SCENARIOS.glob("*/scenario.yaml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_round_trips_through_a_workbook(name, tmp_path):
    scenario = load_scenario(SCENARIOS / name)
    back = load_scenario(write_scenario(scenario, tmp_path / f"{name}.xlsx"))
    assert back.settings == scenario.settings
    assert set(back.tables) == set(scenario.tables)
    for table, frame in scenario.tables.items():
        pd.testing.assert_frame_equal(back.tables[table], frame, check_dtype=False, check_index_type=len(frame) > 0, obj=f"{name}.{table}")


def test_numbers_are_numbers_and_the_readme_documents_every_column(khanh_phu_path, tmp_path):
    scenario = load_scenario(khanh_phu_path)
    book = openpyxl.load_workbook(write_scenario(scenario, tmp_path / "kp.xlsx"))
    assert book.sheetnames[:3] == ["README", "scenario", "budgets"]
    links = book["links"]
    header = [c.value for c in links[1]]
    capacity = links.cell(2, header.index("capacity") + 1)
    assert capacity.data_type == "n"
    assert capacity.value == 6000  # links.csv: 6000 Nm3/h
    assert links.cell(2, header.index("existing") + 1).value is False
    assert links.cell(2, header.index("requires") + 1).value in (None, "")  # a blank stays blank
    settings = {row[0]: row[1] for row in book["scenario"].iter_rows(min_row=2, values_only=True)}
    assert settings["discount_rate"] == 0.10  # scenario.yaml, typed
    assert settings["solver.time_limit"] == 60
    budget = list(book["budgets"].iter_rows(min_row=2, values_only=True))[0]
    assert budget == ("investment", 400000000000, "all", None)  # no period: the whole horizon
    documented = {(row[0], row[1]): row[6] for row in book["README"].iter_rows(min_row=2, values_only=True)}
    # scenario.yaml: "limit: 400000000000   # 400 billion VND for new links and tiers"
    assert documented[("budgets", "budgets.investment.limit")] == "Comment in scenario.yaml: 400 billion VND for new links and tiers"
    for table in TABLES.values():
        for column in table.columns:
            assert documented[(table.name, column.name)] == column.description


def test_formula_like_text_stays_text(khanh_phu_path, tmp_path):
    scenario = load_scenario(khanh_phu_path).with_overrides({"firms.gas_plant.name": "=HYPERLINK(\"x\")"})
    book = openpyxl.load_workbook(write_scenario(scenario, tmp_path / "kp.xlsx"))
    header = [c.value for c in book["firms"][1]]
    cell = book["firms"].cell(3, header.index("name") + 1)
    assert cell.data_type == "s"
    assert cell.value == "=HYPERLINK(\"x\")"
