"""``amata``: Amata industrial park, Bien Hoa (Dong Nai).

13 IS and 7 UIS candidate links (seed 003). The seed's priority matrix places
twelve numbered IS opportunities, (1) to (12), and a variant (5.1) of (5) by
ease of implementation (easy / medium / hard) and benefit (low / medium /
high); each IS link carries its ``rank``, ``ease`` and ``benefit`` as extra
columns. The exchanges behind the numbers are not published: the ones chosen
here are typical for the park's sectors and sized so that the benefit class
matches the modelled operating benefit (low < 1, medium 1-4, high > 4 billion
VND/yr) and "hard" means a large investment or treatment step. Two tenants
(the textile dyeing mill and the food plant) carry their GEIPP RECP measures.
"""

from __future__ import annotations

from . import recp
from .common import BIOGAS_GJ_PER_NM3, NCV, STEAM_GJ_PER_T, Park, fuel_replaced, operating_benefit
from .tenants import AMATA, TENANTS, Tenant, add_tenants

CITY = "Bien Hoa city"

#: The priority matrix of seed 003: opportunity -> (ease, benefit).
MATRIX = {
    "1": ("easy", "high"), "2": ("easy", "high"), "3": ("hard", "high"), "4": ("hard", "high"),
    "5": ("easy", "medium"), "5.1": ("hard", "low"), "6": ("hard", "high"), "7": ("easy", "medium"),
    "8": ("easy", "medium"), "9": ("easy", "medium"), "10": ("hard", "low"), "11": ("easy", "low"),
    "12": ("easy", "medium"),
}
BENEFIT_VND = {"low": (0, 1e9), "medium": (1e9, 4e9), "high": (4e9, float("inf"))}

#: Tenants without a RECP assessment (same columns as the assessed ones; assumptions).
OTHERS = [Tenant(*row) for row in [
    ("am_electronics", "Electronics manufacturer", "electronics", AMATA, 1.2, 1.9, 40_000, 150_000, "", 0),
    ("am_autoparts", "Automotive parts manufacturer", "metal parts", AMATA, 2.3, 1.5, 25_000, 40_000, "lpg", 300),
    ("am_plastics", "Plastic injection moulding plant", "plastic products", AMATA, 1.6, 2.2, 15_000, 20_000, "", 0),
    ("am_footwear", "Footwear factory", "footwear", AMATA, 2.6, 0.8, 12_000, 60_000, "lpg", 700),
    ("am_garment", "Garment factory", "apparel", AMATA, 2.9, 1.2, 5_000, 30_000, "", 0),
    ("am_paint", "Paint and coatings plant", "paints and coatings", AMATA, 0.3, 0.3, 3_000, 10_000, "", 0),
    ("am_chemicals", "Solvents and adhesives plant", "chemicals", AMATA, 0.5, 0.6, 8_000, 50_000, "fuel_oil", 800),
    ("am_foundry", "Iron and steel foundry", "metal casting", AMATA, 2.0, 0.2, 30_000, 20_000, "fuel_oil", 1_200),
    ("am_feed", "Animal feed mill", "compound animal feed", AMATA, 1.5, 0.6, 10_000, 30_000, "biomass", 4_000),
    ("am_concrete", "Concrete block plant", "construction materials", AMATA, 0.2, 2.3, 2_000, 25_000, "fuel_oil", 50),
    ("am_packaging", "Carton packaging plant", "paper packaging", AMATA, 0.9, 2.4, 6_000, 20_000, "biomass", 2_000),
]]


def build() -> Park:
    park = Park(AMATA)
    assessed = [t for t in TENANTS if t.park == AMATA]
    add_tenants(park, assessed + OTHERS)
    recp.add_measures(park, {t.id for t in assessed})
    park.firm("am_wwtp", "Central wastewater treatment plant", "park utility: wastewater treatment", 1.0, 0.0, role="park utility")
    park.firm("city_stp", "Municipal sewage treatment plant", "city: sewage treatment", -3.0, 3.0, role="city", park=CITY)
    park.firm("city_green", "Urban green space and street cleaning", "city: public works", -1.5, 4.0, role="city", park=CITY)
    park.firm("city_compost", "Municipal composting plant", "city: organic waste treatment", 6.0, -3.0, role="city", park=CITY)
    park.firm("city_wte", "Municipal waste-to-energy plant", "city: waste incineration with power", 7.0, 2.0, role="city", park=CITY)
    park.firm("city_mrf", "Municipal materials recovery facility", "city: waste sorting", -2.0, -1.0, role="city", park=CITY)
    park.firm("city_public_works", "Municipal road construction", "city: public works", 4.0, 5.0, role="city", park=CITY)

    effluent = round(0.8 * sum(t.water for t in assessed + OTHERS))
    park.flow("am_wwtp", "electricity", demand=round(0.5e-3 * effluent))
    park.flow("am_wwtp", "treated_effluent", generation=effluent)
    park.flow("am_wwtp", "wwtp_sludge", generation=900)
    park.flow("am_electronics", "plastic_scrap", generation=500)
    park.flow("am_electronics", "general_waste", generation=600)
    park.flow("am_plastics", "pe_resin", demand=8_000)
    park.flow("am_food", "food_waste", generation=5_000)  # trimmings and off-spec product
    park.flow("am_feed", "feed_grain", demand=40_000)
    park.flow("am_foundry", "steam", generation=10_000)  # from a waste-heat boiler on the furnaces
    park.flow("am_food", "biogas", generation=1_500_000)  # Nm3/yr from an anaerobic stage on its wastewater
    park.flow("am_packaging", "wood_waste", generation=1_000)  # pallets and cores
    park.flow("am_paint", "waste_solvent", generation=150)
    park.flow("am_chemicals", "solvent", demand=500)
    park.flow("am_garment", "textile_offcuts", generation=400)
    park.flow("am_footwear", "padding", demand=600)
    park.flow("am_footwear", "general_waste", generation=600)
    park.flow("am_autoparts", "metal_scrap", generation=800)
    park.flow("am_autoparts", "used_oil", generation=60)
    park.flow("am_autoparts", "waste_paper", generation=150)
    park.flow("am_foundry", "steel_charge", demand=6_000)
    park.flow("am_dyeing", "coal_ash", generation=1_000)
    park.flow("am_concrete", "aggregate", demand=30_000)
    park.flow("city_stp", "treated_effluent", generation=3_650_000)
    park.flow("city_green", "water", demand=150_000)
    park.flow("city_mrf", "plastic_scrap", generation=1_500)
    park.flow("city_public_works", "aggregate", demand=50_000)

    def ranked(rank: str, *args, **kwargs) -> dict:
        ease, benefit = MATRIX[rank]
        return park.link(*args, rank=rank, ease=ease, benefit=benefit, **kwargs)

    # --- 13 IS candidates: the ranked opportunities
    plastic = ranked("1", "is_plastic_scrap_to_moulder", "am_electronics", "am_plastics", "plastic_scrap", sink_resource="pe_resin",
                     yield_=0.8, capacity=500, mode="truck", equipment_capex=0.5e9, handling_cost=3_500_000)
    park.link_input(plastic["id"], "electricity", 0.6)
    ranked("2", "is_food_residues_to_feed_mill", "am_food", "am_feed", "food_waste", sink_resource="feed_grain", yield_=0.3,
           capacity=5_000, mode="truck", equipment_capex=1e9, handling_cost=300_000)
    reuse = ranked("3", "is_reclaimed_water_to_dyeing", "am_wwtp", "am_dyeing", "treated_effluent", sink_resource="water",
                   yield_=0.85, capacity=1_500, capacity_unit="m3/d", mode="water_pipe", equipment_capex=12e9, handling_cost=3_000)
    park.link_input(reuse["id"], "electricity", 0.0008, at="source")
    ranked("4", "is_foundry_heat_steam_to_food", "am_foundry", "am_food", "steam", sink_resource="lpg",
           yield_=fuel_replaced(STEAM_GJ_PER_T, "lpg", fired=False), capacity=10_000, mode="steam_pipe", equipment_capex=15e9)
    ranked("5", "is_pallets_to_dyeing_boiler", "am_packaging", "am_dyeing", "wood_waste", sink_resource="coal",
           yield_=fuel_replaced(NCV["biomass"], "coal"), capacity=1_000, mode="truck", equipment_capex=0.5e9, handling_cost=150_000)
    ranked("5.1", "is_pallets_to_block_curing_boiler", "am_packaging", "am_concrete", "wood_waste", sink_resource="fuel_oil",
           yield_=fuel_replaced(NCV["biomass"], "fuel_oil"), capacity=100, mode="truck", equipment_capex=3e9, handling_cost=150_000)
    ranked("6", "is_biogas_to_footwear_ovens", "am_food", "am_footwear", "biogas", sink_resource="lpg",
           yield_=fuel_replaced(BIOGAS_GJ_PER_NM3, "lpg"), capacity=1_500_000, mode="gas_pipe", equipment_capex=20e9)  # incl. digester
    ranked("7", "is_solvent_to_recovery", "am_paint", "am_chemicals", "waste_solvent", sink_resource="solvent", yield_=0.75,
           capacity=150, mode="truck", equipment_capex=1.5e9, handling_cost=3_000_000)
    ranked("8", "is_textile_offcuts_to_padding", "am_garment", "am_footwear", "textile_offcuts", sink_resource="padding", yield_=0.6,
           capacity=400, mode="truck", equipment_capex=0.8e9, handling_cost=2_000_000)
    ranked("9", "is_metal_scrap_to_foundry", "am_autoparts", "am_foundry", "metal_scrap", sink_resource="steel_charge",
           capacity=800, mode="truck", handling_cost=100_000)
    ranked("10", "is_boiler_ash_to_concrete_blocks", "am_dyeing", "am_concrete", "coal_ash", sink_resource="aggregate",
           capacity=1_000, mode="truck", equipment_capex=3e9, handling_cost=400_000)
    ranked("11", "is_cardboard_to_packaging_plant", "am_autoparts", "am_packaging", "waste_paper", sink_resource="recovered_paper",
           capacity=150, mode="truck", handling_cost=500_000)
    ranked("12", "is_used_oil_to_foundry_fuel", "am_autoparts", "am_foundry", "used_oil", sink_resource="fuel_oil", yield_=0.9,
           capacity=60, mode="truck", equipment_capex=0.3e9, handling_cost=1_000_000)

    # --- 7 UIS candidates
    city_water = park.link("uis_city_effluent_to_dyeing", "city_stp", "am_dyeing", "treated_effluent", sink_resource="water",
                           yield_=0.85, capacity=1_500, capacity_unit="m3/d", mode="water_pipe", equipment_capex=15e9,
                           handling_cost=3_500, kind="UIS")
    park.link_input(city_water["id"], "electricity", 0.0008, at="source")
    park.link("uis_reclaimed_water_to_city_green", "am_wwtp", "city_green", "treated_effluent", sink_resource="water",
              yield_=0.95, capacity=400, capacity_unit="m3/d", mode="water_pipe", equipment_capex=2e9, handling_cost=1_000, kind="UIS")
    park.link("uis_sludge_to_city_compost", "am_wwtp", "city_compost", "wwtp_sludge", sink_resource="compost",
              yield_=0.5, capacity=900, mode="truck", equipment_capex=0.5e9, handling_cost=300_000, kind="UIS")
    park.link("uis_footwear_waste_to_city_wte", "am_footwear", "city_wte", "general_waste", sink_resource="rdf_power",
              yield_=0.5, capacity=600, mode="truck", handling_cost=450_000, kind="UIS")
    park.link("uis_packaging_waste_to_city_wte", "am_electronics", "city_wte", "general_waste", sink_resource="rdf_power",
              yield_=0.45, capacity=600, mode="truck", handling_cost=450_000, kind="UIS")
    film = park.link("uis_city_plastic_to_moulder", "city_mrf", "am_plastics", "plastic_scrap", sink_resource="pe_resin",
                     yield_=0.5, capacity=1_500, mode="truck", equipment_capex=4e9, handling_cost=7_000_000, kind="UIS")
    park.link_input(film["id"], "electricity", 0.6)
    park.link("uis_boiler_ash_to_city_roads", "am_dyeing", "city_public_works", "coal_ash", sink_resource="aggregate",
              capacity=1_000, mode="truck", equipment_capex=0.5e9, handling_cost=100_000, kind="UIS")

    for link in park.rows["links"]:
        if "benefit" in link:
            low, high = BENEFIT_VND[link["benefit"]]
            assert low <= operating_benefit(park, link) < high, (link["id"], operating_benefit(park, link))
    return park
