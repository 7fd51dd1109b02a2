"""Result tables of water quality: what each qualified node receives, and what each link carries.

``quality``: one row per firm x resource x contaminant of ``quality.csv``
(and period): the inflow by links and purchases, its contaminant load and
flow-weighted inlet concentration, the node's outlet and max_inlet, and the
slack (max_inlet - inlet concentration). ``link_quality``: one row per link
and contaminant its source has an outlet for: the concentration of its flow
and the load it delivers.
"""

from __future__ import annotations

import math

import pandas as pd

from eipopt.model.quality import contaminant_units, inflow_links, inlet_mix

#: A limit is reported binding when the slack is within this share of it (or of 1 for limit 0).
BINDING_TOLERANCE = 1e-6


def quality_table(m, d, scenario, p) -> pd.DataFrame:
    """Every qualified node and contaminant in period p (see the module docstring)."""
    quality = scenario.tables["quality"]
    units = contaminant_units(scenario)
    flow_units = scenario.resources.set_index("id")["unit"]
    names = scenario.firms.set_index("id")["name"]
    inflow = inflow_links(d)
    rows = []
    for firm, resource, contaminant in zip(quality["firm"], quality["resource"], quality["contaminant"], strict=True):
        key = (firm, resource, contaminant, p)
        limit = d.params["max_inlet"].get(key, math.nan)
        arriving, load = inlet_mix(m, d, (firm, resource), contaminant, p, inflow)
        concentration = load / arriving if arriving > 0 and load is not None else math.nan
        slack = limit - concentration
        rows.append({
            "firm": firm,
            "firm_name": names.get(firm, ""),
            "resource": resource,
            "contaminant": contaminant,
            "unit": units.get(contaminant, ""),
            "flow_unit": flow_units.get(resource, ""),
            "outlet": d.params["outlet"].get(key, math.nan),
            "max_inlet": limit,
            "inflow": arriving,
            "load": math.nan if load is None else load,
            "inlet_concentration": concentration,
            "slack": slack,
            "binding": bool(slack <= BINDING_TOLERANCE * max(1.0, limit)),  # False for NaN (no limit or no inflow)
        })
    columns = ["firm", "firm_name", "resource", "contaminant", "unit", "flow_unit", "outlet", "max_inlet", "inflow", "load", "inlet_concentration", "slack", "binding"]
    return pd.DataFrame(rows, columns=columns).astype({"binding": bool})


def link_quality_table(m, d, scenario, p) -> pd.DataFrame:
    """Every link and contaminant its source node has an outlet for, in period p."""
    units = contaminant_units(scenario)
    ends = {link: (source, resource, sink, sink_resource) for link, source, resource, sink, sink_resource in d.sets["link_endpoints"]}
    rows = []
    for link, contaminant in d.sets["link_contaminants"]:
        source, resource, sink, sink_resource = ends[link]
        concentration = d.params["link_concentration"][(link, contaminant, p)]
        sent = m.flow[link, p].value or 0.0
        delivered = sent * d.params["link_yield"][(link, p)]
        rows.append({
            "link": link, "source": source, "sink": sink, "resource": resource, "sink_resource": sink_resource,
            "contaminant": contaminant, "unit": units.get(contaminant, ""), "concentration": concentration,
            "flow": sent, "delivered": delivered, "load": delivered * concentration,
        })
    columns = ["link", "source", "sink", "resource", "sink_resource", "contaminant", "unit", "concentration", "flow", "delivered", "load"]
    return pd.DataFrame(rows, columns=columns)
