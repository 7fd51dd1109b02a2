"""Shared helpers of the park scenario generators.

Prices, emission factors and cost rules used by every park (each one stated,
with its source or reasoning, in ``scenarios/generators/README.md``), a
:class:`Park` builder that collects table rows, link costs derived from the
distance between firm coordinates, an exact integer allocation
(:func:`largest_remainder`) and a deterministic CSV writer.

Only ``random.Random.random`` is used for synthetic numbers (its Mersenne
Twister stream is stable across Python versions), always from a generator
seeded with :data:`SEED` plus a fixed per-scenario offset.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

from eipopt.model.schema import TABLES, format_value

SEED = 20230309  # the date of the DEEP C / Khanh Phu study tour; any fixed number would do

# --- prices (VND) and emission factors (tCO2e per unit) -------------------------------
GRID_EF = 0.6592  # tCO2e/MWh, Viet Nam grid 2023 (SEED_FACTS)
#: Viet Nam grid emission factor by year (tCO2e/MWh, MONRE, SEED_FACTS) where published.
GRID_EF_PUBLISHED = {
    2014: 0.6612, 2015: 0.8154, 2016: 0.9185, 2017: 0.8649, 2018: 0.9130,
    2019: 0.8458, 2020: 0.8041, 2021: 0.7221, 2022: 0.6766, 2023: GRID_EF,
}
GRID_EF_DECLINE = 0.02  # assumption: the factor keeps falling 2 % a year after the last published year


def grid_ef(year: int) -> float:
    """Grid emission factor of ``year`` (tCO2e/MWh, 4 decimals): published, else the assumed decline from 2023."""
    if year in GRID_EF_PUBLISHED:
        return GRID_EF_PUBLISHED[year]
    last = max(GRID_EF_PUBLISHED)
    return round(GRID_EF_PUBLISHED[last] * (1 - GRID_EF_DECLINE) ** (year - last), 4)

ELECTRICITY_PRICE = 1_920_370  # VND/MWh: EVN average retail price from 4 May 2023
WATER_PRICE = 15_000  # VND/m3, clean water to a park tenant (assumption)
WASTEWATER_FEE = 12_000  # VND/m3, central WWTP treatment fee (assumption)

# Landfill CH4 of degradable waste, IPCC 2006 first-order-decay defaults (tCO2e/t wet):
# DOC x DOCf x MCF x F x 16/12 x GWP_CH4 x (1 - OX)
_MCF, _F, _OX, _GWP_CH4 = 0.6, 0.5, 0.1, 28


def landfill_ef(doc: float, docf: float = 0.5) -> float:
    """tCO2e per tonne of wet waste landfilled (no gas capture), rounded to 3 decimals."""
    return round(doc * docf * _MCF * _F * 16 / 12 * _GWP_CH4 * (1 - _OX), 3)


def fuel_ef(kg_co2_per_gj: float, ncv_gj_per_t: float) -> float:
    """tCO2 per tonne of fuel from the IPCC 2006 default factor and net calorific value."""
    return round(kg_co2_per_gj * ncv_gj_per_t / 1000, 3)


NCV = {"coal": 25.8, "lpg": 47.3, "fuel_oil": 40.4, "biomass": 14.0, "hydrogen": 120.0, "used_cooking_oil": 37.0, "natural_gas": 1.0}  # GJ/t (gas: GJ/GJ)
STEAM_GJ_PER_T = 2.75  # heat in 1 t of low-pressure steam above feed water
BIOGAS_GJ_PER_NM3 = 0.0215  # 60 % methane
BOILER_EFFICIENCY = {"coal": 0.80, "biomass": 0.75, "lpg": 0.90, "fuel_oil": 0.88, "natural_gas": 0.90}


def fuel_replaced(heat_gj: float, fuel: str, fired: bool = True) -> float:
    """Tonnes (or GJ) of ``fuel`` one unit of a delivered energy stream replaces, to 4 significant digits.

    ``heat_gj`` is the unit's energy; ``fired`` streams (hydrogen, biogas, wood) burn
    in the sink's boiler at its efficiency, so only the fuels' heating values differ;
    delivered heat (steam) replaces the fuel the boiler would have burned to make it.
    """
    replaced = heat_gj / NCV[fuel] if fired else heat_gj / (NCV[fuel] * BOILER_EFFICIENCY[fuel])
    return float(f"{replaced:.4g}")

#: Every resource a park may use: id -> resources.csv columns (blank = not traded that way).
RESOURCES: dict[str, dict] = {
    "electricity": dict(name="Grid electricity", unit="MWh", kind="energy", buy_price=ELECTRICITY_PRICE, buy_emission_factor=GRID_EF),
    "water": dict(name="Clean (tap or process) water", unit="m3", kind="water", buy_price=WATER_PRICE),
    "wastewater": dict(name="Wastewater to the central treatment plant", unit="m3", kind="water", disposal_cost=WASTEWATER_FEE),
    "treated_effluent": dict(name="Treated effluent (discharged)", unit="m3", kind="water", disposal_cost=0),
    "ro_reject": dict(name="Clean reject and rinse water", unit="m3", kind="water", disposal_cost=WASTEWATER_FEE),
    "reclaimed_water": dict(name="Reclaimed water (ultrafiltration and reverse osmosis permeate)", unit="m3", kind="water"),
    "coal": dict(name="Coal (boilers)", unit="t", kind="energy", buy_price=3_200_000, buy_emission_factor=fuel_ef(94.6, NCV["coal"])),
    "lpg": dict(name="Liquefied petroleum gas", unit="t", kind="energy", buy_price=25_000_000, buy_emission_factor=fuel_ef(63.1, NCV["lpg"])),
    "fuel_oil": dict(name="Fuel oil (FO)", unit="t", kind="energy", buy_price=16_000_000, buy_emission_factor=fuel_ef(77.4, NCV["fuel_oil"])),
    "biomass": dict(name="Biomass fuel (rice husk, wood chips)", unit="t", kind="energy", buy_price=1_600_000),
    "natural_gas": dict(name="Natural gas", unit="GJ", kind="energy", buy_price=260_000, buy_emission_factor=0.0561),
    "hydrogen": dict(name="By-product hydrogen (flared)", unit="t", kind="material", disposal_cost=0),
    "steam": dict(name="Surplus low-pressure steam (vented)", unit="t", kind="energy", disposal_cost=0),
    "biogas": dict(name="Biogas from anaerobic digestion (flared)", unit="Nm3", kind="energy", disposal_cost=0),
    "general_waste": dict(name="Mixed non-hazardous industrial waste", unit="t", kind="waste", disposal_cost=1_200_000, disposal_emission_factor=landfill_ef(0.15)),
    "plastic_scrap": dict(name="Plastic scrap and film (unsorted)", unit="t", kind="waste", disposal_cost=1_200_000),
    "pe_resin": dict(name="Polyethylene or polypropylene resin", unit="t", kind="material", buy_price=28_000_000, buy_emission_factor=1.8),
    "wood_waste": dict(name="Wood waste (pallets, crates, offcuts)", unit="t", kind="waste", disposal_cost=1_200_000, disposal_emission_factor=landfill_ef(0.43, docf=0.1)),
    "waste_paper": dict(name="Paper and cardboard waste (unsorted)", unit="t", kind="waste", disposal_cost=1_200_000, disposal_emission_factor=landfill_ef(0.40)),
    "recovered_paper": dict(name="Sorted, baled recovered paper", unit="t", kind="material", buy_price=4_000_000, sell_price=3_000_000),
    "used_oil": dict(name="Used lubricating oil (hazardous)", unit="t", kind="waste", disposal_cost=4_000_000, disposal_emission_factor=fuel_ef(73.3, 40.2)),
    "base_oil": dict(name="Lubricant base oil", unit="t", kind="material", buy_price=30_000_000),
    "spent_pickle_liquor": dict(name="Spent pickle liquor, iron chloride (hazardous)", unit="t", kind="waste", disposal_cost=4_000_000),
    "coagulant": dict(name="Coagulant (ferric chloride or PAC), as product", unit="t", kind="material", buy_price=6_000_000),
    "fatty_acid": dict(name="Fatty-acid distillate", unit="t", kind="material", sell_price=16_000_000),
    "feed_fat": dict(name="Feed fat", unit="t", kind="material", buy_price=19_000_000),
    "fish_byproduct": dict(name="Fish heads, frames and skin", unit="t", kind="waste", sell_price=2_500_000),
    "fishmeal": dict(name="Fishmeal (feed protein)", unit="t", kind="material", buy_price=32_000_000),
    "food_waste": dict(name="Food and canteen waste", unit="t", kind="waste", disposal_cost=1_200_000, disposal_emission_factor=landfill_ef(0.15)),
    "brewers_grain": dict(name="Wet brewer's spent grain", unit="t", kind="waste", disposal_cost=400_000, disposal_emission_factor=landfill_ef(0.10)),
    "feed_grain": dict(name="Feed raw materials (maize, bran), as-fed equivalent", unit="t", kind="material", buy_price=7_500_000, buy_emission_factor=0.5),
    "wwtp_sludge": dict(name="Dewatered wastewater-treatment sludge", unit="t", kind="waste", disposal_cost=1_500_000, disposal_emission_factor=landfill_ef(0.05)),
    "organic_feedstock": dict(name="Organic fertiliser feedstock (manure, peat)", unit="t", kind="material", buy_price=900_000),
    "compost": dict(name="Compost and organic fertiliser", unit="t", kind="material", sell_price=600_000),
    "rdf_power": dict(name="Electricity from waste-to-energy (sold to the grid)", unit="MWh", kind="energy", sell_price=2_114_000, sell_emission_factor=GRID_EF),
    "coal_ash": dict(name="Coal boiler ash", unit="t", kind="waste", disposal_cost=600_000),
    "aggregate": dict(name="Construction aggregate and sand", unit="t", kind="material", buy_price=300_000),
    "textile_offcuts": dict(name="Textile offcuts", unit="t", kind="waste", disposal_cost=1_200_000, disposal_emission_factor=landfill_ef(0.24)),
    "padding": dict(name="Padding and filling material", unit="t", kind="material", buy_price=12_000_000),
    "metal_scrap": dict(name="Steel scrap and offcuts", unit="t", kind="material", sell_price=7_500_000),
    "steel_charge": dict(name="Purchased steel scrap charge", unit="t", kind="material", buy_price=9_000_000),
    "waste_solvent": dict(name="Spent cleaning solvent (hazardous)", unit="t", kind="waste", disposal_cost=5_000_000),
    "solvent": dict(name="Cleaning solvent", unit="t", kind="material", buy_price=25_000_000),
    "steel_slag": dict(name="Steel-making slag (dumped on site)", unit="t", kind="waste", disposal_cost=80_000),
    "off_gas": dict(name="Process off-gas (flared)", unit="GJ", kind="energy", disposal_cost=0),
    "used_cooking_oil": dict(name="Used frying oil", unit="t", kind="waste", sell_price=8_000_000),
    "mineral_additive": dict(name="Mineral additive for cement (limestone, pozzolan)", unit="t", kind="material", buy_price=250_000),
}

# --- link cost rules --------------------------------------------------------------------
DETOUR = 1.3  # route length / straight-line distance
TRANSPORT = {
    # mode: capex per route-km (VND), variable cost per unit per route-km (VND), kgCO2e per unit-km
    "truck": dict(capex_km=0, var_km=3_000, co2_km=0.0001),  # VND/t-km, tCO2e/t-km
    "water_pipe": dict(capex_km=2_500_000_000, var_km=0, co2_km=0),
    "gas_pipe": dict(capex_km=3_500_000_000, var_km=0, co2_km=0),
    "steam_pipe": dict(capex_km=6_000_000_000, var_km=0, co2_km=0),
}
PUMPING_MWH_PER_M3_KM = 0.00005  # 0.05 kWh per m3 and km of water pipe (assumption)
FIXED_OPEX_SHARE = 0.03  # annual O&M as a share of a link's capex (assumption)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Route length between two plots: straight line times :data:`DETOUR`, at least 0.3 km."""
    return max(0.3, DETOUR * math.hypot(a[0] - b[0], a[1] - b[1]))


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights``; the parts sum to ``total`` exactly.

    >>> largest_remainder(10, [1, 1, 1])
    [4, 3, 3]
    """
    scale = sum(weights)
    quotas = [total * w / scale for w in weights]
    parts = [math.floor(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def rng(offset: int) -> random.Random:
    """The seeded generator of one scenario."""
    return random.Random(SEED + offset)


def uniform(r: random.Random, low: float, high: float) -> float:
    """A uniform draw from ``random()`` alone (stable across Python versions)."""
    return low + (high - low) * r.random()


# --- the builder --------------------------------------------------------------------------
class Park:
    """Rows of one scenario's tables, with link costs derived from firm coordinates."""

    def __init__(self, park: str):
        self.park = park
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}
        self._flows: dict[tuple[str, str], dict] = {}
        self._xy: dict[str, tuple[float, float]] = {}

    def resource(self, rid: str, **overrides) -> None:
        """Use a resource of :data:`RESOURCES` (once), optionally with changed columns."""
        if any(r["id"] == rid for r in self.rows["resources"]):
            return
        self.rows["resources"].append({"id": rid, **RESOURCES[rid], **overrides})

    def firm(self, fid: str, name: str, sector: str, x: float, y: float, role: str = "tenant", park: str | None = None, **extra) -> None:
        """A tenant, park utility or city node at plot (x, y) km."""
        self._xy[fid] = (x, y)
        self.rows["firms"].append(dict(id=fid, name=name, park=park or self.park, sector=sector, x_km=x, y_km=y, role=role, **extra))

    def flow(self, firm: str, resource: str, demand: float = 0, generation: float = 0, sell_limit=None, buy_limit=None) -> None:
        """Add baseline demand or generation of a firm (amounts accumulate)."""
        self.resource(resource)
        row = self._flows.setdefault((firm, resource), dict(firm=firm, resource=resource, demand=0, generation=0, sell_limit=None, buy_limit=None))
        row["demand"] += demand
        row["generation"] += generation
        if sell_limit is not None:
            row["sell_limit"] = sell_limit
        if buy_limit is not None:
            row["buy_limit"] = buy_limit

    def measure(self, effects: dict[str, float] | None = None, **columns) -> None:
        """A RECP measure and its demand changes ({resource: demand_change})."""
        self.rows["measures"].append(columns)
        for resource, change in (effects or {}).items():
            self.resource(resource)
            self.rows["measure_effects"].append(dict(measure=columns["id"], resource=resource, demand_change=change))

    def distance(self, a: str, b: str) -> float:
        return round(distance_km(self._xy[a], self._xy[b]), 2)

    def link(self, lid: str, source: str, sink: str, resource: str, *, capacity: float, mode: str,
             sink_resource: str = "", yield_: float = 1, equipment_capex: float = 0, handling_cost: float = 0,
             kind: str = "IS", lifetime: float = 15, capacity_unit: str = "", **extra) -> dict:
        """A candidate link; capex, O&M, variable cost and CO2e follow from the route length.

        capex = equipment + route km x per-km cost of the mode; fixed_opex = 3 % of capex;
        variable_cost = handling + route km x per-unit-km cost; water pipes pump with grid
        electricity at the source (0.05 kWh per m3 and km).
        """
        km = self.distance(source, sink)
        rule = TRANSPORT[mode]
        capex = round(equipment_capex + km * rule["capex_km"], -6)
        for rid in (resource, sink_resource):
            if rid:
                self.resource(rid)
        row = dict(
            id=lid, source=source, sink=sink, resource=resource, sink_resource=sink_resource, **{"yield": yield_},
            capacity=capacity, capacity_unit=capacity_unit, capex=capex,
            fixed_opex=round(FIXED_OPEX_SHARE * capex, -6), variable_cost=round(handling_cost + km * rule["var_km"]),
            variable_co2=round(km * rule["co2_km"], 6), lifetime_years=lifetime if capex > 0 else None,
            kind=kind, route_km=km, mode=mode, **extra,
        )
        self.rows["links"].append(row)
        if mode == "water_pipe":
            self.link_input(lid, "electricity", round(PUMPING_MWH_PER_M3_KM * km, 7), at="source")
        return row

    def link_input(self, link: str, resource: str, per_unit_sent: float, at: str = "sink") -> None:
        """What a link consumes per unit sent; adds to an earlier input of the same resource (same end)."""
        self.resource(resource)
        for row in self.rows["link_inputs"]:
            if (row["link"], row["resource"]) == (link, resource):
                assert row["at"] == at, f"{link} uses {resource} at both ends"
                row["per_unit_sent"] = round(row["per_unit_sent"] + per_unit_sent, 7)
                return
        self.rows["link_inputs"].append(dict(link=link, resource=resource, per_unit_sent=per_unit_sent, at=at))

    def profile(self, key: str, values: dict[int, float]) -> None:
        """Rows of ``profiles.csv``: the override ``key`` takes ``values[period]`` from each period on."""
        self.rows["profiles"] += [dict(key=key, period=period, value=value) for period, value in values.items()]

    def tables(self) -> dict[str, list[dict]]:
        """Every non-empty table's rows (flows in the order first added)."""
        rows = dict(self.rows)
        rows["flows"] = list(self._flows.values())
        return {name: r for name, r in rows.items() if r or TABLES[name].required_table}

    def extra_columns(self) -> dict[str, list[str]]:
        """Columns of our own per table (``role``, ``route_km`` ...), in first-use order: the
        scenario's ``extra_columns`` in scenario.yaml must declare exactly these."""
        declared = {}
        for name, rows in self.tables().items():
            extras = [k for row in rows for k in row if k not in TABLES[name].column_index]
            if extras:
                declared[name] = list(dict.fromkeys(extras))
        return declared

    def write(self, folder: Path) -> list[Path]:
        """Write one CSV per table in a fixed format.

        Columns: the schema's required ones and those any row fills, in schema
        order, then extra columns (``role``, ``route_km`` ...) in first-use order.
        """
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, rows in self.tables().items():
            used = {k for row in rows for k, v in row.items() if v is not None}
            columns = [c.name for c in TABLES[name].columns if c.required or c.name in used]
            columns += self.extra_columns().get(name, [])
            path = folder / TABLES[name].file_name
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([format_value(row.get(c)) for c in columns])
            written.append(path)
        return written


def operating_benefit(park: Park, link: dict, hours: float = 8760) -> float:
    """Annual operating benefit of a link at full capacity, before its capex and O&M (VND/yr).

    Per unit sent: the source's avoided disposal cost (or, for a saleable by-product,
    minus the sale it forgoes), plus yield x the value at the sink (avoided purchase,
    or sale), minus variable cost and consumed inputs at their purchase price.
    """
    prices = {r["id"]: r for r in park.rows["resources"]}
    source, sink = prices[link["resource"]], prices[link["sink_resource"] or link["resource"]]
    outlet = source.get("disposal_cost", -source.get("sell_price", 0))
    value = sink.get("buy_price", sink.get("sell_price", 0))
    inputs = sum(i["per_unit_sent"] * prices[i["resource"]].get("buy_price", 0) for i in park.rows["link_inputs"] if i["link"] == link["id"])
    per_unit = outlet + link["yield"] * value - link["variable_cost"] - inputs
    annual = link["capacity"] * (hours / 24 if link["capacity_unit"] == "m3/d" else 1)
    return per_unit * annual
