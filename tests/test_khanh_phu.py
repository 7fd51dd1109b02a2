"""The Khanh Phu CO2 exchange against its documented figures, and the expansion decision.

Scenario figures (PROVENANCE.md): off-gas 1.977 kg/Nm3 at 6,240 full-load hours; liquid CO2 sells
at 2.5 million VND/t up to 120,000 t/yr; 0.12 MWh/t liquefaction power at 1,920,370 VND/MWh and
0.6592 tCO2e/MWh; variable cost 300,000 VND/t; discount rate 10 %, 15-year lifetime.
"""

from __future__ import annotations

import pytest

import eipopt

BASE_FLOW = 6000 * 6240 * 1.977 / 1000  # t/yr at 6,000 Nm3/h = 74,018.88
POWER_CO2 = 0.12 * 0.6592  # tCO2e per t liquefied


@pytest.fixture(scope="module")
def scenario():
    return eipopt.load_scenario("scenarios/khanh_phu")


def test_6000_nm3_per_hour_avoids_over_74_kt_vented(scenario):
    """Without the expansion tier, the link runs at 6,000 Nm3/h: 74,018.88 t/yr no longer vented.

    Net reduction after the plant's own electricity: 74,018.88 * (1 - 0.12 * 0.6592) = 68,163.7 t.
    """
    result = eipopt.solve(scenario.with_overrides({"link_tiers.co2_offgas_to_liquid:expand_12000.capex": 1e13}))
    assert result.summary["tiers_built"] == []
    breakdown = result.breakdown.set_index(["quantity", "component"])
    vented_avoided = breakdown.at[("co2", "disposal"), "baseline_value"] - breakdown.at[("co2", "disposal"), "value"]
    assert vented_avoided == pytest.approx(BASE_FLOW, rel=1e-9)
    assert vented_avoided > 74_000
    assert result.summary["co2_reduction"] == pytest.approx(BASE_FLOW * (1 - POWER_CO2), rel=1e-9)
    assert result.summary["co2_reduction"] < vented_avoided


def test_default_market_chooses_the_expansion(scenario):
    """At a 120 kt/yr market, the second 6,000 Nm3/h sells 120,000 - 74,018.88 = 45,981 t.

    Margin per t: 2,500,000 - 300,000 - 0.12 * 1,920,370 = 1,969,556 VND -> 90.6 billion VND/yr,
    against tier capex 120 bn * CRF(10 %, 15 y) 0.131474 = 15.8 bn plus 6 bn fixed opex: chosen.
    """
    result = eipopt.solve(scenario)
    assert result.summary["tiers_built"] == ["co2_offgas_to_liquid:expand_12000"]
    assert result.links.set_index("id").at["co2_offgas_to_liquid", "flow"] == pytest.approx(120_000)


def test_market_no_larger_than_the_base_plant_rejects_the_expansion(scenario):
    """A 74 kt/yr market is filled by the base plant: the tier would add cost and no sales."""
    result = eipopt.solve(scenario.with_overrides({"flows.gas_plant:liquid_co2.sell_limit": 74_000}))
    assert result.summary["links_built"] == ["co2_offgas_to_liquid"]
    assert result.summary["tiers_built"] == []


def test_expansion_break_even_market_size(scenario):
    """The tier pays when extra sales * 1,969,556 > 15,776,929,... + 6e9 = 21.78 bn VND/yr,
    i.e. extra sales > 11,056 t: market 84,000 t (extra 9,981 t) -> no; 86,000 t (extra 11,981 t) -> yes.
    """
    small = eipopt.solve(scenario.with_overrides({"flows.gas_plant:liquid_co2.sell_limit": 84_000}))
    large = eipopt.solve(scenario.with_overrides({"flows.gas_plant:liquid_co2.sell_limit": 86_000}))
    assert small.summary["tiers_built"] == []
    assert large.summary["tiers_built"] == ["co2_offgas_to_liquid:expand_12000"]


def test_low_price_or_high_capex_reject_the_expansion(scenario):
    """At 600,000 VND/t the margin is 69,556 VND/t: 45,981 t earn 3.2 bn < 21.8 bn -> no tier.
    With tier capex at 1,000 bn VND (131 bn/yr) the 90.6 bn/yr margin does not pay either.
    """
    cheap = eipopt.solve(scenario.with_overrides({"resources.liquid_co2.sell_price": 600_000}))
    assert cheap.summary["tiers_built"] == []
    dear = eipopt.solve(scenario.with_overrides({"link_tiers.co2_offgas_to_liquid:expand_12000.capex": 1e12}))
    assert dear.summary["tiers_built"] == []
    assert dear.summary["links_built"] == ["co2_offgas_to_liquid"]


def test_budget_too_small_for_the_expansion(scenario):
    """The base plant (150 bn) and the tier (120 bn) need 270 bn; a 200 bn budget allows the base only."""
    result = eipopt.solve(scenario.with_overrides({"budgets.investment.limit": 2e11}))
    assert result.summary["tiers_built"] == []
    assert result.summary["budgets"]["investment"]["used"] == pytest.approx(1.5e11)
