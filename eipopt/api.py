"""The public Python entry point: solve a scenario against its baseline.

``load -> build -> solve -> extract -> report``: this module runs build, solve
and extract for one scenario (or a series of what-if variants of it) and
composes the :class:`~eipopt.result.Result`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable

import pandas as pd

from eipopt.financing_results import debt_service_measured_against, financing_summary
from eipopt.lazy_tables import LazyTables
from eipopt.model import Objective, ParkModel, Scenario, SolverOptions, build_model
from eipopt.model.build import StructureChanged
from eipopt.model.extract import Snapshot, snapshot
from eipopt.model.firm_accounts import firms_table
from eipopt.model.periods import horizon
from eipopt.result import Result
from eipopt.solvers import HighsRunner, SolveOutcome, SolveStatus, diagnose

#: Parameters the baseline does not depend on: nothing new is funded in it (so no
#: capex is paid or financed: an existing item's is sunk, its annual payment 0), it
#: is solved at least cost, and the plan's requirements (and financing) do not bind it.
_BASELINE_INDEPENDENT = frozenset({"budget_limit", "budget_draw", "carbon_price", "max_co2", "max_co2_total", "min_symbiosis_links",
                                   "source_limit", "source_share", "loan_crf", "equity_return", "equity_limit", "min_dscr",
                                   "measure_capex", "link_capex", "tier_capex",
                                   "measure_annualised_capex", "link_annualised_capex", "tier_annualised_capex"})


class ScenarioSolver:
    """Solve a scenario and its what-if variants, reusing the built model.

    When a new scenario differs only in numbers (prices, limits, budgets,
    capacities ...) the built Pyomo model and the loaded HiGHS model are
    re-parameterised; when its structure differs the model is rebuilt.
    ``rebuilds`` counts the builds, for benchmarks and tests.

    Solver options given here override each scenario's ``solver`` settings.
    With ``warm_start`` every HiGHS run starts from the last solution of a
    run of its kind on the same built model (a what-if's baseline from the
    previous baseline, its plan from the previous plan; a second stage
    always starts from its first): faster where that solution stays
    feasible, but a what-if's answer may then differ, within the MIP gap,
    with the what-ifs solved before it.
    """

    def __init__(self, *, time_limit: float | None = None, mip_gap: float | None = None, threads: int | None = None,
                 warm_start: bool | None = None, baseline: bool = True):
        given = {"time_limit": time_limit, "mip_gap": mip_gap, "threads": threads, "warm_start": warm_start}
        self._overrides = {k: v for k, v in given.items() if v is not None}
        self.baseline = baseline
        self._park: ParkModel | None = None
        self._scenario: Scenario | None = None
        self._runner: HighsRunner | None = None
        self._baseline_cache: tuple | None = None
        self.rebuilds = 0

    def solve(
        self,
        scenario: Scenario,
        objective: Objective | str | None = None,
        *,
        forbid: Iterable[str] = (),
        force: Iterable[str] = (),
        least_co2_at_cost: bool = False,
    ) -> Result:
        """Solve ``scenario`` (objective from its settings unless given) and compare with its baseline.

        ``forbid`` / ``force``: items (measure, link or ``LINK:TIER`` ids) ruled
        out or imposed for this solve only, without rebuilding (``ValueError``
        for an existing item forbidden or a ruled-out one forced).
        ``least_co2_at_cost``: with the ``cost`` objective, the least CO2e among
        the least-cost solutions, so a tie in cost never hides a cleaner plan.
        """
        objective = Objective(objective or scenario.settings.objective)
        options = dataclasses.replace(scenario.settings.solver, **self._overrides)
        started = time.perf_counter()
        park = self._model_for(scenario)
        build_seconds = time.perf_counter() - started
        self._runner.options = options

        needs_baseline = self.baseline or park.has_debt_service_rules  # the DSCR rule is measured against it
        base_outcome, base, baseline_findings = self._baseline(park, scenario, options) if needs_baseline else (None, None, None)
        with park.fixed_items(forbid, force), debt_service_measured_against(park, base):
            outcome = self._runner.solve(park, objective, co2_tie_break=least_co2_at_cost)
            optimum = snapshot(park, scenario) if outcome.status.has_solution else None
        if optimum is not None and optimum.financing is not None:
            firms = firms_table(scenario, park, optimum.financing, optimum.firm_costs, base.firm_costs if base else None)
            optimum = dataclasses.replace(optimum, firms=firms)
        if not self.baseline:
            base_outcome, base, baseline_findings = None, None, None

        findings = None
        if outcome.status in (SolveStatus.INFEASIBLE, SolveStatus.UNBOUNDED) and not (forbid or force):
            diagnosis = diagnose(scenario, options=options)
            if outcome.status is SolveStatus.INFEASIBLE and diagnosis.feasible:
                outcome = _resolve_ambiguity(outcome)
            findings = diagnosis.findings if not diagnosis.feasible else None
        return compose_result(scenario, objective, outcome, optimum, base_outcome, base, findings, baseline_findings, build_seconds)

    def prepare(self, scenario: Scenario) -> None:
        """Build the model, hand it to HiGHS and solve its baseline (when one is wanted), without solving the scenario.

        What a later :meth:`solve` of the scenario or a what-if of it would do
        first, done now: a copy of this solver made afterwards (a sweep worker
        forked from the sweep's process) starts with all of it done.
        """
        options = dataclasses.replace(scenario.settings.solver, **self._overrides)
        park = self._model_for(scenario)
        self._runner.options = options
        if self.baseline or park.has_debt_service_rules:
            self._baseline(park, scenario, options)
        else:
            self._runner.load(park)

    def _baseline(self, park: ParkModel, scenario: Scenario, options: SolverOptions):
        """Solve (or reuse) the baseline: nothing new funded, at least cost.

        Budgets and the plan's requirements cannot change it, so a sweep over
        them solves the baseline once.
        """
        key = (self.rebuilds, {k: v for k, v in park.data.params.items() if k not in _BASELINE_INDEPENDENT})
        if self._baseline_cache is not None and _same_inputs(self._baseline_cache[0], key):
            return self._baseline_cache[1]
        park.fix_baseline()
        outcome = self._runner.solve(park, Objective.COST)
        base = snapshot(park, scenario) if outcome.status.has_solution else None
        park.release_baseline()
        findings = None
        if outcome.status is SolveStatus.INFEASIBLE:
            findings = diagnose(scenario, baseline=True, options=options).findings
        self._baseline_cache = (key, (outcome, base, findings))
        return outcome, base, findings

    def sibling(self) -> ScenarioSolver:
        """A new solver with the same options (to keep a second model beside this one)."""
        return ScenarioSolver(**self._overrides, baseline=self.baseline)

    def _model_for(self, scenario: Scenario) -> ParkModel:
        if self._park is not None:
            if scenario is self._scenario:  # scenarios are immutable: nothing to update
                return self._park
            try:
                self._park.update(scenario)
                self._scenario = scenario
                return self._park
            except StructureChanged:
                pass
        self._park = build_model(scenario)
        self._scenario = scenario
        self._runner = HighsRunner(SolverOptions())
        self.rebuilds += 1
        return self._park


def _same_inputs(cached: tuple[int, dict], current: tuple[int, dict]) -> bool:
    """The same build and equal parameter values (a what-if's model data shares its unchanged parameters: ``is`` first)."""
    return cached[0] == current[0] and cached[1].keys() == current[1].keys() and all(
        values is cached[1][name] or values == cached[1][name] for name, values in current[1].items()
    )


def _resolve_ambiguity(outcome: SolveOutcome) -> SolveOutcome:
    """HiGHS said infeasible, yet the elastic model meets every constraint without slack."""
    if outcome.message == "infeasibleOrUnbounded":  # presolve could not tell: it is unbounded
        return dataclasses.replace(outcome, status=SolveStatus.UNBOUNDED)
    return dataclasses.replace(
        outcome,
        status=SolveStatus.ERROR,
        message="HiGHS reported the model infeasible but a diagnosis found it feasible: numerical trouble (check very large or very small numbers)",
    )


def solve(
    scenario: Scenario,
    objective: Objective | str | None = None,
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    baseline: bool = True,
) -> Result:
    """Solve one scenario; solver options given here override the scenario's."""
    solver = ScenarioSolver(time_limit=time_limit, mip_gap=mip_gap, threads=threads, baseline=baseline)
    return solver.solve(scenario, objective)


def compose_result(
    scenario: Scenario,
    objective: Objective,
    outcome: SolveOutcome,
    optimum: Snapshot | None,
    base_outcome: SolveOutcome | None,
    base: Snapshot | None,
    findings: pd.DataFrame | None,
    baseline_findings: pd.DataFrame | None,
    build_seconds: float,
) -> Result:
    """The summary (every stable key) and the tables of one solve."""
    solved = optimum is not None
    has_baseline = base is not None
    by_period = scenario.settings.periods is not None
    makers: dict[str, Callable[[], pd.DataFrame]] = {}  # tables are built when read: a sweep reads the summary only
    if solved:
        period = ["period"] if by_period else []

        def with_baseline(name: str, keys: list[str], columns: list[str]) -> Callable[[], pd.DataFrame]:
            return lambda: _with_baseline(getattr(optimum, name), getattr(base, name) if has_baseline else None, [*period, *keys], columns)

        makers = {
            "measures": lambda: optimum.measures,
            "links": with_baseline("links", ["id"], ["flow"]),
            "tiers": lambda: optimum.tiers,
            "flows": with_baseline("flows", ["firm", "resource"], ["demand", "generation", "link_in", "link_out", "link_use", "buy", "sell", "dispose"]),
            "budgets": lambda: optimum.budgets,
            "breakdown": with_baseline("breakdown", ["quantity", "component"], ["value"]),
        }
        if optimum.quality is not None:
            makers["quality"] = with_baseline("quality", ["firm", "resource", "contaminant"], ["inflow", "inlet_concentration"])
            makers["link_quality"] = with_baseline("link_quality", ["link", "contaminant"], ["flow"])
        if by_period:
            makers["periods"] = lambda: _with_baseline(optimum.periods, base.periods if has_baseline else None, ["period"], ["annual_cost", "annual_co2"])
    tables = LazyTables(makers)
    if findings is not None:
        tables["infeasibility"] = findings
    if baseline_findings is not None:
        tables["baseline_infeasibility"] = baseline_findings

    plan = optimum.tables.plan() if solved else None  # the summary's figures, without building a table
    summary = {
        "scenario": scenario.name,
        "status": outcome.status.value,
        "objective": objective.value,
        "objective_value": outcome.objective_value,
        "total_cost": optimum.total_cost if solved else None,
        "total_co2": optimum.total_co2 if solved else None,
        "baseline_cost": base.total_cost if has_baseline else None,
        "baseline_co2": base.total_co2 if has_baseline else None,
        "cost_savings": base.total_cost - optimum.total_cost if solved and has_baseline else None,
        "co2_reduction": base.total_co2 - optimum.total_co2 if solved and has_baseline else None,
        "capex_total": plan.capex_total if solved else None,
        "mip_gap": outcome.mip_gap,
        "solve_seconds": outcome.seconds + (base_outcome.seconds if base_outcome else 0.0),
        "n_measures_funded": len(plan.measures_funded) if solved else None,
        "n_links_built": len(plan.links_built) if solved else None,
        "budgets": {b.id: {"limit": b.limit, "used": float(plan.budget_use[b.id]) if solved else None} for b in scenario.settings.budgets},
        # descriptive extras
        "exit_code": outcome.status.exit_code,
        "currency": scenario.settings.currency,
        "baseline_status": base_outcome.status.value if base_outcome else "not_solved",
        "build_seconds": build_seconds,
        "measures_funded": plan.measures_funded if solved else [],
        "links_built": plan.links_built if solved else [],
        "tiers_built": plan.tiers_built if solved else [],
        "solver_message": outcome.message,
        "mip_gap_stage": outcome.gap_stage,  # the objective mip_gap is measured on (a co2 solve has two stages)
        "absolute_gaps": dict(outcome.absolute_gaps),  # objective -> |incumbent - bound| of each stage
    }
    if by_period:
        periods = horizon(scenario.settings)
        summary["horizon"] = {
            "years": [p.start for p in periods],
            "end": periods[-1].last_year,
            "n_years": sum(p.n_years for p in periods),
            "discount_rate": scenario.settings.discount_rate,
        }
    if solved and optimum.firms is not None:
        tables["financing"], tables["firms"] = optimum.financing, optimum.firms
        summary.update(financing_summary(scenario, optimum, summary, has_baseline))
    if findings is not None:
        summary["infeasibility"] = list(findings["explanation"])
    if baseline_findings is not None:
        summary["baseline_infeasibility"] = list(baseline_findings["explanation"])
    return Result(summary, tables)


def _with_baseline(optimised: pd.DataFrame, baseline: pd.DataFrame | None, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Add ``baseline_<column>`` next to the optimised values (NaN without a baseline)."""
    out = optimised.copy()
    if baseline is None:
        for column in columns:
            out[f"baseline_{column}"] = float("nan")
        return out
    renamed = baseline[keys + columns].rename(columns={c: f"baseline_{c}" for c in columns})
    return out.merge(renamed, on=keys, how="left")
