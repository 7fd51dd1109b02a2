"""Overrides (settings, budgets, any cell) and reading/writing folders and workbooks."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import eipopt
from eipopt.io import load_scenario, write_scenario
from eipopt.model import ScenarioError


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("scenarios/khanh_phu")


def test_overrides_reach_settings_budgets_and_cells(scenario):
    changed = scenario.with_overrides({
        "carbon_price": "20",
        "objective": "weighted",
        "solver.time_limit": 5,
        "constraints.min_symbiosis_links": 1,
        "constraints.max_co2": -500,  # a net-negative park (sales credits) may have a negative cap
        "budgets.investment.limit": 2e11,
        "links.co2_offgas_to_liquid.capacity": 12000,
        "flows.gas_plant:liquid_co2.sell_limit": 90000,
        "link_tiers.co2_offgas_to_liquid:expand_12000.capex": "9e10",
    })
    assert changed.settings.carbon_price == 20
    assert changed.settings.objective.value == "weighted"
    assert changed.settings.solver.time_limit == 5
    assert changed.settings.constraints.min_symbiosis_links == 1
    assert changed.settings.constraints.max_co2 == -500
    assert changed.settings.budget("investment").limit == 2e11
    assert changed.links.loc[changed.links["id"] == "co2_offgas_to_liquid", "capacity"].item() == 12000
    flows = changed.flows.set_index(["firm", "resource"])
    assert flows.at[("gas_plant", "liquid_co2"), "sell_limit"] == 90000
    assert changed.link_tiers["capex"].item() == 9e10


def test_overrides_leave_the_original_untouched(scenario):
    before = scenario.links.copy()
    scenario.with_overrides({"links.co2_offgas_to_liquid.capacity": 1})
    pd.testing.assert_frame_equal(scenario.links, before)


def test_capacity_override_changes_the_solution(scenario):
    """Base capacity 12,000 Nm3/h = 148,037.76 t/yr: the whole 120 kt market without the tier."""
    result = eipopt.solve(scenario.with_overrides({"links.co2_offgas_to_liquid.capacity": 12000}))
    assert result.summary["tiers_built"] == []
    assert result.links["flow"].item() == pytest.approx(120_000)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("links.co2_offgas_to_liquid.capacity", "-1", "must be >= 0"),
        ("links.co2_offgas_to_liquid.capacity", "big", "'big' is not a number"),
        ("links.co2_offgas_to_liquid.colour", "red", "has no column 'colour'"),
        ("links.co2_offgas_to_liquid.id", "x", "part of the row's id"),
        ("budgets.nope.limit", "1", "unknown budget 'nope'"),
        ("objective", "cheapest", "unknown objective"),
        ("solver.speed", "1", "unknown key"),
        ("flows.gas_plant.demand", "1", "no row 'gas_plant' in flows (row ids are FIRM:RESOURCE)"),
    ],
)
def test_bad_overrides_are_reported(scenario, key, value, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        scenario.with_overrides({key: value})


@pytest.mark.parametrize("target", ["folder", "workbook.xlsx"])
def test_write_and_read_back_gives_the_same_scenario(scenario, tmp_path, target):
    path = write_scenario(scenario, tmp_path / target)
    again = load_scenario(path)
    assert again.settings == scenario.settings
    for name, table in scenario.tables.items():
        pd.testing.assert_frame_equal(
            again.tables[name].reset_index(drop=True), table.reset_index(drop=True), check_dtype=False
        )


def test_workbook_errors_name_the_sheet(scenario, tmp_path):
    path = write_scenario(scenario.with_overrides({"links.co2_offgas_to_liquid.capacity": 5}), tmp_path / "w.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["links"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("capacity") + 1, value="lots")
    book.save(path)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problem = caught.value.problems[0]
    assert problem.file.endswith("w.xlsx[links]")
    assert (problem.row, problem.column) == (2, "capacity")


def test_scenario_solver_reuses_the_built_model(scenario):
    """Only numbers change between these variants: one build, and the same answers as fresh solves."""
    solver = eipopt.ScenarioSolver()
    for limit in (84_000, 86_000, 120_000):
        variant = scenario.with_overrides({"flows.gas_plant:liquid_co2.sell_limit": limit})
        reused = solver.solve(variant)
        fresh = eipopt.solve(variant)
        assert reused.summary["total_cost"] == pytest.approx(fresh.summary["total_cost"])
        assert reused.summary["tiers_built"] == fresh.summary["tiers_built"]
    for limit in (1.4e11, 2e11):  # budgets cannot change the baseline, which is reused
        variant = scenario.with_overrides({"budgets.investment.limit": limit})
        reused, fresh = solver.solve(variant), eipopt.solve(variant)
        for key in ("total_cost", "baseline_cost", "cost_savings", "co2_reduction"):
            assert reused.summary[key] == pytest.approx(fresh.summary[key])
    assert solver.rebuilds == 1
    solver.solve(scenario.with_overrides({"flows.gas_plant:liquid_co2.sell_limit": ""}))  # limit removed: structure changes
    assert solver.rebuilds == 2


def test_every_bad_override_is_reported_at_once(scenario):
    """Unknown keys, columns, rows and out-of-range values: four overrides, four problems, each at its key."""
    with pytest.raises(ScenarioError) as caught:
        scenario.with_overrides({
            "carbon_prize": "1",
            "links.co2_offgas_to_liquid.capacty": "5",
            "discount_rate": "2",
            "links.co2_offgas_to_liquid.capacity": "-1",
        })
    located = {(p.file, p.column) for p in caught.value.problems}
    assert located == {
        ("override", "carbon_prize"),
        ("override", "links.co2_offgas_to_liquid.capacty"),
        ("override", "discount_rate"),
        ("override", "links.co2_offgas_to_liquid.capacity"),
    }
    assert "did you mean 'carbon_price'?" in str(caught.value)
    assert "did you mean 'capacity'?" in str(caught.value)


def test_cli_reports_malformed_repeated_and_unknown_sets_together():
    from tests.input_copies import assert_refused, run

    result = run("validate", "scenarios/khanh_phu", "--set", "nonsense", "--set", "carbon_price=1", "--set", "carbon_price=2",
                 "--set", "solver.threads=0", "--set", "links.nowhere.capacity=1")
    assert_refused(
        result,
        "'nonsense' is not KEY=VALUE",
        "'carbon_price' is set twice",
        "column 'solver.threads': 0 is out of range; allowed: [1, 1024]",
        "no row 'nowhere' in links",
    )


def test_formula_like_names_round_trip_through_a_folder(tmp_path):
    """Ids and names starting with =, -, @ and + are written with a protecting apostrophe and read back unchanged;
    numbers (a negative opex change) are never touched."""
    from tests.tiny import ELECTRICITY, make_scenario

    risky = make_scenario(
        resources=[{**ELECTRICITY, "id": "=elec", "name": "@grid"}],
        firms=[{"id": "-F", "name": "+plant", "sector": "=HYPERLINK(\"http://x\")"}],
        flows=[{"firm": "-F", "resource": "=elec", "demand": 100}],
        measures=[{"id": "@m", "firm": "-F", "name": "-10% power", "opex_change": -5}],
    )
    folder = write_scenario(risky, tmp_path / "risky")
    text = (folder / "firms.csv").read_text()
    for protected in ("'-F", "'+plant", "'=HYPERLINK"):
        assert protected in text
    measures = (folder / "measures.csv").read_text()
    assert "'-10% power" in measures
    assert ",-5," in measures
    again = load_scenario(folder)
    for name, table in risky.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table, check_dtype=False)
    copy = load_scenario(write_scenario(again, tmp_path / "again"))
    assert copy.firms.equals(risky.firms)


def test_declared_extra_columns_survive_folder_workbook_folder(tmp_path):
    """Amata's rank, ease and benefit (declared in its scenario.yaml) are written and read back by convert."""
    amata = load_scenario("scenarios/amata")
    book = load_scenario(write_scenario(amata, tmp_path / "amata.xlsx"))
    folder = load_scenario(write_scenario(book, tmp_path / "amata"))
    assert folder.settings.extra_columns == amata.settings.extra_columns
    for column in ("rank", "ease", "benefit"):
        assert folder.links[column].tolist() == amata.links[column].tolist()
