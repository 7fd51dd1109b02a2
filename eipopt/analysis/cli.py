"""Command-line analyses: ``eipopt pareto``, ``budget``, ``attribute`` and ``greedy``.

Each prints a readable table (or, with ``--json``, exactly one JSON object),
writes its table with ``--out FILE.csv`` and its figures with ``--plot STEM``
(``STEM.png`` and ``STEM.svg``). Exit codes as ``eipopt solve``: 0 solved,
2 invalid input, 3 infeasible, 4 solver failure or no solution.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from eipopt.analysis.portfolio import AnalysisError
from eipopt.analysis.tables import ANALYSIS_MIP_GAP
from eipopt.api import ScenarioSolver
from eipopt.cli_common import EXIT_INVALID
from eipopt.cli_common import load_with_overrides as _load
from eipopt.json_stdout import chatter_to_stderr
from eipopt.model import Objective
from eipopt.output import (
    OutputError,
    check_file_target,
    check_stem_target,
    write_csv,
    write_figure,
    write_files,
)

#: Most solves on one Pareto front (each a MIP solve): a larger --points is an input error.
MAX_POINTS = 1_000


# --- shared options and output ---------------------------------------------------
def _common(command: Callable) -> Callable:
    """Options every analysis command takes."""
    options = [
        click.argument("path", type=click.Path(exists=True)),
        click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a setting or a cell, as in 'eipopt solve'. Repeatable."),
        click.option("--out", type=click.Path(), help="Write the table as CSV to this file (replaced; never written through a link)."),
        click.option("--plot", "plot_stem", metavar="STEM", help="Write the figure(s) as STEM.png and STEM.svg."),
        click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object on stdout."),
        click.option("--time-limit", type=float, help="Seconds for HiGHS, per solve."),
        click.option("--mip-gap", type=float, help=f"Relative MIP gap at which HiGHS stops [default: {ANALYSIS_MIP_GAP:g}, tighter than a single solve's, so that differences between solves are findings]."),
        click.option("--threads", type=int, help="HiGHS threads."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_objective_option = click.option("--objective", type=click.Choice([o.value for o in Objective]), help="Override the scenario's objective.")


def _solver(time_limit, mip_gap, threads) -> ScenarioSolver:
    """The analyses' solver: --mip-gap if given, else the analyses' tight default (not the scenario's)."""
    return ScenarioSolver(time_limit=time_limit, mip_gap=ANALYSIS_MIP_GAP if mip_gap is None else mip_gap, threads=threads)


def _invalid(message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"status": "invalid", "exit_code": EXIT_INVALID, "problems": [message]}))
    else:
        click.echo(f"Invalid input: {message}", err=True)
    sys.exit(EXIT_INVALID)


def _unsolved(error: AnalysisError, as_json: bool) -> None:
    """Report a scenario without solution, with the core's explanation of what cannot be met."""
    result = error.result
    if as_json:
        click.echo(result.to_json(indent=None))
    else:
        click.echo(f"{error}", err=True)
        for line in result.summary.get("infeasibility", []):
            click.echo(f"  - {line}", err=True)
    sys.exit(result.exit_code if result.exit_code else 4)


def _compute(analysis: Callable, as_json: bool):
    """Run an analysis (solver chatter kept off stdout under --json); a scenario without solution exits."""
    try:
        with chatter_to_stderr(as_json):
            return analysis()
    except AnalysisError as error:
        _unsolved(error, as_json)


def _csv_path(out: str, suffix: str = "") -> Path:
    """``FILE.csv``, or ``FILE_suffix.csv`` for a command's second table."""
    path = Path(out)
    return path.with_name(f"{path.stem}_{suffix}{path.suffix or '.csv'}") if suffix else path


def _plot_stem(stem: str, name: str) -> str:
    return f"{stem}_{name}" if name else stem


def _exit_code_of(statuses) -> int:
    """Exit code of a series of solves: 0 if any has a solution, 3 if none but some infeasible, else 4."""
    found = set(statuses)
    return 0 if found & {"optimal", "feasible"} else 3 if "infeasible" in found else 4


def _check_targets(out: str | None, tables: tuple[str, ...], plot_stem: str | None, figures: tuple[str, ...], as_json: bool) -> None:
    """Every file the command will write can be written: checked before any solving (exit 2)."""
    try:
        for suffix in tables if out else ():
            check_file_target(_csv_path(out, suffix))
        for name in figures if plot_stem else ():
            check_stem_target(_plot_stem(plot_stem, name))
    except OutputError as error:
        _invalid(str(error), as_json)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (NaN and infinities become null)."""
    return json.loads(frame.replace([math.inf, -math.inf], math.nan).to_json(orient="records"))


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        value += 0.0
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value) if str(value) else "-"


def _print_table(frame: pd.DataFrame, columns: list[str], title: str) -> None:
    table = Table(title=title, header_style="bold")
    for column in columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
        table.add_column(column, justify="right" if numeric else "left", overflow="ellipsis" if numeric else "fold")
    for _, row in frame.iterrows():
        table.add_row(*(_fmt(row[c]) for c in columns))
    Console(width=None if Console().is_terminal else 160).print(table)


def _write(out: str | None, tables: dict[str, pd.DataFrame], as_json: bool) -> list[str]:
    """Write each table as ``FILE.csv`` / ``FILE_<suffix>.csv`` (spreadsheet-safe, staged then renamed into place)."""
    if not out:
        return []
    try:
        return [str(p) for p in write_files({_csv_path(out, suffix): functools.partial(write_csv, frame) for suffix, frame in tables.items()})]
    except OutputError as error:
        _invalid(str(error), as_json)


def _plot(stem: str | None, figures: dict[str, Callable], as_json: bool) -> list[str]:
    """Save each figure under STEM (or STEM_name); return the paths written."""
    if not stem:
        return []
    from eipopt.analysis.plots import save

    written = []
    try:
        for name, draw in figures.items():
            written += [str(p) for p in write_figure(_plot_stem(stem, name), lambda target, draw=draw: save(draw(), target))]
    except OutputError as error:
        _invalid(str(error), as_json)
    return written


def _note_within_gap(rows: pd.DataFrame, column: str, what: str) -> None:
    """Say which numbers lie inside the MIP gap (left blank in the table: not findings)."""
    if len(rows):
        click.echo(f"{len(rows)} {what} inside the MIP gap, not findings (a smaller --mip-gap or a longer --time-limit may resolve them): "
                   + ", ".join(_fmt(v) for v in rows[column]))


def _finite(value):
    """NaN and infinities as None, recursively (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _finish(as_json: bool, payload: dict, written: list[str], exit_code: int = 0) -> None:
    if as_json:
        click.echo(json.dumps(_finite({**payload, "exit_code": exit_code}), allow_nan=False))
    elif written:
        click.echo("written: " + ", ".join(written))
    sys.exit(exit_code)


# --- commands ------------------------------------------------------------------------
@click.command(short_help="Cost-CO2e trade-off curve (epsilon-constraint).")
@_common
@click.option("--points", type=click.IntRange(min=2, max=MAX_POINTS), default=5, show_default=True, help="Solves on the front: the two extremes and POINTS-2 CO2e caps between them.")
def pareto(path, overrides, out, plot_stem, as_json, time_limit, mip_gap, threads, points) -> None:
    """Cost-CO2e trade-off curve of the scenario at PATH (epsilon-constraint method)."""
    from eipopt.analysis.pareto import pareto_front
    from eipopt.analysis.plots import pareto_plot

    scenario = _load(path, overrides, as_json)
    _check_targets(out, ("",), plot_stem, ("",), as_json)
    front = _compute(lambda: pareto_front(scenario, points, solver=_solver(time_limit, mip_gap, threads)), as_json)
    written = _write(out, {"": front.points}, as_json)
    written += _plot(plot_stem, {"": lambda: pareto_plot(front, scenario.settings.currency)}, as_json)
    if not as_json:
        points = front.points.assign(items=front.points[["n_measures_funded", "n_links_built", "n_tiers_built"]].sum(axis=1))
        columns = ["point", "kind", "epsilon", "total_cost", "total_co2", "cost_savings", "co2_reduction", "capex_total", "abatement_cost", "within_gap", "items", "change"]
        _print_table(points, columns, f"Cost-CO2e front of {scenario.name} (annual {scenario.settings.currency} and tCO2e; change from the previous point)")
        click.echo(f"{len(front.points)} non-dominated point(s); {front.n_dropped} solve(s) dropped as duplicate or dominated")
        _note_within_gap(front.points.loc[front.points["within_gap"]], "point", "point(s)")
        for row in front.dropped.itertuples():
            click.echo(f"  dropped solve {getattr(row, 'solve', '-')}: {row.reason}")
    _finish(as_json, {"scenario": scenario.name, "analysis": "pareto", "points": _records(front.points),
                      "n_dropped": front.n_dropped, "dropped": _records(front.dropped)}, written)


@click.command(short_help="What each budget step buys; abatement cost curve.")
@_common
@_objective_option
@click.option("--budget", "budget_id", required=True, help="Budget id (from scenario.yaml) whose limit varies.")
@click.option("--steps", required=True, metavar="V1,V2,...|START:STOP:STEPS", help="Budget limits: a list, or STEPS evenly spaced values from START to STOP.")
def budget(path, overrides, out, plot_stem, as_json, time_limit, mip_gap, threads, objective, budget_id, steps) -> None:
    """Optimum, marginal value and abatement cost curve as one budget of the scenario at PATH grows.

    --out FILE.csv also writes FILE_abatement.csv; --plot STEM writes
    STEM_response.png/.svg and STEM_abatement.png/.svg.
    """
    from eipopt.analysis.budget import budget_response, parse_steps
    from eipopt.analysis.plots import abatement_plot, budget_plot

    scenario = _load(path, overrides, as_json)
    _check_targets(out, ("", "abatement"), plot_stem, ("response", "abatement"), as_json)
    try:
        limits = parse_steps(steps)
        response = _compute(lambda: budget_response(scenario, budget_id, limits, objective, solver=_solver(time_limit, mip_gap, threads)), as_json)
    except ValueError as error:
        _invalid(str(error), as_json)
    exit_code = _exit_code_of(response.levels["status"])
    written = _write(out, {"": response.levels, "abatement": response.packages}, as_json)
    currency = scenario.settings.currency
    written += _plot(plot_stem, {"response": lambda: budget_plot(response, currency), "abatement": lambda: abatement_plot(response, currency)}, as_json)
    if not as_json:
        columns = ["limit", "status", "total_cost", "total_co2", "cost_savings", "co2_reduction", "budget_used", "savings_per_budget", "co2_reduction_per_budget", "kept_previous", "within_gap"]
        _print_table(response.levels, columns, f"Budget response of {scenario.name}: budget '{budget_id}' (objective {response.objective}, {currency}, tCO2e/yr)")
        packages = ["from_limit", "to_limit", "added", "removed", "delta_capex", "delta_cost", "abated", "cost_per_tonne"]
        _print_table(response.packages, packages, f"Packages bought by each step ({currency}/yr, tCO2e/yr, {currency}/tCO2e)")
        _note_within_gap(response.levels.loc[response.levels["within_gap"]], "limit", "step(s) to the limit(s)")
    _finish(as_json, {"scenario": scenario.name, "analysis": "budget", "budget": budget_id, "objective": response.objective,
                      "levels": _records(response.levels), "packages": _records(response.packages)}, written, exit_code)


@click.command(short_help="What each funded item contributes to the optimum.")
@_common
@_objective_option
def attribute(path, overrides, out, plot_stem, as_json, time_limit, mip_gap, threads, objective) -> None:
    """What each funded item of the optimum of the scenario at PATH contributes (optimum without it)."""
    from eipopt.analysis.attribution import attribute as attribute_items
    from eipopt.analysis.plots import attribution_plot

    scenario = _load(path, overrides, as_json)
    _check_targets(out, ("",), plot_stem, ("",), as_json)
    result = _compute(lambda: attribute_items(scenario, objective, solver=_solver(time_limit, mip_gap, threads)), as_json)
    written = _write(out, {"": result.items}, as_json)
    currency = scenario.settings.currency
    written += _plot(plot_stem, {"": lambda: attribution_plot(result, currency)}, as_json)
    summary = result.optimum.summary
    if not as_json:
        columns = ["rank", "item", "kind", "capex", "delta_cost", "delta_co2", "delta_cost_per_capex", "delta_co2_per_capex", "significant", "replaced_by", "status_without"]
        _print_table(result.items, columns, f"Contribution of each funded item of {scenario.name} (objective {result.objective}; {currency}/yr, tCO2e/yr)")
        _note_within_gap(result.items.loc[~result.items["significant"]], "item", "contribution(s)")
        click.echo(f"total savings {_fmt(summary['cost_savings'])} {currency}/yr; sum of contributions {_fmt(float(result.items['delta_cost'].sum()))} "
                   f"(difference {_fmt(result.interaction)}: items substitute for (>0) or complement (<0) each other)")
    _finish(as_json, {"scenario": scenario.name, "analysis": "attribute", "objective": result.objective,
                      "cost_savings": summary["cost_savings"], "co2_reduction": summary["co2_reduction"],
                      "interaction": result.interaction, "items": _records(result.items)}, written)


@click.command(short_help="The optimum against a greedy cost-effectiveness ranking.")
@_common
@_objective_option
def greedy(path, overrides, out, plot_stem, as_json, time_limit, mip_gap, threads, objective) -> None:
    """The optimum of the scenario at PATH against a greedy cost-effectiveness ranking at the same budgets.

    --out FILE.csv writes the comparison and FILE_ranking.csv the ranking.
    """
    from eipopt.analysis.greedy import greedy_comparison
    from eipopt.analysis.plots import greedy_plot

    scenario = _load(path, overrides, as_json)
    _check_targets(out, ("", "ranking"), plot_stem, ("",), as_json)
    result = _compute(lambda: greedy_comparison(scenario, objective, solver=_solver(time_limit, mip_gap, threads)), as_json)
    written = _write(out, {"": result.comparison, "ranking": result.ranking}, as_json)
    currency = scenario.settings.currency
    written += _plot(plot_stem, {"": lambda: greedy_plot(result, currency)}, as_json)
    if not as_json:
        ranking = ["rank", "item", "kind", "bundle_capex", "saving_alone", "co2_reduction_alone", "merit_per_capex", "greedy", "in_optimum"]
        _print_table(result.ranking, ranking, f"Greedy ranking (objective {result.objective}: merit alone per unit capex)")
        columns = ["portfolio", "status", "total_cost", "total_co2", "cost_savings", "co2_reduction", "capex_total", "measures_funded", "links_built", "tiers_built"]
        _print_table(result.comparison, columns, f"Optimal versus greedy portfolio of {scenario.name} ({currency}/yr, tCO2e/yr)")
    _finish(as_json, {"scenario": scenario.name, "analysis": "greedy", "objective": result.objective,
                      "comparison": _records(result.comparison), "ranking": _records(result.ranking)}, written)
