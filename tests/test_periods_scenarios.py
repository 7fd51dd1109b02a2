"""The multi-period scenarios: Khanh Phu's expansion year and DEEP C planned year by year.

Expected build years come from hand arithmetic on the scenario's own numbers
(read from its CSV files with pandas, not from the model), shown in each
docstring; the generated CSV files equal the committed ones.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import eipopt
from tests.test_periods_balances import check_periods

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


# --- Khanh Phu: the year the expansion pays ---------------------------------------------
KHANH_PHU = SCENARIOS / "khanh_phu_expansion"
TIER = "co2_offgas_to_liquid:expand_12000"
STEP = 6000 * 6240 * 1.977 / 1000  # t/yr per 6,000 Nm3/h = 74,018.88
MARGIN = 2_500_000 - 300_000 - 0.12 * 1_920_370  # VND per t sold = 1,969,555.6
CRF = 0.10 * 1.10**15 / (1.10**15 - 1)  # 10 %, 15 years = 0.131474


def market_by_year(folder: Path) -> dict[int, float]:
    """The liquid-CO2 market in force each year, read from the scenario's CSV files (base cell, then profile rows)."""
    flows = pd.read_csv(folder / "flows.csv").set_index(["firm", "resource"])
    profile = pd.read_csv(folder / "profiles.csv")
    steps = profile[profile["key"] == "flows.gas_plant:liquid_co2.sell_limit"].set_index("period")["value"]
    market, in_force = {}, flows.at[("gas_plant", "liquid_co2"), "sell_limit"]
    for year in range(2022, 2041):
        in_force = steps.get(year, in_force)
        market[year] = in_force
    return market


def hand_build_year(market: dict[int, float], tier_capex: float) -> int | None:
    """First year in which the tier's extra sales pay its annual cost (None: not by 2040).

    The tier's annual cost A = capex x CRF + 6 bn fixed opex is paid every year from its build
    year; in year y it sells min(max(S_y - 74,018.88, 0), 74,018.88) t more at MARGIN each. With
    a growing market that value rises year by year, so the least discounted cost builds the tier
    in the first year it is positive.
    """
    annual = tier_capex * CRF + 6e9
    return next((y for y, s in market.items() if MARGIN * min(max(s - STEP, 0), STEP) > annual), None)


def expansion_year(result: eipopt.Result) -> int | None:
    assert result.summary["status"] == "optimal"
    tiers = result.tiers.set_index("item")
    return int(tiers.at[TIER, "build_period"]) if tiers.at[TIER, "built"] else None


@pytest.fixture(scope="module")
def khanh_phu():
    return eipopt.load_scenario(KHANH_PHU)


def test_expansion_is_built_in_2026(khanh_phu):
    """Tier annual cost A = 120 bn x 0.131474 + 6 bn = 21.777 bn VND; it pays once the market
    exceeds 74,018.88 + A / 1,969,555.6 = 85,075.6 t: 2025 has 83,047 t (9,028 t extra earn
    17.78 bn), 2026 has 85,539 t (11,520 t extra earn 22.69 bn) -> built in 2026.
    """
    market = market_by_year(KHANH_PHU)
    assert (market[2025], market[2026]) == (83_047, 85_539)
    assert hand_build_year(market, 120e9) == 2026
    assert expansion_year(eipopt.solve(khanh_phu)) == 2026


def test_faster_market_growth_builds_the_expansion_earlier(tmp_path):
    """At 5 %/yr the market is 83,790 t in 2024 (9,771 t extra earn 19.24 bn < 21.78 bn) and
    87,980 t in 2025 (13,961 t extra earn 27.50 bn): built in 2025, a year before 3 %/yr's 2026.
    """
    from scenarios.generators import khanh_phu_expansion

    folder = tmp_path / "faster"
    khanh_phu_expansion.build(market_growth=0.05).write(folder)
    shutil.copy(KHANH_PHU / "scenario.yaml", folder / "scenario.yaml")
    market = market_by_year(folder)
    assert hand_build_year(market, 120e9) == 2025
    assert expansion_year(eipopt.solve(eipopt.load_scenario(folder))) == 2025


def test_dearer_expansion_is_built_later(khanh_phu):
    """Capex 200 bn VND: A = 200 bn x 0.131474 + 6 bn = 32.295 bn, paid from S > 90,415 t:
    2027 has 88,105 t (14,086 t extra earn 27.74 bn), 2028 has 90,748 t (16,729 t extra earn
    32.95 bn) -> built in 2028, two years after the 120 bn VND train.
    """
    assert hand_build_year(market_by_year(KHANH_PHU), 200e9) == 2028
    dearer = khanh_phu.with_overrides({f"link_tiers.{TIER}.capex": 200e9})
    assert expansion_year(eipopt.solve(dearer)) == 2028


# --- through the command line -------------------------------------------------------------
def solve_cli(name: str, out: Path) -> dict:
    """Solve a shipped scenario with ``eipopt solve --json --out``; check every period's balances
    and every budget in the written tables (:func:`tests.test_periods_balances.check_periods`).
    """
    run = subprocess.run([sys.executable, "-m", "eipopt.cli", "solve", str(SCENARIOS / name), "--json", "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["status"] == "optimal"
    written = {path.stem: pd.read_csv(path) for path in out.glob("*.csv")}
    check_periods(eipopt.load_scenario(SCENARIOS / name), eipopt.Result(summary, written))
    return summary


def test_khanh_phu_expansion_year_is_in_the_cli_plan(tmp_path):
    summary = solve_cli("khanh_phu_expansion", tmp_path)
    assert summary["horizon"]["years"] == list(range(2022, 2041))
    periods = pd.read_csv(tmp_path / "periods.csv").set_index("period")
    assert periods.at[2026, "built"] == TIER
    assert periods["built"].drop(2026).isna().all()
    assert periods.at[2026, "capex"] == 120e9


def test_deep_c_yearly_plan_keeps_each_years_budget_and_decree_35_every_year(tmp_path):
    """Recomputed from the written tables: each year's new capex of measures (links) is what its
    tenant_recp_YEAR (symbiosis_fund_YEAR) budget reports used, within 4 (15) bn VND; at least one
    IS link operates in every year from 2025 (Decree 35 holds in every period).
    """
    summary = solve_cli("deep_c_2025_2030", tmp_path)
    measures = pd.read_csv(tmp_path / "measures.csv")
    links = pd.read_csv(tmp_path / "links.csv")
    budgets = pd.read_csv(tmp_path / "budgets.csv").set_index("id")
    assert len(budgets) == 12
    new_links = links[links["new"] & (links["period"] == 2030)]  # built by the last year
    for year in range(2025, 2031):
        for budget, items, limit in ((f"tenant_recp_{year}", measures[measures["new"]], 4e9), (f"symbiosis_fund_{year}", new_links, 15e9)):
            spent = items.loc[items["build_period"] == year, "capex"].sum()
            assert spent == pytest.approx(budgets.at[budget, "used"], rel=1e-9, abs=1), budget
            assert spent <= limit * (1 + 1e-9), budget
            assert summary["budgets"][budget]["limit"] == limit
        operating = links[(links["period"] == year) & links["built"] & (links["kind"] == "IS")]
        assert len(operating) >= 1, year
        assert (operating["build_period"] <= year).all()
    assert summary["co2_reduction"] > 0
    assert summary["cost_savings"] > 0
