"""Trade-off curve, budget response, attribution and greedy comparison on tiny parks computed by hand.

All parks use discount_rate 0, so annualised capex = capex / lifetime (10 years).

``park()`` -- firm F buys 100 MWh of electricity (2/MWh, 0.5 tCO2e/MWh).
RECP measures at F, drawing on budget ``recp`` (measures only, limit 150):

====  ==========  =====  ============  ============================  ===========
id    cut (MWh)   capex  capex/yr      annual saving                 tCO2e/yr
====  ==========  =====  ============  ============================  ===========
M1    40          100    10            40*2 - 10 = 70                20
M2    30          50     5             30*2 - 5  = 55                15
M3    20          40     4             20*2 - 4  = 36                10
====  ==========  =====  ============  ============================  ===========

Firm A generates 30 t waste (disposal 10/t, 0.1 tCO2e/t); firm B buys 30 t
feed (8/t, 0.2 tCO2e/t). Link L (A -> B, waste becomes feed, yield 1) carries
20 t for capex 100 (10/yr); its tier T adds 10 t for capex 50 (5/yr). A tonne
sent saves 10 + 8 = 18 and 0.1 + 0.2 = 0.3 tCO2e. Links draw on no limited budget.

Baseline: 200 + 300 + 240 = 740 /yr and 50 + 3 + 6 = 59 tCO2e/yr.
Optimum (cost): M1 + M2 (capex 150 fits; M1+M3 saves 106, M2+M3 91),
L + T (30 t sent): cost = 30*2 + 15 + 15 = 90, CO2e = 30*0.5 = 15.
"""

from __future__ import annotations

import itertools
import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner

import eipopt
from eipopt import ScenarioSolver
from eipopt.analysis import (
    attribute,
    budget_response,
    greedy_comparison,
    pareto_front,
    parse_steps,
)
from eipopt.cli import main
from eipopt.model import Scenario

CUT = {"M1": 40, "M2": 30, "M3": 20}
CAPEX = {"M1": 100, "M2": 50, "M3": 40}


def make(settings: dict | None = None, **tables: list[dict]) -> Scenario:
    """A validated scenario from rows given as dicts (cells as a CSV holds them)."""
    settings = {"name": "tiny", "discount_rate": 0, **(settings or {})}
    raw = {}
    for name, rows in tables.items():
        frame = pd.DataFrame(rows).astype(object)
        frame = frame.where(frame.notna(), "").map(str)
        frame.index = range(2, len(frame) + 2)
        raw[name] = frame
    return Scenario.from_raw(settings, raw)


def park(limit: float = 150, objective: str = "cost", **settings) -> Scenario:
    """The park of the module docstring."""
    measures = [{"id": k, "firm": "F", "capex": CAPEX[k], "lifetime_years": 10} for k in CUT]
    effects = [{"measure": k, "resource": "elec", "demand_change": -cut} for k, cut in CUT.items()]
    return make(
        {"objective": objective, "budgets": [{"id": "recp", "limit": limit, "applies_to": "measures"}], **settings},
        resources=[
            {"id": "elec", "unit": "MWh", "kind": "energy", "buy_price": 2, "buy_emission_factor": 0.5},
            {"id": "waste", "kind": "waste", "disposal_cost": 10, "disposal_emission_factor": 0.1},
            {"id": "feed", "kind": "material", "buy_price": 8, "buy_emission_factor": 0.2},
        ],
        firms=[{"id": "F"}, {"id": "A"}, {"id": "B"}],
        flows=[
            {"firm": "F", "resource": "elec", "demand": 100},
            {"firm": "A", "resource": "waste", "generation": 30},
            {"firm": "B", "resource": "feed", "demand": 30},
        ],
        measures=measures,
        measure_effects=effects,
        links=[{"id": "L", "source": "A", "sink": "B", "resource": "waste", "sink_resource": "feed", "capacity": 20, "capex": 100, "lifetime_years": 10}],
        link_tiers=[{"link": "L", "tier": "T", "capacity_added": 10, "capex": 50}],
    )


def clean_park(extra: list[dict] = ()) -> Scenario:
    """F buys 100 MWh (2/MWh, 0.5 t/MWh); M1 cuts 40 MWh for capex 100 (10/yr) and pays.

    Two measures buy CO2e only: C1 costs 50/yr and cuts 20 tCO2e/yr (2.5/t),
    C2 costs 30/yr and cuts 5 tCO2e/yr (6/t). Least cost: M1, cost 200 - 80 +
    10 = 130, CO2e 60*0.5 = 30. Least CO2e: all three, CO2e 30 - 25 = 5, cost
    130 + 80 = 210. Between: M1 + C1 at cost 180, CO2e 10.
    """
    measures = [
        {"id": "M1", "firm": "F", "capex": 100, "lifetime_years": 10},
        {"id": "C1", "firm": "F", "opex_change": 50, "direct_co2_change": -20},
        {"id": "C2", "firm": "F", "opex_change": 30, "direct_co2_change": -5},
        *extra,
    ]
    return make(
        resources=[{"id": "elec", "unit": "MWh", "kind": "energy", "buy_price": 2, "buy_emission_factor": 0.5}],
        firms=[{"id": "F"}],
        flows=[{"firm": "F", "resource": "elec", "demand": 100}],
        measures=measures,
        measure_effects=[{"measure": "M1", "resource": "elec", "demand_change": -40}],
    )


def measure_optimum(limit: float) -> tuple[float, tuple[str, ...]]:
    """Best annual measure saving within the recp limit, by enumerating every subset (independent of the model)."""
    best = (0.0, ())
    for size in range(len(CUT) + 1):
        for subset in itertools.combinations(CUT, size):
            if sum(CAPEX[k] for k in subset) <= limit:
                saving = sum(2 * CUT[k] - CAPEX[k] / 10 for k in subset)
                best = max(best, (saving, subset))
    return best


# --- Pareto front ----------------------------------------------------------------------
def test_pareto_front_spans_the_extremes_and_is_non_dominated():
    scenario = clean_park()
    front = pareto_front(scenario, points=5)
    points = front.points
    assert list(zip(points["total_cost"].round(6), points["total_co2"].round(6), strict=True)) == [(130, 30), (180, 10), (210, 5)]
    assert list(points["measures_funded"]) == ["M1", "M1;C1", "M1;C1;C2"]
    # eps = 5 + i*(30-5)/4 = 11.25, 17.5, 23.75 all give M1 + C1: two repeats dropped
    assert front.n_dropped == 2
    assert set(front.dropped["reason"].str.split().str[0]) == {"duplicate"}
    for (_, a), (_, b) in itertools.permutations(points.iterrows(), 2):
        assert not (a.total_cost <= b.total_cost and a.total_co2 <= b.total_co2), "a point dominates another"
    cost_end, co2_end = eipopt.solve(scenario, "cost"), eipopt.solve(scenario, "co2")
    assert points.iloc[0]["total_cost"] == pytest.approx(cost_end.summary["total_cost"])
    assert points.iloc[0]["total_co2"] == pytest.approx(cost_end.summary["total_co2"])
    assert points.iloc[-1]["total_cost"] == pytest.approx(co2_end.summary["total_cost"])
    assert points.iloc[-1]["total_co2"] == pytest.approx(co2_end.summary["total_co2"])
    # slope of the front: (180-130)/(30-10) = 2.5 and (210-180)/(10-5) = 6 per tCO2e
    assert list(points["abatement_cost"].iloc[1:]) == pytest.approx([2.5, 6.0])


def test_pareto_least_cost_end_breaks_cost_ties_towards_less_co2():
    """Z costs nothing and cuts 1 tCO2e: least cost is 130 with or without it; the front takes it (CO2e 29)."""
    scenario = clean_park([{"id": "Z", "firm": "F", "direct_co2_change": -1}])
    front = pareto_front(scenario, points=2)
    first = front.points.iloc[0]
    assert (first["total_cost"], first["total_co2"]) == pytest.approx((130, 29))
    assert "Z" in first["measures_funded"].split(";")


# --- budget response -------------------------------------------------------------------
LIMITS = [0, 40, 50, 90, 100, 140, 150, 190]


@pytest.mark.parametrize("objective", ["cost", "co2"])
def test_more_budget_never_yields_a_worse_optimum(objective):
    response = budget_response(park(objective=objective), "recp", LIMITS[::-1])
    levels = response.levels
    assert list(levels["limit"]) == LIMITS
    key = "total_cost" if objective == "cost" else "total_co2"
    assert (levels[key].diff().dropna() <= 1e-9).all()
    assert not levels["kept_previous"].any()
    if objective == "cost":
        expected = [525 + measure_optimum(limit)[0] for limit in LIMITS]  # links save 525 at every level
        assert list(levels["cost_savings"]) == pytest.approx(expected)


def test_a_worse_answer_at_a_larger_budget_keeps_the_previous_portfolio():
    """A solver that misses M1 at 150 answers M2 + M3 (saves 91) there, worse than M1 + M3 at 140 (106)."""

    class Sloppy(ScenarioSolver):
        def solve(self, scenario, objective=None, **fixings):
            if scenario.settings.budget("recp").limit == 150:
                fixings["forbid"] = ["M1"]
            return super().solve(scenario, objective, **fixings)

    levels = budget_response(park(), "recp", [140, 150], solver=Sloppy()).levels
    assert list(levels["kept_previous"]) == [False, True]
    assert list(levels["cost_savings"]) == pytest.approx([525 + 106, 525 + 106])
    assert list(levels["measures_funded"]) == ["M1;M3", "M1;M3"]


def test_solver_rebuilds_when_the_symbiosis_requirement_appears():
    """With min_symbiosis_links=1 and L (the only link) ruled out, nothing is feasible.

    The requirement changes the model's structure: a solver that merely
    re-parameterised the model built without it would answer optimal.
    """
    solver = ScenarioSolver()
    assert solver.solve(park(), forbid=["L"]).status == "optimal"
    assert solver.solve(park(constraints={"min_symbiosis_links": 1}), forbid=["L"]).status == "infeasible"


def test_budget_marginal_values_and_abatement_packages_by_hand():
    """At 40 the optimum funds M3 (saves 36); at 50 it swaps M3 for M2 (saves 55).

    Step 40 -> 50: savings +19 for +10 of budget = 1.9 per unit; electricity
    80 -> 70 MWh, so 5 tCO2e abated at an annual cost change of -19: -3.8 per tonne.
    """
    response = budget_response(park(), "recp", [40, 50])
    step = response.levels.iloc[1]
    assert step["savings_per_budget"] == pytest.approx(1.9)
    assert step["co2_reduction_per_budget"] == pytest.approx(0.5)
    package = response.packages.iloc[0]
    assert (package["added"], package["removed"]) == ("M2", "M3")
    assert package["abated"] == pytest.approx(5)
    assert package["cost_per_tonne"] == pytest.approx(-3.8)
    assert package["delta_capex"] == pytest.approx(10)


def test_parse_steps():
    assert parse_steps("0:300:4") == [0, 100, 200, 300]
    assert parse_steps("150,40, 90") == [40, 90, 150]
    with pytest.raises(ValueError, match="START:STOP:STEPS"):
        parse_steps("0:10:1")


# --- attribution -----------------------------------------------------------------------
def test_attribution_by_hand():
    """Without each item of the optimum (cost 90, CO2e 15):

    - L: nothing crosses (T needs L): 75 + 300 + 240 = 615, Δcost 525; CO2e 15 + 9 = 24, Δ 9.
    - T: 20 t sent, 10 t disposed and 10 t bought: 75 + 10 + 100 + 80 = 265, Δcost 175; 15 + 1 + 2 = 18, Δ 3.
    - M1: M2 + M3 instead: 50*2 + 9 + 15 = 124, Δcost 34; 25 tCO2e, Δ 10.
    - M2: M1 + M3 instead: 40*2 + 14 + 15 = 109, Δcost 19; 20 tCO2e, Δ 5.

    Per unit capex: L 5.25, T 3.5, M1 0.34, M2 0.38. Savings 650, sum of Δ 753.
    """
    result = attribute(park())
    items = result.items.set_index("item")
    assert list(result.items["item"]) == ["L", "L:T", "M1", "M2"]
    assert list(items["delta_cost"]) == pytest.approx([525, 175, 34, 19])
    assert list(items["delta_co2"]) == pytest.approx([9, 3, 10, 5])
    assert list(items["delta_cost_per_capex"]) == pytest.approx([5.25, 3.5, 0.34, 0.38])
    assert items.at["M1", "replaced_by"] == "M3"
    assert items.at["L", "dropped_with"] == "L:T"
    assert result.interaction == pytest.approx(650 - 753)


def test_forbidding_in_the_model_equals_the_allowed_column():
    scenario = park()
    solver = ScenarioSolver()
    for item, table in (("M1", "measures"), ("L", "links")):
        fixed = solver.solve(scenario, forbid=[item]).summary
        ruled_out = eipopt.solve(scenario.with_overrides({f"{table}.{item}.allowed": False})).summary
        assert (fixed["total_cost"], fixed["total_co2"]) == pytest.approx((ruled_out["total_cost"], ruled_out["total_co2"]))
    assert solver.rebuilds == 1


def test_infeasible_without_an_item_is_indispensable():
    """With at least one symbiosis link required, L cannot go."""
    result = attribute(park(constraints={"min_symbiosis_links": 1}))
    first = result.items.iloc[0]
    assert first["item"] == "L"
    assert first["status_without"].startswith("indispensable")
    assert math.isnan(first["delta_cost"])


# --- greedy ----------------------------------------------------------------------------
@pytest.mark.parametrize(("objective", "greedy_cost", "greedy_co2"), [("cost", 124, 25), ("co2", 124, 25)])
def test_greedy_never_beats_the_optimum(objective, greedy_cost, greedy_co2):
    """Static ratios: saving per capex M2 1.1 > M3 0.9 > M1 0.7 (CO2e per capex M2 0.3 > M3 0.25 > M1 0.2).

    Greedy takes L and T (no limited budget), M2, M3 (90) and skips M1 (190 > 150):
    cost 50*2 + 9 + 15 = 124, CO2e 25, against the optimum's 90 and 15.
    """
    comparison = greedy_comparison(park(objective=objective))
    table = comparison.comparison.set_index("portfolio")
    assert (table.at["greedy", "total_cost"], table.at["greedy", "total_co2"]) == pytest.approx((greedy_cost, greedy_co2))
    assert (table.at["optimal", "total_cost"], table.at["optimal", "total_co2"]) == pytest.approx((90, 15))
    assert table.at["greedy - optimal", "cost_savings"] == pytest.approx(-34)
    ranking = comparison.ranking.set_index("item")
    assert ranking.at["M1", "greedy"] == "over budget"
    assert set(comparison.greedy.summary["measures_funded"]) == {"M2", "M3"}


@pytest.mark.parametrize("limit", [40, 140])
def test_greedy_is_never_better_at_other_budgets(limit):
    """At 40 both fund M3 alone; at 140 greedy funds M2 + M3 (saves 91), the optimum M1 + M3 (106)."""
    comparison = greedy_comparison(park(limit=limit)).comparison.set_index("portfolio")
    assert comparison.at["greedy", "total_cost"] >= comparison.at["optimal", "total_cost"] - 1e-9
    expected_gap = {40: 0, 140: 106 - 91}[limit]
    assert comparison.at["greedy", "total_cost"] - comparison.at["optimal", "total_cost"] == pytest.approx(expected_gap)


# --- command line ----------------------------------------------------------------------
@pytest.fixture
def park_path(tmp_path):
    return str(eipopt.write_scenario(park(), tmp_path / "park"))


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_pareto_json_and_files(tmp_path):
    path = str(eipopt.write_scenario(clean_park(), tmp_path / "clean"))
    out, stem = tmp_path / "front.csv", tmp_path / "plots" / "front"
    run = _run("pareto", path, "--points", "5", "--json", "--out", str(out), "--plot", str(stem))
    assert run.exit_code == 0
    payload = json.loads(run.stdout)
    assert [p["total_cost"] for p in payload["points"]] == pytest.approx([130, 180, 210])
    assert payload["n_dropped"] == 2
    assert len(pd.read_csv(out)) == 3
    assert (tmp_path / "plots" / "front.png").stat().st_size > 0
    assert (tmp_path / "plots" / "front.svg").read_text().lstrip().startswith("<?xml")


def test_cli_budget_attribute_greedy(park_path, tmp_path):
    run = _run("budget", park_path, "--budget", "recp", "--steps", "0:150:4", "--json", "--plot", str(tmp_path / "b"))
    assert run.exit_code == 0
    levels = json.loads(run.stdout)["levels"]
    assert [level["cost_savings"] for level in levels] == pytest.approx([525 + measure_optimum(v)[0] for v in (0, 50, 100, 150)])
    assert {p.name for p in tmp_path.glob("b_*")} == {"b_response.png", "b_response.svg", "b_abatement.png", "b_abatement.svg"}

    run = _run("attribute", park_path, "--out", str(tmp_path / "attribution.csv"))
    assert run.exit_code == 0
    assert "M1" in run.stdout
    assert list(pd.read_csv(tmp_path / "attribution.csv")["delta_cost"]) == pytest.approx([525, 175, 34, 19])

    run = _run("greedy", park_path, "--json")
    assert run.exit_code == 0
    rows = {row["portfolio"]: row for row in json.loads(run.stdout)["comparison"]}
    assert rows["greedy - optimal"]["total_cost"] == pytest.approx(34)


def test_cli_exit_codes(park_path):
    assert _run("budget", park_path, "--budget", "nope", "--steps", "1,2").exit_code == 2
    assert _run("budget", park_path, "--budget", "recp", "--steps", "1:2:x").exit_code == 2
    infeasible = _run("attribute", park_path, "--set", "constraints.min_symbiosis_links=2", "--json")
    assert infeasible.exit_code == 3
    assert json.loads(infeasible.stdout)["status"] == "infeasible"
