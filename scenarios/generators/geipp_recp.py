"""``geipp_recp``: the RECP portfolio of the 51 assessed companies in DEEP C, Hiep Phuoc and Amata.

Every company buys grid electricity and water; its measures (see :mod:`.recp`)
cut those purchases, its fuel use (direct CO2e and cost) and material costs.
Funding all 396 measures reproduces the published potential exactly.
"""

from __future__ import annotations

from . import recp
from .common import Park
from .tenants import TENANTS


def build() -> Park:
    park = Park("GEIPP RECP (DEEP C, Hiep Phuoc, Amata)")
    park.resource("electricity")
    park.resource("water")
    for t in TENANTS:  # plots are per-park local grids, so they are left out of the three-park view
        park.firm(t.id, t.name, t.sector, None, None, park=t.park)
    for t in TENANTS:
        park.flow(t.id, "electricity", demand=t.electricity)
        park.flow(t.id, "water", demand=t.water)
    for measure in recp.portfolio():
        effects = measure.pop("effects")
        park.measure(effects, **measure)
    return park
