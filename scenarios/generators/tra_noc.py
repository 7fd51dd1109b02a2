"""``tra_noc``: Tra Noc 1 & 2 industrial parks, Can Tho.

The two symbioses the GEIPP project promoted here (seed 003): reuse of
wastewater-treatment sludge (as organic-fertiliser feedstock, or compost in
the city) and biogas from a seafood processor's anaerobic wastewater
treatment shared with neighbours' boilers. Tenants, volumes and prices are
assumptions (see PROVENANCE.md).
"""

from __future__ import annotations

from .common import BIOGAS_GJ_PER_NM3, Park, fuel_replaced
from .tenants import Tenant, add_tenants

PARK = "Tra Noc 1 & 2, Can Tho"
CITY = "Can Tho city"

TENANTS = [Tenant(*row) for row in [
    ("tn_seafood_1", "Pangasius processing plant 1", "frozen fish fillets", PARK, 1.0, 1.0, 15_000, 400_000, "", 0),
    ("tn_seafood_2", "Pangasius processing plant 2", "frozen fish fillets and by-products", PARK, 1.6, 1.3, 12_000, 350_000, "fuel_oil", 600),
    ("tn_seafood_3", "Shrimp processing plant", "frozen shrimp", PARK, 2.4, 0.8, 8_000, 250_000, "lpg", 200),
    ("tn_feed", "Aquafeed mill", "fish feed", PARK, 0.6, 1.8, 14_000, 30_000, "coal", 5_000),
    ("tn_beverage", "Beverage plant", "beverages", PARK, 1.9, 2.1, 10_000, 200_000, "lpg", 500),
    ("tn_fertiliser", "Organic fertiliser plant", "organic and microbial fertiliser", PARK, 3.2, 2.4, 2_000, 5_000, "", 0),
]]
SLUDGE = {"tn_seafood_1": 1_500, "tn_seafood_2": 1_200, "tn_seafood_3": 800, "tn_wwtp": 2_000}  # t/yr dewatered
BIOGAS_NM3 = 1_200_000  # covered anaerobic lagoon of plant 1, flared today


def build() -> Park:
    park = Park(PARK)
    add_tenants(park, TENANTS)
    park.firm("tn_wwtp", "Central wastewater treatment plant", "park utility: wastewater treatment", 2.8, 0.2, role="park utility")
    park.firm("city_compost", "Municipal composting plant", "city: organic waste treatment", 8.0, -3.0, role="city", park=CITY)
    park.firm("city_markets", "City markets (organic waste)", "city: market waste", -4.0, 4.0, role="city", park=CITY)

    park.flow("tn_seafood_1", "biogas", generation=BIOGAS_NM3)
    for firm, tonnes in SLUDGE.items():
        park.flow(firm, "wwtp_sludge", generation=tonnes)
    park.flow("tn_fertiliser", "organic_feedstock", demand=20_000)
    park.flow("city_markets", "food_waste", generation=5_000)

    for sink, fuel in (("tn_seafood_2", "fuel_oil"), ("tn_beverage", "lpg"), ("tn_feed", "coal")):
        park.link(f"is_biogas_to_{sink.removeprefix('tn_')}", "tn_seafood_1", sink, "biogas", sink_resource=fuel,
                  yield_=fuel_replaced(BIOGAS_GJ_PER_NM3, fuel), capacity=BIOGAS_NM3, mode="gas_pipe", equipment_capex=4e9)  # blower, H2S scrubber, burner
    park.measure(id="tn_fertiliser_sludge_line", firm="tn_fertiliser", name="Sludge reception, testing and windrow composting line",
                 category="material", capex=6e9, opex_change=400_000_000, lifetime_years=10)
    for source, tonnes in SLUDGE.items():
        park.link(f"is_sludge_{source.removeprefix('tn_')}_to_fertiliser", source, "tn_fertiliser", "wwtp_sludge",
                  sink_resource="organic_feedstock", yield_=0.8, capacity=tonnes, mode="truck", handling_cost=200_000,
                  requires="tn_fertiliser_sludge_line")
    park.link("uis_sludge_to_city_compost", "tn_wwtp", "city_compost", "wwtp_sludge", sink_resource="compost",
              yield_=0.5, capacity=2_000, mode="truck", equipment_capex=0.5e9, handling_cost=300_000, kind="UIS")
    park.link("uis_market_waste_to_fertiliser", "city_markets", "tn_fertiliser", "food_waste", sink_resource="organic_feedstock",
              yield_=0.5, capacity=5_000, mode="truck", equipment_capex=1e9, handling_cost=150_000, kind="UIS")
    return park
