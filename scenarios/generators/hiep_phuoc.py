"""``hiep_phuoc``: Hiep Phuoc industrial park, Ho Chi Minh City.

RECP measures of the 31 assessed enterprises (seed 004) from the GEIPP
portfolio; 14 IS and 7 UIS candidate links (seed 003; seed 004 reports 6 UIS,
7 is used) among the 13 enterprises of the November 2022 IS workshop. Which
13 enterprises and which exchanges is an assumption (the documents name
neither): the port-side park's paper, food, textile, plastics and steel
plants and their typical by-product, energy and water exchanges.
"""

from __future__ import annotations

from . import recp
from .common import BIOGAS_GJ_PER_NM3, NCV, STEAM_GJ_PER_T, Park, fuel_replaced
from .tenants import HIEP_PHUOC, TENANTS, add_tenants

CITY = "Ho Chi Minh City"

#: The 13 enterprises of the IS workshop (24 November 2022).
WORKSHOP = (
    "hp_steel_rolling", "hp_paper", "hp_carton", "hp_seafood_1", "hp_seafood_2", "hp_feed", "hp_edible_oil",
    "hp_dyeing_1", "hp_plastics_1", "hp_plastics_2", "hp_noodles", "hp_furniture", "hp_beverage",
)


def build() -> Park:
    park = Park(HIEP_PHUOC)
    tenants = [t for t in TENANTS if t.park == HIEP_PHUOC]
    add_tenants(park, tenants)
    for row in park.rows["firms"]:
        row["is_workshop"] = row["id"] in WORKSHOP
    recp.add_measures(park, {t.id for t in tenants})

    park.firm("city_stp", "Municipal sewage treatment plant", "city: sewage treatment", 0.5, 6.5, role="city", park=CITY)
    park.firm("city_green", "Urban green space and street cleaning", "city: public works", 3.0, 6.0, role="city", park=CITY)
    park.firm("city_compost", "Municipal composting plant", "city: organic waste treatment", -4.0, 2.0, role="city", park=CITY)
    park.firm("city_wte", "Municipal waste-to-energy plant", "city: waste incineration with power", -5.0, 4.0, role="city", park=CITY)
    park.firm("city_mrf", "Municipal materials recovery facility", "city: waste sorting", 6.0, 5.0, role="city", park=CITY)
    park.firm("city_public_works", "Municipal road construction", "city: public works", 7.0, 1.0, role="city", park=CITY)
    for row in park.rows["firms"]:
        row.setdefault("is_workshop", False)

    # by-products, wastes and inputs (t/yr unless stated)
    park.flow("hp_carton", "recovered_paper", generation=1_500)  # clean trimmings, sold to traders today
    park.flow("hp_paper", "recovered_paper", demand=170_000)  # ~150 kt/yr of packaging paper
    park.flow("hp_paper", "biogas", generation=3_000_000)  # anaerobic WWTP, Nm3/yr, flared
    park.flow("hp_paper", "general_waste", generation=3_000)  # pulper rejects
    park.flow("hp_plastics_1", "plastic_scrap", generation=400)
    park.flow("hp_beverage", "plastic_scrap", generation=150)
    park.flow("hp_beverage", "ro_reject", generation=60_000)  # m3/yr
    park.flow("hp_plastics_2", "pe_resin", demand=6_000)
    park.flow("hp_seafood_1", "fish_byproduct", generation=6_000)
    park.flow("hp_seafood_2", "fish_byproduct", generation=4_500)
    park.flow("hp_seafood_1", "wwtp_sludge", generation=800)
    park.flow("hp_feed", "fishmeal", demand=3_000)
    park.flow("hp_feed", "feed_fat", demand=2_000)
    park.flow("hp_edible_oil", "fatty_acid", generation=1_800)
    park.flow("hp_furniture", "wood_waste", generation=1_500)
    park.flow("hp_noodles", "used_cooking_oil", generation=300)
    park.flow("hp_steel_rolling", "steam", generation=15_000)  # from a waste-heat boiler on the reheating furnace
    park.flow("hp_dyeing_1", "coal_ash", generation=1_400)  # 10 % of its coal
    park.flow("city_stp", "treated_effluent", generation=3_650_000)
    park.flow("city_green", "water", demand=150_000)
    park.flow("city_mrf", "recovered_paper", generation=10_000)
    park.flow("city_mrf", "plastic_scrap", generation=1_500)
    park.flow("city_public_works", "aggregate", demand=50_000)

    # --- 14 IS candidates among the workshop enterprises
    park.link("is_trimmings_to_paper_mill", "hp_carton", "hp_paper", "recovered_paper", capacity=1_500, mode="truck",
              equipment_capex=1e9, handling_cost=50_000)
    for source, tonnes, resin in (("hp_plastics_1", 400, 0.8), ("hp_beverage", 150, 0.7)):
        lid = f"is_plastic_{source.removeprefix('hp_')}_to_household_goods"
        park.link(lid, source, "hp_plastics_2", "plastic_scrap", sink_resource="pe_resin", yield_=resin, capacity=tonnes,
                  mode="truck", equipment_capex=0.5e9, handling_cost=3_500_000)
        park.link_input(lid, "electricity", 0.6)
    park.link("is_fish_byproduct_1_to_feed_mill", "hp_seafood_1", "hp_feed", "fish_byproduct", sink_resource="fishmeal",
              yield_=0.2, capacity=6_000, mode="truck", equipment_capex=25e9, handling_cost=1_500_000)  # rendering line at the feed mill
    park.link("is_fish_byproduct_2_to_feed_mill", "hp_seafood_2", "hp_feed", "fish_byproduct", sink_resource="fishmeal",
              yield_=0.2, capacity=4_500, mode="truck", handling_cost=1_500_000, requires="is_fish_byproduct_1_to_feed_mill")
    park.link("is_fatty_acid_to_feed_fat", "hp_edible_oil", "hp_feed", "fatty_acid", sink_resource="feed_fat",
              capacity=1_800, mode="truck", equipment_capex=0.8e9, handling_cost=200_000)
    for sink, fuel in (("hp_dyeing_1", "coal"), ("hp_paper", "coal"), ("hp_feed", "biomass")):
        park.link(f"is_wood_waste_to_{sink.removeprefix('hp_')}_boiler", "hp_furniture", sink, "wood_waste", sink_resource=fuel,
                  yield_=fuel_replaced(NCV["biomass"], fuel), capacity=1_500, mode="truck", equipment_capex=1e9, handling_cost=150_000)
    park.link("is_frying_oil_to_reheating_furnace", "hp_noodles", "hp_steel_rolling", "used_cooking_oil", sink_resource="fuel_oil",
              yield_=fuel_replaced(NCV["used_cooking_oil"], "fuel_oil"), capacity=300, mode="truck", equipment_capex=0.5e9, handling_cost=300_000)
    park.link("is_biogas_to_dyeing_boiler", "hp_paper", "hp_dyeing_1", "biogas", sink_resource="coal",
              yield_=fuel_replaced(BIOGAS_GJ_PER_NM3, "coal"), capacity=3_000_000, mode="gas_pipe", equipment_capex=4e9)
    add_dyeing_wastewater_to_paper_mill(park)
    park.link("is_ro_reject_to_dyeing", "hp_beverage", "hp_dyeing_1", "ro_reject", sink_resource="water", capacity=200,
              capacity_unit="m3/d", mode="water_pipe", equipment_capex=1e9, handling_cost=500)
    park.link("is_waste_heat_steam_to_noodles", "hp_steel_rolling", "hp_noodles", "steam", sink_resource="coal",
              yield_=fuel_replaced(STEAM_GJ_PER_T, "coal", fired=False), capacity=15_000, mode="steam_pipe", equipment_capex=10e9)

    # --- 7 UIS candidates, each with a workshop enterprise
    add_city_effluent_to_paper_mill(park)
    park.link("uis_ro_reject_to_city_green", "hp_beverage", "city_green", "ro_reject", sink_resource="water", capacity=200,
              capacity_unit="m3/d", mode="water_pipe", equipment_capex=1e9, handling_cost=500, kind="UIS")
    park.link("uis_seafood_sludge_to_city_compost", "hp_seafood_1", "city_compost", "wwtp_sludge", sink_resource="compost",
              yield_=0.5, capacity=800, mode="truck", equipment_capex=0.5e9, handling_cost=300_000, kind="UIS")
    park.link("uis_pulper_rejects_to_city_wte", "hp_paper", "city_wte", "general_waste", sink_resource="rdf_power",
              yield_=0.5, capacity=3_000, mode="truck", handling_cost=450_000, kind="UIS")
    park.link("uis_city_paper_to_paper_mill", "city_mrf", "hp_paper", "recovered_paper", capacity=10_000, mode="truck",
              handling_cost=100_000, kind="UIS")
    film = park.link("uis_city_plastic_to_household_goods", "city_mrf", "hp_plastics_2", "plastic_scrap", sink_resource="pe_resin",
                     yield_=0.5, capacity=1_500, mode="truck", equipment_capex=4e9, handling_cost=7_000_000, kind="UIS")
    park.link_input(film["id"], "electricity", 0.6)
    park.link("uis_boiler_ash_to_city_roads", "hp_dyeing_1", "city_public_works", "coal_ash", sink_resource="aggregate",
              capacity=1_400, mode="truck", equipment_capex=0.5e9, handling_cost=100_000, kind="UIS")
    return park


def add_dyeing_wastewater_to_paper_mill(park: Park) -> None:
    """The dyeing mill's wastewater, polished, as process water of the paper mill (also in ``hiep_phuoc_water``)."""
    wastewater = park.link("is_dyeing_wastewater_to_paper_mill", "hp_dyeing_1", "hp_paper", "wastewater", sink_resource="water",
                           yield_=0.9, capacity=1_000, capacity_unit="m3/d", mode="water_pipe", equipment_capex=6e9, handling_cost=2_500)
    park.link_input(wastewater["id"], "electricity", 0.0004, at="source")  # polishing


def add_city_effluent_to_paper_mill(park: Park) -> None:
    """The city's treated effluent as process water of the paper mill (also in ``hiep_phuoc_water``)."""
    city_water = park.link("uis_city_effluent_to_paper_mill", "city_stp", "hp_paper", "treated_effluent", sink_resource="water",
                           yield_=0.9, capacity=3_000, capacity_unit="m3/d", mode="water_pipe", equipment_capex=12e9,
                           handling_cost=2_500, kind="UIS")
    park.link_input(city_water["id"], "electricity", 0.0004, at="source")
