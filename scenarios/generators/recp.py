"""The GEIPP RECP portfolio: 396 measures of 51 companies, calibrated to the published potential.

Published totals (SEED_FACTS, seed 003) when every proposed solution is
implemented: 34,436,469 kWh/yr power, 252,548 m3/yr water, 28,823 tCO2/yr
and 85,553 million VND/yr savings (CO2 and savings excluding solar; the
portfolio holds no solar measure). How the model's accounting reproduces them:

- power: electricity ``demand_change`` (MWh, whole kWh), summing to the total;
- water: water ``demand_change`` (m3, whole m3), summing to the total;
- CO2: the power saving at the 2023 grid factor (0.6592 t/MWh) plus
  ``direct_co2_change`` of fuel measures (whole kg) for the remainder;
- savings: avoided electricity and water purchases at the stated prices plus
  ``opex_change`` of fuel and material measures (whole VND) for the remainder.

Each total is split over the measures by :func:`~common.largest_remainder`, so
the parts add up exactly; only the split is synthetic (seeded draws, scaled
by plant size). The rare-earth magnet maker's 14 measures are named after the
documented case (seed 002); the others get generic RECP measure names.
"""

from __future__ import annotations

import math

from . import common
from .tenants import MAGNET_MAKER, TENANTS, Tenant

MEASURES = 396
POWER_KWH = 34_436_469
WATER_M3 = 252_548
CO2_T = 28_823
SAVINGS_VND = 85_553_000_000

# the parts of the CO2 and savings totals that the power and water savings do not carry
GRID_CO2_KG = POWER_KWH * common.GRID_EF  # kWh x tCO2e/MWh = kg CO2e
DIRECT_CO2_KG = round(CO2_T * 1000 - GRID_CO2_KG)  # 6,122,480 kg (exact to 0.4 kg)
PURCHASES_VND = POWER_KWH * common.ELECTRICITY_PRICE / 1000 + WATER_M3 * common.WATER_PRICE
OPEX_VND = round(SAVINGS_VND - PURCHASES_VND)  # 15,634,018,026 VND (exact to 0.5 VND)

NAMES = {
    "energy": [
        "Variable-speed drives on pumps and fans",
        "Compressed-air leak repair and pressure reduction",
        "LED lighting retrofit with occupancy control",
        "Chiller plant set-point and sequencing optimisation",
        "High-efficiency (IE3) motor replacement",
        "Power-factor correction and transformer load management",
        "Cooling-tower fan and pump control",
        "Insulation of process equipment and cold rooms",
        "Heat-pump water heating in place of electric heaters",
        "Inverter air-conditioning in offices and clean rooms",
    ],
    "water": [
        "Leak detection and repair of the water network",
        "Cooling-tower blowdown control by conductivity",
        "Counter-current rinsing and flow restrictors",
        "Reuse of reverse-osmosis reject water",
        "High-pressure low-volume cleaning nozzles",
        "Sub-metering by area with daily monitoring",
    ],
    "fuel": [
        "Steam-trap survey and repair",
        "Condensate recovery to the boiler feed tank",
        "Boiler combustion tuning and oxygen trim",
        "Insulation of steam lines, valves and flanges",
        "Flue-gas economiser on the boiler",
        "Furnace and dryer burner tuning",
    ],
    "material": [
        "Reject and scrap reduction through process control",
        "Optimised chemical dosing",
        "Packaging material reduction and reuse",
        "Storage and handling loss reduction",
        "Preventive maintenance against unplanned stoppages",
        "Reuse of off-cuts in production",
    ],
}

#: The magnet maker's 14 solutions (seed 002: found in 10 months, 12 implemented); the last two are the open ones.
MAGNET_MEASURES = [
    ("energy", "Sintering-furnace load and cycle optimisation"),
    ("energy", "Compressed-air leak repair and pressure reduction"),
    ("energy", "Variable-speed drives on cooling-water pumps"),
    ("energy", "Chiller set-point and sequencing optimisation"),
    ("energy", "LED lighting retrofit"),
    ("energy", "Power-factor correction and transformer loading"),
    ("energy", "Insulation of heat-treatment furnaces"),
    ("material", "Return of magnet scrap and grinding sludge to alloy melting"),
    ("material", "Argon consumption reduction in strip casting"),
    ("water", "Grinding-coolant filtration and reuse"),
    ("water", "Reuse of reverse-osmosis reject for cooling-tower make-up"),
    ("water", "Process cooling-water leak repair"),
    ("energy", "Waste-heat recovery from sintering furnaces to process hot water"),
    ("energy", "Dry screw vacuum pumps in place of oil-sealed pumps"),
]
MAGNET_IMPLEMENTED = 12

# cost classes: (upper bound of the draw, name, payback range in years, lifetime in years)
COST_CLASSES = [
    (0.25, "no-cost", (0.0, 0.0), 5),
    (0.60, "low-cost", (0.3, 1.0), 5),
    (0.85, "medium-cost", (1.0, 3.0), 10),
    (1.00, "high-cost", (3.0, 9.0), 15),
]
_OFFSET = 1  # this generator's seed offset


def _counts() -> dict[str, int]:
    """Measures per company: 14 for the magnet maker, the rest by plant size (log of MWh)."""
    others = [t for t in TENANTS if t.id != MAGNET_MAKER]
    weights = [1 + math.log(1 + t.electricity / 1000) for t in others]
    counts = dict(zip([t.id for t in others], common.largest_remainder(MEASURES - len(MAGNET_MEASURES), weights), strict=True))
    return {MAGNET_MAKER: len(MAGNET_MEASURES), **counts}


def _categories(tenant: Tenant, n: int, r) -> list[str]:
    """Measure categories of one company: the first saves power, the rest drawn by sector."""
    weights = {
        "energy": 0.5,
        "water": 0.3 if tenant.water >= 100_000 else 0.15,
        "fuel": 0.25 if tenant.fuel else 0.0,
        "material": 0.15,
    }
    total = sum(weights.values())
    out = ["energy"]
    for _ in range(n - 1):
        draw, acc = r.random() * total, 0.0
        for category, w in weights.items():
            acc += w
            if draw < acc:
                out.append(category)
                break
    return out


def _names(categories: list[str], r) -> list[str]:
    """Generic names for a company's measures: each category's list from a random start, no repeats."""
    start: dict[str, int] = {}
    seen: dict[str, int] = {}
    out = []
    for category in categories:
        names = NAMES[category]
        start.setdefault(category, int(r.random() * len(names)))
        k = seen[category] = seen.get(category, -1) + 1
        name = names[(start[category] + k) % len(names)]
        out.append(name if k < len(names) else f"{name} (second line)")
    return out


def portfolio() -> list[dict]:
    """The 396 measures: measures.csv columns plus ``effects`` {resource: demand_change} and ``cost_class``."""
    r = common.rng(_OFFSET)
    tenants = {t.id: t for t in TENANTS}
    measures = []
    for tid, n in _counts().items():
        tenant = tenants[tid]
        if tid == MAGNET_MAKER:
            plan = MAGNET_MEASURES
        else:
            categories = _categories(tenant, n, r)
            plan = list(zip(categories, _names(categories, r), strict=True))
        for k, (category, name) in enumerate(plan, start=1):
            share = r.random()
            measures.append(dict(id=f"{tid}_{category[0]}{k:02d}", firm=tid, name=name, category=category, share=share))

    # raw sizes by plant size, then exact scaling to the published totals
    def raw(m: dict, category: str) -> float:
        t = tenants[m["firm"]]
        s = m["share"]
        if category == "energy":
            return t.electricity * (0.004 + 0.012 * s)
        if category == "water":
            return t.water * (0.005 + 0.025 * s)
        if category == "fuel":
            return t.fuel_t * (0.01 + 0.03 * s)
        return t.electricity * common.ELECTRICITY_PRICE * (0.005 + 0.015 * s)

    def of(category: str) -> list[dict]:
        return [m for m in measures if m["category"] == category]

    for m, kwh in zip(of("energy"), common.largest_remainder(POWER_KWH, [raw(m, "energy") for m in of("energy")]), strict=True):
        m["power_kwh"] = kwh
    for m, m3 in zip(of("water"), common.largest_remainder(WATER_M3, [raw(m, "water") for m in of("water")]), strict=True):
        m["water_m3"] = m3
    fuel = of("fuel")
    fossil = [m for m in fuel if tenants[m["firm"]].fuel != "biomass"]
    fuel_co2 = {m["id"]: raw(m, "fuel") * common.RESOURCES[tenants[m["firm"]].fuel]["buy_emission_factor"] for m in fossil}
    for m, kg in zip(fossil, common.largest_remainder(DIRECT_CO2_KG, [fuel_co2[m["id"]] for m in fossil]), strict=True):
        fuel_name = tenants[m["firm"]].fuel
        resource = common.RESOURCES[fuel_name]
        m["co2_kg"] = kg
        m["opex_vnd"] = round(kg / 1000 / resource["buy_emission_factor"] * resource["buy_price"])  # fuel no longer bought
    for m in fuel:
        if tenants[m["firm"]].fuel == "biomass":
            m["opex_vnd"] = round(raw(m, "fuel") * common.RESOURCES["biomass"]["buy_price"])
    material = of("material")
    rest = OPEX_VND - sum(m["opex_vnd"] for m in fuel)
    assert rest > 0, "fuel measures carry more than the published savings leave"
    for m, vnd in zip(material, common.largest_remainder(rest, [raw(m, "material") for m in material]), strict=True):
        m["opex_vnd"] = vnd

    rows = []
    for m in measures:
        draw = r.random()
        _, cost_class, (low, high), lifetime = next(c for c in COST_CLASSES if draw < c[0])
        power, water, opex = m.get("power_kwh", 0), m.get("water_m3", 0), m.get("opex_vnd", 0)
        gross = power * common.ELECTRICITY_PRICE / 1000 + water * common.WATER_PRICE + opex
        capex = round(common.uniform(r, low, high) * gross, -6)
        effects = {}
        if power:
            effects["electricity"] = -power / 1000
        if water:
            effects["water"] = -water
        rows.append(dict(
            id=m["id"], firm=m["firm"], name=m["name"], category=m["category"], capex=capex,
            opex_change=-opex, lifetime_years=lifetime if capex > 0 else None,
            direct_co2_change=-m.get("co2_kg", 0) / 1000, existing=False, cost_class=cost_class if capex > 0 else "no-cost",
            effects=effects,
        ))
    _check_shares(rows, tenants)
    return rows


def _check_shares(rows: list[dict], tenants: dict[str, Tenant]) -> None:
    """Each company saves a plausible share: at most 20 % of its power, 25 % of its water, 15 % of its fuel."""
    for tid, t in tenants.items():
        mine = [m for m in rows if m["firm"] == tid]
        power = -sum(m["effects"].get("electricity", 0) for m in mine)
        water = -sum(m["effects"].get("water", 0) for m in mine)
        co2 = -sum(m["direct_co2_change"] for m in mine)
        assert mine, tid
        assert power <= 0.20 * t.electricity, tid
        assert water <= 0.25 * t.water, tid
        if t.fuel and t.fuel != "biomass":
            assert co2 <= 0.15 * t.fuel_t * common.RESOURCES[t.fuel]["buy_emission_factor"], tid


def add_measures(park, firms: set[str], existing: set[str] = frozenset()) -> None:
    """The portfolio's measures of ``firms`` (``existing``: ids already implemented)."""
    for measure in portfolio():
        if measure["firm"] in firms:
            effects = measure.pop("effects")
            park.measure(effects, **{**measure, "existing": measure["id"] in existing})


def magnet_maker_implemented() -> set[str]:
    """Ids of the 12 of the magnet maker's 14 measures it has implemented (seed 002)."""
    ids = [m["id"] for m in portfolio() if m["firm"] == MAGNET_MAKER]
    return set(ids[:MAGNET_IMPLEMENTED])
