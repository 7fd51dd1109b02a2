"""The Hiep Phuoc water reuse scenario: generated like the other parks, solved through the CLI,
and every quality limit recomputed from the written result tables."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

import eipopt
from eipopt.io import write_scenario
from eipopt.report import print_result
from tests.test_quality_recomputation import assert_mixing_holds

ROOT = Path(__file__).resolve().parents[1]
NAME = "hiep_phuoc_water"
FOLDER = ROOT / "scenarios" / NAME


def test_the_generator_reproduces_the_committed_csv_files(tmp_path):
    subprocess.run([sys.executable, "-m", "scenarios.generators", NAME, "--out", str(tmp_path)], cwd=ROOT, check=True, capture_output=True)
    committed = sorted(p.name for p in FOLDER.glob("*.csv"))
    assert sorted(p.name for p in (tmp_path / NAME).glob("*.csv")) == committed
    assert "quality.csv" in committed
    assert "market_quality.csv" in committed
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / NAME, FOLDER, committed, shallow=False)
    assert mismatch == []
    assert errors == []


def test_it_solves_through_the_cli_and_its_tables_meet_every_limit(tmp_path):
    done = subprocess.run([sys.executable, "-m", "eipopt.cli", "solve", str(FOLDER), "--out", str(tmp_path), "--json"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["status"] == "optimal"
    assert summary["baseline_status"] == "optimal"
    written = pd.read_csv(tmp_path / "quality.csv")
    assert set(written["contaminant"]) == {"COD", "TDS"}
    limited = written.dropna(subset=["max_inlet"])
    assert (limited["inlet_concentration"] <= limited["max_inlet"] * (1 + 1e-9)).all()
    carried = pd.read_csv(tmp_path / "link_quality.csv")
    reclaimed = carried[carried["source"] == "hp_reclamation"]
    assert set(reclaimed["concentration"]) == {10, 150}  # regenerated to the plant's outlets, whatever it takes in


def test_every_limited_inlet_recomputed_from_the_result_is_within_its_limit():
    scenario = eipopt.load_scenario(FOLDER)
    result = eipopt.solve(scenario)
    assert assert_mixing_holds(scenario, result) == 6



def test_the_terminal_report_shows_each_limit_against_the_inlet():
    """The paper mill's COD limit binds (inlet = limit = 150 mg/L): its row says so, with names beside ids."""
    console = Console(width=250, record=True)
    scenario = eipopt.load_scenario(FOLDER)
    print_result(eipopt.solve(scenario), scenario, console)
    text = console.export_text()
    assert "Water quality at the limited nodes" in text
    paper_cod = next(line for line in text.splitlines() if "hp_paper (Recycled paper mill) water" in line and "COD" in line)
    assert paper_cod.count("150 mg/L") == 2
    assert "yes" in paper_cod


def test_a_workbook_round_trip_keeps_the_quality_tables(tmp_path):
    scenario = eipopt.load_scenario(FOLDER)
    again = eipopt.load_scenario(write_scenario(scenario, tmp_path / "park.xlsx"))
    for name in ("quality", "market_quality"):
        pd.testing.assert_frame_equal(again.tables[name].reset_index(drop=True), scenario.tables[name].reset_index(drop=True))


def test_a_limit_at_tap_water_quality_shuts_every_reuse_link_into_the_paper_mill():
    """COD max_inlet 2 mg/L at the paper mill (an override): every other source carries more COD
    (reclaimed 10, city effluent 50, dyeing wastewater 1,000 mg/L), so only tap water (2 mg/L) can enter."""
    scenario = eipopt.load_scenario(FOLDER).with_overrides({"quality.hp_paper:water:COD.max_inlet": 2})
    result = eipopt.solve(scenario, baseline=False)
    into_paper = result.links[result.links["sink"] == "hp_paper"]
    assert into_paper["flow"].abs().max() < 1e-6
    paper = result.quality.set_index(["firm", "contaminant"]).loc[("hp_paper", "COD")]
    assert paper["inlet_concentration"] == pytest.approx(2)
