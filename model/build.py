"""Build the park MILP: sets, parameters, variables, constraint families, accounting.

:func:`build_model` reads like a table of contents; the math of each
constraint family is in :mod:`eipopt.model.constraints`, the cost and CO2e
accounting in :mod:`eipopt.model.accounting`. All numbers are mutable
parameters, so a what-if that changes only numbers re-parameterises the built
model (:meth:`ParkModel.update`) instead of rebuilding it.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyomo.environ as pyo

from eipopt.model.accounting import add_accounting, add_co2_limit, add_objectives
from eipopt.model.constraints import FAMILIES, decision
from eipopt.model.data import ModelData, model_data, tier_item
from eipopt.model.settings import Objective

_SET_DIMENSIONS = {
    "nodes": 2,
    "buy_nodes": 2,
    "sell_nodes": 2,
    "dispose_nodes": 2,
    "buy_limited": 2,
    "sell_limited": 2,
    "traded_resources": 1,
    "measures": 1,
    "existing_measures": 1,
    "forbidden_measures": 1,
    "effects": 2,
    "groups": 1,
    "links": 1,
    "existing_links": 1,
    "forbidden_links": 1,
    "symbiosis_links": 1,
    "tiers": 2,
    "tier_predecessor": 3,
    "link_inputs": 2,
    "requires": 2,
    "budgets": 1,
    "limited_budgets": 1,
    "budget_draws": 2,
    "co2_limited": 1,
    "symbiosis_required": 1,
    "forbidden_tiers": 2,
}

# parameter -> the set it is indexed by
_PARAM_INDEX = {
    "demand": "nodes",
    "generation": "nodes",
    "buy_price": "traded_resources",
    "sell_price": "traded_resources",
    "disposal_cost": "traded_resources",
    "buy_emission_factor": "traded_resources",
    "sell_emission_factor": "traded_resources",
    "disposal_emission_factor": "traded_resources",
    "buy_limit": "buy_limited",
    "sell_limit": "sell_limited",
    "measure_capex": "measures",
    "measure_annualised_capex": "measures",
    "measure_opex_change": "measures",
    "measure_direct_co2": "measures",
    "demand_change": "effects",
    "generation_change": "effects",
    "capacity": "links",
    "link_yield": "links",
    "link_capex": "links",
    "link_annualised_capex": "links",
    "link_fixed_opex": "links",
    "variable_cost": "links",
    "variable_co2": "links",
    "link_input_rate": "link_inputs",
    "tier_capacity": "tiers",
    "tier_capex": "tiers",
    "tier_annualised_capex": "tiers",
    "tier_fixed_opex": "tiers",
    "budget_limit": "limited_budgets",
    "budget_draw": "budget_draws",
}


#: Constraints on the plan that the baseline (today's park) is not held to.
PLAN_REQUIREMENTS = ("min_symbiosis", "co2_limit")


class StructureChanged(ValueError):
    """A new scenario needs other variables or constraints: rebuild instead of update."""


@dataclass
class ParkModel:
    """A built Pyomo model with the data it was built from.

    The solver layer works through this object: choose the objective, fix the
    baseline, add the CO2e cap of a lexicographic solve, update parameters.
    """

    model: pyo.ConcreteModel
    data: ModelData
    elastic: bool = False
    _baseline_fixed: list = field(default_factory=list, repr=False)
    _baseline_relaxed: list = field(default_factory=list, repr=False)

    # --- objectives ------------------------------------------------------
    def use_objective(self, objective: Objective | str) -> pyo.Objective:
        """Activate one objective (``cost``, ``co2``, ``weighted``, or a diagnosis one) and return it."""
        name = f"objective_{objective if str(objective).startswith('elastic') else Objective(objective).value}"
        for candidate in self.model.component_objects(pyo.Objective):
            candidate.deactivate()
        chosen = getattr(self.model, name)
        chosen.activate()
        return chosen

    # --- baseline ----------------------------------------------------------
    def fix_baseline(self) -> None:
        """Hold every new measure, link and tier at 0: the park as it operates today.

        Requirements on the plan (``min_symbiosis_links``, ``max_co2``) are lifted:
        they apply to what is to be funded, not to today's park. Decisions are
        held by their bounds, not fixed: Pyomo's persistent HiGHS interface
        regenerates every constraint of a variable that is fixed or unfixed,
        but changes only a bound.
        """
        m = self.model
        for var in [*m.fund_measure.values(), *m.build_link.values(), *m.build_tier.values()]:
            if not var.fixed:
                self._baseline_fixed.append((var, var.ub))
                var.setub(0)
        for name in PLAN_REQUIREMENTS:
            component = m.component(name)
            if component is not None and component.active:
                component.deactivate()
                self._baseline_relaxed.append(component)

    def release_baseline(self) -> None:
        """Undo :meth:`fix_baseline`."""
        for var, upper in self._baseline_fixed:
            var.setub(upper)
        for component in self._baseline_relaxed:
            component.activate()
        self._baseline_fixed.clear()
        self._baseline_relaxed.clear()

    def cap_co2(self, value: float | None) -> None:
        """Constrain annual CO2e to at most ``value`` (``None`` lifts the cap)."""
        _cap(self.model.co2_cap, self.model.co2_cap_value, value)

    def cap_cost(self, value: float | None) -> None:
        """Constrain annual cost to at most ``value`` (``None`` lifts the cap)."""
        _cap(self.model.cost_cap, self.model.cost_cap_value, value)

    # --- items ruled out or imposed for one solve ---------------------------
    @contextmanager
    def fixed_items(self, forbid: Iterable[str] = (), force: Iterable[str] = ()) -> Iterator[None]:
        """Within the block, hold each item in ``forbid`` at 0 and each in ``force`` at 1 (by bounds).

        Forcing an item funds it with its capex paid (unlike ``existing``);
        forbidding is ``allowed=false`` for one solve. Raises ``ValueError``
        for an existing item forbidden, a ruled-out item forced, or an item in both.
        """
        held: list = []  # (var, lower, upper) to restore
        try:
            for items, value in ((forbid, 0), (force, 1)):
                for item in dict.fromkeys(items):
                    var = self.decision(item)
                    if any(v is var for v, _, _ in held):
                        raise ValueError(f"item '{item}' is both forbidden and forced")
                    if var.fixed:
                        if abs(var.value - value) > 0.5:
                            state = "existing" if var.value > 0.5 else "ruled out (allowed=false)"
                            raise ValueError(f"item '{item}' is {state}: it cannot be {'forced' if value else 'forbidden'}")
                        continue
                    held.append((var, var.lb, var.ub))
                    var.setlb(value) if value else var.setub(value)
            yield
        finally:
            for var, lower, upper in held:
                var.setlb(lower)
                var.setub(upper)

    # --- parameters ----------------------------------------------------------
    def update(self, scenario) -> None:
        """Re-parameterise for a scenario of the same structure (raise :class:`StructureChanged` otherwise)."""
        new = model_data(scenario)
        changed = [name for name in new.sets if new.sets[name] != self.data.sets[name]]
        if changed:
            raise StructureChanged(f"index sets differ: {', '.join(changed)}")
        m = self.model
        for name, values in new.params.items():
            component = getattr(m, name)
            for key, value in values.items():
                component[key] = value
        for name, value in new.scalars.items():
            getattr(m, name).set_value(value)
        self.data = new

    def decision(self, item: str):
        """The binary variable of a measure, link or tier item id."""
        return decision(self.model, item)


def _cap(constraint, parameter, value: float | None) -> None:
    if value is None:
        constraint.deactivate()
    else:
        parameter.set_value(value)
        constraint.activate()


def build_model(scenario, *, elastic: bool = False) -> ParkModel:
    """Build the MILP of a validated scenario.

    With ``elastic`` every balance, budget and the symbiosis minimum get a
    penalised slack and the ``elastic`` objective minimises their sum: the
    model is always feasible and the slacks show what cannot be met.
    """
    data = model_data(scenario)
    m = pyo.ConcreteModel(name=scenario.name)
    add_sets(m, data)
    add_parameters(m, data)
    add_variables(m, data)
    if elastic:
        add_elastic_variables(m)
    for family in FAMILIES:
        takes_elastic = "elastic" in inspect.signature(family).parameters
        family(m, data, elastic) if takes_elastic else family(m, data)
    add_accounting(m)
    add_co2_limit(m, data, elastic)
    add_objectives(m)
    if elastic:
        add_elastic_objective(m, data)
    return ParkModel(m, data, elastic)


def add_sets(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Sparse index sets, in the order the data gives them."""
    for name, dimen in _SET_DIMENSIONS.items():
        m.add_component(name, pyo.Set(initialize=d.sets[name], dimen=dimen, ordered=True))


def add_parameters(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Every number as a mutable parameter (so what-ifs re-parameterise)."""
    for name, index in _PARAM_INDEX.items():
        m.add_component(
            name,
            pyo.Param(getattr(m, index), initialize=d.params[name], mutable=True, within=pyo.Reals),
        )
    for name, value in d.scalars.items():
        m.add_component(name, pyo.Param(initialize=value, mutable=True, within=pyo.Reals))


def add_variables(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Decisions: fund measures, build links and tiers (binary); flows and market quantities (>= 0).

    Existing measures and links are fixed to 1, ruled-out ones (allowed=false) to 0.
    """
    m.fund_measure = pyo.Var(m.measures, domain=pyo.Binary, doc="fund RECP measure")
    m.build_link = pyo.Var(m.links, domain=pyo.Binary, doc="build symbiosis link")
    m.build_tier = pyo.Var(m.tiers, domain=pyo.Binary, doc="build capacity tier")
    m.flow = pyo.Var(m.links, domain=pyo.NonNegativeReals, doc="annual flow sent, resource unit")
    m.buy = pyo.Var(m.buy_nodes, domain=pyo.NonNegativeReals, doc="annual market purchase")
    m.sell = pyo.Var(m.sell_nodes, domain=pyo.NonNegativeReals, doc="annual market sale")
    m.dispose = pyo.Var(m.dispose_nodes, domain=pyo.NonNegativeReals, doc="annual disposal")
    for k in d.sets["existing_measures"]:
        m.fund_measure[k].fix(1)
    for link in d.sets["existing_links"]:
        m.build_link[link].fix(1)
    for k in d.sets["forbidden_measures"]:
        m.fund_measure[k].fix(0)
    for link in d.sets["forbidden_links"]:
        m.build_link[link].fix(0)
    for tier in d.sets["forbidden_tiers"]:
        m.build_tier[tier].fix(0)


def add_elastic_variables(m: pyo.ConcreteModel) -> None:
    """Slacks that make any scenario feasible, for diagnosis."""
    m.shortage = pyo.Var(m.nodes, domain=pyo.NonNegativeReals, doc="demand no source can meet")
    m.surplus = pyo.Var(m.nodes, domain=pyo.NonNegativeReals, doc="generation nothing can absorb")
    m.budget_overrun = pyo.Var(m.limited_budgets, domain=pyo.NonNegativeReals)
    m.symbiosis_shortfall = pyo.Var(domain=pyo.NonNegativeReals)
    m.co2_overrun = pyo.Var(domain=pyo.NonNegativeReals, doc="CO2e above constraints.max_co2")


def add_elastic_objective(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Two diagnosis objectives: physical slacks first, then the plan's requirements.

    ``objective_elastic`` minimises balance shortages and surpluses (in each
    resource's unit); ``objective_elastic_requirements`` minimises budget
    overruns and the CO2e overrun, each relative to its limit, plus the
    symbiosis shortfall in links.
    """
    m.objective_elastic = pyo.Objective(
        expr=sum(m.shortage[n] + m.surplus[n] for n in m.nodes), sense=pyo.minimize
    )
    limits = d.params["budget_limit"]
    m.objective_elastic_requirements = pyo.Objective(
        expr=sum(m.budget_overrun[b] / max(1.0, abs(limits[b])) for b in m.limited_budgets)
        + m.co2_overrun / max(1.0, abs(d.scalars["max_co2"]))
        + m.symbiosis_shortfall,
        sense=pyo.minimize,
    )
    for name in ("objective_cost", "objective_co2", "objective_weighted", "objective_elastic_requirements"):
        getattr(m, name).deactivate()


__all__ = ["ParkModel", "StructureChanged", "build_model", "tier_item"]
