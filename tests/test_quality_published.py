"""Published minimum-freshwater targets of classic fixed-flow water networks, through the ordinary
scenario format and :func:`eipopt.solve`.

Each network is modelled as the literature states it: a freshwater market at
0 ppm (price 1, so the objective is the fresh water bought), each sink a node
with its demand and ``max_inlet``, each source a node with its generation and
``outlet``, a candidate link (no cost) from every source to every sink, and
disposal of unused source water at no cost. Flow rates in t/h are entered as
the resource's amounts (the model is linear, so the unit of time drops out).
"""

from __future__ import annotations

import pytest

import eipopt
from tests.tiny import make_scenario


def fixed_flow_network(sinks: dict[str, tuple[float, float]], sources: dict[str, tuple[float, float]], regeneration: float | None = None):
    """sinks {id: (flow, max_inlet ppm)}, sources {id: (flow, outlet ppm)}; optionally a regeneration unit
    R that takes any source water and returns it at ``regeneration`` ppm (its flow is free)."""
    resources = [
        {"id": "fresh", "unit": "t", "kind": "water", "buy_price": 1},
        {"id": "used", "unit": "t", "kind": "water", "disposal_cost": 0},
        {"id": "regenerated", "unit": "t", "kind": "water"},
    ]
    firms = [{"id": n} for n in [*sinks, *sources]]
    flows = [{"firm": n, "resource": "fresh", "demand": f} for n, (f, _) in sinks.items()]
    flows += [{"firm": n, "resource": "used", "generation": f} for n, (f, _) in sources.items()]
    links = [{"id": f"{s}_{k}", "source": s, "sink": k, "resource": "used", "sink_resource": "fresh", "capacity": 1e4} for s in sources for k in sinks]
    quality = [{"firm": n, "resource": "fresh", "contaminant": "C", "max_inlet": c, "unit": "ppm"} for n, (_, c) in sinks.items()]
    quality += [{"firm": n, "resource": "used", "contaminant": "C", "outlet": c} for n, (_, c) in sources.items()]
    if regeneration is not None:
        firms.append({"id": "R", "name": "Regeneration unit"})
        links += [{"id": f"{s}_R", "source": s, "sink": "R", "resource": "used", "sink_resource": "regenerated", "capacity": 1e4} for s in sources]
        links += [{"id": f"R_{k}", "source": "R", "sink": k, "resource": "regenerated", "sink_resource": "fresh", "capacity": 1e4} for k in sinks]
        quality.append({"firm": "R", "resource": "regenerated", "contaminant": "C", "outlet": regeneration})
    market = [{"resource": "fresh", "contaminant": "C", "concentration": 0}]
    return make_scenario(resources=resources, firms=firms, flows=flows, links=links, quality=quality, market_quality=market)


def fresh_and_waste(scenario) -> tuple[float, float]:
    result = eipopt.solve(scenario, baseline=False)
    assert result.status == "optimal"
    flows = result.flows
    return float(flows["buy"].sum()), float(flows["dispose"].sum())


#: Wang, Y.P. & Smith, R. (1994) "Wastewater minimisation", Chem. Eng. Sci. 49(7), 981-1006, the
#: four-operation single-contaminant example: limiting inlet/outlet concentrations 0/100, 50/100,
#: 50/800 and 400/800 ppm with contaminant loads 2, 5, 30 and 4 kg/h, so limiting flow rates
#: 2/100e-6 = 20, 5/50e-6 = 100, 30/750e-6 = 40 and 4/400e-6 = 10 t/h. In the fixed-flow-rate
#: reading each operation is a sink (its flow at its inlet limit) and a source (its flow at its
#: outlet limit).
WANG_SMITH_SINKS = {"SK1": (20, 0), "SK2": (100, 50), "SK3": (40, 50), "SK4": (10, 400)}
WANG_SMITH_SOURCES = {"SR1": (20, 100), "SR2": (100, 100), "SR3": (40, 800), "SR4": (10, 800)}


def test_wang_smith_1994_four_operations_freshwater_and_wastewater_targets():
    """Published target: 90 t/h fresh water and 90 t/h wastewater.

    Data and target as listed in the README of the public WaterOptim package
    (ROMDHANA/WaterOptim, its first example: the four operations above, and its
    water cascade table ending ``fw=90.00`` and ``ww=90.00``, pinch at 100 ppm).
    Hand check by water cascade, fresh water F at 0 ppm, net flows per level:
    0: -20, 50: -140, 100: +120, 400: -10, 800: +50; cumulative loads (t/h x ppm)
    50(F-20) >= 0, 100F-9000 >= 0, 400F-21000 >= 0, 800F-41000 >= 0 -> F = 90
    (pinch at 100 ppm); wastewater = 90 + 170 - 170 = 90.
    """
    fresh, waste = fresh_and_waste(fixed_flow_network(WANG_SMITH_SINKS, WANG_SMITH_SOURCES))
    assert fresh == pytest.approx(90.00, abs=0.005)
    assert waste == pytest.approx(90.00, abs=0.005)


def test_wang_smith_network_with_regeneration_to_5_ppm_needs_only_the_pure_sink():
    """Hand-computed (not a published figure): a free regeneration unit returning any source water at
    5 ppm serves every sink with a limit >= 5 ppm; only SK1 (0 ppm, 20 t/h) still needs fresh water.
    Sources (170 t/h) cover SK2-SK4 (150 t/h), so fresh water = 20 t/h and wastewater = 170 - 150 = 20 t/h.
    """
    fresh, waste = fresh_and_waste(fixed_flow_network(WANG_SMITH_SINKS, WANG_SMITH_SOURCES, regeneration=5))
    assert fresh == pytest.approx(20, abs=1e-6)
    assert waste == pytest.approx(20, abs=1e-6)
