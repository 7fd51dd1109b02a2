"""Per-measure economics: stand-alone figures by hand arithmetic, and why each rejected measure was not funded.

Park (tests/tiny.py ``electricity``): firm F buys 100 MWh at 2 /MWh, 0.5
tCO2e/MWh; discount rate 0, so annualised capex = capex / 10 years. Budget
``b`` (measures) limit 200.

| measure | MWh saved | capex | annualised | saving/yr | net/yr | note |
|---|---|---|---|---|---|---|
| m1 | 30 | 100 | 10 | 60 | 50 | |
| m2 | 20 | 50 | 5 | 40 | 35 | group g |
| m3 | 25 | 100 | 10 | 50 | 40 | group g |
| m4 | 5 | 500 | 50 | 10 | -40 | |
| m5 | 10 | 0 | 0 | 20 | 20 | allowed = false |
| m6 | 10 | 10 | 1 | 20 | 19 | requires m4 |
| m7 | 20 | 80 | 8 | 40 | 32 | |

Within 200: m1 + m3 (capex 200, net 90) beats m1 + m2 (150, 85), m1 + m7
(180, 82) and m2 + m7 (130, 67); m5 is ruled out, m6 needs m4 (capex 510
together). So m1 and m3 are funded and the budget is used up.
"""

from __future__ import annotations

import pytest

from eipopt import solve
from eipopt.economics import measure_economics
from tests.tiny import electricity, make_scenario, saving

MEASURES = [
    saving("m1", 30, 100),
    saving("m2", 20, 50, group="g"),
    saving("m3", 25, 100, group="g"),
    saving("m4", 5, 500),
    saving("m5", 10, 0, allowed="false"),
    saving("m6", 10, 10, requires="m4"),
    saving("m7", 20, 80),
]


@pytest.fixture(scope="module")
def economics():
    scenario = electricity(
        {"budgets": [{"id": "b", "limit": 200, "applies_to": "measures"}]},
        measures=[m for m, _ in MEASURES], effects=[e for _, e in MEASURES],
    )
    result = solve(scenario)
    assert sorted(result.summary["measures_funded"]) == ["m1", "m3"]  # docstring
    return measure_economics(result, scenario).set_index("id")


def test_stand_alone_figures_by_hand(economics):
    m1 = economics.loc["m1"]
    assert m1["decision"] == "funded"
    assert m1["capex"] == pytest.approx(100)
    assert m1["annualised_capex"] == pytest.approx(10)
    assert m1["annual_saving"] == pytest.approx(60)  # 30 MWh x 2
    assert m1["net_annual_benefit"] == pytest.approx(50)
    assert m1["simple_payback_years"] == pytest.approx(100 / 60)
    assert m1["co2_avoided"] == pytest.approx(15)  # 30 MWh x 0.5
    assert m1["cost_per_tonne"] == pytest.approx(-50 / 15)  # saves money per tonne
    m4 = economics.loc["m4"]
    assert m4["simple_payback_years"] == pytest.approx(50)  # 500 / 10
    assert m4["cost_per_tonne"] == pytest.approx(40 / 2.5)  # net -40 over 2.5 t


def test_every_known_reason_is_given(economics):
    reasons = economics["why_not_funded"]
    assert reasons["m1"] == ""
    assert reasons["m3"] == ""
    assert "group: another measure of 'g' is funded" in reasons["m2"]
    assert "not worth it" in reasons["m4"]
    assert "budget: 'b' has too little left" in reasons["m4"]  # 500 > 0 left
    assert "not allowed" in reasons["m5"]
    assert "requires m4" in reasons["m6"]
    assert "budget: 'b' has too little left" in reasons["m7"]
    assert "not worth it" not in reasons["m7"]  # it pays on its own: the budget is why


def test_generation_valued_at_disposal_cost():
    """A measure at A cutting 10 t of waste (disposal 10 /t, 0.1 tCO2e/t, cannot be sold): saves 100 /yr and 1 tCO2e/yr."""
    scenario = make_scenario(
        resources=[{"id": "waste", "unit": "t", "disposal_cost": 10, "disposal_emission_factor": 0.1}],
        firms=[{"id": "A"}],
        flows=[{"firm": "A", "resource": "waste", "generation": 50}],
        measures=[{"id": "less_waste", "firm": "A", "capex": 300, "lifetime_years": 10}],
        measure_effects=[{"measure": "less_waste", "resource": "waste", "generation_change": -10}],
    )
    row = measure_economics(solve(scenario), scenario).set_index("id").loc["less_waste"]
    assert row["annual_saving"] == pytest.approx(100)
    assert row["co2_avoided"] == pytest.approx(1)
    assert row["simple_payback_years"] == pytest.approx(3)
    assert row["decision"] == "funded"  # net 100 - 30 > 0


def test_status_is_said_honestly():
    """A plan at a time limit is 'not proven optimal' with its gap; no plan says why; documents still get written."""
    from eipopt.decision import status_line
    from eipopt.result import Result

    feasible = Result({"status": "feasible", "mip_gap": 0.034, "objective": "cost", "solve_seconds": 30.0})
    assert "not proven optimal" in status_line(feasible)
    assert "up to 3.4% better" in status_line(feasible)
    assert "not findings" in status_line(feasible)


def test_no_plan_documents_explain_why(tmp_path):
    """F needs 100 MWh and may buy only 50: infeasible, and the workbook and report say so."""
    import openpyxl

    from eipopt.html_report import write_html_report
    from eipopt.workbook import write_results_workbook

    scenario = make_scenario(
        resources=[{"id": "elec", "unit": "MWh", "buy_price": 2}],
        firms=[{"id": "F"}],
        flows=[{"firm": "F", "resource": "elec", "demand": 100, "buy_limit": 50}],
    )
    result = solve(scenario)
    assert result.status == "infeasible"
    book = openpyxl.load_workbook(write_results_workbook(result, scenario, tmp_path / "r.xlsx"))
    assert "infeasibility" in book.sheetnames
    lines = [row[0] for row in book["summary"].iter_rows(values_only=True) if row[0]]
    assert any(line.startswith("No plan: infeasible") for line in lines)
    assert any(line.startswith("Why: ") and "elec" in line for line in lines)
    html = write_html_report(result, scenario, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No plan: infeasible" in html


def test_links_not_built_say_why():
    """waste_to_feed (tests/tiny.py): the link saves 15.4 per t sent, 30 t a year, for 50/yr of capex and opex.

    Budget 100 < its capex 200: not built, the budget is why; ruled out by allowed = false: not allowed.
    """
    from eipopt.economics import links_not_built
    from tests.tiny import waste_to_feed

    short = waste_to_feed({"budgets": [{"id": "fund", "limit": 100}]})
    assert links_not_built(solve(short), short)["L"] == "budget: 'fund' has too little left"
    ruled_out = waste_to_feed(link={"allowed": "false"})
    assert links_not_built(solve(ruled_out), ruled_out)["L"] == "not allowed"
    open_park = waste_to_feed()
    assert links_not_built(solve(open_park), open_park)["L"] == ""  # 30 x 15.4 = 462 > 50: built
