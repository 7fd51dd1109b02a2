"""``hiep_phuoc_water``: water reuse with quality limits among Hiep Phuoc's wet-processing tenants.

The water users of the Hiep Phuoc IS workshop (textile dyeing, recycled
paper, beverages, seafood, instant noodles), the city's sewage treatment plant
and green space, and a candidate water reclamation plant (ultrafiltration and
reverse osmosis) that regenerates the dyeing and seafood wastewater to a fixed
quality. Every link carries COD and TDS at its source's outlet; the dyeing
mill, the paper mill and the city's green space accept a mix up to their
limits. Concentrations, limits and the plant's costs are assumptions stated
in the scenario's PROVENANCE.md.
"""

from __future__ import annotations

from .common import Park
from .hiep_phuoc import CITY, add_city_effluent_to_paper_mill, add_dyeing_wastewater_to_paper_mill
from .tenants import HIEP_PHUOC, TENANTS, add_tenants

#: The workshop enterprises that use and discharge process water.
WATER_TENANTS = ("hp_dyeing_1", "hp_paper", "hp_beverage", "hp_seafood_1", "hp_noodles")
PLANT = "hp_reclamation"
UNIT = "mg/L"

#: (firm, resource) -> {contaminant: outlet}, mg/L (assumptions, PROVENANCE.md)
OUTLETS = {
    ("hp_dyeing_1", "wastewater"): {"COD": 1_000, "TDS": 3_000},
    ("hp_seafood_1", "wastewater"): {"COD": 2_500, "TDS": 1_500},
    ("hp_beverage", "ro_reject"): {"COD": 5, "TDS": 1_200},
    ("city_stp", "treated_effluent"): {"COD": 50, "TDS": 500},
    (PLANT, "reclaimed_water"): {"COD": 10, "TDS": 150},
}
#: (firm, resource) -> {contaminant: max_inlet}, mg/L (assumptions, PROVENANCE.md)
LIMITS = {
    ("hp_dyeing_1", "water"): {"COD": 20, "TDS": 300},
    ("hp_paper", "water"): {"COD": 150, "TDS": 1_500},
    ("city_green", "water"): {"COD": 150, "TDS": 2_000},
}
#: contaminant -> concentration of the tap water bought, mg/L (assumption)
TAP_WATER = {"COD": 2, "TDS": 150}

RECOVERY = 0.75  # reverse osmosis permeate per m3 of wastewater fed
RO_MWH_PER_M3 = 0.0015  # 1.5 kWh per m3 fed
# chemicals and membranes 5,000 VND/m3, plus the 25 % reject discharged at the 12,000 VND/m3 wastewater fee
RECLAMATION_COST = 5_000 + round((1 - RECOVERY) * 12_000)


def build() -> Park:
    park = Park(HIEP_PHUOC)
    add_tenants(park, [t for t in TENANTS if t.id in WATER_TENANTS])
    park.firm("city_stp", "Municipal sewage treatment plant", "city: sewage treatment", 0.5, 6.5, role="city", park=CITY)
    park.firm("city_green", "Urban green space and street cleaning", "city: public works", 3.0, 6.0, role="city", park=CITY)
    park.firm(PLANT, "Water reclamation plant (ultrafiltration and reverse osmosis)", "park utility: water reclamation", 1.6, 1.5, role="park utility")

    park.flow("hp_beverage", "ro_reject", generation=60_000)  # m3/yr, as in hiep_phuoc
    park.flow("city_stp", "treated_effluent", generation=3_650_000)
    park.flow("city_green", "water", demand=150_000)

    # --- direct reuse, as in hiep_phuoc
    park.link("is_ro_reject_to_dyeing", "hp_beverage", "hp_dyeing_1", "ro_reject", sink_resource="water", capacity=200,
              capacity_unit="m3/d", mode="water_pipe", equipment_capex=1e9, handling_cost=500)
    add_dyeing_wastewater_to_paper_mill(park)
    add_city_effluent_to_paper_mill(park)
    park.link("uis_ro_reject_to_city_green", "hp_beverage", "city_green", "ro_reject", sink_resource="water", capacity=200,
              capacity_unit="m3/d", mode="water_pipe", equipment_capex=1e9, handling_cost=500, kind="UIS")

    # --- regeneration: the reclamation plant takes wastewater in and sends reclaimed water at its fixed outlet
    for source, capacity, equipment, requires in (
        ("hp_dyeing_1", 1_200, 30e9, ""),  # the plant itself is built with the dyeing mill's intake
        ("hp_seafood_1", 600, 2e9, "is_dyeing_wastewater_to_reclamation"),
    ):
        intake = park.link(f"is_{source.removeprefix('hp_').removesuffix('_1')}_wastewater_to_reclamation", source, PLANT, "wastewater",
                           sink_resource="reclaimed_water", yield_=RECOVERY, capacity=capacity, capacity_unit="m3/d", mode="water_pipe",
                           equipment_capex=equipment, handling_cost=RECLAMATION_COST, requires=requires)
        park.link_input(intake["id"], "electricity", RO_MWH_PER_M3, at="source")  # booked with the pumping power
    for sink in ("hp_dyeing_1", "hp_paper"):
        park.link(f"is_reclaimed_water_to_{sink.removeprefix('hp_').removesuffix('_1')}", PLANT, sink, "reclaimed_water",
                  sink_resource="water", capacity=1_500, capacity_unit="m3/d", mode="water_pipe", equipment_capex=0.5e9,
                  requires="is_dyeing_wastewater_to_reclamation")

    # --- water quality
    for (firm, resource), outlets in OUTLETS.items():
        for contaminant, value in outlets.items():
            park.rows["quality"].append(dict(firm=firm, resource=resource, contaminant=contaminant, outlet=value, unit=UNIT))
    for (firm, resource), limits in LIMITS.items():
        for contaminant, value in limits.items():
            park.rows["quality"].append(dict(firm=firm, resource=resource, contaminant=contaminant, max_inlet=value, unit=UNIT))
    for contaminant, value in TAP_WATER.items():
        park.rows["market_quality"].append(dict(resource="water", contaminant=contaminant, concentration=value, unit=UNIT))
    return park
