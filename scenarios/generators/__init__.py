"""Generators of the Viet Nam pilot-park scenarios (one module per scenario, shared helpers).

``python -m scenarios.generators`` rewrites every scenario's CSV files from the
seeded generators; ``scenario.yaml`` and ``PROVENANCE.md`` are written by hand.
"""

from __future__ import annotations

from . import (
    amata,
    brvt_pilot,
    deep_c,
    deep_c_2025_2030,
    geipp_a2f,
    geipp_recp,
    hiep_phuoc,
    hiep_phuoc_water,
    hoa_khanh,
    khanh_phu_expansion,
    tra_noc,
)

#: scenario folder name -> function returning its :class:`~.common.Park`
GENERATORS = {
    "deep_c": deep_c.build,
    "hiep_phuoc": hiep_phuoc.build,
    "amata": amata.build,
    "hoa_khanh": hoa_khanh.build,
    "tra_noc": tra_noc.build,
    "brvt_pilot": brvt_pilot.build,
    "geipp_recp": geipp_recp.build,
    "geipp_a2f": geipp_a2f.build,
    "hiep_phuoc_water": hiep_phuoc_water.build,
    "khanh_phu_expansion": khanh_phu_expansion.build,
    "deep_c_2025_2030": deep_c_2025_2030.build,
}
