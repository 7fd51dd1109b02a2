"""``hoa_khanh``: Hoa Khanh industrial park, Da Nang.

The two symbioses the GEIPP project promoted here (seed 003): wet brewer's
grain from the park's brewery as animal feed, and paper waste collected from
tenants by a waste-paper collector. The collector's baling and sorting station
is a measure every collection link ``requires``, so collection starts only
where enough paper pays for the station. Tenants, volumes and prices are
assumptions (see PROVENANCE.md).
"""

from __future__ import annotations

from .common import Park
from .tenants import Tenant, add_tenants

PARK = "Hoa Khanh, Da Nang"
CITY = "Da Nang city"

TENANTS = [Tenant(*row) for row in [
    ("hk_brewery", "Brewery", "beer", PARK, 1.0, 1.0, 25_000, 600_000, "coal", 6_000),
    ("hk_feed", "Animal feed mill", "compound animal feed", PARK, 2.2, 0.6, 8_000, 20_000, "biomass", 3_000),
    ("hk_collector", "Waste-paper collector", "waste collection and baling", PARK, 1.8, 2.0, 300, 1_000, "", 0),
    ("hk_garment_1", "Garment factory 1", "apparel", PARK, 0.4, 2.4, 6_000, 30_000, "", 0),
    ("hk_garment_2", "Garment factory 2", "apparel", PARK, 2.9, 2.6, 5_000, 25_000, "", 0),
    ("hk_electronics", "Electronic components plant", "electronics", PARK, 3.3, 1.5, 20_000, 80_000, "", 0),
    ("hk_footwear", "Footwear factory", "footwear", PARK, 0.6, 0.3, 9_000, 40_000, "lpg", 400),
    ("hk_printing", "Printing and label plant", "printing", PARK, 1.2, 2.9, 3_000, 8_000, "", 0),
    ("hk_food", "Seafood and food processing plant", "food processing", PARK, 3.6, 0.4, 7_000, 150_000, "", 0),
]]
#: waste paper and cardboard each tenant throws away today (t/yr; assumption)
PAPER = {"hk_garment_1": 250, "hk_garment_2": 200, "hk_electronics": 400, "hk_footwear": 300, "hk_printing": 180, "hk_food": 150}
BREWERS_GRAIN = 30_000  # t/yr: ~150 million litres of beer at ~20 kg wet grain per hectolitre


def build() -> Park:
    park = Park(PARK)
    add_tenants(park, TENANTS)
    park.firm("city_farms", "Peri-urban livestock farms", "city: livestock (pigs, cattle)", -6.0, 5.0, role="city", park=CITY)

    park.flow("hk_brewery", "brewers_grain", generation=BREWERS_GRAIN)  # hauled to landfill today
    park.flow("hk_feed", "feed_grain", demand=40_000)
    park.flow("city_farms", "feed_grain", demand=20_000)
    for firm, tonnes in PAPER.items():
        park.flow(firm, "waste_paper", generation=tonnes)

    # wet grain (~23 % dry matter, spoils in days): 1 t replaces ~0.15 t of as-fed feed raw material
    park.link("is_brewers_grain_to_feed_mill", "hk_brewery", "hk_feed", "brewers_grain", sink_resource="feed_grain",
              yield_=0.15, capacity=15_000, mode="truck", equipment_capex=3e9, handling_cost=150_000)  # silage bunkers
    park.link("uis_brewers_grain_to_farms", "hk_brewery", "city_farms", "brewers_grain", sink_resource="feed_grain",
              yield_=0.15, capacity=20_000, mode="truck", equipment_capex=0.5e9, handling_cost=100_000, kind="UIS")

    park.measure(id="hk_collector_baling_station", firm="hk_collector", name="Baling press and sorting shed",
                 category="collection", capex=2.5e9, opex_change=300_000_000, lifetime_years=10)  # staff and power
    for firm in PAPER:
        park.link(f"is_paper_{firm.removeprefix('hk_')}_to_collector", firm, "hk_collector", "waste_paper",
                  sink_resource="recovered_paper", yield_=0.9, capacity=PAPER[firm], mode="truck",
                  equipment_capex=50e6, handling_cost=150_000, requires="hk_collector_baling_station")
    return park
