"""The ``eipopt`` command line: the group that assembles the subcommands.

Each subcommand lives in its own module and is imported only when it runs
(``eipopt --help`` imports none of them, nor pandas, Pyomo or pint). The
helpers they share are in :mod:`eipopt.cli_common`.

Exit codes: 0 solved (optimal or feasible), 2 invalid input, 3 infeasible,
4 solver failure or no solution within the limit.
"""

from __future__ import annotations

import click

from eipopt.cli_common import LazyGroup

#: Command name -> ("module:command", short help shown by ``eipopt --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "solve": ("eipopt.core_cli:solve", "Solve the scenario at PATH (folder or .xlsx) and compare with its baseline."),
    "validate": ("eipopt.core_cli:validate", "Check the scenario at PATH and report every problem (exit 2 if any) and warning (stderr)."),
    "convert": ("eipopt.core_cli:convert", "Write the scenario at PATH to TARGET: a folder, or a workbook if TARGET ends in .xlsx."),
    "schema": ("eipopt.core_cli:schema", "Print the scenario format (tables, columns, defaults) as Markdown."),
    "pareto": ("eipopt.analysis.cli:pareto", "Cost-CO2e trade-off curve (epsilon-constraint)."),
    "budget": ("eipopt.analysis.cli:budget", "What each budget step buys; abatement cost curve."),
    "attribute": ("eipopt.analysis.cli:attribute", "What each funded item contributes to the optimum."),
    "greedy": ("eipopt.analysis.cli:greedy", "The optimum against a greedy cost-effectiveness ranking."),
    "finance": ("eipopt.analysis.finance_cli:finance", "Which items need a grant, and what a grant pool buys."),
    "sweep": ("eipopt.sweep.cli:sweep_command", "Solve the scenario at PATH for every combination of the --vary values."),
    "report": ("eipopt.report_cli:report", "Solve and write the results workbook and/or the HTML report."),
    "app": ("eipopt.report_cli:app", "Start the planners' web app on this computer."),
}


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eipopt")
def main() -> None:
    """Choose the symbiosis links and cleaner-production measures an eco-industrial park should fund."""


if __name__ == "__main__":
    main()
