"""The 51 companies of the GEIPP RECP assessment (DEEP C, Hiep Phuoc, Amata), by sector.

Counts are published (SEED_FACTS): 51 companies in three parks, 18 DEEP C tenants,
31 Hiep Phuoc enterprises; the remaining 2 are placed in Amata. Companies are
not named publicly, so each is a sector. Annual electricity (MWh), water (m3)
and the main boiler or furnace fuel (t) are order-of-magnitude assumptions for
a plant of that sector and size; plots (x, y) are schematic km on each park's
local grid.
"""

from __future__ import annotations

from typing import NamedTuple


class Tenant(NamedTuple):
    id: str
    name: str
    sector: str
    park: str
    x: float
    y: float
    electricity: float  # MWh/yr
    water: float  # m3/yr
    fuel: str  # coal, lpg, fuel_oil, biomass or "" (none)
    fuel_t: float  # t/yr


DEEP_C = "DEEP C (Dinh Vu), Hai Phong"
HIEP_PHUOC = "Hiep Phuoc, Ho Chi Minh City"
AMATA = "Amata, Bien Hoa (Dong Nai)"

MAGNET_MAKER = "dc_magnets"

TENANTS = [Tenant(*row) for row in [
    # --- DEEP C: 18 participating tenants
    ("dc_magnets", "Rare-earth magnet manufacturer", "rare-earth permanent magnets", DEEP_C, 1.2, 0.8, 45_000, 180_000, "lpg", 300),
    ("dc_tyres", "Tyre manufacturer", "radial tyres", DEEP_C, 3.5, 1.0, 120_000, 900_000, "coal", 30_000),
    ("dc_chloralkali", "Chlor-alkali and chemicals plant", "caustic soda, chlorine, hydrochloric acid", DEEP_C, 0.6, 2.2, 150_000, 400_000, "coal", 12_000),
    ("dc_pvc", "PVC pipe and fittings manufacturer", "plastic pipes", DEEP_C, 1.8, 2.0, 25_000, 60_000, "", 0),
    ("dc_film", "Plastic film and bag manufacturer", "plastic film and bags", DEEP_C, 2.4, 1.9, 18_000, 30_000, "", 0),
    ("dc_lube", "Lubricant blending plant", "lubricants", DEEP_C, 0.4, 1.5, 4_000, 25_000, "lpg", 150),
    ("dc_oil_refinery", "Edible oil refinery", "vegetable oil refining", DEEP_C, 0.9, 1.2, 15_000, 250_000, "coal", 8_000),
    ("dc_feed", "Animal feed mill", "compound animal feed", DEEP_C, 1.5, 1.4, 12_000, 40_000, "biomass", 6_000),
    ("dc_steelpipe", "Steel pipe and profile manufacturer", "steel pipes (pickling, galvanising)", DEEP_C, 2.8, 0.4, 20_000, 50_000, "lpg", 900),
    ("dc_paint", "Paint and coatings plant", "paints and coatings", DEEP_C, 2.1, 0.6, 5_000, 20_000, "", 0),
    ("dc_cans", "Aluminium beverage-can plant", "metal packaging", DEEP_C, 1.0, 1.8, 35_000, 150_000, "lpg", 1_500),
    ("dc_carton", "Corrugated carton plant", "paper packaging", DEEP_C, 3.0, 1.7, 8_000, 35_000, "biomass", 3_000),
    ("dc_electronics", "Electronics assembly plant", "electronics", DEEP_C, 4.2, 1.5, 30_000, 120_000, "", 0),
    ("dc_garment", "Garment factory", "apparel", DEEP_C, 4.6, 0.9, 6_000, 30_000, "", 0),
    ("dc_coldstore", "Cold-chain logistics warehouse", "cold storage", DEEP_C, 5.0, 2.1, 10_000, 8_000, "", 0),
    ("dc_gases", "Industrial gas plant", "air separation (oxygen, nitrogen, argon)", DEEP_C, 0.3, 1.0, 60_000, 100_000, "", 0),
    ("dc_logistics", "Logistics and warehousing centre", "logistics", DEEP_C, 5.4, 1.2, 3_000, 10_000, "", 0),
    ("dc_lpg_terminal", "LPG terminal and bottling plant", "LPG storage and bottling", DEEP_C, 0.2, 0.3, 2_000, 5_000, "lpg", 50),
    # --- Hiep Phuoc: 31 enterprises with a RECP assessment
    ("hp_steel_rolling", "Steel rolling mill", "long steel products", HIEP_PHUOC, 0.5, 0.5, 90_000, 150_000, "fuel_oil", 12_000),
    ("hp_galvanizing", "Galvanised and coated steel sheet plant", "coated steel sheet", HIEP_PHUOC, 0.9, 0.3, 50_000, 120_000, "lpg", 2_000),
    ("hp_seafood_1", "Seafood processing plant 1", "frozen seafood", HIEP_PHUOC, 2.6, 2.9, 12_000, 300_000, "", 0),
    ("hp_seafood_2", "Seafood processing plant 2", "frozen seafood", HIEP_PHUOC, 2.9, 3.2, 9_000, 220_000, "", 0),
    ("hp_seafood_3", "Seafood processing plant 3", "frozen seafood", HIEP_PHUOC, 3.3, 3.4, 7_000, 160_000, "", 0),
    ("hp_edible_oil", "Edible oil refinery", "vegetable oil refining", HIEP_PHUOC, 1.6, 2.6, 18_000, 200_000, "coal", 9_000),
    ("hp_flour", "Wheat flour mill", "flour milling", HIEP_PHUOC, 1.2, 2.9, 25_000, 30_000, "", 0),
    ("hp_feed", "Animal feed mill", "compound animal feed", HIEP_PHUOC, 2.2, 2.4, 14_000, 45_000, "biomass", 7_000),
    ("hp_paper", "Recycled paper mill", "packaging paper from recovered fibre", HIEP_PHUOC, 1.9, 1.3, 70_000, 1_200_000, "coal", 40_000),
    ("hp_carton", "Corrugated packaging plant", "paper packaging", HIEP_PHUOC, 2.4, 1.1, 9_000, 40_000, "biomass", 3_500),
    ("hp_dyeing_1", "Textile dyeing and finishing mill 1", "textile wet processing", HIEP_PHUOC, 1.4, 1.7, 20_000, 700_000, "coal", 14_000),
    ("hp_dyeing_2", "Textile dyeing and finishing mill 2", "textile wet processing", HIEP_PHUOC, 3.6, 1.6, 14_000, 450_000, "coal", 9_000),
    ("hp_garment", "Garment factory", "apparel", HIEP_PHUOC, 4.1, 2.2, 5_000, 25_000, "", 0),
    ("hp_plastics_1", "Plastic packaging manufacturer", "plastic packaging", HIEP_PHUOC, 2.8, 1.6, 16_000, 25_000, "", 0),
    ("hp_plastics_2", "Plastic household-goods manufacturer", "plastic products", HIEP_PHUOC, 3.1, 1.9, 10_000, 15_000, "", 0),
    ("hp_detergent", "Detergent and chemicals plant", "detergents", HIEP_PHUOC, 3.9, 0.6, 12_000, 90_000, "fuel_oil", 1_500),
    ("hp_paint", "Paint and coatings plant", "paints and coatings", HIEP_PHUOC, 4.3, 0.9, 4_000, 15_000, "", 0),
    ("hp_pharma", "Pharmaceutical plant", "pharmaceuticals", HIEP_PHUOC, 4.6, 3.0, 8_000, 60_000, "lpg", 400),
    ("hp_beverage", "Soft-drink bottling plant", "beverages", HIEP_PHUOC, 2.1, 3.3, 15_000, 350_000, "lpg", 900),
    ("hp_noodles", "Instant-noodle factory", "food processing", HIEP_PHUOC, 1.0, 2.2, 10_000, 120_000, "coal", 5_000),
    ("hp_confectionery", "Confectionery plant", "food processing", HIEP_PHUOC, 3.7, 3.6, 6_000, 40_000, "lpg", 300),
    ("hp_precast", "Precast concrete plant", "construction materials", HIEP_PHUOC, 4.8, 0.4, 5_000, 35_000, "", 0),
    ("hp_furniture", "Wood furniture factory", "wood processing", HIEP_PHUOC, 1.1, 1.0, 6_000, 10_000, "biomass", 2_000),
    ("hp_ink", "Printing-ink plant", "chemicals", HIEP_PHUOC, 4.4, 1.4, 3_000, 8_000, "", 0),
    ("hp_npk", "NPK fertiliser blending plant", "fertiliser", HIEP_PHUOC, 0.4, 1.6, 7_000, 20_000, "coal", 2_500),
    ("hp_cable", "Cable and wire manufacturer", "electrical cable", HIEP_PHUOC, 3.4, 0.8, 18_000, 30_000, "", 0),
    ("hp_electronics", "Electronic components plant", "electronics", HIEP_PHUOC, 4.0, 2.7, 22_000, 90_000, "", 0),
    ("hp_coldstore", "Cold-storage warehouse", "cold storage", HIEP_PHUOC, 2.5, 3.7, 9_000, 6_000, "", 0),
    ("hp_rubber", "Rubber products manufacturer", "rubber products", HIEP_PHUOC, 4.9, 1.9, 8_000, 25_000, "coal", 2_000),
    ("hp_machining", "Metal fabrication and machining works", "metal products", HIEP_PHUOC, 3.0, 0.2, 6_000, 10_000, "", 0),
    ("hp_dairy", "Dairy processing plant", "dairy products", HIEP_PHUOC, 1.5, 3.6, 20_000, 250_000, "lpg", 1_200),
    # --- Amata: the remaining 2 of the 51
    ("am_dyeing", "Textile dyeing and finishing mill", "textile wet processing", AMATA, 0.6, 1.2, 18_000, 500_000, "coal", 10_000),
    ("am_food", "Food processing plant", "food processing", AMATA, 1.9, 0.4, 10_000, 150_000, "lpg", 600),
]]


WASTEWATER_SHARE = 0.8  # share of water a tenant discharges as wastewater (assumption)


def add_tenants(park, tenants: list[Tenant]) -> None:
    """Firms and baseline flows of RECP-assessed tenants: power, water, wastewater and boiler fuel."""
    for t in tenants:
        park.firm(t.id, t.name, t.sector, t.x, t.y, park=t.park)
    for t in tenants:
        park.flow(t.id, "electricity", demand=t.electricity)
        park.flow(t.id, "water", demand=t.water)
        park.flow(t.id, "wastewater", generation=round(WASTEWATER_SHARE * t.water))
        if t.fuel:
            park.flow(t.id, t.fuel, demand=t.fuel_t)
