"""Command-line documents and the app: ``eipopt report`` (workbook, HTML) and ``eipopt app``.

``report`` solves once, like ``eipopt solve``, and writes what a planner can hand
on; its exit code is the solve's (0 solved, 2 invalid input, 3 infeasible,
4 solver failure): an infeasible scenario still gets documents that explain why.
"""

from __future__ import annotations

import sys

import click

from eipopt.cli_common import EXIT_INVALID, fail_invalid, load_with_overrides
from eipopt.model import Objective, ScenarioError
from eipopt.model.errors import Problem
from eipopt.output import OutputError, check_file_target, write_files


@click.command(short_help="Solve and write the results workbook and/or the HTML report.")
@click.argument("path", type=click.Path(exists=True))
@click.option("--objective", type=click.Choice([o.value for o in Objective]), help="Override the scenario's objective.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a setting or a cell, as in 'eipopt solve'. Repeatable.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="Write the results workbook here (.xlsx).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write the self-contained HTML report here.")
@click.option("--pareto", "pareto_points", type=click.IntRange(min=2), help="Add the cost-CO2e trade-off with this many solves to the HTML report.")
@click.option("--budget-response", "budget_id", metavar="BUDGET", help="Add what each level of this budget buys to the HTML report (needs --steps).")
@click.option("--steps", metavar="V1,V2,...|START:STOP:STEPS", help="Budget limits for --budget-response.")
@click.option("--attribution", is_flag=True, help="Add what each funded item contributes to the HTML report.")
@click.option("--time-limit", type=float, help="Seconds for HiGHS, per solve.")
@click.option("--mip-gap", type=float, help="Relative MIP gap at which HiGHS stops.")
@click.option("--threads", type=int, help="HiGHS threads.")
def report(path, objective, overrides, xlsx_path, html_path, pareto_points, budget_id, steps, attribution, time_limit, mip_gap, threads) -> None:
    """Solve the scenario at PATH and write documents for people: --xlsx and/or --html."""
    from eipopt.api import ScenarioSolver

    if not (xlsx_path or html_path):
        click.echo("Invalid input: give --xlsx FILE and/or --html FILE", err=True)
        sys.exit(EXIT_INVALID)
    if bool(budget_id) != bool(steps):
        click.echo("Invalid input: --budget-response and --steps go together", err=True)
        sys.exit(EXIT_INVALID)
    scenario = load_with_overrides(path, overrides, as_json=False)
    targets = [target for target in (xlsx_path, html_path) if target]
    try:
        for target in targets:
            check_file_target(target)  # before solving: a run is never lost to a bad target
    except OutputError as error:
        fail_invalid(ScenarioError([Problem("--xlsx/--html", str(error))]), as_json=False)
    solver = ScenarioSolver(time_limit=time_limit, mip_gap=mip_gap, threads=threads)
    result = solver.solve(scenario, objective)
    writers = {}
    if xlsx_path:
        from eipopt.workbook import write_results_workbook

        writers[xlsx_path] = lambda target: write_results_workbook(result, scenario, target)
    if html_path:
        from eipopt.html_report import write_html_report

        sections = _analyses(scenario, objective, solver, pareto_points, budget_id, steps, attribution) if result.summary["total_cost"] is not None else []
        writers[html_path] = lambda target: write_html_report(result, scenario, target, sections)
    try:
        for written in write_files(writers):
            click.echo(f"written {written}")
    except OutputError as error:
        fail_invalid(ScenarioError([Problem("--xlsx/--html", str(error))]), as_json=False)
    sys.exit(result.exit_code)


def _analyses(scenario, objective, solver, pareto_points, budget_id, steps, attribution) -> list:
    """Run the analyses asked for (each on a sibling of the solver) and turn them into report sections."""
    from eipopt.analysis import AnalysisError, attribute, budget_response, pareto_front, parse_steps
    from eipopt.report_analyses import attribution_section, budget_section, pareto_section

    currency = scenario.settings.currency
    sections = []
    try:
        if pareto_points:
            sections.append(pareto_section(pareto_front(scenario, pareto_points, solver=solver.sibling()), currency))
        if budget_id:
            response = budget_response(scenario, budget_id, parse_steps(steps), objective, solver=solver.sibling())
            sections.append(budget_section(response, currency))
        if attribution:
            sections.append(attribution_section(attribute(scenario, objective, solver=solver.sibling()), currency))
    except ValueError as error:
        click.echo(f"Invalid input: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except AnalysisError as error:
        click.echo(f"Analysis left out of the report: {error}", err=True)
    return sections


@click.command(short_help="Start the planners' web app on this computer.")
@click.option("--port", type=int, default=8050, show_default=True, help="Port on localhost.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this computer only).")
@click.option("--scenarios", "scenarios_folder", type=click.Path(exists=True, file_okay=False), help="Folder of scenario folders to offer (default: the shipped scenarios/).")
def app(port, host, scenarios_folder) -> None:
    """Start the web app: open a scenario or upload a workbook, change budgets, prices and items, solve, download."""
    try:
        from eipopt.app import create_app
    except ImportError as error:  # the optional extra is missing
        click.echo(f"The app needs its optional dependencies: pip install 'eipopt[app]' ({error})", err=True)
        sys.exit(EXIT_APP_MISSING)
    click.echo(f"eipopt app on http://{host}:{port}/ (Ctrl+C stops it)")
    create_app(scenarios_folder).run(host=host, port=port, debug=False)


#: Exit code when the app's optional dependencies are not installed (a setup problem, like invalid input).
EXIT_APP_MISSING = 2
