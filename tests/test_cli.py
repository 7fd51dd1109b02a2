"""The command line end to end, as a user runs it (a subprocess per call)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

import eipopt


def eipopt_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eipopt.cli", *args], capture_output=True, text=True)


def test_solve_json_prints_exactly_one_object_with_every_key(khanh_phu_path):
    run = eipopt_cli("solve", str(khanh_phu_path), "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)  # fails on anything but one JSON document
    assert set(eipopt.SUMMARY_KEYS) <= set(summary)
    assert summary["status"] == "optimal"
    assert summary["scenario"] == "khanh_phu"


def test_solve_prints_a_readable_table(khanh_phu_path):
    run = eipopt_cli("solve", str(khanh_phu_path))
    assert run.returncode == 0
    for text in ("annual cost (annualised capex included) (bn VND/yr)", "annual CO2e (tCO2e/yr)", "co2_offgas_to_liquid", "Optimal (proven)"):
        assert text in run.stdout


def test_out_writes_summary_and_tables(khanh_phu_path, tmp_path):
    run = eipopt_cli("solve", str(khanh_phu_path), "--out", str(tmp_path / "out"), "--json")
    assert run.returncode == 0
    written = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert written == json.loads(run.stdout)
    for table in ("measures", "links", "tiers", "flows", "budgets", "breakdown"):
        assert (tmp_path / "out" / f"{table}.csv").is_file()
    links = pd.read_csv(tmp_path / "out" / "links.csv")
    assert links.loc[0, "id"] == "co2_offgas_to_liquid"


def test_set_overrides_and_objective(khanh_phu_path):
    run = eipopt_cli("solve", str(khanh_phu_path), "--json", "--objective", "co2",
                     "--set", "flows.gas_plant:liquid_co2.sell_limit=74000", "--set", "budgets.investment.limit=2e11")
    summary = json.loads(run.stdout)
    assert summary["objective"] == "co2"
    assert summary["budgets"]["investment"]["limit"] == 2e11
    assert summary["tiers_built"] == []


def test_infeasible_exits_3_with_an_explanation(khanh_phu_path):
    run = eipopt_cli("solve", str(khanh_phu_path), "--json", "--set", "constraints.max_co2=50000")
    assert run.returncode == 3
    summary = json.loads(run.stdout)
    assert summary["status"] == "infeasible"
    assert "max_co2" in summary["infeasibility"][0]


def test_no_solution_within_the_limit_exits_4(khanh_phu_path):
    """An unbounded variant: liquid CO2 also buyable below its sale price."""
    run = eipopt_cli("solve", str(khanh_phu_path), "--json", "--set", "resources.liquid_co2.buy_price=1000",
                     "--set", "flows.gas_plant:liquid_co2.sell_limit=")
    assert run.returncode == 4
    assert json.loads(run.stdout)["status"] == "unbounded"


def test_bad_set_syntax_exits_2(khanh_phu_path):
    run = eipopt_cli("solve", str(khanh_phu_path), "--set", "carbon_price")
    assert run.returncode == 2
    assert "'carbon_price' is not KEY=VALUE" in run.stderr


def test_unknown_override_key_exits_2(khanh_phu_path):
    run = eipopt_cli("solve", str(khanh_phu_path), "--set", "links.no_such_link.capacity=5")
    assert run.returncode == 2
    assert "no row 'no_such_link' in links" in run.stderr


def test_validate_and_convert_roundtrip(khanh_phu_path, tmp_path):
    assert eipopt_cli("validate", str(khanh_phu_path)).returncode == 0
    workbook = tmp_path / "kp.xlsx"
    assert eipopt_cli("convert", str(khanh_phu_path), str(workbook)).returncode == 0
    from_folder = json.loads(eipopt_cli("solve", str(khanh_phu_path), "--json").stdout)
    from_workbook = json.loads(eipopt_cli("solve", str(workbook), "--json").stdout)
    assert from_workbook["total_cost"] == from_folder["total_cost"]
    assert from_workbook["tiers_built"] == from_folder["tiers_built"]
