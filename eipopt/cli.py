"""The ``eipopt`` command line.

Exit codes: 0 solved (optimal or feasible), 2 invalid input, 3 infeasible,
4 solver failure or no solution within the limit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from eipopt.api import solve as solve_scenario
from eipopt.io import load_scenario, write_scenario
from eipopt.json_stdout import chatter_to_stderr
from eipopt.model import Objective, Scenario, ScenarioError
from eipopt.model.errors import Problem
from eipopt.output import OutputError, check_file_target, check_folder_target, write_files

EXIT_INVALID = 2


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings to a dict; every malformed or repeated pair is an input error, reported at once."""
    overrides, problems = _override_pairs(pairs)
    if problems:
        raise ScenarioError(problems)
    return overrides


def _override_pairs(pairs: tuple[str, ...] | list[str]) -> tuple[dict[str, str], list[Problem]]:
    """The well-formed ``KEY=VALUE`` pairs, and a problem for each other one."""
    overrides: dict[str, str] = {}
    problems: list[Problem] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(Problem("--set", f"'{pair}' is not KEY=VALUE"))
        elif key in overrides:
            problems.append(Problem("--set", f"'{key}' is set twice ('{overrides[key]}' and '{value.strip()}'); keep one", column=key))
        else:
            overrides[key] = value.strip()
    return overrides, problems


def _fail_invalid(error: ScenarioError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"status": "invalid", "exit_code": EXIT_INVALID, "problems": [str(p) for p in error.problems], "warnings": []}))
    else:
        click.echo(f"Invalid input ({len(error.problems)} problem(s)):", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
    sys.exit(EXIT_INVALID)


def _load(path: str, overrides: tuple[str, ...], as_json: bool) -> Scenario:
    """The scenario at ``path`` with ``overrides``; exit 2 listing every problem of the files
    and of the overrides together. Warnings go to stderr (stdout stays one JSON object)."""
    pairs, problems = _override_pairs(overrides)
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        _fail_invalid(ScenarioError(error.problems + problems), as_json)
    try:
        scenario = scenario.with_overrides(pairs) if pairs else scenario
    except ScenarioError as error:
        problems += error.problems
    if problems:
        _fail_invalid(ScenarioError(problems), as_json)
    for warning in scenario.warnings:
        click.echo(f"Warning: {warning}", err=True)
    return scenario


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eipopt")
def main() -> None:
    """Choose the symbiosis links and cleaner-production measures an eco-industrial park should fund."""


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--objective", type=click.Choice([o.value for o in Objective]), help="Override the scenario's objective.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a setting (budgets.total.limit=2e10) or a cell (links.ID.capacity=12000). Repeatable.")
@click.option("--out", type=click.Path(), help="Write summary.json and the result tables as CSV as this folder (replaced as a whole), or the results workbook if it ends in .xlsx.")
@click.option("--force", is_flag=True, help="With --out: replace a folder that eipopt did not write.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object (the summary) on stdout.")
@click.option("--time-limit", type=float, help="Seconds for HiGHS (each stage of a co2 solve gets what is left).")
@click.option("--mip-gap", type=float, help="Relative MIP gap at which HiGHS stops.")
@click.option("--threads", type=int, help="HiGHS threads.")
def solve(path, objective, overrides, out, force, as_json, time_limit, mip_gap, threads) -> None:
    """Solve the scenario at PATH (folder or .xlsx) and compare with its baseline."""
    scenario = _load(path, overrides, as_json)
    try:
        if force and not out:
            raise OutputError("--force", "replaces an --out folder: give --out DIR with it")
        to_workbook = bool(out) and Path(out).suffix.lower() == ".xlsx"
        if to_workbook:
            check_file_target(out)  # before solving: a run is never lost to a bad target
        elif out:
            check_folder_target(out, force=force, protect=[path])
        with chatter_to_stderr(as_json):
            result = solve_scenario(scenario, objective, time_limit=time_limit, mip_gap=mip_gap, threads=threads)
            result.summary["warnings"] = [str(warning) for warning in scenario.warnings]
            if to_workbook:
                from eipopt.workbook import write_results_workbook

                write_files({out: lambda target: write_results_workbook(result, scenario, target)})
            elif out:
                result.write(out, force=force)
    except OutputError as error:
        _fail_invalid(ScenarioError([Problem("--out", str(error))]), as_json)
    if as_json:
        click.echo(result.to_json(indent=None))
    else:
        from eipopt.report import print_result

        print_result(result, scenario)
        if out:
            click.echo(f"results written to {out}")
    sys.exit(result.exit_code)


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Validate with these overrides applied.")
def validate(path, overrides) -> None:
    """Check the scenario at PATH and report every problem (exit 2 if any) and warning (stderr)."""
    scenario = _load(path, overrides, as_json=False)
    counts = ", ".join(f"{len(df)} {name}" for name, df in scenario.tables.items() if len(df))
    warned = f"; {len(scenario.warnings)} warning(s) on stderr" if scenario.warnings else ""
    click.echo(f"{scenario.name}: valid ({counts}){warned}")


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.argument("target", type=click.Path())
def convert(path, target) -> None:
    """Write the scenario at PATH to TARGET: a folder, or a workbook if TARGET ends in .xlsx."""
    scenario = _load(path, (), as_json=False)
    click.echo(f"written {write_scenario(scenario, Path(target))}")


@main.command()
def schema() -> None:
    """Print the scenario format (tables, columns, defaults) as Markdown."""
    from eipopt.docs import schema_markdown

    click.echo(schema_markdown(), nl=False)


# Analysis commands (sweep, pareto ...) register below, one add_command line each.
from eipopt.analysis.cli import attribute, budget, greedy, pareto  # noqa: E402 - registered after the core commands

main.add_command(pareto)
main.add_command(budget)
main.add_command(attribute)
main.add_command(greedy)

from eipopt.analysis.finance_cli import finance  # noqa: E402 - registered after the core commands

main.add_command(finance)

from eipopt.sweep.cli import sweep_command  # noqa: E402 - registered after the core commands

main.add_command(sweep_command)

from eipopt.report_cli import app, report  # noqa: E402 - registered after the core commands

main.add_command(report)
main.add_command(app)


if __name__ == "__main__":
    main()
