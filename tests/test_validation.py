"""Broken inputs: one fixture per error class, each a copy of the Khanh Phu scenario with one defect.

Every problem names the file, the row (file line, header = 1) and the column;
all problems are reported at once; the command line exits 2 without a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import eipopt
from eipopt.model import ScenarioError
from tests.tiny import ELECTRICITY, electricity, make_scenario


def _edit_csv(folder: Path, table: str, edit) -> None:
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else None
    edit(frame).to_csv(path, index=False)


def _set(table: str, row: int, column: str, value: str):
    """Set a cell (row as file line: first data row = 2)."""
    def edit(folder: Path):
        def change(frame):
            frame.loc[row - 2, column] = value
            return frame
        _edit_csv(folder, table, change)
    return edit


def _write(table: str, text: str):
    def edit(folder: Path):
        (folder / f"{table}.csv").write_text(text)
    return edit


def _yaml(old: str, new: str):
    def edit(folder: Path):
        path = folder / "scenario.yaml"
        path.write_text(path.read_text().replace(old, new))
    return edit


def _drop_column(table: str, column: str):
    def edit(folder: Path):
        _edit_csv(folder, table, lambda frame: frame.drop(columns=[column]))
    return edit


def _duplicate_first_row(table: str):
    def edit(folder: Path):
        _edit_csv(folder, table, lambda frame: pd.concat([frame, frame.iloc[[0]]], ignore_index=True))
    return edit


MEASURES = "id,firm,name,capex,lifetime_years,requires\nm_a,gas_plant,heat recovery,100,10,m_b\nm_b,gas_plant,controls,100,10,m_a\n"

# (defect, edit, file, row, column, message fragment); a missing column is located at the header (row 1)
BROKEN = [
    ("missing required column", _drop_column("links", "capacity"), "links.csv", 1, "capacity", "required column 'capacity' is missing"),
    ("link to unknown firm", _set("links", 2, "sink", "nowhere"), "links.csv", 2, "sink", "unknown firm 'nowhere'"),
    ("effect for unknown measure", _write("measure_effects", "measure,resource,demand_change\nghost,electricity,-5\n"), "measure_effects.csv", 2, "measure", "unknown measure 'ghost'"),
    ("effect for unknown resource", lambda f: (_write("measures", "id,firm\nm1,gas_plant\n")(f), _write("measure_effects", "measure,resource,demand_change\nm1,steam,-5\n")(f)), "measure_effects.csv", 2, "resource", "unknown resource 'steam'"),
    ("budget_use for unknown budget", _write("budget_use", "item,budget,amount\nco2_offgas_to_liquid,green_fund,5\n"), "budget_use.csv", 2, "budget", "unknown budget 'green_fund'"),
    ("duplicate id", _duplicate_first_row("firms"), "firms.csv", 4, "id", "duplicate id 'fertilizer_plant'"),
    ("negative capacity", _set("links", 2, "capacity", "-6000"), "links.csv", 2, "capacity", "must be >= 0"),
    ("negative capex", _set("link_tiers", 2, "capex", "-1"), "link_tiers.csv", 2, "capex", "must be >= 0"),
    ("non-positive lifetime", _set("links", 2, "lifetime_years", "0"), "links.csv", 2, "lifetime_years", "must be > 0"),
    ("non-numeric value", _set("flows", 3, "sell_limit", "lots"), "flows.csv", 3, "sell_limit", "'lots' is not a number"),
    ("unknown unit", _set("links", 2, "capacity_unit", "Nm3/fortnightly"), "links.csv", 2, "capacity_unit", "unknown unit"),
    ("unknown objective", _yaml("objective: cost", "objective: cheapest"), "scenario.yaml", 10, "objective", "unknown objective 'cheapest'"),
    ("requires cycle", _write("measures", MEASURES), "measures.csv", 2, "requires", "requires forms a cycle: m_a -> m_b -> m_a"),
    ("lifetime missing where capex > 0", _set("links", 2, "lifetime_years", ""), "links.csv", 2, "lifetime_years", "lifetime_years is required"),
    ("measure cuts demand below zero", lambda f: (_write("measures", "id,firm\nm1,gas_plant\n")(f), _write("measure_effects", "measure,resource,demand_change\nm1,electricity,-5\n")(f)), "measure_effects.csv", 2, "demand_change", "cuts gas_plant's demand of electricity (0) below zero by 5"),
    ("value too large for the solver", _set("link_tiers", 2, "capex", "1e15"), "link_tiers.csv", 2, "capex", "too large for the solver"),
    ("unknown settings key", _yaml("carbon_price: 0", "carbon_prize: 0"), "scenario.yaml", 11, "carbon_prize", "unknown key (did you mean 'carbon_price'?)"),
]


@pytest.fixture
def scenario_copy(tmp_path, khanh_phu_path) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(khanh_phu_path, folder)
    return folder


@pytest.mark.parametrize(("defect", "edit", "file", "row", "column", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_input_is_located(scenario_copy, defect, edit, file, row, column, message):
    edit(scenario_copy)
    with pytest.raises(ScenarioError) as caught:
        eipopt.load_scenario(scenario_copy)
    matching = [p for p in caught.value.problems if message in p.message]
    assert matching, f"{defect}: no problem says {message!r}: {caught.value}"
    problem = matching[0]
    assert problem.file.endswith(file)
    assert problem.row == row
    assert problem.column == column


def test_all_problems_are_reported_at_once(scenario_copy):
    for _, edit, *_ in (BROKEN[1], BROKEN[5], BROKEN[9]):
        edit(scenario_copy)
    with pytest.raises(ScenarioError) as caught:
        eipopt.load_scenario(scenario_copy)
    text = str(caught.value)
    assert "unknown firm 'nowhere'" in text
    assert "duplicate id 'fertilizer_plant'" in text
    assert "'lots' is not a number" in text


def test_cli_exits_2_with_located_messages_and_no_traceback(scenario_copy):
    _set("links", 2, "capacity", "-6000")(scenario_copy)
    _set("links", 2, "sink", "nowhere")(scenario_copy)
    for command in ("validate", "solve"):
        run = subprocess.run([sys.executable, "-m", "eipopt.cli", command, str(scenario_copy)], capture_output=True, text=True)
        assert run.returncode == 2
        assert "Traceback" not in run.stderr
        assert "links.csv, row 2, column 'capacity': must be >= 0" in run.stderr
        assert "links.csv, row 2, column 'sink': unknown firm 'nowhere'" in run.stderr


def test_cli_json_on_invalid_input_is_one_object(scenario_copy):
    import json

    _set("links", 2, "capacity", "-6000")(scenario_copy)
    run = subprocess.run([sys.executable, "-m", "eipopt.cli", "solve", str(scenario_copy), "--json"], capture_output=True, text=True)
    assert run.returncode == 2
    payload = json.loads(run.stdout)
    assert payload["status"] == "invalid"
    assert any("capacity" in p for p in payload["problems"])


def test_not_a_scenario(tmp_path):
    with pytest.raises(ScenarioError, match="not a scenario folder"):
        eipopt.load_scenario(tmp_path / "missing.txt")


def test_existing_item_cannot_be_ruled_out(scenario_copy):
    _set("links", 2, "existing", "true")(scenario_copy)
    _set("links", 2, "allowed", "false")(scenario_copy)
    with pytest.raises(ScenarioError, match="existing item cannot have allowed=false"):
        eipopt.load_scenario(scenario_copy)


def _chain(n: int, closed: bool) -> list[dict]:
    """Measures m0 ... m{n-1}, each requiring the next; ``closed``: the last requires m0."""
    return [
        {"id": f"m{i}", "firm": "F", "name": f"step {i}", "capex": 0,
         "requires": f"m{i + 1}" if i < n - 1 else ("m0" if closed else "")}
        for i in range(n)
    ]


def test_long_requires_chain_is_checked_without_recursion_limit():
    """3,000 measures in one requires chain (deeper than Python's recursion limit of 1,000) validate;
    closing the chain is reported once, on the first measure's row (file line 2)."""
    n = 3000
    assert len(electricity(measures=_chain(n, closed=False)).measures) == n
    with pytest.raises(ScenarioError) as caught:
        make_scenario(resources=[ELECTRICITY], firms=[{"id": "F"}], measures=_chain(n, closed=True))
    cycles = [p for p in caught.value.problems if "cycle" in p.message]
    assert len(cycles) == 1
    assert (cycles[0].row, cycles[0].column) == (2, "requires")
    assert cycles[0].message.startswith("requires forms a cycle: m0 -> m1 -> m2")
    assert cycles[0].message.endswith(f"m{n - 1} -> m0")
