"""The park MILP written with linopy: the yardstick of the build and hand-over benchmark.

Not part of the package: ``benchmarks/perf.py`` builds the same formulation
with eipopt (Pyomo) and with this port, hands both to HiGHS and checks that
they are one model (same columns, rows and optimum). The math is that of
:mod:`eipopt.model.constraints` and :mod:`eipopt.model.accounting`; the sets
and numbers come from the same :func:`eipopt.model.data.model_data`, so only
the modelling layer differs.

Each constraint family is a set of sparse rows: a list of (row, column, coefficient)
terms turned into one linopy expression in bulk (:func:`_rows`), as linopy
itself stores expressions (a ``vars`` and a ``coeffs`` array per row).
Decisions fixed by the data (existing items at 1, ruled-out ones at 0) are
binaries with equal bounds, as Pyomo hands them to HiGHS.

The port covers the core families of a single-period model only: balances,
link capacity, tier order, market limits, measure groups, requirements, the
symbiosis minimum, budgets, the CO2e caps and the three objectives. It reads a
single-period view of the period-indexed data (:func:`single_period`): with one
period the build-once rows and the capex steps of eipopt's model are empty, and
every other family is the annual one weighted by the period's discount weight
and years. Scenarios with several periods, financing inputs or water-quality
tables are refused (:class:`NotCovered`), never built partially.

Needs the ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import highspy
import linopy
import numpy as np
import pandas as pd
import xarray as xr

from eipopt.model.data import HORIZON_PARAMS, ModelData, tier_item
from eipopt.model.financing_data import FINANCING_PARAMS

#: Sets that are non-empty only with water-quality tables (their mixing family is not ported).
QUALITY_SETS = ("quality_limits", "quality_outlets", "link_contaminants", "market_contaminants")
#: Period-indexed parameters that the single-period view turns into scalars.
PERIOD_SCALARS = ("carbon_price", "discount_weight", "period_years")


class NotCovered(ValueError):
    """The scenario needs a family the port does not have (several periods, financing, water quality)."""


@dataclass(frozen=True)
class OnePeriod:
    """The data of a single-period model: sets and parameters without the period index, and its scalars.

    ``scalars`` holds ``carbon_price``, ``discount_weight`` (w, the present
    value of one year's cost over the period), ``period_years`` (n), and
    ``max_co2``, ``max_co2_total`` and ``min_symbiosis_links`` where set.
    """

    sets: dict[str, list]
    params: dict[str, dict]
    scalars: dict[str, float]


def single_period(d: ModelData) -> OnePeriod:
    """The single-period view of eipopt's period-indexed data; :class:`NotCovered` for what the port lacks."""
    periods = d.sets["periods"]
    if len(periods) != 1:
        raise NotCovered(f"the linopy port builds single-period models only; this scenario has {len(periods)} periods")
    if d.sets["financing_on"]:
        raise NotCovered("the linopy port has no financing families; this scenario has financing inputs")
    quality = [name for name in QUALITY_SETS if d.sets[name]]
    if quality:
        raise NotCovered(f"the linopy port has no water-quality family; this scenario has {', '.join(quality)}")
    (period,) = periods
    skipped = {*PERIOD_SCALARS, "max_co2", "max_co2_total", "min_symbiosis_links", *FINANCING_PARAMS}
    params = {}
    for name, values in d.params.items():
        if name in skipped or name.endswith("_annualised_capex_step"):  # steps: none with one period
            continue
        if name in HORIZON_PARAMS:
            params[name] = values
        else:  # drop the period, the last index
            params[name] = {(key[0] if len(key) == 2 else key[:-1]): value for key, value in values.items()}
    scalars = {name: d.params[name][period] for name in PERIOD_SCALARS}
    if d.sets["co2_limited"]:
        scalars["max_co2"] = d.params["max_co2"][period]
    if d.sets["symbiosis_required"]:
        scalars["min_symbiosis_links"] = d.params["min_symbiosis_links"][period]
    for value in d.params["max_co2_total"].values():
        scalars["max_co2_total"] = value
    return OnePeriod(d.sets, params, scalars)


class _Rows:
    """Terms (row, column label, coefficient) of one constraint family, collected before one bulk build."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.coefficients: list[float] = []

    def add(self, row: int, column: int, coefficient: float) -> None:
        self.rows.append(row)
        self.columns.append(column)
        self.coefficients.append(coefficient)


def _rows(model: linopy.Model, dimension: str, rows: _Rows) -> linopy.LinearExpression:
    """One linopy expression per row label, from its terms (padded with label -1, linopy's "no term")."""
    row = np.asarray(rows.rows, dtype=np.int64)
    order = np.argsort(row, kind="stable")
    row = row[order]
    counts = np.bincount(row, minlength=len(rows.labels))
    term = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    width = max(1, int(counts.max(initial=0)))
    columns = np.full((len(rows.labels), width), -1, dtype=np.int64)
    coefficients = np.zeros((len(rows.labels), width))
    columns[row, term] = np.asarray(rows.columns, dtype=np.int64)[order]
    coefficients[row, term] = np.asarray(rows.coefficients, dtype=float)[order]
    data = xr.Dataset(
        {"vars": ((dimension, "_term"), columns), "coeffs": ((dimension, "_term"), coefficients)},
        coords={dimension: rows.labels},
    )
    return linopy.LinearExpression(data, model)


def _node(node: tuple[str, str]) -> str:
    return f"{node[0]}|{node[1]}"


def build_linopy(data: ModelData, objective: str = "cost") -> linopy.Model:
    """The park MILP of ``data`` (``cost``, ``co2`` or ``weighted`` objective) as a linopy model.

    Raises :class:`NotCovered` for a scenario with several periods, financing or water quality.
    """
    d = single_period(data)
    m = linopy.Model()
    s, p = d.sets, d.params
    column: dict[str, dict] = {}  # variable -> {index: column label}

    def variables(name: str, index: list, *, binary: bool, lower=None, upper=None) -> None:
        if not index:
            column[name] = {}
            return
        lower = np.zeros(len(index)) if lower is None else lower
        upper = (np.ones(len(index)) if binary else np.full(len(index), np.inf)) if upper is None else upper
        ids = [_node(i) if isinstance(i, tuple) else i for i in index]
        var = m.add_variables(lower=lower, upper=upper, coords=[pd.Index(ids, name=name)], name=name, integer=binary)
        column[name] = dict(zip(index, var.labels.values.tolist(), strict=True))

    def fixed_bounds(index: list, at_one: list, at_zero: list) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of binaries: existing items held at 1, ruled-out ones at 0."""
        one, zero = set(at_one), set(at_zero)
        return (np.array([1.0 if i in one else 0.0 for i in index]), np.array([0.0 if i in zero else 1.0 for i in index]))

    for name, index, at_one, at_zero in (
        ("fund_measure", s["measures"], s["existing_measures"], s["forbidden_measures"]),
        ("build_link", s["links"], s["existing_links"], s["forbidden_links"]),
        ("build_tier", s["tiers"], [], s["forbidden_tiers"]),
    ):
        lower, upper = fixed_bounds(index, at_one, at_zero)
        variables(name, index, binary=True, lower=lower, upper=upper)
    variables("flow", s["links"], binary=False)
    for market in ("buy", "sell", "dispose"):
        variables(market, s[f"{market}_nodes"], binary=False)

    x, y, z, f = column["fund_measure"], column["build_link"], column["build_tier"], column["flow"]
    decision = {**x, **y, **{tier_item(*t): label for t, label in z.items()}}

    _add_balances(m, d, column)
    # link capacity: f_l - C_l y_l - sum_t C_lt z_lt <= 0
    if s["links"]:
        rows = _Rows(s["links"])
        position = {l: i for i, l in enumerate(s["links"])}
        for i, l in enumerate(s["links"]):
            rows.add(i, f[l], 1.0)
            rows.add(i, y[l], -p["capacity"][l])
        for t in s["tiers"]:
            rows.add(position[t[0]], z[t], -p["tier_capacity"][t])
        m.add_constraints(_rows(m, "link_capacity", rows), "<=", 0.0, name="link_capacity")
    # tiers on a built link and in order: z_lt - y_l <= 0, z_lt - z_l,t-1 <= 0
    _pairs(m, "tier_on_built_link", [(z[t], y[t[0]]) for t in s["tiers"]])
    _pairs(m, "tier_in_order", [(z[(l, t)], z[(l, prev)]) for l, t, prev in s["tier_predecessor"]])
    # market limits: buy <= limit, sell <= limit
    for market in ("buy", "sell"):
        limited = s[f"{market}_limited"]
        if limited:
            rows = _Rows([_node(n) for n in limited])
            for i, n in enumerate(limited):
                rows.add(i, column[market][n], 1.0)
            limits = xr.DataArray([p[f"{market}_limit"][n] for n in limited], coords={f"{market}_within_limit": rows.labels})
            m.add_constraints(_rows(m, f"{market}_within_limit", rows), "<=", limits, name=f"{market}_within_limit")
    # at most one measure per group: sum_k x_k <= 1
    if s["groups"]:
        rows = _Rows(s["groups"])
        position = {g: i for i, g in enumerate(s["groups"])}
        for group, measure in s["group_members"]:
            rows.add(position[group], x[measure], 1.0)
        m.add_constraints(_rows(m, "one_per_group", rows), "<=", 1.0, name="one_per_group")
    # requirements: x_i - x_j <= 0
    _pairs(m, "requirement", [(decision[item], decision[need]) for item, need in s["requires"]])
    # Decree 35: sum_{l in IS} y_l >= N
    if s["symbiosis_required"]:
        rows = _Rows(["park"])
        for l in s["symbiosis_links"]:
            rows.add(0, y[l], 1.0)
        m.add_constraints(_rows(m, "min_symbiosis", rows), ">=", d.scalars["min_symbiosis_links"], name="min_symbiosis")
    # budgets: sum_i a_bi decision_i <= L_b
    if s["limited_budgets"]:
        rows = _Rows(s["limited_budgets"])
        position = {b: i for i, b in enumerate(s["limited_budgets"])}
        for (budget, item), amount in p["budget_draw"].items():
            if budget in position:
                rows.add(position[budget], decision[item], amount)
        limits = xr.DataArray([p["budget_limit"][b] for b in s["limited_budgets"]], coords={"budget": rows.labels})
        m.add_constraints(_rows(m, "budget", rows), "<=", limits, name="budget")

    cost, co2 = _accounting(d, column)
    # annual CO2e cap, and the cap over the horizon: n * annual CO2e (n years in the one period)
    for name, cap, factor in (("co2_limit", "max_co2", 1.0), ("co2_total_limit", "max_co2_total", d.scalars["period_years"])):
        if cap in d.scalars:
            rows = _Rows(["park"])
            for label, coefficient in co2.items():
                rows.add(0, label, factor * coefficient)
            m.add_constraints(_rows(m, name, rows), "<=", d.scalars[cap], name=name)
    # over the horizon: cost w * annual cost, CO2e n * annual CO2e, weighted w * (cost + carbon price * CO2e)
    w, n = d.scalars["discount_weight"], d.scalars["period_years"]
    weights = {"cost": (w, 0.0), "co2": (0.0, n), "weighted": (w, w * d.scalars["carbon_price"])}[objective]
    terms = defaultdict(float)
    for weight, accounts in zip(weights, (cost, co2), strict=True):
        for label, coefficient in accounts.items():
            terms[label] += weight * coefficient
    rows = _Rows(["objective"])
    for label, coefficient in terms.items():
        rows.add(0, label, coefficient)
    m.add_objective(_rows(m, "objective", rows).sum("objective"), sense="min")
    return m


def _add_balances(m: linopy.Model, d: OnePeriod, column: dict[str, dict]) -> None:
    """buy + sum_in eta f + sum_k dG x - sum_out f - sum_use u f - sum_k dD x - sell - disp = D - G."""
    s, p = d.sets, d.params
    nodes = s["nodes"]
    row = {n: i for i, n in enumerate(nodes)}
    rows = _Rows([_node(n) for n in nodes])
    f, x = column["flow"], column["fund_measure"]
    for link, source, resource, sink, sink_resource in s["link_endpoints"]:
        rows.add(row[(source, resource)], f[link], -1.0)
        rows.add(row[(sink, sink_resource)], f[link], p["link_yield"][link])
    for key, node in zip(s["link_inputs"], s["link_input_node"], strict=True):
        rows.add(row[node], f[key[0]], -p["link_input_rate"][key])
    for key, node in zip(s["effects"], s["effect_node"], strict=True):
        rows.add(row[node], x[key[0]], p["generation_change"][key] - p["demand_change"][key])
    for market, sign in (("buy", 1.0), ("sell", -1.0), ("dispose", -1.0)):
        for n, label in column[market].items():
            rows.add(row[n], label, sign)
    rhs = xr.DataArray([p["demand"][n] - p["generation"][n] for n in nodes], coords={"balance": rows.labels})
    m.add_constraints(_rows(m, "balance", rows), "=", rhs, name="balance")


def _pairs(m: linopy.Model, name: str, pairs: list[tuple[int, int]]) -> None:
    """a - b <= 0 for each (a, b) pair of column labels."""
    if not pairs:
        return
    rows = _Rows([str(i) for i in range(len(pairs))])
    for i, (a, b) in enumerate(pairs):
        rows.add(i, a, 1.0)
        rows.add(i, b, -1.0)
    m.add_constraints(_rows(m, name, rows), "<=", 0.0, name=name)


def _accounting(d: OnePeriod, column: dict[str, dict]) -> tuple[dict[int, float], dict[int, float]]:
    """Annual cost and CO2e as {column label: coefficient} (see :mod:`eipopt.model.accounting`)."""
    p = d.params
    cost, co2 = defaultdict(float), defaultdict(float)
    for market, sign, price, factor in (
        ("buy", 1.0, "buy_price", "buy_emission_factor"),
        ("sell", -1.0, "sell_price", "sell_emission_factor"),
        ("dispose", 1.0, "disposal_cost", "disposal_emission_factor"),
    ):
        for (_, resource), label in column[market].items():
            cost[label] += sign * p[price][resource]
            co2[label] += sign * p[factor][resource]
    for k, label in column["fund_measure"].items():
        cost[label] += p["measure_annualised_capex"][k] + p["measure_opex_change"][k]
        co2[label] += p["measure_direct_co2"][k]
    for l, label in column["build_link"].items():
        cost[label] += p["link_annualised_capex"][l] + p["link_fixed_opex"][l]
    for t, label in column["build_tier"].items():
        cost[label] += p["tier_annualised_capex"][t] + p["tier_fixed_opex"][t]
    for l, label in column["flow"].items():
        cost[label] += p["variable_cost"][l]
        co2[label] += p["variable_co2"][l]
    return cost, co2


def to_highs(model: linopy.Model) -> highspy.Highs:
    """Hand the model to HiGHS through linopy's direct (matrix) interface, quiet."""
    highs = linopy.io.to_highspy(model)
    highs.setOptionValue("output_flag", False)
    return highs
