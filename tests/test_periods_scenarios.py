"""The multi-period scenarios: Khanh Phu's expansion year and DEEP C planned year by year.

Expected build years come from hand arithmetic on the scenario's own numbers
(read from its CSV files with pandas, not from the model), shown in each
docstring; the generated CSV files equal the committed ones.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import eipopt

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
MULTI_PERIOD = ("khanh_phu_expansion", "deep_c_2025_2030")


def test_generators_reproduce_the_committed_csv_files(tmp_path):
    subprocess.run([sys.executable, "-m", "scenarios.generators", "--out", str(tmp_path), *MULTI_PERIOD], cwd=ROOT, check=True, capture_output=True)
    for name in MULTI_PERIOD:
        committed = sorted(p.name for p in (SCENARIOS / name).glob("*.csv"))
        assert sorted(p.name for p in (tmp_path / name).glob("*.csv")) == committed, name
        _, mismatch, errors = filecmp.cmpfiles(tmp_path / name, SCENARIOS / name, committed, shallow=False)
        assert (mismatch, errors) == ([], []), name


@pytest.mark.parametrize("name", MULTI_PERIOD)
def test_scenario_validates_with_its_periods(name):
    scenario = eipopt.load_scenario(SCENARIOS / name)
    years = list(scenario.settings.periods.years)
    assert years == list(range(years[0], years[-1] + 1))  # yearly periods
    assert set(scenario.profiles["period"]) <= set(years[1:])  # the first year's values are the base cells
    assert (SCENARIOS / name / "PROVENANCE.md").is_file()


def test_grid_emission_factor_follows_the_published_series_then_the_stated_decline():
    """2022 0.6766 and 2023 0.6592 tCO2e/MWh (SEED_FACTS); then 0.6592 x 0.98^(year - 2023):
    2024 0.6460, 2030 0.6592 x 0.98^7 = 0.5723, 2040 0.6592 x 0.98^17 = 0.4676.
    """
    folder = SCENARIOS / "khanh_phu_expansion"
    base = pd.read_csv(folder / "resources.csv").set_index("id").at["electricity", "buy_emission_factor"]
    profile = pd.read_csv(folder / "profiles.csv")
    factors = profile[profile["key"] == "resources.electricity.buy_emission_factor"].set_index("period")["value"]
    assert base == 0.6766
    assert factors[2023] == 0.6592
    assert factors[2024] == pytest.approx(0.6460, abs=5e-5)
    assert factors[2030] == pytest.approx(0.5723, abs=5e-5)
    assert factors[2040] == pytest.approx(0.4676, abs=5e-5)
