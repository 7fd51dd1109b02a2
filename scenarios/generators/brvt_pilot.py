"""``brvt_pilot``: Ba Ria Vung Tau's two-park eco-IP pilot (petrochemicals, fertiliser, power, steel).

The province pilots its eco-IP guidelines in two parks (seed 000), whose
names are not published: park A holds a gas-fired power plant, a gas-based
urea plant and a polypropylene plant, park B an electric-arc-furnace steel
mill and a cement grinding plant. The three IS candidates all cost more than
they save at today's prices, so the least-cost plan builds none; the Decree 35
condition (at least one industrial symbiosis, ``min_symbiosis_links: 1``)
then forces the cheapest one, at a cost. A profitable UIS link (city effluent
as cooling water) shows that urban symbiosis does not count toward it.
"""

from __future__ import annotations

from .common import Park

PARK_A = "BRVT pilot park A (gas, fertiliser, petrochemicals)"
PARK_B = "BRVT pilot park B (steel)"
CITY = "Ba Ria Vung Tau city"

FIRMS = [
    # id, name, sector, park, x, y, electricity MWh, water m3, natural gas GJ
    ("br_power", "Gas-fired combined-cycle power plant", "power generation", PARK_A, 0.5, 0.5, 0, 1_500_000, 0),
    ("br_fertiliser", "Gas-based urea fertiliser plant", "nitrogen fertiliser", PARK_A, 1.8, 0.4, 120_000, 3_000_000, 25_000_000),
    ("br_polymer", "Polypropylene plant", "petrochemicals", PARK_A, 2.5, 1.6, 150_000, 1_000_000, 3_000_000),
    ("br_steel", "Electric-arc-furnace steel mill", "steel", PARK_B, 10.5, 7.0, 600_000, 800_000, 1_500_000),
    ("br_cement", "Cement grinding plant", "cement", PARK_B, 11.8, 7.6, 40_000, 20_000, 0),
]
MEASURES = [
    # id, firm, name, capex, lifetime, {resource: demand_change}
    ("br_steel_burners", "br_steel", "EAF oxy-fuel burner and oxygen-lance optimisation", 20e9, 10, {"electricity": -15_000}),
    ("br_polymer_vsd", "br_polymer", "Variable-speed drives on compressors and pumps", 5e9, 10, {"electricity": -5_000}),
    ("br_fertiliser_steam", "br_fertiliser", "Steam-trap and insulation programme", 3e9, 5, {"natural_gas": -50_000}),
    ("br_cement_separator", "br_cement", "High-efficiency separator on the grinding mill", 6e9, 10, {"electricity": -3_000}),
]


def build() -> Park:
    park = Park(PARK_A)
    for fid, name, sector, park_name, x, y, power, water, gas in FIRMS:
        park.firm(fid, name, sector, x, y, park=park_name)
        if power:
            park.flow(fid, "electricity", demand=power)
        park.flow(fid, "water", demand=water)
        if gas:
            park.flow(fid, "natural_gas", demand=gas)
    park.firm("city_stp", "Municipal sewage treatment plant", "city: sewage treatment", 1.5, 3.0, role="city", park=CITY)
    for mid, firm, name, capex, lifetime, effects in MEASURES:
        park.measure(effects, id=mid, firm=firm, name=name, category="energy", capex=capex, lifetime_years=lifetime)

    park.flow("br_power", "ro_reject", generation=500_000)  # cooling-tower blowdown, m3/yr
    park.flow("br_polymer", "off_gas", generation=25_000)  # surplus beyond its own furnaces, GJ/yr, flared
    park.flow("br_steel", "steel_slag", generation=150_000)
    park.flow("br_cement", "mineral_additive", demand=200_000)
    park.flow("city_stp", "treated_effluent", generation=3_650_000)

    park.link("is_slag_to_cement", "br_steel", "br_cement", "steel_slag", sink_resource="mineral_additive", yield_=0.8,
              capacity=100_000, mode="truck", equipment_capex=60e9, handling_cost=200_000)  # crushing, metal recovery, ageing
    blowdown = park.link("is_blowdown_to_steel_mill", "br_power", "br_steel", "ro_reject", sink_resource="water", yield_=0.8,
                         capacity=1_400, capacity_unit="m3/d", mode="water_pipe", equipment_capex=20e9, handling_cost=14_000)
    park.link_input(blowdown["id"], "electricity", 0.001, at="source")  # softening and RO
    park.link("is_offgas_to_steel_mill", "br_polymer", "br_steel", "off_gas", sink_resource="natural_gas",
              capacity=25_000, mode="gas_pipe", equipment_capex=10e9, lifetime=20)
    city = park.link("uis_city_effluent_to_power_plant", "city_stp", "br_power", "treated_effluent", sink_resource="water",
                     yield_=0.9, capacity=3_000, capacity_unit="m3/d", mode="water_pipe", equipment_capex=8e9,
                     handling_cost=4_000, kind="UIS")
    park.link_input(city["id"], "electricity", 0.0005, at="source")
    return park
