"""``khanh_phu_expansion``: when should the Khanh Phu CO2 link grow from 6,000 to 12,000 Nm3/h?

The ``khanh_phu`` exchange over 2022-2040 in yearly periods: the 6,000 Nm3/h
link operates (existing), the second 6,000 Nm3/h train is a candidate tier,
the liquid-CO2 market grows a fixed share a year and the grid emission factor
follows the published series, then an assumed decline
(:func:`.common.grid_ef`). Plant figures are those of ``scenarios/khanh_phu``
(its PROVENANCE.md); the market path and the emission factors after 2023 are
assumptions stated in this scenario's PROVENANCE.md.

:func:`build` takes the market's start and growth and the tier's capex as
arguments, so analyses can write variants of the scenario with the same code.
"""

from __future__ import annotations

from .common import Park, grid_ef

FIRST_YEAR, LAST_YEAR = 2022, 2040
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
LINK, TIER = "co2_offgas_to_liquid", "expand_12000"
MARKET_KEY = "flows.gas_plant:liquid_co2.sell_limit"
GRID_EF_KEY = "resources.electricity.buy_emission_factor"

MARKET_2022 = 76_000  # t/yr of liquid CO2 sold in 2022 (assumption: just above the 74,019 t the link delivers)
MARKET_GROWTH = 0.03  # a year (assumption)
TIER_CAPEX = 120e9  # VND, the second liquefaction train (as in khanh_phu)


def market(year: int, start: float = MARKET_2022, growth: float = MARKET_GROWTH) -> int:
    """Liquid CO2 the market takes in ``year`` (t/yr, whole tonnes): ``start`` grown by ``growth`` a year from 2022."""
    return round(start * (1 + growth) ** (year - FIRST_YEAR))


def build(market_start: float = MARKET_2022, market_growth: float = MARKET_GROWTH, tier_capex: float = TIER_CAPEX) -> Park:
    park = Park("Khanh Phu")
    park.firm("fertilizer_plant", "Ninh Binh Fertilizer Plant", "nitrogen fertilizer (coal-based urea)", 0.0, 0.0)
    park.firm("gas_plant", "Ninh Binh Industrial Gas JSC", "industrial gases (liquid CO2)", 0.6, 0.3)
    park.rows["resources"] += [
        dict(id="co2_offgas", name="CO2-rich off-gas from ammonia synthesis", unit="t", kind="emission",
             disposal_cost=0, disposal_emission_factor=1, density_kg_per_m3=1.977),
        dict(id="liquid_co2", name="Liquefied CO2 (food and industrial grade)", unit="t", kind="material", sell_price=2_500_000),
    ]
    park.resource("electricity", buy_emission_factor=grid_ef(FIRST_YEAR))
    park.flow("fertilizer_plant", "co2_offgas", generation=200_000)
    park.flow("gas_plant", "liquid_co2", sell_limit=market(FIRST_YEAR, market_start, market_growth))
    park.flow("gas_plant", "electricity")
    park.rows["links"].append(dict(
        id=LINK, source="fertilizer_plant", sink="gas_plant", resource="co2_offgas", sink_resource="liquid_co2", **{"yield": 1},
        capacity=6000, capacity_unit="Nm3/h", operating_hours=6240, capex=150e9, fixed_opex=10e9, variable_cost=300_000,
        variable_co2=0, lifetime_years=15, existing=True, kind="IS",
    ))
    park.rows["link_tiers"].append(dict(link=LINK, tier=TIER, capacity_added=6000, capex=tier_capex, fixed_opex=6e9))
    park.link_input(LINK, "electricity", 0.12, at="sink")
    later = YEARS[1:]
    park.profile(MARKET_KEY, {year: market(year, market_start, market_growth) for year in later})
    park.profile(GRID_EF_KEY, {year: grid_ef(year) for year in later})
    return park
