"""Build the park MILP: sets, parameters, variables, constraint families, accounting.

:func:`build_model` reads like a table of contents; the math of each
constraint family is in :mod:`eipopt.model.constraints`, the cost and CO2e
accounting in :mod:`eipopt.model.accounting`. Decisions, flows and every
number carry the period of the horizon as their last index (one period
without ``periods``). All numbers are mutable parameters, so a what-if that
changes only numbers re-parameterises the built model
(:meth:`ParkModel.update`) instead of rebuilding it.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyomo.core as pyo
from pyomo.common.gc_manager import PauseGC

from eipopt.model.accounting import add_accounting, add_co2_limit, add_objectives
from eipopt.model.constraints import FAMILIES, decision
from eipopt.model.data import HORIZON_PARAMS, ModelData, model_data, tier_item, with_period
from eipopt.model.financing import FINANCING_FAMILIES
from eipopt.model.financing_data import FINANCING_PARAMS, FINANCING_SETS
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
    "co2_total_limited": 1,
    "symbiosis_required": 1,
    "forbidden_tiers": 2,
    "periods": 1,
    "budget_periods": 2,
    "period_predecessor": 2,
    "measure_annualised_capex_steps": 2,
    "link_annualised_capex_steps": 2,
    "tier_annualised_capex_steps": 3,
    **FINANCING_SETS,
    "quality_limits": 3,
    "quality_outlets": 3,
    "link_contaminants": 2,
    "market_contaminants": 2,
}

# parameter -> the set it is indexed by; all but HORIZON_PARAMS also by period (set x periods)
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
    **FINANCING_PARAMS,
    "max_inlet": "quality_limits",
    "outlet": "quality_outlets",
    "link_concentration": "link_contaminants",
    "buy_concentration": "market_contaminants",
}
# parameters whose set already is (or ends with) the period
_PERIOD_PARAM_INDEX = {
    "max_co2": "co2_limited",
    "max_co2_total": "co2_total_limited",
    "min_symbiosis_links": "symbiosis_required",
    "carbon_price": "periods",
    "discount_weight": "periods",
    "period_years": "periods",
    "measure_annualised_capex_step": "measure_annualised_capex_steps",
    "link_annualised_capex_step": "link_annualised_capex_steps",
    "tier_annualised_capex_step": "tier_annualised_capex_steps",
}


#: Constraints on the plan that the baseline (today's park) is not held to.
PLAN_REQUIREMENTS = ("min_symbiosis", "co2_limit", "co2_total_limit", "debt_service")


#: Relative slack on a firm's baseline operating cost in its DSCR rule (numerical tolerance, not a modelling choice).
BASELINE_COST_TOLERANCE = 1e-7


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

        Requirements on the plan (``min_symbiosis_links``, ``max_co2``, ``max_co2_total``) are lifted:
        they apply to what is to be funded, not to today's park. Decisions are
        held by their bounds, not fixed: a fixed decision marks an existing or
        ruled-out item (:meth:`fixed_items`); HiGHS gets either as a column bound.
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

    @property
    def baseline_held(self) -> bool:
        """Whether :meth:`fix_baseline` holds the model at the baseline."""
        return bool(self._baseline_fixed or self._baseline_relaxed)

    def release_baseline(self) -> None:
        """Undo :meth:`fix_baseline`."""
        for var, upper in self._baseline_fixed:
            var.setub(upper)
        for component in self._baseline_relaxed:
            component.activate()
        self._baseline_fixed.clear()
        self._baseline_relaxed.clear()

    def cap_co2(self, value: float | None) -> None:
        """Constrain CO2e over the horizon (annual without periods) to at most ``value`` (``None`` lifts the cap)."""
        _cap(self.model.co2_cap, self.model.co2_cap_value, value)

    def cap_grant(self, value: float | None) -> None:
        """Constrain grant money over the plan to at most ``value`` (``None`` lifts the cap); needs grant sources."""
        _cap(self.model.grant_cap, self.model.grant_cap_value, value)

    @property
    def finances_grants(self) -> bool:
        """Whether some grant source may finance some item (else the least grant money is 0)."""
        grants = set(self.data.sets["grant_sources"])
        return any(f in grants for _, f in self.data.sets["financing_options"])

    @property
    def has_debt_service_rules(self) -> bool:
        """Whether some firm has a DSCR rule (the plan then needs the baseline's operating costs)."""
        return bool(self.data.sets["financing_on"] and self.data.sets["dscr_firms"])

    def set_baseline_operating_costs(self, costs: dict[tuple[str, object], float]) -> None:
        """{(firm, period): operating cost} of the reported baseline solution, for the DSCR rule.

        Each is raised by :data:`BASELINE_COST_TOLERANCE` (relative): a plan that
        changes nothing for a firm must meet its rule although the baseline's
        value carries the solver's rounding.
        """
        for key, param in self.model.baseline_operating_cost.items():
            param.set_value(costs[key] + BASELINE_COST_TOLERANCE * max(1.0, abs(costs[key])))

    def cap_cost(self, value: float | None) -> None:
        """Constrain the present value of cost (annual cost without periods) to at most ``value`` (``None`` lifts the cap)."""
        _cap(self.model.cost_cap, self.model.cost_cap_value, value)

    @contextmanager
    def decisions_held(self) -> Iterator[None]:
        """Within the block, every build decision stays at its current value (by bounds): the plan is fixed."""
        m = self.model
        held = [(var, var.lb, var.ub) for var in [*m.fund_measure.values(), *m.build_link.values(), *m.build_tier.values()] if not var.fixed]
        try:
            for var, _, _ in held:
                value = round(var.value or 0.0)
                var.setlb(value)
                var.setub(value)
            yield
        finally:
            for var, lower, upper in held:
                var.setlb(lower)
                var.setub(upper)

    # --- items ruled out or imposed for one solve ---------------------------
    @contextmanager
    def fixed_items(self, forbid: Iterable[str] = (), force: Iterable[str] = ()) -> Iterator[None]:
        """Within the block, hold each item in ``forbid`` at 0 and each in ``force`` at 1 (by bounds).

        Forcing an item funds it with its capex paid (unlike ``existing``), from
        the first period; forbidding is ``allowed=false`` for one solve, in every period. Raises ``ValueError``
        for an existing item forbidden, a ruled-out item forced, or an item in both.
        """
        held: list = []  # (var, lower, upper) to restore
        try:
            for items, value in ((forbid, 0), (force, 1)):
                for item in dict.fromkeys(items):
                    for var in self.decisions(item):  # every period: ruled out throughout, or built from the first
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
            old = self.data.params[name]
            component = getattr(m, name)
            for key, value in values.items():
                if not _same_number(value, old[key]):  # only what changed: the solver layer pushes changes alone
                    component[key] = value
        self.data = new

    def decisions(self, item: str) -> list:
        """The binaries of a measure, link or tier item id, one per period ("built by then")."""
        return [decision(self.model, item, p) for p in self.model.periods]


def _same_number(new, old) -> bool:
    """Equal, or both NaN."""
    return new == old or (new != new and old != old)  # noqa: PLR0124 - NaN is the one value unequal to itself


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
    # the garbage collector would walk the growing model again and again while it is built
    with PauseGC():
        data = model_data(scenario)
        m = pyo.ConcreteModel(name=scenario.name)
        add_sets(m, data)
        add_parameters(m, data)
        add_variables(m, data)
        if elastic:
            add_elastic_variables(m)
        for family in (*FAMILIES, *FINANCING_FAMILIES):
            takes_elastic = "elastic" in inspect.signature(family).parameters
            family(m, data, elastic) if takes_elastic else family(m, data)
        add_accounting(m, data)
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
    """Every number as a mutable parameter (so what-ifs re-parameterise), by period where it can change."""
    for name, index in _PARAM_INDEX.items():
        domain = getattr(m, index) if name in HORIZON_PARAMS else _by_period(m, d, index)
        m.add_component(name, pyo.Param(domain, initialize=d.params[name], mutable=True, within=pyo.Reals))
    for name, index in _PERIOD_PARAM_INDEX.items():
        m.add_component(name, pyo.Param(getattr(m, index), initialize=d.params[name], mutable=True, within=pyo.Reals))


def _by_period(m: pyo.ConcreteModel, d: ModelData, index: str) -> pyo.Set:
    """The set ``index`` x periods, built once as a plain set of tuples.

    Pyomo validates every parameter key against its index set; a plain set
    answers by hashing, a virtual product set ``index * periods`` by
    searching, several times slower on large parks.
    """
    name = f"{index}_by_period"
    if m.component(name) is None:
        base = d.sets[index]
        if _SET_DIMENSIONS[index] > 1:
            keys = [key + (p,) for p in d.sets["periods"] for key in base]
        else:
            keys = [(key, p) for p in d.sets["periods"] for key in base]
        m.add_component(name, pyo.Set(initialize=keys, dimen=_SET_DIMENSIONS[index] + 1, ordered=True))
    return m.component(name)


def add_variables(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Decisions per period: measures funded, links and tiers built by then (binary); flows and market quantities (>= 0).

    A decision binary is cumulative: 1 in every period from the one the item
    is built in (:func:`~eipopt.model.constraints.add_build_once`). Existing
    measures and links are fixed to 1 in every period, ruled-out ones
    (allowed=false) to 0.
    """
    m.fund_measure = pyo.Var(m.measures * m.periods, domain=pyo.Binary, doc="RECP measure funded by the period")
    m.build_link = pyo.Var(m.links * m.periods, domain=pyo.Binary, doc="symbiosis link built by the period")
    m.build_tier = pyo.Var(m.tiers * m.periods, domain=pyo.Binary, doc="capacity tier built by the period")
    m.flow = pyo.Var(m.links * m.periods, domain=pyo.NonNegativeReals, doc="annual flow sent in the period, resource unit")
    m.buy = pyo.Var(m.buy_nodes * m.periods, domain=pyo.NonNegativeReals, doc="annual market purchase")
    m.sell = pyo.Var(m.sell_nodes * m.periods, domain=pyo.NonNegativeReals, doc="annual market sale")
    m.dispose = pyo.Var(m.dispose_nodes * m.periods, domain=pyo.NonNegativeReals, doc="annual disposal")
    for var, items, value in (
        (m.fund_measure, d.sets["existing_measures"], 1),
        (m.build_link, d.sets["existing_links"], 1),
        (m.fund_measure, d.sets["forbidden_measures"], 0),
        (m.build_link, d.sets["forbidden_links"], 0),
        (m.build_tier, d.sets["forbidden_tiers"], 0),
    ):
        for item in items:
            for p in d.sets["periods"]:
                var[with_period(item, p)].fix(value)


def add_elastic_variables(m: pyo.ConcreteModel) -> None:
    """Slacks that make any scenario feasible, for diagnosis."""
    m.shortage = pyo.Var(m.nodes * m.periods, domain=pyo.NonNegativeReals, doc="demand no source can meet")
    m.surplus = pyo.Var(m.nodes * m.periods, domain=pyo.NonNegativeReals, doc="generation nothing can absorb")
    m.budget_overrun = pyo.Var(m.limited_budgets, domain=pyo.NonNegativeReals)
    m.symbiosis_shortfall = pyo.Var(m.symbiosis_required, domain=pyo.NonNegativeReals, doc="IS links missing in the period")
    m.co2_overrun = pyo.Var(m.co2_limited, domain=pyo.NonNegativeReals, doc="annual CO2e above constraints.max_co2 in the period")
    m.co2_total_overrun = pyo.Var(m.co2_total_limited, domain=pyo.NonNegativeReals, doc="CO2e above constraints.max_co2_total")


def add_elastic_objective(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Diagnosis objectives: physical slacks first (balances, then water quality), then the plan's requirements.

    ``objective_elastic`` minimises balance shortages and surpluses (in each
    resource's unit; water quality limits are relaxed by their free excess
    slacks); with quality limits, ``objective_elastic_quality`` minimises the
    contaminant load above each limit, relative to the limit;
    ``objective_elastic_requirements`` minimises budget
    overruns and the CO2e overrun, each relative to its limit, plus the
    symbiosis shortfall in links.
    """
    m.objective_elastic = pyo.Objective(
        expr=sum(m.shortage[key] + m.surplus[key] for key in m.shortage), sense=pyo.minimize
    )
    limits, caps, total_caps = d.params["budget_limit"], d.params["max_co2"], d.params["max_co2_total"]
    m.objective_elastic_requirements = pyo.Objective(
        expr=sum(m.budget_overrun[b] / max(1.0, abs(limits[b])) for b in m.limited_budgets)
        + sum(m.co2_overrun[p] / max(1.0, abs(caps[p])) for p in m.co2_limited)
        + sum(m.co2_total_overrun[h] / max(1.0, abs(total_caps[h])) for h in m.co2_total_limited)
        + sum(m.symbiosis_shortfall[p] for p in m.symbiosis_required),
        sense=pyo.minimize,
    )
    if m.component("quality_excess") is not None:
        # water quality is a physical limit, diagnosed once the balances can be met
        inlet_limits = d.params["max_inlet"]
        m.objective_elastic_quality = pyo.Objective(
            expr=sum(var / max(1.0, inlet_limits[key]) for key, var in m.quality_excess.items()), sense=pyo.minimize
        )
        m.objective_elastic_quality.deactivate()
    for name in ("objective_cost", "objective_co2", "objective_weighted", "objective_elastic_requirements"):
        getattr(m, name).deactivate()


__all__ = ["ParkModel", "StructureChanged", "build_model", "tier_item"]
