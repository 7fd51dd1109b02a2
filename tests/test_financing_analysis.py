"""``eipopt finance`` on a tiny park whose viability gaps and grant response are computed by hand.

Firm F buys 100 MWh at 2/MWh (0.5 tCO2e/MWh); discount rate 0, lifetimes 10 years. Its own money is 50,
its DSCR rule 2; a loan at rate 0 over 5 years (instalment = amount / 5) and a grant window (at most 50 %
of an item). Measures:

- k1 saves 40 MWh (80/yr) for 300: alone, instalments <= 80 / 2 = 40 -> loan <= 200, own <= 50 -> grant 50;
- k3 saves 10 MWh (20/yr) for 100: alone, loan <= 50 (instalment 10) + own 50 = 100 -> grant 0;
- k4 saves 10 MWh (20/yr) for 1000: loan <= 50 + own 50 + grant <= 500 < 1000 -> not financeable.

Together k1 and k3 cost 400 and save 100/yr: loan <= 250, own 50 -> grant 100.
Park cost: baseline 200; k3 alone 200 - 20 + 10 = 190; k1 alone 150; both 140.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import eipopt
from eipopt.analysis.finance import grant_response, viability_gaps
from eipopt.cli import main
from eipopt.io import write_scenario
from tests.tiny import electricity, saving


def near(value):
    """pytest.approx within the DSCR rule's numerical slack (baseline costs + 1e-7 relative, see ParkModel)."""
    return pytest.approx(value, rel=1e-5, abs=1e-4)


LOAN = {"id": "bank", "kind": "loan", "rate": 0, "tenor_years": 5}
GRANT = {"id": "window", "kind": "grant", "max_share": 0.5}


def park(with_k4: bool = True):
    measures = [saving("k1", 40, 300), saving("k3", 10, 100)] + ([saving("k4", 10, 1000)] if with_k4 else [])
    return electricity(measures=[m for m, _ in measures], effects=[e for _, e in measures], financing=[LOAN, GRANT],
                       firms=[{"id": "F", "name": "Steel mill", "equity_limit": 50, "min_dscr": 2}])


def test_viability_gaps():
    gaps = viability_gaps(park()).set_index("item")
    assert gaps.at["k1", "viability_gap"] == near(50)
    assert gaps.at["k1", "gap_share"] == near(50 / 300)
    assert gaps.at["k1", "loans"] == near(200)
    assert gaps.at["k1", "dscr"] == near(2)
    assert gaps.at["k3", "viability_gap"] == near(0)
    assert not gaps.at["k4", "financeable"]
    assert gaps.at["k4", "status"] == "infeasible"
    assert gaps.at["k1", "owner_name"] == "Steel mill"


def test_grant_response():
    """Pool 0: k3 (savings 10, 5 t); pool 50: k1 (savings 50, 20 t); pool 100: both (savings 60, 25 t, leverage 400 / 100)."""
    response = grant_response(park(with_k4=False), None, [0, 50, 100]).set_index("grant_pool")
    assert response["measures_funded"].tolist() == ["k3", "k1", "k1;k3"]
    assert response["cost_savings"].tolist() == near([10, 50, 60])
    assert response["co2_reduction"].tolist() == near([5, 20, 25])
    assert response["grant_total"].tolist() == near([0, 50, 100])
    assert response.at[100, "leverage"] == near(4)
    assert response.at[100, "added"] == "k3"


def test_cli_finance_json_out_and_plots(tmp_path):
    folder = write_scenario(park(), tmp_path / "tiny")
    result = CliRunner().invoke(main, ["finance", str(folder), "--steps", "0,50,100", "--json", "--out", str(tmp_path / "gaps.csv"), "--plot", str(tmp_path / "fig")])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["analysis"] == "finance"
    assert {row["item"]: row["viability_gap"] for row in payload["gaps"]}["k1"] == near(50)
    assert (tmp_path / "gaps.csv").is_file()
    assert (tmp_path / "gaps_response.csv").is_file()
    assert (tmp_path / "fig_gaps.png").is_file()
    assert (tmp_path / "fig_response.png").is_file()


def test_cli_finance_without_financing_is_invalid_input(tmp_path):
    folder = write_scenario(electricity(), tmp_path / "plain")
    result = CliRunner().invoke(main, ["finance", str(folder), "--json"])
    assert result.exit_code == 2
    assert "grant source" in json.loads(result.stdout)["problems"][0]


def test_a_larger_grant_pool_never_buys_less_on_the_shipped_scenario():
    """The plan of a smaller pool fits a larger one: savings never fall as the grant window grows.

    (HiGHS once returned a worse "optimal" plan at 2 bn VND than at 0 when the split was a_ifp <= s K b.)
    """
    scenario = eipopt.load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "geipp_a2f")
    response = grant_response(scenario, "grant_window", [0, 2e9, 1e10])
    assert response["status"].eq("optimal").all()
    savings = response["cost_savings"].tolist()
    gap = scenario.settings.solver.mip_gap * abs(response["total_cost"].max())
    assert savings[1] >= savings[0] - gap
    assert savings[2] >= savings[1] - gap
    assert (response["grant_total"] <= response["grant_pool"] + 1e-3).all()


def test_budget_response_refuses_the_grant_objective():
    from eipopt.analysis import budget_response

    scenario = electricity({"budgets": [{"id": "fund", "limit": 100}]})
    with pytest.raises(ValueError, match="eipopt finance"):
        budget_response(scenario, "fund", [0, 100], "grant")
