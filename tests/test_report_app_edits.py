"""The app's edits become ordinary override keys, validated like the command line's (no browser needed)."""

from __future__ import annotations

import base64

import pytest

from eipopt import load_scenario
from eipopt.app.session import load_upload, overrides_from_edits
from eipopt.io import write_scenario
from eipopt.model import ScenarioError
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def khanh_phu():
    return load_scenario(SCENARIOS / "khanh_phu")


def test_only_what_changed_becomes_an_override(khanh_phu):
    unchanged = overrides_from_edits(
        khanh_phu, {"investment": 400e9 * (1 + 1e-12)}, {("electricity", "buy_price"): 1920370, ("liquid_co2", "buy_price"): None},
        allowed={"co2_offgas_to_liquid"},
    )
    assert unchanged == {}  # a limit typed in bn VND that round-trips inexactly is no change
    edits = overrides_from_edits(
        khanh_phu, {"investment": None}, {("electricity", "buy_price"): "2500000", ("liquid_co2", "sell_price"): ""}, allowed=set(),
    )
    assert edits == {
        "budgets.investment.limit": "",  # blank: no limit
        "resources.electricity.buy_price": "2500000",
        "resources.liquid_co2.sell_price": "",  # blank: cannot be sold
        "links.co2_offgas_to_liquid.allowed": "false",
    }
    changed = khanh_phu.with_overrides(edits)
    assert changed.settings.budgets[0].limit is None
    assert changed.resources.set_index("id").at["electricity", "buy_price"] == 2500000


def test_a_bad_edit_is_a_located_problem(khanh_phu):
    edits = overrides_from_edits(khanh_phu, {}, {("electricity", "buy_price"): "cheap"}, allowed={"co2_offgas_to_liquid"})
    with pytest.raises(ScenarioError) as error:
        khanh_phu.with_overrides(edits)
    assert "'cheap' is not a number" in str(error.value)


def test_upload_problems_name_the_uploaded_file(khanh_phu, tmp_path):
    path = write_scenario(khanh_phu.with_overrides({"links.co2_offgas_to_liquid.capacity": 5}), tmp_path / "w.xlsx")
    contents = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + base64.b64encode(path.read_bytes()).decode()
    assert load_upload(contents, "park.xlsx").name == "khanh_phu"
    with pytest.raises(ScenarioError) as error:
        load_upload(contents, "park.csv")
    assert str(error.value.problems[0]).startswith("park.csv: not an Excel workbook")
