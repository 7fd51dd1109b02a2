"""Tiny scenarios whose optima are computed by hand in the tests' docstrings.

All use discount_rate 0, so annualised capex = capex / lifetime.

``waste_to_feed``: firm A generates 50 t waste (disposal 10/t, 0.1 tCO2e/t);
firm B needs 60 t feed (buy 8/t, 0.2 tCO2e/t). Candidate IS link A -> B turns
waste into feed at yield 0.8, capacity 30 t, capex 200 over 10 years (20/yr),
fixed opex 30/yr, variable cost 1/t. Each tonne sent saves 10 (disposal) +
0.8 * 8 (feed bought) - 1 (variable) = 15.4.

``electricity``: firm F needs 100 MWh (buy 2/MWh, 0.5 tCO2e/MWh).
"""

from __future__ import annotations

import pandas as pd

from eipopt.model import Scenario


def make_scenario(settings: dict | None = None, **tables: list[dict]) -> Scenario:
    """A validated scenario from rows given as dicts (cells as the CSV would hold them)."""
    settings = {"name": "tiny", "discount_rate": 0, **(settings or {})}
    raw = {}
    for name, rows in tables.items():
        if not rows:
            continue  # an absent optional table
        frame = pd.DataFrame(rows).astype(object).where(pd.DataFrame(rows).notna(), "")
        frame = frame.map(lambda v: "" if v is None else str(v))
        frame.index = range(2, len(frame) + 2)
        raw[name] = frame
    return Scenario.from_raw(settings, raw)


WASTE = {"id": "waste", "unit": "t", "kind": "waste", "disposal_cost": 10, "disposal_emission_factor": 0.1}
FEED = {"id": "feed", "unit": "t", "kind": "material", "buy_price": 8, "buy_emission_factor": 0.2}
ELECTRICITY = {"id": "elec", "unit": "MWh", "kind": "energy", "buy_price": 2, "buy_emission_factor": 0.5}

WASTE_LINK = {
    "id": "L", "source": "A", "sink": "B", "resource": "waste", "sink_resource": "feed", "yield": 0.8,
    "capacity": 30, "capex": 200, "lifetime_years": 10, "fixed_opex": 30, "variable_cost": 1,
}


def waste_to_feed(settings: dict | None = None, link: dict | None = None, **tables):
    """The waste-to-feed park; ``link`` updates the candidate link's columns."""
    base = {
        "resources": [WASTE, FEED],
        "firms": [{"id": "A"}, {"id": "B"}],
        "flows": [{"firm": "A", "resource": "waste", "generation": 50}, {"firm": "B", "resource": "feed", "demand": 60}],
        "links": [{**WASTE_LINK, **(link or {})}],
    }
    base.update(tables)
    return make_scenario(settings, **base)


def electricity(settings: dict | None = None, measures=(), effects=(), **tables):
    """One firm buying 100 MWh, with the given measures and their effects."""
    base = {
        "resources": [ELECTRICITY],
        "firms": [{"id": "F"}],
        "flows": [{"firm": "F", "resource": "elec", "demand": 100}],
        "measures": list(measures),
        "measure_effects": list(effects),
    }
    base.update(tables)
    return make_scenario(settings, **base)


def saving(measure_id: str, mwh: float, capex: float, **columns) -> tuple[dict, dict]:
    """A measure at F cutting electricity demand by ``mwh``, over 10 years."""
    measure = {"id": measure_id, "firm": "F", "capex": capex, "lifetime_years": 10, **columns}
    return measure, {"measure": measure_id, "resource": "elec", "demand_change": -mwh}
