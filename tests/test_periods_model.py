"""Each time-coupled part of the model on a tiny scenario over two periods, optimum computed by hand.

Unless a test says otherwise: periods 2025-2029 and 2030-2034 (five years each),
discount rate 0, so each period weighs 5 and totals are 5 x the annual amounts.
The waste-to-feed park (:mod:`tests.tiny`): without the link, 50 t disposed at
10 and 60 t feed bought at 8 cost 980/yr and 0.1*50 + 0.2*60 = 17 tCO2e/yr;
with it, 30 t sent save 15.4/t, minus fixed opex 30 and capex 200/10 yr = 20:
568/yr and 9.2 tCO2e/yr.
"""

from __future__ import annotations

import pytest

import eipopt
from tests.tiny import electricity, saving, waste_to_feed

TWO = {"periods": {"years": [2025, 2030], "end": 2034}}


def _by_period(result, table: str, column: str, key: str = "id") -> dict:
    frame = result.tables[table]
    return {(row[key], row["period"]): row[column] for _, row in frame.iterrows()}


def test_an_item_is_built_once_and_operates_to_the_end():
    """The link pays from the start: built in 2025, operating in both periods, its capex counted once.

    Total 10 x 568 = 5,680 against 10 x 980 = 9,800; CO2e 10 x 9.2 = 92 t against 170 t.
    """
    result = eipopt.solve(waste_to_feed(TWO))
    s = result.summary
    assert s["total_cost"] == pytest.approx(5680)
    assert s["baseline_cost"] == pytest.approx(9800)
    assert s["total_co2"] == pytest.approx(92)
    assert s["co2_reduction"] == pytest.approx(170 - 92)
    assert s["capex_total"] == pytest.approx(200)
    assert s["horizon"] == {"years": [2025, 2030], "end": 2034, "n_years": 10, "discount_rate": 0.0}
    links = result.links.set_index(["id", "period"])
    assert links.loc[("L", 2025), "built"]
    assert links.loc[("L", 2030), "built"]
    assert links.loc[("L", 2030), "build_period"] == 2025
    periods = result.periods.set_index("period")
    assert periods["capex"].tolist() == [200, 0]
    assert periods["annualised_capex_paid"].tolist() == pytest.approx([20, 20])
    assert periods["built"].tolist() == ["L", ""]
    assert periods["annual_cost"].tolist() == pytest.approx([568, 568])
    assert periods["baseline_annual_cost"].tolist() == pytest.approx([980, 980])


def test_discounting_weighs_each_year():
    """One period 2025-2026 at r = 10%: weight 1 + 1/1.1 = 1.909091.

    Annualised capex 200 * CRF(10%, 10) = 200 * 0.1627454 = 32.549; annual cost
    288 + 200 + 32.549 + 30 + 30 = 580.549; present value 580.549 * 1.909091 = 1,108.32.
    Baseline 980 * 1.909091 = 1,870.91. CO2e is not discounted: 2 x 9.2 = 18.4 t.
    """
    result = eipopt.solve(waste_to_feed({"periods": {"years": [2025], "end": 2026}, "discount_rate": 0.1}))
    weight = 1 + 1 / 1.1
    assert result.summary["total_cost"] == pytest.approx(580.549 * weight, rel=1e-5)
    assert result.summary["objective_value"] == pytest.approx(580.549 * weight, rel=1e-5)
    assert result.summary["baseline_cost"] == pytest.approx(980 * weight)
    assert result.summary["total_co2"] == pytest.approx(18.4)
    assert result.periods.at[0, "discount_weight"] == pytest.approx(weight)


def test_the_link_waits_for_its_market():
    """Disposal is free until 2030 (a profile), so the link is built in 2030, not 2025.

    With fixed opex 150: in 2025 it would gain 30 t x (0.8*8 - 1) = 162 for 150 + 20 a year
    (-8/yr); from 2030, 30 x 15.4 = 462 for 170 (+292/yr). Cost: 2025-29 buying feed
    only, 480/yr; 2030-34 with the link, 288 + 200 + 20 + 150 + 30 = 688/yr.
    Total 5*480 + 5*688 = 5,840 (building in 2025 would cost 5*488 + 5*688 = 5,880).
    """
    scenario = waste_to_feed(
        TWO, link={"fixed_opex": 150},
        profiles=[{"key": "resources.waste.disposal_cost", "period": 2025, "value": 0},
                  {"key": "resources.waste.disposal_cost", "period": 2030, "value": 10}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(5840)
    assert result.tiers.empty
    assert result.links.at[0, "build_period"] == 2030
    assert _by_period(result, "links", "built") == {("L", 2025): False, ("L", 2030): True}


def test_a_capex_that_falls_is_a_reason_to_wait():
    """Capex 3,000 (300/yr) in 2025, 200 (20/yr) from 2030; the link gains 432/yr before capex.

    Built in 2025 it pays 300/yr over all ten years (the capex in force when built):
    10 x (432 - 300) = 1,320 saved. Built in 2030 it pays 20/yr: 5 x 412 = 2,060 saved.
    So it waits: 5*980 + 5*568 = 7,740.
    """
    scenario = waste_to_feed(TWO, link={"capex": 3000}, profiles=[{"key": "links.L.capex", "period": 2030, "value": 200}])
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(7740)
    assert result.links.loc[result.links["period"] == 2030, "build_period"].tolist() == [2030]
    assert result.periods["annualised_capex_paid"].tolist() == pytest.approx([0, 20])
    assert result.summary["capex_total"] == pytest.approx(200)


def test_capex_in_force_when_built_is_paid_to_the_end():
    """Capex 200 in 2025 and 100 from 2030: built in 2025, it pays 20/yr in both periods (not 10 from 2030)."""
    scenario = waste_to_feed(TWO, profiles=[{"key": "links.L.capex", "period": 2030, "value": 100}])
    result = eipopt.solve(scenario)
    assert result.periods["annualised_capex_paid"].tolist() == pytest.approx([20, 20])
    assert result.summary["total_cost"] == pytest.approx(5680)


def test_tiers_in_order_over_time():
    """Tier t1 (+10 t) costs 2,000 (200/yr) in 2025 and nothing from 2030; t2 (+10 t) is free.

    Each tier sends 10 t more, gaining 154/yr. Without the order, t2 in 2025 and t1 in 2030
    would gain 5*154 + 5*308 = 2,310; t2 needs t1, and t1 built in 2025 pays 200/yr for ten
    years: both in 2025 gain 10*(308 - 200) = 1,080, both in 2030 gain 5*308 = 1,540. Both
    wait for 2030. Annual cost 568 (2025-29) and, with all 50 t sent, 20*8 + 50*1 + 20 + 30 = 260.
    Total 5*568 + 5*260 = 4,140.
    """
    tiers = [{"link": "L", "tier": "t1", "capacity_added": 10, "capex": 2000},
             {"link": "L", "tier": "t2", "capacity_added": 10, "capex": 0}]
    scenario = waste_to_feed(TWO, link_tiers=tiers, profiles=[{"key": "link_tiers.L:t1.capex", "period": 2030, "value": 0}])
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(4140)
    assert result.tiers.set_index("item")["build_period"].to_dict() == {"L:t1": 2030, "L:t2": 2030}
    assert result.links.set_index(["id", "period"]).loc[("L", 2030), "capacity_built"] == pytest.approx(50)


def test_a_budget_of_the_first_period_delays_the_link():
    """A 2025 budget of 100 cannot pay the link's 200: built in 2030. 5*980 + 5*568 = 7,740."""
    scenario = waste_to_feed({**TWO, "budgets": [{"id": "early", "limit": 100, "period": 2025}, {"id": "all"}]})
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(7740)
    assert result.summary["budgets"] == {"early": {"limit": 100, "used": 0.0}, "all": {"limit": None, "used": 200.0}}
    assert result.budgets.set_index("id")["period"].to_dict() == {"early": 2025, "all": None}


def test_a_budget_over_the_horizon_counts_builds_in_every_period():
    """A horizon budget of 150 rules the link (200) out in either period: 10 x 980 = 9,800."""
    scenario = waste_to_feed({**TWO, "budgets": [{"id": "all", "limit": 150}]})
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(9800)
    assert result.summary["links_built"] == []


def test_budget_use_amounts_in_force_in_the_build_period():
    """The link draws 300 from a grant of 250 if built in 2025 but 200 from 2030 (budget_use profile): it waits.

    7,740 as when it waits for a budget.
    """
    scenario = waste_to_feed(
        {**TWO, "budgets": [{"id": "grant", "limit": 250}]},
        budget_use=[{"item": "L", "budget": "grant", "amount": 300}],
        profiles=[{"key": "budget_use.L:grant.amount", "period": 2030, "value": 200}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(7740)
    assert result.summary["budgets"]["grant"]["used"] == pytest.approx(200)


def test_a_declining_co2_cap_is_a_pathway():
    """No cap until 2030, then 35 t/yr: the 40 MWh saving (30 t/yr) is funded in 2030, not before.

    The measure costs 1,000/10 yr = 100/yr for 80/yr of electricity: it is funded only for the cap.
    Cost 5*200 + 5*(60*2 + 100) = 2,100; CO2e 5*50 + 5*30 = 400 t.
    """
    measure, effect = saving("m1", 40, 1000)
    scenario = electricity(
        {**TWO}, measures=[measure], effects=[effect],
        profiles=[{"key": "constraints.max_co2", "period": 2030, "value": 35}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(2100)
    assert result.summary["total_co2"] == pytest.approx(400)
    assert result.measures.set_index("id").at["m1", "build_period"] == 2030
    # the baseline is not held to the plan's cap
    assert result.summary["baseline_co2"] == pytest.approx(500)


def test_profiles_step_prices_and_emission_factors():
    """Electricity at 2/MWh and 0.5 t/MWh, then 3/MWh and 0.3 t/MWh from 2030: 100 MWh a year.

    Cost 5*200 + 5*300 = 2,500; CO2e 5*50 + 5*30 = 400 t; nothing to build, so baseline = plan.
    """
    scenario = electricity(
        {**TWO},
        profiles=[{"key": "resources.elec.buy_price", "period": 2030, "value": 3},
                  {"key": "resources.elec.buy_emission_factor", "period": 2030, "value": 0.3}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(2500)
    assert result.summary["total_co2"] == pytest.approx(400)
    assert result.periods["annual_co2"].tolist() == pytest.approx([50, 30])
    breakdown = result.breakdown.set_index(["period", "quantity", "component"])["value"]
    assert breakdown[(2030, "cost", "purchases")] == pytest.approx(300)


def test_co2_and_weighted_objectives_over_the_horizon():
    """A measure cutting 20 t/yr directly for 100/yr (capex 1,000 over 10 yr), carbon price 4 then 6 from 2030.

    ``co2``: least cumulative CO2e funds it in 2025: 10 x 30 = 300 t, cost 10 x 300 = 3,000.
    ``weighted``: it pays when the price exceeds 5/t, so from 2030:
    5*(200 + 4*50) + 5*(300 + 6*30) = 2,000 + 2,400 = 4,400.
    """
    green = {"id": "green", "firm": "F", "capex": 1000, "lifetime_years": 10, "direct_co2_change": -20}
    settings = {**TWO, "carbon_price": 4}
    profiles = [{"key": "carbon_price", "period": 2030, "value": 6}]
    co2 = eipopt.solve(electricity(settings, measures=[green], profiles=profiles), objective="co2")
    assert co2.summary["total_co2"] == pytest.approx(300)
    assert co2.summary["total_cost"] == pytest.approx(3000)
    weighted = eipopt.solve(electricity(settings, measures=[green], profiles=profiles), objective="weighted")
    assert weighted.summary["objective_value"] == pytest.approx(4400)
    assert weighted.measures.at[0, "build_period"] == 2030


def test_requirements_and_groups_hold_in_every_period():
    """m2 requires m1; m1 and m3 are alternatives (one group). Savings 30 and 20 MWh, 40 for m3.

    m1 costs 20/yr for 60/yr of electricity, m2 10/yr for 40/yr, m3 60/yr for 80/yr. Best set
    by cost: m1 + m2 (net 70/yr) against m3 (net 20/yr); both from 2025: 10 x (200 - 70) = 1,300.
    """
    m1, e1 = saving("m1", 30, 200, group="g")
    m2, e2 = saving("m2", 20, 100, requires="m1")
    m3, e3 = saving("m3", 40, 600, group="g")
    result = eipopt.solve(electricity(TWO, measures=[m1, m2, m3], effects=[e1, e2, e3]))
    assert result.summary["total_cost"] == pytest.approx(1300)
    assert result.measures.set_index("id")["build_period"].to_dict() == {"m1": 2025, "m2": 2025, "m3": None}


def test_forbid_and_force_hold_in_every_period():
    """Forbidding the link keeps the baseline (9,800); forcing a ruled-in item builds it from 2025."""
    solver = eipopt.ScenarioSolver()
    scenario = waste_to_feed(TWO, link={"fixed_opex": 150},
                             profiles=[{"key": "resources.waste.disposal_cost", "period": 2025, "value": 0},
                                       {"key": "resources.waste.disposal_cost", "period": 2030, "value": 10}])
    assert solver.solve(scenario, forbid=["L"]).summary["links_built"] == []
    forced = solver.solve(scenario, force=["L"])
    assert forced.summary["total_cost"] == pytest.approx(5880)  # 5*488 + 5*688, see test_the_link_waits_for_its_market
    assert forced.links.loc[forced.links["period"] == 2025, "built"].tolist() == [True]


def test_a_cap_on_cumulative_co2e():
    """constraints.max_co2_total = 450 t over ten years (the baseline emits 500).

    The 40 MWh saving (30 t/yr, net cost 20/yr) from 2030 gives 5*50 + 5*30 = 400 t for 5*20 = 100;
    from 2025, 300 t for 200. Cost 5*200 + 5*220 = 2,100.
    """
    measure, effect = saving("m1", 40, 1000)
    result = eipopt.solve(electricity({**TWO, "constraints": {"max_co2_total": 450}}, measures=[measure], effects=[effect]))
    assert result.summary["total_cost"] == pytest.approx(2100)
    assert result.summary["total_co2"] == pytest.approx(400)


def test_an_unreachable_cap_names_its_period():
    """From 2030 the cap is 10 t/yr but the best reachable is 30 t/yr: infeasible, and the finding says when."""
    measure, effect = saving("m1", 40, 1000)
    scenario = electricity({**TWO}, measures=[measure], effects=[effect],
                           profiles=[{"key": "constraints.max_co2", "period": 2030, "value": 10}])
    result = eipopt.solve(scenario)
    assert result.status == "infeasible"
    assert result.summary["infeasibility"] == [
        "constraints.max_co2 cannot be met in the period from 2030: the least CO2e reachable is 20 tCO2e/yr above it"
    ]


def test_solve_prints_the_investment_schedule(tmp_path):
    """The command line shows period, what is built and its capex (the link, 200, in 2030-2034)."""
    from click.testing import CliRunner

    from eipopt.cli import main
    from eipopt.io import write_scenario

    folder = write_scenario(waste_to_feed(TWO, link={"capex": 3000}, profiles=[{"key": "links.L.capex", "period": 2030, "value": 200}]), tmp_path / "park")
    run = CliRunner().invoke(main, ["solve", str(folder)], terminal_width=200)
    assert run.exit_code == 0, run.output
    schedule = run.output[run.output.index("Investment schedule"):]
    assert "2025-2029" in schedule
    line = next(row for row in schedule.splitlines() if "2030-2034" in row)
    assert " L " in line
    assert "200" in line
    assert "568" in line


def test_an_unmet_budget_of_a_period_names_it():
    """Decree 35 requires the link from 2025 but the 2025 budget (150) cannot pay its 200: infeasible, and why.

    The diagnosis weighs a budget overrun by its limit (50/150) against a missing link (1): the budget.
    """
    scenario = waste_to_feed({**TWO, "constraints": {"min_symbiosis_links": 1}, "budgets": [{"id": "early", "limit": 150, "period": 2025}]})
    result = eipopt.solve(scenario)
    assert result.status == "infeasible"
    assert result.summary["infeasibility"] == ["budget 'early' (items built in the period from 2025) is 50 VND short of what the required items draw"]


def test_a_tier_is_annualised_over_its_links_lifetime_in_force_when_built():
    """The link (200 over 10 years: 20/yr) is built in 2025; from 2030 lifetimes are 20 years and A makes 50 t.

    The tier (+20 t, capex 100) is worth building only from 2030 (20 t x 15.4 = 308/yr), and then
    pays 100/20 = 5/yr, not 100/10: capex paid 20/yr in 2025-29 and 25/yr in 2030-34. The link keeps
    paying 20/yr (its lifetime when it was built).
    """
    scenario = waste_to_feed(
        TWO,
        flows=[{"firm": "A", "resource": "waste", "generation": 30}, {"firm": "B", "resource": "feed", "demand": 60}],
        link_tiers=[{"link": "L", "tier": "t1", "capacity_added": 20, "capex": 100}],
        profiles=[{"key": "flows.A:waste.generation", "period": 2030, "value": 50},
                  {"key": "links.L.lifetime_years", "period": 2030, "value": 20}],
    )
    result = eipopt.solve(scenario)
    assert result.tiers.set_index("item").at["L:t1", "build_period"] == 2030
    assert result.periods["annualised_capex_paid"].tolist() == pytest.approx([20, 25])
