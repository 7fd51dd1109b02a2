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
from eipopt.model import Objective, Scenario, ScenarioError
from eipopt.model.errors import Problem
from eipopt.model.financing_checks import financing_warnings

EXIT_INVALID = 2


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings to a dict; a malformed pair is an input error."""
    overrides, problems = {}, []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            problems.append(Problem("--set", f"'{pair}' is not KEY=VALUE"))
            continue
        overrides[key.strip()] = value.strip()
    if problems:
        raise ScenarioError(problems)
    return overrides


def _fail_invalid(error: ScenarioError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"status": "invalid", "exit_code": EXIT_INVALID, "problems": [str(p) for p in error.problems]}))
    else:
        click.echo(f"Invalid input ({len(error.problems)} problem(s)):", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
    sys.exit(EXIT_INVALID)


def _load(path: str, overrides: tuple[str, ...], as_json: bool) -> Scenario:
    try:
        scenario = load_scenario(path)
        pairs = parse_overrides(overrides)
        scenario = scenario.with_overrides(pairs) if pairs else scenario
        for warning in financing_warnings(scenario):  # located, on stderr: stdout stays one JSON object with --json
            click.echo(f"warning: {warning}", err=True)
        return scenario
    except ScenarioError as error:
        _fail_invalid(error, as_json)
        raise  # unreachable; sys.exit above


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eipopt")
def main() -> None:
    """Choose the symbiosis links and cleaner-production measures an eco-industrial park should fund."""


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--objective", type=click.Choice([o.value for o in Objective]), help="Override the scenario's objective.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a setting (budgets.total.limit=2e10) or a cell (links.ID.capacity=12000). Repeatable.")
@click.option("--out", type=click.Path(file_okay=False), help="Write summary.json and the result tables as CSV here.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object (the summary) on stdout.")
@click.option("--time-limit", type=float, help="Seconds for HiGHS (each stage of a co2 solve gets what is left).")
@click.option("--mip-gap", type=float, help="Relative MIP gap at which HiGHS stops.")
@click.option("--threads", type=int, help="HiGHS threads.")
def solve(path, objective, overrides, out, as_json, time_limit, mip_gap, threads) -> None:
    """Solve the scenario at PATH (folder or .xlsx) and compare with its baseline."""
    scenario = _load(path, overrides, as_json)
    result = solve_scenario(scenario, objective, time_limit=time_limit, mip_gap=mip_gap, threads=threads)
    if out:
        result.write(out)
    if as_json:
        click.echo(result.to_json(indent=None))
    else:
        from eipopt.report import print_result

        print_result(result)
        if out:
            click.echo(f"results written to {out}")
    sys.exit(result.exit_code)


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Validate with these overrides applied.")
def validate(path, overrides) -> None:
    """Check the scenario at PATH and report every problem (exit 2 if any)."""
    scenario = _load(path, overrides, as_json=False)
    counts = ", ".join(f"{len(df)} {name}" for name, df in scenario.tables.items() if len(df))
    click.echo(f"{scenario.name}: valid ({counts})")


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


if __name__ == "__main__":
    main()
