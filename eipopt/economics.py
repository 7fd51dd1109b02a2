"""Per-measure economics: what each candidate measure costs, saves and why it was not funded.

Computed in the reporting layer from a :class:`~eipopt.result.Result` and its
:class:`~eipopt.model.Scenario` (no solve). Every figure is *stand-alone*: the
measure on its own, its effects valued at the scenario's market prices, as a
funder would read a project sheet. The optimum can value a measure differently
(a link may already use the by-product it saves, a group partner may be
better); the ``decision`` and ``why_not_funded`` columns say what the optimum did.

Definitions, per measure k with effects Δd_kr (demand change) and Δg_kr
(generation change) on resources r:

- ``annual_saving`` (currency/yr) =
  −opex_change_k + Σ_r (−Δd_kr)·buy_price_r + Σ_r Δg_kr·v_r,
  where v_r, the value of one more unit generated, is the sell price where r can
  be sold, else −disposal_cost where it can be disposed of, else 0. A resource
  without a buy price values a demand change at 0 (it cannot be bought, so the
  saving is not money); such measures are still listed.
- ``co2_avoided`` (tCO2e/yr) =
  −direct_co2_change_k + Σ_r (−Δd_kr)·buy_ef_r + Σ_r Δg_kr·e_r,
  with e_r the sell emission factor where r can be sold, else −disposal_ef_r.
- ``annualised_capex`` (currency/yr): capex × capital recovery factor of the
  discount rate and lifetime (from the Result's ``measures`` table).
- ``net_annual_benefit`` = annual_saving − annualised_capex.
- ``simple_payback_years`` = capex / annual_saving where the saving is positive
  (0 for a measure without capex), blank otherwise (never pays back).
- ``cost_per_tonne`` (currency/tCO2e) = −net_annual_benefit / co2_avoided where
  CO2e is avoided (negative: the measure saves money while cutting CO2e).
- ``why_not_funded``, for a candidate the optimum did not fund, every reason
  that is known, ``;``-separated: ``not allowed`` (allowed = false), ``group``
  (another measure of its group is funded), ``requires`` (an item it requires
  is not funded or built), ``budget`` (what it draws exceeds what is left of a
  budget), ``not worth it`` (its stand-alone net benefit is not positive;
  weighted objective: net benefit + carbon_price × co2_avoided; co2 objective:
  it also avoids no CO2e). Where none applies:
  ``not chosen by the optimum`` (interactions with links or other measures).

Over periods (:mod:`eipopt.period_view`): funded and built mean funded or
built by the end of the plan, ``build_period`` (economics and links) says in
which period, and a measure's figures are those of its table row (capex in
force in its build period) at the scenario's table prices. A budget of one
period is named with it: too little left there rules out building in that
period only.
"""

from __future__ import annotations

import math

import pandas as pd

from eipopt.model import Scenario
from eipopt.model.settings import AppliesTo, Objective
from eipopt.period_view import rows_of_period, shown_period
from eipopt.result import Result

STATUS_FUNDED = "funded"
STATUS_EXISTING = "existing"
STATUS_REJECTED = "not funded"

ECONOMICS_COLUMNS = [
    "id", "name", "firm", "firm_name", "category", "decision", "capex", "annualised_capex",
    "annual_saving", "net_annual_benefit", "simple_payback_years", "co2_avoided", "cost_per_tonne",
    "why_not_funded",
]


def measure_economics(result: Result, scenario: Scenario) -> pd.DataFrame:
    """One row per measure: stand-alone capex, saving, payback, cost per tonne, decision and why not funded.

    Empty (with the columns) when the scenario has no measures or there is no solution.
    Over periods a ``build_period`` column follows ``decision`` (blank: not funded).
    """
    columns = _economics_columns(result)
    if "measures" not in result.tables or not len(scenario.measures):
        return pd.DataFrame(columns=columns)
    solved = result.measures.set_index("id")
    measures = scenario.measures.set_index("id")
    saving, avoided = _effect_values(scenario)
    firm_names = scenario.firms.set_index("id")["name"]
    funded = set(solved.index[solved["funded"]])
    reasons = _Reasons(result, scenario, funded)
    rows = []
    for measure_id, measure in measures.iterrows():
        capex = float(measure["capex"])
        annual_saving = saving.get(measure_id, 0.0) - float(measure["opex_change"])
        co2 = avoided.get(measure_id, 0.0) - float(measure["direct_co2_change"])
        annualised = float(solved.at[measure_id, "annualised_capex"])
        net = annual_saving - annualised
        if bool(measure["existing"]):
            status = STATUS_EXISTING
        elif measure_id in funded:
            status = STATUS_FUNDED
        else:
            status = STATUS_REJECTED
        rows.append({
            "build_period": solved.at[measure_id, "build_period"] if "build_period" in solved.columns else None,
            "id": measure_id,
            "name": measure["name"],
            "firm": measure["firm"],
            "firm_name": firm_names.get(measure["firm"], ""),
            "category": measure["category"],
            "decision": status,
            "capex": capex,
            "annualised_capex": annualised,
            "annual_saving": annual_saving,
            "net_annual_benefit": net,
            "simple_payback_years": _payback(capex, annual_saving),
            "co2_avoided": co2,
            "cost_per_tonne": -net / co2 if co2 > 0 else math.nan,
            "why_not_funded": reasons.of(measure_id, measure, net, co2) if status == STATUS_REJECTED else "",
        })
    return pd.DataFrame(rows, columns=columns)


def _economics_columns(result: Result) -> list[str]:
    """ECONOMICS_COLUMNS, with ``build_period`` after ``decision`` when the result has periods."""
    if shown_period(result) is None:
        return ECONOMICS_COLUMNS
    at = ECONOMICS_COLUMNS.index("decision") + 1
    return [*ECONOMICS_COLUMNS[:at], "build_period", *ECONOMICS_COLUMNS[at:]]


def links_not_built(result: Result, scenario: Scenario) -> pd.Series:
    """Why each candidate link was not built (``""`` for built and existing links), by link id.

    The same known reasons as for measures: not allowed, requires, budget;
    otherwise "not chosen by the optimum". Over periods: built by the end of the plan.
    """
    if "links" not in result.tables:
        return pd.Series(dtype=object)
    built = _at_end(result, "links").set_index("id")["built"]
    measures = result.tables.get("measures")
    funded = set(measures.loc[measures["funded"], "id"]) if measures is not None else set()
    reasons = _Reasons(result, scenario, funded)
    return pd.Series({
        link_id: "" if built.get(link_id, False) or bool(link["existing"]) else reasons.of_link(link_id, link)
        for link_id, link in scenario.links.set_index("id").iterrows()
    }, dtype=object)


def _at_end(result: Result, table: str) -> pd.DataFrame:
    """A result table as the park stands at the end of the plan (the last period's rows over periods)."""
    return rows_of_period(result.tables[table], shown_period(result))


def _payback(capex: float, annual_saving: float) -> float:
    if capex == 0:
        return 0.0
    return capex / annual_saving if annual_saving > 0 else math.nan


def _effect_values(scenario: Scenario) -> tuple[dict[str, float], dict[str, float]]:
    """Per measure: its effects valued in money (currency/yr) and in CO2e (tCO2e/yr), stand-alone."""
    effects = scenario.measure_effects
    if not len(effects):
        return {}, {}
    resources = scenario.resources.set_index("id")
    buy_price = resources["buy_price"].fillna(0.0)
    generated_value = resources["sell_price"].where(resources["sell_price"].notna(), -resources["disposal_cost"]).fillna(0.0)
    generated_co2 = resources["sell_emission_factor"].where(resources["sell_price"].notna(), -resources["disposal_emission_factor"])
    money = -effects["demand_change"] * effects["resource"].map(buy_price) + effects["generation_change"] * effects["resource"].map(generated_value)
    co2 = -effects["demand_change"] * effects["resource"].map(resources["buy_emission_factor"]) + effects["generation_change"] * effects["resource"].map(generated_co2)
    return (
        money.groupby(effects["measure"]).sum().to_dict(),
        co2.groupby(effects["measure"]).sum().to_dict(),
    )


class _Reasons:
    """The known reasons a candidate measure was not funded, from the optimum's decisions."""

    def __init__(self, result: Result, scenario: Scenario, funded: set[str]):
        self.scenario = scenario
        self.objective = Objective(result.summary["objective"])
        self.funded_groups = set(scenario.measures.loc[scenario.measures["id"].isin(funded), "group"]) - {""}
        links = _at_end(result, "links") if "links" in result.tables else None
        self.active = funded | (set(links.loc[links["built"], "id"]) if links is not None else set())
        budgets = result.tables.get("budgets")
        self.left = {}
        if budgets is not None:
            for row in budgets.itertuples():
                if row.limit is not None and not math.isnan(row.limit):
                    self.left[row.id] = row.limit - row.used
        use = scenario.budget_use
        self.explicit = {(b, i): float(a) for b, i, a in zip(use["budget"], use["item"], use["amount"], strict=True)}
        self.explicit_budgets = set(use["budget"])

    def _draw(self, budget, item_id: str, capex: float, kind: AppliesTo = AppliesTo.MEASURES) -> float:
        """What a new item draws from a budget (its ``budget_use`` row, or its capex by default)."""
        if budget.id in self.explicit_budgets:
            return self.explicit.get((budget.id, item_id), 0.0)
        return capex if budget.applies_to in (AppliesTo.ALL, kind) else 0.0

    def _common(self, item_id: str, row: pd.Series, kind: AppliesTo) -> list[str]:
        """Reasons shared by measures and links: not allowed, a required item missing, a budget too short."""
        reasons = []
        if not bool(row.get("allowed", True)):
            reasons.append("not allowed")
        missing = [r.strip() for r in str(row["requires"]).split(";") if r.strip() and r.strip() not in self.active]
        if missing:
            reasons.append(f"requires {', '.join(missing)} (not funded or built)")
        for budget in self.scenario.settings.budgets:
            draw = self._draw(budget, item_id, float(row["capex"]), kind)
            if budget.id in self.left and draw > self.left[budget.id] + 1e-6 * max(1.0, draw):
                when = f" for builds in the period from {budget.period}" if budget.period is not None else ""
                reasons.append(f"budget: '{budget.id}' has too little left{when}")
        return reasons

    def of_link(self, link_id: str, link: pd.Series) -> str:
        """Why a candidate link was not built (no stand-alone value is computed for links)."""
        return "; ".join(self._common(link_id, link, AppliesTo.LINKS)) or "not chosen by the optimum (not worth its cost, or others do better)"

    def _worth_it(self, net: float, co2: float) -> bool:
        """Whether the measure pays on its own under the objective (co2: any CO2e avoided)."""
        if self.objective is Objective.CO2:
            return co2 > 0 or net > 0
        if self.objective is Objective.WEIGHTED:
            return net + self.scenario.settings.carbon_price * co2 > 0
        return net > 0

    def of(self, measure_id: str, measure: pd.Series, net: float, co2: float) -> str:
        reasons = self._common(measure_id, measure, AppliesTo.MEASURES)
        if measure["group"] and measure["group"] in self.funded_groups:
            reasons.insert(1 if reasons[:1] == ["not allowed"] else 0, f"group: another measure of '{measure['group']}' is funded")
        if not self._worth_it(net, co2):
            reasons.append("not worth it: saves less than its annualised capex")
        return "; ".join(reasons) or "not chosen by the optimum (interactions with links or other measures)"
