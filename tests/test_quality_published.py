"""Published minimum-freshwater targets of classic fixed-flow water networks, through the ordinary
scenario format and :func:`eipopt.solve`.

Each network is modelled as the literature states it: a freshwater market at
0 ppm (price 1, so the objective is the fresh water bought), each sink a node
with its demand and ``max_inlet``, each source a node with its generation and
``outlet``, a candidate link (no cost) from every source to every sink, and
disposal of unused source water at no cost. Flow rates in t/h are entered as
the resource's amounts (the model is linear, so the unit of time drops out).

Each published value is asserted to its published precision, and the model's
optimum is also checked against an independent source-to-sink transport LP
solved with highspy directly (no eipopt code), which must agree to 1e-6.
docs/water-targets.md lists the networks, their published targets and ours.
"""

from __future__ import annotations

import highspy
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


def transport_lp_fresh_and_waste(sinks: dict[str, tuple[float, float]], sources: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """Independent recomputation with highspy alone: fresh water w_k (0 ppm) and source-to-sink flows
    f_sk >= 0; each sink gets exactly its flow, sum_s f_sk + w_k = F_k, within its limit,
    sum_s C_s f_sk <= M_k F_k; no source sends more than it has, sum_k f_sk <= F_s. Minimise sum_k w_k;
    wastewater is what the sources do not send."""
    lp = highspy.Highs()
    lp.silent()
    fresh = {k: lp.addVariable(lb=0, obj=1) for k in sinks}
    sent = {(s, k): lp.addVariable(lb=0) for s in sources for k in sinks}
    for k, (flow, limit) in sinks.items():
        lp.addConstr(sum(sent[s, k] for s in sources) + fresh[k] == flow)
        lp.addConstr(sum(sources[s][1] * sent[s, k] for s in sources) <= limit * flow)
    for s, (flow, _) in sources.items():
        lp.addConstr(sum(sent[s, k] for k in sinks) <= flow)
    lp.minimize()
    assert lp.getModelStatus() == highspy.HighsModelStatus.kOptimal
    bought = sum(lp.val(fresh[k]) for k in sinks)
    return bought, sum(f for f, _ in sources.values()) - sum(lp.val(sent[key]) for key in sent)


def assert_published_targets(sinks, sources, fresh: float, waste: float, precision: float) -> None:
    """The model's fresh water and wastewater equal the published ones to ``precision`` (half the
    last published digit) and the independent transport LP's to 1e-6."""
    model_fresh, model_waste = fresh_and_waste(fixed_flow_network(sinks, sources))
    assert model_fresh == pytest.approx(fresh, abs=precision)
    assert model_waste == pytest.approx(waste, abs=precision)
    lp_fresh, lp_waste = transport_lp_fresh_and_waste(sinks, sources)
    assert model_fresh == pytest.approx(lp_fresh, abs=1e-6)
    assert model_waste == pytest.approx(lp_waste, abs=1e-6)


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
    assert_published_targets(WANG_SMITH_SINKS, WANG_SMITH_SOURCES, fresh=90.00, waste=90.00, precision=0.005)


def test_wang_smith_network_with_regeneration_to_5_ppm_needs_only_the_pure_sink():
    """Hand-computed (not a published figure): a free regeneration unit returning any source water at
    5 ppm serves every sink with a limit >= 5 ppm; only SK1 (0 ppm, 20 t/h) still needs fresh water.
    Sources (170 t/h) cover SK2-SK4 (150 t/h), so fresh water = 20 t/h and wastewater = 170 - 150 = 20 t/h.
    """
    fresh, waste = fresh_and_waste(fixed_flow_network(WANG_SMITH_SINKS, WANG_SMITH_SOURCES, regeneration=5))
    assert fresh == pytest.approx(20, abs=1e-6)
    assert waste == pytest.approx(20, abs=1e-6)


#: Polley, G.T. & Polley, H.L. (2000) "Design better water networks", Chem. Eng. Prog. 96(2), 47-52:
#: four fixed-flow sinks {flow t/h, max inlet ppm} and four sources {flow t/h, outlet ppm}.
POLLEY_SINKS = {"SK1": (50, 20), "SK2": (100, 50), "SK3": (80, 100), "SK4": (70, 200)}
POLLEY_SOURCES = {"SR1": (50, 50), "SR2": (100, 100), "SR3": (70, 150), "SR4": (60, 250)}


def test_polley_polley_2000_freshwater_and_wastewater_targets():
    """Published target: 70 t/h fresh water, 50 t/h wastewater, pinch at 150 ppm.

    Data and target as restated, citing Polley & Polley (2000), in the public WaterPinch toolbox
    (maneetgoyal/WaterPinch: its report's example 4.1, a network of fresh water 70 t/h and
    wastewater 25 + 25 t/h; its example 3.1.4 data set and "Case Study V" sheet: FW 70, WW 50, pinch
    150 ppm). The report's table 20 prints source D at 200 ppm where its figure, its table 9 and the
    sheet give 250 ppm; the target is 70 t/h either way (the 200-250 ppm interval is above the pinch).
    Hand check by water cascade, fresh water F at 0 ppm; cumulative flow after each level
    0: F, 20: F-50, 50: F-100, 100: F-80, 150: F-10, 200: F-80, 250: F-20; cumulative loads
    20F, 50F-1500, 100F-6500, 150F-10500, 200F-11000, 250F-15000 >= 0 -> F >= 70 (150 ppm binds);
    wastewater = 70 + 280 - 300 = 50.
    """
    assert_published_targets(POLLEY_SINKS, POLLEY_SOURCES, fresh=70, waste=50, precision=0.5)


#: Sorin, M. & Bedard, S. (1999) "The global pinch point in water reuse networks", Trans IChemE 77,
#: 305-308: six fixed-flow sinks and five sources, a network with two pinches.
SORIN_BEDARD_SINKS = {"SK1": (120, 0), "SK2": (80, 50), "SK3": (80, 50), "SK4": (140, 140), "SK5": (80, 170), "SK6": (195, 240)}
SORIN_BEDARD_SOURCES = {"SR1": (120, 100), "SR2": (80, 140), "SR3": (140, 180), "SR4": (80, 230), "SR5": (195, 250)}


def test_sorin_bedard_1999_two_pinch_network_freshwater_and_wastewater_targets():
    """Published target: 200 t/h fresh water, 120 t/h wastewater, pinches at 100 and 180 ppm.

    Data and target as restated in the public WaterPinch toolbox (maneetgoyal/WaterPinch: its
    "Case Study II" sheet: FW 200, WW 120, pinch 100 and 180 ppm; its report's example 3.2.1 gives
    the same data and targets but labels them an acrylonitrile case of El-Halwagi (1997), whose
    acrylonitrile data are in kg/s and different; the six-sink, five-source two-pinch network is
    the one known as Sorin & Bedard's). Hand check by water cascade, net flow per level
    0: -120, 50: -160, 100: +120, 140: -60, 170: -80, 180: +140, 230: +80, 240: -195, 250: +195;
    cumulative loads 50F-6000, 100F-20000, 140F-26400, 170F-33000, 180F-36000, 230F-44000,
    240F-44800, 250F-47550 >= 0 -> F >= 200, binding at 100 and at 180 ppm (two pinches);
    wastewater = 200 + 615 - 695 = 120.
    """
    assert_published_targets(SORIN_BEDARD_SINKS, SORIN_BEDARD_SOURCES, fresh=200, waste=120, precision=0.5)


#: Foo, D.C.Y. (2008) "Flowrate targeting for threshold problems and plant-wide integration for water
#: network synthesis", J. Environ. Manage. 88, 253-274: the threshold example with zero wastewater.
FOO_THRESHOLD_SINKS = {"SK1": (50, 20), "SK2": (20, 50), "SK3": (100, 400)}
FOO_THRESHOLD_SOURCES = {"SR1": (50, 100), "SR2": (20, 20), "SR3": (40, 250)}


def test_foo_2008_threshold_network_needs_no_wastewater():
    """Published target: 60 t/h fresh water and zero wastewater (a threshold problem: the water
    balance, not a concentration, sets the fresh water).

    Data and target as restated, citing Foo (2008), in the WaterPinch toolbox report
    (maneetgoyal/WaterPinch, example 3.2.4). Hand check by water cascade: cumulative flow
    0: F, 20: F-30, 50: F-50, 100: F, 250: F+40, 400: F-60; cumulative loads 20F, 50F-900,
    100F-3400, 250F-3400, 400F+2600 >= 0 need only F >= 34, but the last flow F-60 is the
    wastewater and cannot be negative -> F = 60, wastewater 0.
    """
    assert_published_targets(FOO_THRESHOLD_SINKS, FOO_THRESHOLD_SOURCES, fresh=60, waste=0, precision=0.5)


#: Jacob, J. et al. (2002) "Water network analysis in pulp and paper processes by pinch and linear
#: programming techniques", Chem. Eng. Commun. 189(2), 184-206: a pulp and paper network that needs
#: no fresh water.
JACOB_SINKS = {"SK1": (1200, 120), "SK2": (800, 105), "SK3": (500, 80)}
JACOB_SOURCES = {"SR1": (500, 100), "SR2": (2000, 110), "SR3": (400, 110), "SR4": (300, 60)}


def test_jacob_2002_pulp_and_paper_network_needs_no_fresh_water():
    """Published target: zero fresh water and 700 t/h wastewater (a threshold problem).

    Data and target as restated, citing Jacob et al. (2002), in the WaterPinch toolbox report
    (maneetgoyal/WaterPinch, example 3.2.3). Hand check: fresh water cannot be below 0, and 0 is
    feasible: SK3 takes 250 of SR4 and 250 of SR1 (load 15000 + 25000 = 40000 = 500 x 80),
    SK2 takes 50 of SR4, 250 of SR1 and 500 of SR2 (3000 + 25000 + 55000 = 83000 <= 800 x 105),
    SK1 takes 1200 of SR2 (132000 <= 1200 x 120); wastewater = 3200 - 2500 = 700.
    """
    assert_published_targets(JACOB_SINKS, JACOB_SOURCES, fresh=0, waste=700, precision=0.5)
