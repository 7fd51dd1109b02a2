"""The Viet Nam pilot-park scenarios: published counts, the GEIPP RECP calibration,
the Decree 35 condition in Ba Ria Vung Tau, optimal and stable solves, and
generated CSV files equal to the committed ones.

Expected values are the published figures (SEED_FACTS) or hand arithmetic.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import eipopt

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
PARKS = ("deep_c", "hiep_phuoc", "amata", "hoa_khanh", "tra_noc", "brvt_pilot", "geipp_recp", "geipp_a2f")

_solved: dict[str, eipopt.Result] = {}


def load(name: str):
    return eipopt.load_scenario(SCENARIOS / name)


def solved(name: str) -> eipopt.Result:
    """One solve per scenario for the whole module (the stability test solves again)."""
    if name not in _solved:
        _solved[name] = eipopt.solve(load(name))
    return _solved[name]


def links_of(scenario, kind: str) -> pd.DataFrame:
    return scenario.links[scenario.links["kind"] == kind]


# --- every scenario ------------------------------------------------------------------------
@pytest.mark.parametrize("name", PARKS)
def test_scenario_validates_and_solves_to_optimality_within_its_limit(name):
    scenario = load(name)
    result = solved(name)
    summary = result.summary
    assert summary["status"] == "optimal"
    assert summary["baseline_status"] == "optimal"
    assert summary["solve_seconds"] < scenario.settings.solver.time_limit
    assert summary["mip_gap"] <= scenario.settings.solver.mip_gap
    assert summary["cost_savings"] > 0
    assert summary["co2_reduction"] > 0
    assert (SCENARIOS / name / "PROVENANCE.md").is_file()


@pytest.mark.parametrize("name", PARKS)
def test_resolving_gives_the_same_portfolio(name):
    first, again = solved(name).summary, eipopt.solve(load(name)).summary
    assert again["measures_funded"] == first["measures_funded"]
    assert again["links_built"] == first["links_built"]
    assert again["total_cost"] == pytest.approx(first["total_cost"], rel=1e-9)


def test_generators_reproduce_the_committed_csv_files(tmp_path):
    subprocess.run([sys.executable, "-m", "scenarios.generators", "--out", str(tmp_path)], cwd=ROOT, check=True, capture_output=True)
    for name in PARKS:
        generated = sorted(p.name for p in (tmp_path / name).glob("*.csv"))
        committed = sorted(p.name for p in (SCENARIOS / name).glob("*.csv"))
        assert generated == committed, name
        _, mismatch, errors = filecmp.cmpfiles(tmp_path / name, SCENARIOS / name, committed, shallow=False)
        assert mismatch == [], name
        assert errors == [], name


def test_tenants_carry_sector_names_and_links_know_the_city():
    for name in PARKS:
        scenario = load(name)
        firms = scenario.firms.set_index("id")
        assert set(firms["role"]) <= {"tenant", "park utility", "city"}, name
        for link in scenario.links.itertuples():
            city_ends = (firms.at[link.source, "role"] == "city") + (firms.at[link.sink, "role"] == "city")
            assert city_ends == (1 if link.kind == "UIS" else 0), (name, link.id)


# --- DEEP C ----------------------------------------------------------------------------------
def test_deep_c_has_18_tenants_14_is_6_uis_and_the_magnet_maker():
    scenario = load("deep_c")
    tenants = scenario.firms[scenario.firms["role"] == "tenant"]
    assert len(tenants) == 18
    assert (len(links_of(scenario, "IS")), len(links_of(scenario, "UIS"))) == (14, 6)
    assert set(tenants["id"]) <= set(scenario.measures["firm"])  # RECP measures per tenant
    magnets = tenants[tenants["name"].str.contains("rare-earth magnet", case=False)]
    assert len(magnets) == 1
    mine = scenario.measures[scenario.measures["firm"] == magnets["id"].iloc[0]]
    assert len(mine) == 14
    assert int(mine["existing"].sum()) == 12
    assert int(scenario.measures["existing"].sum()) == 12  # nobody else's


def test_deep_c_existing_measures_are_in_the_baseline():
    funded = solved("deep_c").measures
    existing = funded[funded["existing"]]
    assert len(existing) == 12
    assert existing["funded"].all()
    assert not existing["new"].any()


# --- Hiep Phuoc ------------------------------------------------------------------------------
def test_hiep_phuoc_31_recp_enterprises_and_21_links_among_13_workshop_enterprises():
    scenario = load("hiep_phuoc")
    firms = scenario.firms.set_index("id")
    tenants = firms[firms["role"] == "tenant"]
    assert len(tenants) == 31
    assert set(scenario.measures["firm"]) == set(tenants.index)
    workshop = set(tenants.index[tenants["is_workshop"] == "true"])
    assert len(workshop) == 13
    assert (len(links_of(scenario, "IS")), len(links_of(scenario, "UIS"))) == (14, 7)
    ends = set(scenario.links["source"]) | set(scenario.links["sink"])
    assert ends & set(tenants.index) == workshop  # every workshop enterprise takes part, nobody else
    for link in scenario.links.itertuples():
        assert {link.source, link.sink} & workshop, link.id


# --- Amata -----------------------------------------------------------------------------------
#: The priority matrix of the 2022 progress report: opportunity -> (ease, benefit).
AMATA_MATRIX = {
    "11": ("easy", "low"), "5": ("easy", "medium"), "7": ("easy", "medium"), "8": ("easy", "medium"),
    "9": ("easy", "medium"), "12": ("easy", "medium"), "1": ("easy", "high"), "2": ("easy", "high"),
    "5.1": ("hard", "low"), "10": ("hard", "low"), "3": ("hard", "high"), "4": ("hard", "high"), "6": ("hard", "high"),
}


def test_amata_13_is_7_uis_and_the_ranked_opportunities_carry_their_class():
    scenario = load("amata")
    is_links, uis_links = links_of(scenario, "IS"), links_of(scenario, "UIS")
    assert (len(is_links), len(uis_links)) == (13, 7)
    ranked = {row.rank: (row.ease, row.benefit) for row in is_links.itertuples()}
    assert ranked == AMATA_MATRIX
    assert {r for r in ranked if "." not in r} == {str(k) for k in range(1, 13)}  # twelve numbered opportunities
    assert (uis_links[["rank", "ease", "benefit"]] == "").all().all()


# --- Hoa Khanh and Tra Noc -------------------------------------------------------------------
def test_hoa_khanh_feeds_brewers_grain_and_collects_paper():
    scenario, result = load("hoa_khanh"), solved("hoa_khanh")
    firms = scenario.firms.set_index("id")
    links = result.links.set_index("id")
    grain = links[links["resource"] == "brewers_grain"]
    assert "feed_grain" in set(grain["sink_resource"])
    assert grain["delivered"].sum() > 0
    paper = scenario.links[scenario.links["resource"] == "waste_paper"]
    collectors = set(paper["sink"])
    assert len(collectors) == 1
    assert firms.at[collectors.pop(), "name"] == "Waste-paper collector"
    assert len(paper) >= 2
    assert (paper["requires"] != "").all()  # no collection without the baling station
    assert links.loc[paper["id"], "flow"].sum() > 0


def test_tra_noc_reuses_sludge_and_shares_biogas():
    scenario, result = load("tra_noc"), solved("tra_noc")
    links = result.links
    assert {"IS"} == set(links.loc[links["resource"] == "biogas", "kind"])
    assert len(set(scenario.links.loc[scenario.links["resource"] == "biogas", "sink"])) >= 2  # between companies
    for resource in ("biogas", "wwtp_sludge"):
        assert links.loc[links["resource"] == resource, "flow"].sum() > 0, resource


# --- GEIPP RECP portfolio --------------------------------------------------------------------
def test_geipp_recp_has_51_companies_396_measures_and_no_solar():
    scenario = load("geipp_recp")
    assert len(scenario.firms) == 51
    assert scenario.firms["park"].str.contains("DEEP C").sum() == 18
    assert scenario.firms["park"].str.contains("Hiep Phuoc").sum() == 31
    assert scenario.firms["park"].str.contains("Amata").sum() == 2
    assert len(scenario.measures) == 396
    assert set(scenario.measures["firm"]) == set(scenario.firms["id"])
    assert not scenario.measures["name"].str.contains("solar", case=False).any()


def test_geipp_recp_every_measure_funded_reproduces_the_published_potential(tmp_path):
    """All 396 measures on (as existing) against none: the published totals, by the model's accounting."""
    everything = tmp_path / "all_funded"
    shutil.copytree(SCENARIOS / "geipp_recp", everything)
    measures = pd.read_csv(everything / "measures.csv", dtype=str, keep_default_na=False)
    measures["existing"] = "true"
    measures.to_csv(everything / "measures.csv", index=False)
    none_, all_ = solved("geipp_recp"), eipopt.solve(eipopt.load_scenario(everything))

    def bought(result, resource):
        flows = result.flows
        return flows.loc[flows["resource"] == resource, "baseline_buy"].sum()

    power_kwh = (bought(none_, "electricity") - bought(all_, "electricity")) * 1000
    water_m3 = bought(none_, "water") - bought(all_, "water")
    co2_t = none_.summary["baseline_co2"] - all_.summary["baseline_co2"]
    savings = none_.summary["baseline_cost"] - all_.summary["baseline_cost"]
    assert power_kwh == pytest.approx(34_436_469, abs=1e-3)
    assert water_m3 == pytest.approx(252_548, abs=1e-3)
    assert co2_t == pytest.approx(28_823, abs=1e-3)  # 34,436.469 MWh x 0.6592 = 22,700.520 t from power
    assert savings == pytest.approx(85_553e6, abs=1.0)  # to the VND


# --- Ba Ria Vung Tau: Decree 35 ----------------------------------------------------------------
def test_brvt_decree35_symbiosis_condition_binds():
    scenario = load("brvt_pilot")
    assert scenario.settings.constraints.min_symbiosis_links == 1
    with_rule = solved("brvt_pilot")
    without = eipopt.solve(scenario.with_overrides({"constraints.min_symbiosis_links": 0}))

    def built(result, kind):
        links = result.links
        return list(links.loc[links["new"] & (links["kind"] == kind), "id"])

    assert built(without, "IS") == []
    assert len(built(with_rule, "IS")) == 1
    assert built(without, "UIS") == built(with_rule, "UIS") != []  # a profitable UIS link does not count
    assert with_rule.summary["total_cost"] > without.summary["total_cost"] + 1e8  # the condition costs money
