"""The water quality mixing family on tiny parks whose optima are computed by hand.

Every park: firm A generates 100 m3 of wastewater (``ww``, disposal free)
with a contaminant outlet; firm B needs 100 m3 of water (bought at 1/m3)
with a ``max_inlet``; an existing link A -> B turns wastewater into water.
Cost = water bought. With x m3 reused and 100 - x bought at concentration
Cb, the limit M holds when x * C + (100 - x) * Cb <= 100 * M.
"""

from __future__ import annotations

import pytest

import eipopt
from eipopt.model import ScenarioError
from tests.tiny import make_scenario

WATER = {"id": "water", "unit": "m3", "kind": "water", "buy_price": 1}
WASTEWATER = {"id": "ww", "unit": "m3", "kind": "water", "disposal_cost": 0}
TREATED = {"id": "treated", "unit": "m3", "kind": "water"}
REUSE = {"id": "reuse", "source": "A", "sink": "B", "resource": "ww", "sink_resource": "water", "capacity": 1000, "existing": "true"}


def reuse_park(quality, market_quality=(), links=(), firms=(), resources=(), settings=None, **tables):
    """A sends wastewater to B over ``reuse`` (plus ``links``), with the given quality rows."""
    return make_scenario(
        settings,
        resources=[WATER, WASTEWATER, *resources],
        firms=[{"id": "A", "name": "Textile dyeing"}, {"id": "B", "name": "Food processing"}, *firms],
        flows=[{"firm": "A", "resource": "ww", "generation": 100}, {"firm": "B", "resource": "water", "demand": 100}],
        links=[REUSE, *links],
        quality=list(quality),
        market_quality=list(market_quality),
        **tables,
    )


def outlet(firm, resource, contaminant, value):
    return {"firm": firm, "resource": resource, "contaminant": contaminant, "outlet": value, "unit": "mg/L"}


def limit(firm, resource, contaminant, value):
    return {"firm": firm, "resource": resource, "contaminant": contaminant, "max_inlet": value, "unit": "mg/L"}


def row(table, **keys):
    """The one row of a result table matching ``keys``."""
    mask = True
    for column, value in keys.items():
        mask = mask & (table[column] == value)
    assert mask.sum() == 1
    return table[mask].iloc[0]


def test_a_limit_that_binds():
    """Outlet 100, limit 40, fresh water at 0: 100x <= 40 * 100 -> x = 40 reused, 60 bought; cost 60.

    The inlet mix is (40 * 100 + 60 * 0) / 100 = 40 mg/L: slack 0, binding.
    """
    result = eipopt.solve(reuse_park([outlet("A", "ww", "COD", 100), limit("B", "water", "COD", 40)]))
    assert result.status == "optimal"
    assert result.summary["total_cost"] == pytest.approx(60)
    assert row(result.links, id="reuse")["flow"] == pytest.approx(40)
    node = row(result.quality, firm="B", contaminant="COD")
    assert node["inflow"] == pytest.approx(100)
    assert node["inlet_concentration"] == pytest.approx(40)
    assert node["slack"] == pytest.approx(0, abs=1e-6)
    assert node["binding"]
    assert node["firm_name"] == "Food processing"
    carried = row(result.link_quality, link="reuse", contaminant="COD")
    assert carried["concentration"] == 100
    assert carried["load"] == pytest.approx(4000)


def test_a_limit_that_does_not_bind():
    """Outlet 100, limit 150: all 100 m3 reused, nothing bought; cost 0, inlet 100 mg/L, slack 50."""
    result = eipopt.solve(reuse_park([outlet("A", "ww", "COD", 100), limit("B", "water", "COD", 150)]))
    assert result.summary["total_cost"] == pytest.approx(0)
    node = row(result.quality, firm="B", contaminant="COD")
    assert node["inlet_concentration"] == pytest.approx(100)
    assert node["slack"] == pytest.approx(50)
    assert not node["binding"]


def test_purchases_enter_the_mix_at_market_quality():
    """Water bought at 20 mg/L: 100x + 20(100 - x) <= 4000 -> 80x <= 2000 -> x = 25; 75 bought, cost 75."""
    result = eipopt.solve(reuse_park(
        [outlet("A", "ww", "COD", 100), limit("B", "water", "COD", 40)],
        market_quality=[{"resource": "water", "contaminant": "COD", "concentration": 20}],
    ))
    assert result.summary["total_cost"] == pytest.approx(75)
    assert row(result.links, id="reuse")["flow"] == pytest.approx(25)
    assert row(result.quality, firm="B", contaminant="COD")["inlet_concentration"] == pytest.approx(40)


def test_a_treatment_plant_regenerates_to_its_outlet():
    """Plant T takes wastewater (treatment 0.3/m3) and sends treated water at 10 mg/L to B (limit 40).

    x direct at 100, y treated at 10, 100 - x - y bought: cost = 100 - x - 0.7y with
    100x + 10y <= 4000 and x + y <= 100. Vertices: (40, 0) -> 60; (0, 100) -> 30;
    x + y = 100 with 90x = 3000 -> x = 33.33, y = 66.67 -> cost 100 - 33.33 - 46.67 = 20.
    T receives 66.67 m3 at 100 mg/L and sends it at 10 mg/L, whatever it receives.
    """
    plant = {"id": "T", "name": "Wastewater treatment plant"}
    links = [
        {"id": "to_plant", "source": "A", "sink": "T", "resource": "ww", "sink_resource": "treated", "capacity": 1000, "existing": "true", "variable_cost": 0.3},
        {"id": "treated_reuse", "source": "T", "sink": "B", "resource": "treated", "sink_resource": "water", "capacity": 1000, "existing": "true"},
    ]
    result = eipopt.solve(reuse_park(
        [outlet("A", "ww", "COD", 100), outlet("T", "treated", "COD", 10), limit("B", "water", "COD", 40)],
        links=links, firms=[plant], resources=[TREATED],
    ))
    assert result.summary["total_cost"] == pytest.approx(20)
    assert row(result.links, id="reuse")["flow"] == pytest.approx(100 / 3)
    assert row(result.links, id="treated_reuse")["flow"] == pytest.approx(200 / 3)
    assert row(result.link_quality, link="treated_reuse")["concentration"] == 10
    assert row(result.quality, firm="B", contaminant="COD")["inlet_concentration"] == pytest.approx(40)


def test_two_contaminants_where_the_second_binds():
    """COD outlet 100 (limit 60 -> x <= 60), TDS outlet 500 (limit 200 -> x <= 40): x = 40, cost 60.

    COD at the inlet is 40 * 100 / 100 = 40 mg/L (slack 20); TDS is 200 (binding).
    """
    result = eipopt.solve(reuse_park([
        outlet("A", "ww", "COD", 100), outlet("A", "ww", "TDS", 500),
        limit("B", "water", "COD", 60), limit("B", "water", "TDS", 200),
    ]))
    assert result.summary["total_cost"] == pytest.approx(60)
    cod, tds = row(result.quality, firm="B", contaminant="COD"), row(result.quality, firm="B", contaminant="TDS")
    assert cod["inlet_concentration"] == pytest.approx(40)
    assert cod["slack"] == pytest.approx(20)
    assert not cod["binding"]
    assert tds["inlet_concentration"] == pytest.approx(200)
    assert tds["binding"]


def test_the_limit_holds_in_every_period():
    """max_inlet 40 from 2025, 70 from 2030 (profiles): 60 then 30 m3 bought a year.

    Discount rate 0, two 5-year periods: total cost 5 * 60 + 5 * 30 = 450.
    """
    scenario = reuse_park(
        [outlet("A", "ww", "COD", 100), limit("B", "water", "COD", 40)],
        settings={"periods": {"years": [2025, 2030], "end": 2034}},
        profiles=[{"key": "quality.B:water:COD.max_inlet", "period": 2030, "value": 70}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(450)
    by_period = result.quality[result.quality["firm"] == "B"].set_index("period")
    assert by_period.loc[2025, "inlet_concentration"] == pytest.approx(40)
    assert by_period.loc[2030, "inlet_concentration"] == pytest.approx(70)
    assert by_period.loc[2030, "max_inlet"] == 70


def test_a_limit_no_mix_can_meet_is_diagnosed_by_node_and_contaminant():
    """Water bought at 50 mg/L, limit 40: even all-bought water is 10 mg/L over. Exit code 3."""
    result = eipopt.solve(reuse_park(
        [outlet("A", "ww", "COD", 100), limit("B", "water", "COD", 40)],
        market_quality=[{"resource": "water", "contaminant": "COD", "concentration": 50}],
    ))
    assert result.status == "infeasible"
    assert result.exit_code == 3
    finding = row(result.infeasibility, constraint="water_quality")
    assert (finding["firm"], finding["resource"], finding["contaminant"]) == ("B", "water", "COD")
    assert finding["amount"] == pytest.approx(10)
    assert "B's water" in finding["explanation"]
    assert "COD" in finding["explanation"]


# --- the format -------------------------------------------------------------------------------

def problems_of(**kwargs) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        reuse_park(**kwargs)
    return [str(p) for p in caught.value.problems]


def test_a_limited_node_fed_by_a_source_without_outlet_is_invalid_naming_both():
    problems = problems_of(quality=[limit("B", "water", "COD", 40)])
    assert len(problems) == 1
    assert "quality.csv" in problems[0]
    assert "row 2" in problems[0]
    assert "max_inlet" in problems[0]
    assert "reuse" in problems[0]
    assert "A's ww" in problems[0]
    assert "B's water" in problems[0]


@pytest.mark.parametrize(
    ("quality", "market", "expected"),
    [
        ([outlet("Z", "ww", "COD", 1)], [], "unknown firm 'Z'"),
        ([outlet("A", "water", "COD", 1)], [], "no flow, link or measure effect"),
        ([outlet("A", "ww", "COD", -1)], [], "must be >= 0"),
        ([{"firm": "A", "resource": "ww", "contaminant": "COD"}], [], "neither an outlet nor a max_inlet"),
        ([outlet("A", "ww", "COD", 1), {**limit("B", "water", "COD", 40), "unit": "ppm"}], [], "use one unit per contaminant"),
        ([outlet("A", "ww", "COD", 1)], [{"resource": "water", "contaminant": "TDS", "concentration": 1}], "appears in no row"),
        ([outlet("A", "ww", "COD", 1)], [{"resource": "ww", "contaminant": "COD", "concentration": 1}], "cannot be bought"),
        ([outlet("A", "ww", "COD", 1)], [{"resource": "water", "contaminant": "COD", "concentration": -2}], "must be >= 0"),
    ],
)
def test_invalid_quality_rows_are_located(quality, market, expected):
    problems = problems_of(quality=quality, market_quality=market)
    assert any(expected in p and ("row 2" in p or "row 3" in p) for p in problems), problems
