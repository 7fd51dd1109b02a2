"""What every ``eipopt`` subcommand shares: exit codes, ``--set`` parsing, loading, reporting invalid input.

Every command module imports this one; this one imports no command module,
so the dependencies of the command line point one way. It imports only click
at module level: the model (pandas, Pyomo, pint) is imported by the functions
that need it, so ``eipopt --help`` starts without them.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from eipopt.model import Scenario, ScenarioError
    from eipopt.model.errors import Problem

#: Exit code of invalid input (also of an output target that cannot be written).
EXIT_INVALID = 2


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings to a dict; every malformed or repeated pair is an input error, reported at once."""
    from eipopt.model.errors import ScenarioError

    overrides, problems = override_pairs(pairs)
    if problems:
        raise ScenarioError(problems)
    return overrides


def override_pairs(pairs: tuple[str, ...] | list[str]) -> tuple[dict[str, str], list[Problem]]:
    """The well-formed ``KEY=VALUE`` pairs, and a problem for each other one."""
    from eipopt.model.errors import Problem

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


def fail_invalid(error: ScenarioError, as_json: bool) -> NoReturn:
    """Report every problem of ``error`` (one JSON object on stdout with ``as_json``, else on stderr) and exit 2."""
    if as_json:
        click.echo(json.dumps({"status": "invalid", "exit_code": EXIT_INVALID, "problems": [str(p) for p in error.problems], "warnings": []}))
    else:
        click.echo(f"Invalid input ({len(error.problems)} problem(s)):", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
    sys.exit(EXIT_INVALID)


def load_with_overrides(path: str, overrides: tuple[str, ...], as_json: bool) -> Scenario:
    """The scenario at ``path`` with ``overrides``; exit 2 listing every problem of the files
    and of the overrides together. Warnings go to stderr (stdout stays one JSON object)."""
    from eipopt.io import load_scenario
    from eipopt.model.errors import ScenarioError

    pairs, problems = override_pairs(overrides)
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        fail_invalid(ScenarioError(error.problems + problems), as_json)
    try:
        scenario = scenario.with_overrides(pairs) if pairs else scenario
    except ScenarioError as error:
        problems += error.problems
    if problems:
        fail_invalid(ScenarioError(problems), as_json)
    for warning in scenario.warnings:
        click.echo(f"Warning: {warning}", err=True)
    return scenario


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when one is run (click's "Lazily loading subcommands").

    ``lazy_commands`` maps a command name to ``("module:attribute", short help)``;
    the short help lets ``eipopt --help`` list every command without importing
    any of them (a test checks it matches each command's own).
    """

    def __init__(self, *args, lazy_commands: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(self.load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def load_command(self, cmd_name: str) -> click.Command:
        """Import the command ``cmd_name`` from its module."""
        import importlib

        module_name, attribute = self.lazy_commands[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help`` as click writes it, the lazy commands' short help taken from ``lazy_commands``."""
        names = [name for name in self.list_commands(ctx) if name not in self.commands or not self.commands[name].hidden]
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.commands:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
            else:
                rows.append((name, click.utils.make_default_short_help(self.lazy_commands[name][1], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
