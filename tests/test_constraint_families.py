"""Every constraint family on a tiny scenario whose optimum is computed by hand.

Scenario definitions and the per-tonne arithmetic are in :mod:`tests.tiny`.
"""

from __future__ import annotations

import importlib

import pytest

import eipopt
from eipopt.model.constraints import FAMILIES
from tests.tiny import WASTE, electricity, saving, waste_to_feed

TESTED_FAMILIES = {
    "add_balances": "test_balance_with_market_purchase",
    "add_link_capacity": "test_link_capacity_and_yield",
    "add_tier_order": "test_tiers_are_built_in_order",
    "add_market_limits": "test_buy_limit_with_existing_link",
    "add_measure_groups": "test_one_measure_per_group",
    "add_requirements": "test_requires_funds_the_prerequisite",
    "add_min_symbiosis": "test_min_symbiosis_links_forces_a_link",
    "add_budgets": "test_budget_applies_to_measures",
    # time-coupled families are tested with the periods (module:test)
    "add_build_once": "tests.test_periods_model:test_an_item_is_built_once_and_operates_to_the_end",
}


def test_every_constraint_family_has_a_test():
    """A new family without a hand-computed test fails here."""
    names = {family.__name__ for family in FAMILIES}
    assert names == set(TESTED_FAMILIES)
    for test_name in TESTED_FAMILIES.values():
        module, _, name = test_name.rpartition(":")
        assert name in (vars(importlib.import_module(module)) if module else globals())


def test_balance_with_market_purchase():
    """100 MWh bought at 2 -> cost 200; CO2e 100 * 0.5 = 50."""
    result = eipopt.solve(electricity())
    assert result.status == "optimal"
    assert result.summary["total_cost"] == pytest.approx(200)
    assert result.summary["total_co2"] == pytest.approx(50)
    assert result.flows.set_index(["firm", "resource"]).at[("F", "elec"), "buy"] == pytest.approx(100)


def test_measure_effect_on_demand():
    """Saving 40 MWh for capex 100/10 yr: 60*2 + 10 = 130 < 200, so it is funded; CO2e 30."""
    measure, effect = saving("m1", 40, 100)
    result = eipopt.solve(electricity(measures=[measure], effects=[effect]))
    assert result.summary["total_cost"] == pytest.approx(130)
    assert result.summary["total_co2"] == pytest.approx(30)
    assert result.summary["cost_savings"] == pytest.approx(70)
    assert result.summary["measures_funded"] == ["m1"]


def test_measure_generation_change_and_opex():
    """A measure cutting 20 t of A's waste (opex +15/yr, no capex) saves 20*10 - 15 = 185.

    Baseline with link ruled out: 50*10 + 60*8 = 980; with the measure: 30*10 + 480 + 15 = 795.
    """
    scenario = waste_to_feed(
        link={"allowed": "false"},
        measures=[{"id": "less_waste", "firm": "A", "opex_change": 15}],
        measure_effects=[{"measure": "less_waste", "resource": "waste", "generation_change": -20}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["baseline_cost"] == pytest.approx(980)
    assert result.summary["total_cost"] == pytest.approx(795)


def test_link_capacity_and_yield():
    """Flow 30 (capacity): disposal 20*10 + feed (60 - 0.8*30)*8 + 20 + 30 + 30*1 = 568.

    Baseline 50*10 + 60*8 = 980; CO2e 20*0.1 + 36*0.2 = 9.2 against 5 + 12 = 17.
    """
    result = eipopt.solve(waste_to_feed())
    assert result.summary["total_cost"] == pytest.approx(568)
    assert result.summary["baseline_cost"] == pytest.approx(980)
    assert result.summary["total_co2"] == pytest.approx(9.2)
    assert result.summary["co2_reduction"] == pytest.approx(17 - 9.2)
    link = result.links.set_index("id").loc["L"]
    assert link["flow"] == pytest.approx(30)
    assert link["delivered"] == pytest.approx(24)
    assert link["utilisation"] == pytest.approx(1.0)


def test_tiers_add_capacity():
    """Tier t1 (+10 t, 10/yr) then free t2 (+10 t): all 50 t sent.

    980 - 50*15.4 + 20 + 30 (link) + 10 (t1) = 270.
    """
    tiers = [
        {"link": "L", "tier": "t1", "capacity_added": 10, "capex": 100},
        {"link": "L", "tier": "t2", "capacity_added": 10, "capex": 0},
    ]
    result = eipopt.solve(waste_to_feed(link_tiers=tiers))
    assert result.summary["total_cost"] == pytest.approx(270)
    assert result.summary["tiers_built"] == ["L:t1", "L:t2"]
    link = result.tables["links"].set_index("id").loc["L"]
    assert link["tiers_built"] == "t1;t2"
    assert link["capacity_built"] == pytest.approx(50)


def test_tiers_are_built_in_order():
    """t1 costs 400/yr, t2 is free: t2 alone would pay (10*15.4 = 154) but needs t1 first.

    t1 + t2 give 20*15.4 - 400 = -92 < 0, so neither: cost stays 568 (not 568 - 154 = 414).
    """
    tiers = [
        {"link": "L", "tier": "t1", "capacity_added": 10, "capex": 4000},
        {"link": "L", "tier": "t2", "capacity_added": 10, "capex": 0},
    ]
    result = eipopt.solve(waste_to_feed(link_tiers=tiers))
    assert result.summary["total_cost"] == pytest.approx(568)
    assert result.summary["tiers_built"] == []


def test_tier_needs_its_link():
    """A profitable tier on a ruled-out link cannot be built: cost stays at the baseline 980."""
    tiers = [{"link": "L", "tier": "t1", "capacity_added": 10, "capex": 0}]
    result = eipopt.solve(waste_to_feed(link={"allowed": "false"}, link_tiers=tiers))
    assert result.summary["total_cost"] == pytest.approx(980)
    assert result.summary["tiers_built"] == []


def test_sell_limit():
    """Waste sells at 5 up to 20 t; the rest is disposed of at 10: -100 + 300 + feed 480 = 680."""
    resources = [{**WASTE, "sell_price": 5}, {"id": "feed", "unit": "t", "buy_price": 8}]
    flows = [
        {"firm": "A", "resource": "waste", "generation": 50, "sell_limit": 20},
        {"firm": "B", "resource": "feed", "demand": 60},
    ]
    result = eipopt.solve(waste_to_feed(link={"allowed": "false"}, resources=resources, flows=flows))
    assert result.summary["total_cost"] == pytest.approx(680)


def test_buy_limit_with_existing_link():
    """F needs 100 MWh heat, buys at most 70 at 2; an existing link from U (variable 3/MWh,
    fixed opex 5, sunk capex 1000) supplies the rest: 140 + 30*3 + 5 = 235.
    """
    resources = [{"id": "heat", "unit": "MWh", "kind": "energy", "buy_price": 2, "disposal_cost": 0}]
    flows = [
        {"firm": "F", "resource": "heat", "demand": 100, "buy_limit": 70},
        {"firm": "U", "resource": "heat", "generation": 50},
    ]
    links = [{"id": "steam", "source": "U", "sink": "F", "resource": "heat", "capacity": 50, "capex": 1000,
              "lifetime_years": 10, "fixed_opex": 5, "variable_cost": 3, "existing": "true"}]
    scenario = electricity(resources=resources, firms=[{"id": "F"}, {"id": "U"}], flows=flows, links=links)
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(235)
    assert result.summary["baseline_cost"] == pytest.approx(235)  # existing links operate in the baseline
    assert result.summary["n_links_built"] == 0
    assert result.summary["capex_total"] == pytest.approx(0)


def test_one_measure_per_group():
    """m1 saves 40 MWh for 10/yr (net 70), m2 saves 60 for 30/yr (net 90); same group -> m2 only: 110."""
    m1, e1 = saving("m1", 40, 100, group="boiler")
    m2, e2 = saving("m2", 60, 300, group="boiler")
    result = eipopt.solve(electricity(measures=[m1, m2], effects=[e1, e2]))
    assert result.summary["total_cost"] == pytest.approx(110)
    assert result.summary["measures_funded"] == ["m2"]


def test_requires_funds_the_prerequisite():
    """m_a alone loses (saves 10, costs 20/yr); m_b requires m_a and gains 60 - 10 = 50.

    Both: 200 - 10 - 60 + 20 + 10 = 160 (m_b alone, if allowed, would give 150).
    """
    ma, ea = saving("m_a", 5, 200)
    mb, eb = saving("m_b", 30, 100, requires="m_a")
    result = eipopt.solve(electricity(measures=[ma, mb], effects=[ea, eb]))
    assert result.summary["total_cost"] == pytest.approx(160)
    assert sorted(result.summary["measures_funded"]) == ["m_a", "m_b"]


def test_link_requires_a_measure():
    """The link requires a pre-treatment measure costing 500/yr: 568 + 500 > 980, so neither is built."""
    scenario = waste_to_feed(
        link={"requires": "pretreat"},
        measures=[{"id": "pretreat", "firm": "A", "opex_change": 500}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(980)
    assert result.summary["links_built"] == []


def test_min_symbiosis_links_forces_a_link():
    """With fixed opex 1000 the link loses money, but Decree 35 asks for one IS link.

    Cost 20*10 + 36*8 + 20 + 1000 + 30 = 1538; the baseline (today's park) stays 980.
    """
    scenario = waste_to_feed(
        settings={"constraints": {"min_symbiosis_links": 1}}, link={"fixed_opex": 1000}
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(1538)
    assert result.summary["baseline_cost"] == pytest.approx(980)
    assert result.summary["cost_savings"] == pytest.approx(980 - 1538)
    free = eipopt.solve(waste_to_feed(link={"fixed_opex": 1000}))
    assert free.summary["links_built"] == []


def test_uis_links_do_not_count_for_decree_35():
    """The only link is UIS, so 'at least one IS link' is infeasible (exit code 3), and said why."""
    scenario = waste_to_feed(settings={"constraints": {"min_symbiosis_links": 1}}, link={"kind": "UIS"})
    result = eipopt.solve(scenario)
    assert result.status == "infeasible"
    assert result.exit_code == 3
    assert "min_symbiosis_links" in result.summary["infeasibility"][0]


def _two_savings(budget: dict, **tables):
    m1, e1 = saving("m1", 40, 100)
    m2, e2 = saving("m2", 60, 300)
    return electricity(settings={"budgets": [budget]}, measures=[m1, m2], effects=[e1, e2], **tables)


def test_budget_applies_to_measures():
    """Both measures (capex 400) would cost 40; a 350 measures budget allows only m2: 110."""
    result = eipopt.solve(_two_savings({"id": "b", "limit": 350, "applies_to": "measures"}))
    assert result.summary["total_cost"] == pytest.approx(110)
    assert result.summary["budgets"]["b"] == {"limit": 350, "used": 300}


def test_budget_applies_to_links_leaves_measures_free():
    """A links-only budget does not limit measures: both funded, 0 MWh bought, cost 10 + 30 = 40."""
    result = eipopt.solve(_two_savings({"id": "b", "limit": 350, "applies_to": "links"}))
    assert result.summary["total_cost"] == pytest.approx(40)
    assert result.summary["budgets"]["b"]["used"] == pytest.approx(0)


def test_budget_use_rows_replace_capex():
    """A grant draws 50 for m1 and 260 for m2 (not their capex): 310 > 300 -> m2 only; 320 -> both."""
    use = [{"item": "m1", "budget": "grant", "amount": 50}, {"item": "m2", "budget": "grant", "amount": 260}]
    tight = eipopt.solve(_two_savings({"id": "grant", "limit": 300}, budget_use=use))
    assert tight.summary["total_cost"] == pytest.approx(110)
    assert tight.summary["budgets"]["grant"]["used"] == pytest.approx(260)
    loose = eipopt.solve(_two_savings({"id": "grant", "limit": 320}, budget_use=use))
    assert loose.summary["total_cost"] == pytest.approx(40)


def test_budget_counts_link_and_tier_capex():
    """Link capex 200 + tier capex 100 = 300 > budget 250, so only the link: cost 568, used 200."""
    tiers = [{"link": "L", "tier": "t1", "capacity_added": 10, "capex": 100}]
    result = eipopt.solve(waste_to_feed(settings={"budgets": [{"id": "b", "limit": 250}]}, link_tiers=tiers))
    assert result.summary["total_cost"] == pytest.approx(568)
    assert result.summary["budgets"]["b"]["used"] == pytest.approx(200)


def test_max_co2_cap():
    """CO2e at most 10 t: m1 alone leaves 30 t, m2 alone 20 t, both 0 t -> both funded, cost 40."""
    m1, e1 = saving("m1", 40, 100)
    m2, e2 = saving("m2", 60, 300)
    result = eipopt.solve(electricity(settings={"constraints": {"max_co2": 10}}, measures=[m1, m2], effects=[e1, e2]))
    assert result.summary["total_cost"] == pytest.approx(40)
    assert result.summary["total_co2"] == pytest.approx(0)
    assert result.summary["baseline_co2"] == pytest.approx(50)  # the cap binds the plan, not today's park


def test_link_inputs_consume_at_the_sink():
    """The link uses 0.5 MWh per t sent at B (buy 2/MWh, 0.5 tCO2e/MWh): variable cost 1 + 1 = 2/t.

    Flow 30: 568 + 30 = 598; CO2e 9.2 + 15 * 0.5 = 16.7; B buys 15 MWh.
    """
    scenario = waste_to_feed(
        resources=[WASTE, {"id": "feed", "unit": "t", "buy_price": 8, "buy_emission_factor": 0.2},
                   {"id": "elec", "unit": "MWh", "kind": "energy", "buy_price": 2, "buy_emission_factor": 0.5}],
        link_inputs=[{"link": "L", "resource": "elec", "per_unit_sent": 0.5}],
    )
    result = eipopt.solve(scenario)
    assert result.summary["total_cost"] == pytest.approx(598)
    assert result.summary["total_co2"] == pytest.approx(16.7)
    flows = result.flows.set_index(["firm", "resource"])
    assert flows.at[("B", "elec"), "buy"] == pytest.approx(15)
    assert flows.at[("B", "elec"), "link_use"] == pytest.approx(15)


def test_ruled_out_tier_is_not_built():
    """The free tier of test_tiers_add_capacity, ruled out: t1 alone (+10 t, 10/yr): 568 - 154 + 10 = 424."""
    tiers = [
        {"link": "L", "tier": "t1", "capacity_added": 10, "capex": 100},
        {"link": "L", "tier": "t2", "capacity_added": 10, "capex": 0, "allowed": "false"},
    ]
    result = eipopt.solve(waste_to_feed(link_tiers=tiers))
    assert result.summary["tiers_built"] == ["L:t1"]
    assert result.summary["total_cost"] == pytest.approx(424)


def test_reused_model_picks_up_a_new_symbiosis_requirement():
    """0 -> 1 required IS links on one ScenarioSolver: the second solve must build the losing link (1538)."""
    solver = eipopt.ScenarioSolver()
    scenario = waste_to_feed(link={"fixed_opex": 1000})
    assert solver.solve(scenario).summary["links_built"] == []
    forced = solver.solve(scenario.with_overrides({"constraints.min_symbiosis_links": 1}))
    assert forced.summary["total_cost"] == pytest.approx(1538)
    assert solver.solve(scenario).summary["links_built"] == []
