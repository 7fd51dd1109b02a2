"""The core commands: ``eipopt solve``, ``validate``, ``convert`` and ``schema``.

Exit codes: 0 solved (optimal or feasible), 2 invalid input, 3 infeasible,
4 solver failure or no solution within the limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from eipopt.cli_common import fail_invalid, load_with_overrides
from eipopt.model import Objective, ScenarioError
from eipopt.model.errors import Problem


@click.command()
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
    from eipopt.api import solve as solve_scenario
    from eipopt.json_stdout import chatter_to_stderr
    from eipopt.output import OutputError, check_file_target, check_folder_target, write_files

    scenario = load_with_overrides(path, overrides, as_json)
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
        fail_invalid(ScenarioError([Problem("--out", str(error))]), as_json)
    if as_json:
        click.echo(result.to_json(indent=None))
    else:
        from eipopt.report import print_result

        print_result(result, scenario)
        if out:
            click.echo(f"results written to {out}")
    sys.exit(result.exit_code)


@click.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Validate with these overrides applied.")
def validate(path, overrides) -> None:
    """Check the scenario at PATH and report every problem (exit 2 if any) and warning (stderr)."""
    scenario = load_with_overrides(path, overrides, as_json=False)
    counts = ", ".join(f"{len(df)} {name}" for name, df in scenario.tables.items() if len(df))
    warned = f"; {len(scenario.warnings)} warning(s) on stderr" if scenario.warnings else ""
    click.echo(f"{scenario.name}: valid ({counts}){warned}")


@click.command()
@click.argument("path", type=click.Path(exists=True))
@click.argument("target", type=click.Path())
def convert(path, target) -> None:
    """Write the scenario at PATH to TARGET: a folder, or a workbook if TARGET ends in .xlsx."""
    from eipopt.io import write_scenario

    scenario = load_with_overrides(path, (), as_json=False)
    click.echo(f"written {write_scenario(scenario, Path(target))}")


@click.command()
def schema() -> None:
    """Print the scenario format (tables, columns, defaults) as Markdown."""
    from eipopt.docs import schema_markdown

    click.echo(schema_markdown(), nl=False)
