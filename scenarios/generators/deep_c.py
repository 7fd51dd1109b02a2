"""``deep_c``: DEEP C (Dinh Vu) industrial park, Hai Phong.

18 participating tenants (seed 002) with their RECP measures from the GEIPP
portfolio, the rare-earth magnet maker's 12 implemented measures marked
existing; 14 industrial-symbiosis (IS) and 6 urban-industrial-symbiosis (UIS)
candidate links (seed 003). Which exchanges stand for the unpublished 20
opportunities is an assumption: typical by-product, energy and water exchanges
between these sectors, and with Hai Phong's municipal services.
"""

from __future__ import annotations

from . import recp
from .common import NCV, STEAM_GJ_PER_T, Park, fuel_replaced
from .tenants import DEEP_C, TENANTS, WASTEWATER_SHARE, add_tenants

CITY = "Hai Phong city"


def build() -> Park:
    park = Park(DEEP_C)
    tenants = [t for t in TENANTS if t.park == DEEP_C]
    add_tenants(park, tenants)
    recp.add_measures(park, {t.id for t in tenants}, existing=recp.magnet_maker_implemented())

    # park utility and city nodes (schematic plots, km)
    park.firm("dc_wwtp", "Central wastewater treatment plant", "park utility: wastewater treatment", 2.0, 0.2, role="park utility")
    park.firm("city_stp", "Municipal sewage treatment plant", "city: sewage treatment", -2.5, 3.5, role="city", park=CITY)
    park.firm("city_green", "Urban green space and street cleaning", "city: public works", -1.0, 4.0, role="city", park=CITY)
    park.firm("city_compost", "Municipal composting plant", "city: organic waste treatment", 6.5, -2.0, role="city", park=CITY)
    park.firm("city_wte", "Municipal waste-to-energy plant", "city: waste incineration with power", 7.0, 3.0, role="city", park=CITY)
    park.firm("city_mrf", "Municipal materials recovery facility", "city: waste sorting", -3.0, 1.5, role="city", park=CITY)

    # by-products, wastes and inputs the links work on (t/yr unless stated)
    effluent = round(WASTEWATER_SHARE * sum(t.water for t in tenants))
    park.flow("dc_wwtp", "electricity", demand=round(0.5e-3 * effluent))  # 0.5 kWh per m3 treated
    park.flow("dc_wwtp", "treated_effluent", generation=effluent)
    park.flow("dc_wwtp", "wwtp_sludge", generation=1_200)
    park.flow("dc_wwtp", "coagulant", demand=250)
    park.flow("dc_chloralkali", "hydrogen", generation=400)  # surplus after HCl synthesis, flared
    park.flow("dc_chloralkali", "steam", generation=20_000)  # HCl-synthesis heat recovery, vented
    park.flow("dc_electronics", "plastic_scrap", generation=300)
    park.flow("dc_electronics", "wood_waste", generation=400)
    park.flow("dc_electronics", "general_waste", generation=500)
    park.flow("dc_logistics", "plastic_scrap", generation=250)
    park.flow("dc_logistics", "wood_waste", generation=800)
    park.flow("dc_garment", "plastic_scrap", generation=60)
    park.flow("dc_garment", "textile_offcuts", generation=250)
    park.flow("dc_tyres", "used_oil", generation=40)
    park.flow("dc_steelpipe", "used_oil", generation=30)
    park.flow("dc_steelpipe", "spent_pickle_liquor", generation=1_200)
    park.flow("dc_oil_refinery", "fatty_acid", generation=1_500)
    park.flow("dc_feed", "feed_fat", demand=1_500)
    park.flow("dc_film", "pe_resin", demand=12_000)
    park.flow("dc_lube", "base_oil", demand=20_000)
    park.flow("city_stp", "treated_effluent", generation=3_650_000)  # 10,000 m3/d
    park.flow("city_green", "water", demand=200_000)
    park.flow("city_mrf", "plastic_scrap", generation=2_000)  # sorted film, landfilled today

    # --- 14 IS candidates
    park.link("is_h2_to_can_ovens", "dc_chloralkali", "dc_cans", "hydrogen", sink_resource="lpg",
              yield_=fuel_replaced(NCV["hydrogen"], "lpg"), capacity=400, mode="gas_pipe", equipment_capex=12e9)
    park.link("is_steam_to_oil_refinery", "dc_chloralkali", "dc_oil_refinery", "steam", sink_resource="coal",
              yield_=fuel_replaced(STEAM_GJ_PER_T, "coal", fired=False), capacity=20_000, mode="steam_pipe", equipment_capex=2e9)
    park.link("is_steam_to_feed_mill", "dc_chloralkali", "dc_feed", "steam", sink_resource="biomass",
              yield_=fuel_replaced(STEAM_GJ_PER_T, "biomass", fired=False), capacity=20_000, mode="steam_pipe", equipment_capex=2e9)
    reuse = park.link("is_reclaimed_water_to_tyres", "dc_wwtp", "dc_tyres", "treated_effluent", sink_resource="water",
                      yield_=0.85, capacity=1_500, capacity_unit="m3/d", mode="water_pipe", equipment_capex=12e9, handling_cost=3_000)
    park.link_input(reuse["id"], "electricity", 0.0008, at="source")  # UF + RO, 0.8 kWh/m3
    cooling = park.link("is_reclaimed_water_to_gas_plant", "dc_wwtp", "dc_gases", "treated_effluent", sink_resource="water",
                        yield_=0.95, capacity=250, capacity_unit="m3/d", mode="water_pipe", equipment_capex=3e9, handling_cost=1_500)
    park.link_input(cooling["id"], "electricity", 0.0002, at="source")  # UF, 0.2 kWh/m3
    for source, tonnes in (("dc_electronics", 300), ("dc_logistics", 250), ("dc_garment", 60)):
        lid = f"is_plastic_{source.removeprefix('dc_')}_to_film"
        park.link(lid, source, "dc_film", "plastic_scrap", sink_resource="pe_resin", yield_=0.8, capacity=tonnes,
                  mode="truck", equipment_capex=0.5e9, handling_cost=3_500_000)
        park.link_input(lid, "electricity", 0.6)  # washing and regranulation at the film plant
    park.link("is_pallets_to_feed_mill_boiler", "dc_logistics", "dc_feed", "wood_waste", sink_resource="biomass",
              yield_=1.0, capacity=800, mode="truck", equipment_capex=1.5e9, handling_cost=150_000)
    park.link("is_crates_to_tyre_boiler", "dc_electronics", "dc_tyres", "wood_waste", sink_resource="coal",
              yield_=fuel_replaced(NCV["biomass"], "coal"), capacity=400, mode="truck", equipment_capex=1e9, handling_cost=150_000)
    park.link("is_used_oil_tyres_to_rerefining", "dc_tyres", "dc_lube", "used_oil", sink_resource="base_oil",
              yield_=0.7, capacity=40, mode="truck", equipment_capex=6e9, handling_cost=2_500_000)
    park.link("is_used_oil_steelpipe_to_rerefining", "dc_steelpipe", "dc_lube", "used_oil", sink_resource="base_oil",
              yield_=0.7, capacity=30, mode="truck", handling_cost=2_500_000, requires="is_used_oil_tyres_to_rerefining")
    park.link("is_fatty_acid_to_feed_fat", "dc_oil_refinery", "dc_feed", "fatty_acid", sink_resource="feed_fat",
              capacity=1_500, mode="truck", equipment_capex=0.8e9, handling_cost=200_000)
    park.link("is_pickle_liquor_to_wwtp_coagulant", "dc_steelpipe", "dc_wwtp", "spent_pickle_liquor", sink_resource="coagulant",
              yield_=0.2, capacity=1_200, mode="truck", equipment_capex=1e9, handling_cost=200_000)

    # --- 6 UIS candidates (with the city)
    city_water = park.link("uis_city_effluent_to_tyres", "city_stp", "dc_tyres", "treated_effluent", sink_resource="water",
                           yield_=0.85, capacity=2_000, capacity_unit="m3/d", mode="water_pipe", equipment_capex=15e9,
                           handling_cost=3_500, kind="UIS")
    park.link_input(city_water["id"], "electricity", 0.0008, at="source")
    park.link("uis_reclaimed_water_to_city_green", "dc_wwtp", "city_green", "treated_effluent", sink_resource="water",
              yield_=0.95, capacity=600, capacity_unit="m3/d", mode="water_pipe", equipment_capex=2e9, handling_cost=1_000, kind="UIS")
    park.link("uis_sludge_to_city_compost", "dc_wwtp", "city_compost", "wwtp_sludge", sink_resource="compost",
              yield_=0.5, capacity=1_200, mode="truck", equipment_capex=1e9, handling_cost=300_000, kind="UIS")
    park.link("uis_packaging_waste_to_city_wte", "dc_electronics", "city_wte", "general_waste", sink_resource="rdf_power",
              yield_=0.45, capacity=500, mode="truck", handling_cost=450_000, kind="UIS")  # 0.45 MWh/t net export, gate fee
    park.link("uis_textile_offcuts_to_city_wte", "dc_garment", "city_wte", "textile_offcuts", sink_resource="rdf_power",
              yield_=0.6, capacity=250, mode="truck", handling_cost=450_000, kind="UIS")
    film = park.link("uis_city_film_to_film_plant", "city_mrf", "dc_film", "plastic_scrap", sink_resource="pe_resin",
                     yield_=0.5, capacity=2_000, mode="truck", equipment_capex=4e9, handling_cost=7_000_000, kind="UIS")
    park.link_input(film["id"], "electricity", 0.6)
    return park
