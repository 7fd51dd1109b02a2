"""``deep_c_2025_2030``: the ``deep_c`` park planned year by year over 2025-2030.

The same tenants, measures and candidate links as ``deep_c`` (same code), in
six yearly periods with a budget per year (``scenario.yaml``). What changes
over time is the grid emission factor (:func:`.common.grid_ef`: the assumed
decline after 2023), both for power bought and for the grid power that the
waste-to-energy plant's exports displace.
"""

from __future__ import annotations

from . import deep_c
from .common import Park, grid_ef

YEARS = range(2025, 2031)
GRID_FACTORS = {"resources.electricity.buy_emission_factor": "electricity", "resources.rdf_power.sell_emission_factor": "rdf_power"}


def build() -> Park:
    park = deep_c.build()
    first, later = YEARS[0], YEARS[1:]
    for key, resource in GRID_FACTORS.items():
        column = key.rsplit(".", 1)[1]
        row = next(r for r in park.rows["resources"] if r["id"] == resource)
        row[column] = grid_ef(first)
        park.profile(key, {year: grid_ef(year) for year in later})
    return park
