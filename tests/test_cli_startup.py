"""Start-up of the command line: what ``eipopt`` imports before a command needs it.

Behaviour, not timing: each check runs in a fresh interpreter and looks at
``sys.modules``, so it holds on a loaded machine as on an idle one.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from eipopt.cli import COMMANDS, main
from tests.conftest import SCENARIOS

#: Heavy libraries a command loads only when it needs them.
HEAVY = ("pandas", "pyomo", "pint", "dask", "distributed", "highspy", "numpy", "matplotlib", "plotly")


def loaded_after(code: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}})))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(run.stdout.strip().splitlines()[-1]))


def test_importing_the_command_line_loads_no_heavy_library():
    assert loaded_after("import eipopt.cli") & set(HEAVY) == set()


def test_help_lists_every_command_without_importing_any():
    code = ("import contextlib, io\nfrom eipopt.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['--help'], standalone_mode=False)")
    loaded = loaded_after(code)
    assert loaded & set(HEAVY) == set()
    run = subprocess.run([sys.executable, "-m", "eipopt.cli", "--help"], capture_output=True, text=True, check=True)
    listed = [line.split()[0] for line in run.stdout.split("Commands:")[1].splitlines() if line.startswith("  ") and not line.startswith("   ")]
    assert listed == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_lazy_command_loads_and_its_listed_help_is_its_own(name):
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert command.get_short_help_str(limit=1_000) == COMMANDS[name][1]


@pytest.mark.parametrize("module", sorted({target.split(":")[0] for target, _ in COMMANDS.values()}))
def test_subcommand_modules_do_not_import_the_group(module):
    """The shared helpers live in eipopt.cli_common: a subcommand never reaches back into eipopt.cli."""
    loaded = subprocess.run([sys.executable, "-c", f"import sys, {module}; print('eipopt.cli' in sys.modules)"],
                            capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_validate_loads_no_solver_and_no_plotting():
    """Checking a scenario folder needs pandas (and pint for units not seen before), not Pyomo, HiGHS, Dask, the workbook library or the plotting libraries."""
    code = ("import contextlib, io\nfrom eipopt.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['validate', {str(SCENARIOS / 'khanh_phu')!r}], standalone_mode=False)")
    loaded = loaded_after(code)
    assert "pandas" in loaded
    assert loaded & {"pyomo", "highspy", "dask", "distributed", "openpyxl", "matplotlib", "plotly"} == set()


def test_unit_registry_is_built_on_first_use_and_once_without_dask():
    code = ("import sys\nimport eipopt.model.units as units\nbefore = 'pint' in sys.modules\n"
            "units.parse_unit('t')\nfirst = units.registry()\nassert units.registry() is first\n"
            "assert 'dask' not in sys.modules\nimport dask\n"
            "assert first.Quantity(1, units.parse_unit('kt')).to('t').magnitude == 1000\nprint('pint before first use:', before)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "pint before first use: False"


def test_a_solve_imports_pyomo_core_not_every_pyomo_plugin():
    """``pyomo.environ`` loads every Pyomo plugin (about half its import time); the park model needs ``pyomo.core`` alone."""
    code = ("import contextlib, io, sys\nfrom eipopt.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    main(['solve', {str(SCENARIOS / 'khanh_phu')!r}, '--json'], standalone_mode=False)\n"
            "print('pyomo.core' in sys.modules, 'pyomo.environ' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "True False"
