"""``eipopt sweep``: the command line of what-if sweeps.

Exit codes: 0 every case has a result (infeasible included), 2 invalid input
(nothing run; or some cases have invalid override values), 4 some cases failed
in the solver, or the sweep stopped (a worker died, the cluster is unreachable),
130 interrupted (Ctrl-C or SIGTERM: the workers are stopped, finished cases stored).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import signal
import sys
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from eipopt import output
from eipopt.cli_common import EXIT_INVALID, fail_invalid, parse_overrides
from eipopt.io import load_scenario
from eipopt.json_stdout import chatter_to_stderr
from eipopt.model import Objective, Problem, ScenarioError
from eipopt.result import SUMMARY_KEYS
from eipopt.sweep.cases import DEFAULT_MAX_CASES, TooManyCases, parse_vary
from eipopt.sweep.executors import SweepStopped, prepare_workers, solving_here
from eipopt.sweep.run import sweep
from eipopt.sweep.store import StoreError

EXIT_OK, EXIT_FAILED = 0, 4
#: Stopped by Ctrl-C or SIGTERM (the shell's code for an interrupt); finished cases are stored.
EXIT_INTERRUPTED = 130
#: Columns of the table printed on the terminal (besides case and the varied keys).
SHOWN = ("status", "total_cost", "total_co2", "cost_savings", "co2_reduction", "n_links_built", "n_measures_funded", "error")
#: Summary keys that can be plotted with --y (besides budget.<id>.limit / .used).
PLOTTABLE = tuple(k for k in SUMMARY_KEYS if k not in ("scenario", "status", "objective", "budgets"))


@click.command("sweep")
@click.argument("path", type=click.Path(exists=True))
@click.option("--vary", "varies", multiple=True, required=True, metavar="KEY=V1,V2,...|KEY=START:STOP:STEPS", help="Values of one override key; STEPS evenly spaced values from START to STOP inclusive. Repeat for a full grid.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="A fixed override for every case. Repeatable.")
@click.option("--objective", type=click.Choice([o.value for o in Objective]), help="Override the scenario's objective.")
@click.option("--out", type=click.Path(), help="Write the table (one row per case) to this CSV file (replaced; never written through a link).")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object (counts and rows) on stdout.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes solving cases, this one included: N-1 worker processes join it (one HiGHS thread each).")
@click.option("--scheduler", metavar="ADDRESS", help="Run the cases on the Dask cluster at ADDRESS (tcp://host:8786).")
@click.option("--store", type=click.Path(dir_okay=False), help="SQLite results store [default: next to --out, else <scenario name>.sweep.sqlite here].")
@click.option("--retry-failed", is_flag=True, help="Solve again the stored cases that failed.")
@click.option("--plot", "plot_stem", metavar="FILE_STEM", help="Write FILE_STEM.png and FILE_STEM.svg of KPIs against the first varied key.")
@click.option("--y", "y_keys", multiple=True, metavar="KEY", help="KPI to plot (repeatable) [default: total_cost and total_co2].")
@click.option("--max-cases", type=click.IntRange(min=1), default=DEFAULT_MAX_CASES, show_default=True, help="Refuse a grid of more cases than this (exit 2), before building it.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr [default: when stderr is a terminal].")
def sweep_command(path, varies, overrides, objective, out, as_json, workers, scheduler, store, retry_failed, plot_stem, y_keys, max_cases, progress) -> None:
    """Solve the scenario at PATH for every combination of the --vary values.

    Each finished case is committed to the results store at once; running the
    same command again solves only the cases not yet stored.
    """
    if workers > 1 and not scheduler:
        prepare_workers()  # the fork server imports while the scenario is read and checked
    try:
        vary = _parse_varies(varies, max_cases)
        scenario = load_scenario(path)
        fixed = parse_overrides(overrides)
        scenario = scenario.with_overrides(fixed) if fixed else scenario
        _check_plot(plot_stem, list(vary), y_keys)
        if objective and "objective" in vary:
            raise ScenarioError([Problem("--objective", "'objective' is varied: give one or the other")])
        if scheduler and workers > 1:
            raise ScenarioError([Problem("--workers", "give --workers (local processes) or --scheduler (a Dask cluster), not both")])
        store = store or (str(Path(out).with_suffix(".sweep.sqlite")) if out else f"{scenario.name}.sweep.sqlite")
        _check_targets(out, plot_stem, store)
    except ScenarioError as error:
        fail_invalid(error, as_json)
    show_progress = sys.stderr.isatty() if progress is None else progress
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)  # a terminated sweep stops its workers like Ctrl-C does
    try:
        with chatter_to_stderr(as_json):
            frame = sweep(scenario, vary, objective=objective, workers=workers, scheduler=scheduler, store=store, progress=show_progress,
                          retry_failed=retry_failed, max_cases=max_cases)
    except SweepStopped as stopped:
        _stopped(EXIT_FAILED, "error", f"Sweep stopped: {stopped}", store, as_json)
    except KeyboardInterrupt:
        _stopped(EXIT_INTERRUPTED, "interrupted", f"Sweep interrupted: finished cases are stored in {store}; run the same command again to resume", store, as_json)
    except (StoreError, TooManyCases) as error:
        fail_invalid(ScenarioError([Problem(error.where, str(error))]), as_json)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    plots, option = [], "--out"
    try:
        if out:
            output.write_files({out: functools.partial(output.write_csv, frame)})
        option = "--plot"
        if plot_stem:
            from eipopt.sweep.plot import DEFAULT_Y, plot_sweep  # matplotlib: only when plotting

            keys = list(vary)
            by = keys[1] if len(keys) > 1 else None
            plots = output.write_figure(plot_stem, lambda stem: plot_sweep(frame, keys[0], stem, by=by, y=y_keys or DEFAULT_Y, title=scenario.name, currency=scenario.settings.currency))
    except output.OutputError as error:  # the results are in the store: only the files are missing
        fail_invalid(ScenarioError([Problem(option, f"{error}; the cases are stored in {store}")]), as_json)
    counts = frame["status"].value_counts().to_dict()
    failed = frame["error"].fillna("").ne("")
    code = EXIT_OK if not failed.any() else EXIT_INVALID if (frame.loc[failed, "status"] == "invalid").all() else EXIT_FAILED
    if as_json:
        report = {
            "scenario": scenario.name,
            "cases": len(frame),
            "failed": int(failed.sum()),
            "statuses": {str(k): int(v) for k, v in counts.items()},
            "exit_code": code,
            "store": store,
            "out": out,
            "plots": [str(p) for p in plots],
            "rows": json.loads(frame.to_json(orient="records")),
        }
        click.echo(json.dumps(report, allow_nan=False))
    else:
        _print_table(frame, list(vary), Console())
        click.echo(f"{len(frame)} cases ({', '.join(f'{v} {k}' for k, v in counts.items())}); {int(failed.sum())} failed; store: {store}")
        for written in [*([out] if out else []), *plots]:
            click.echo(f"written {written}")
    sys.exit(code)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stopped(code: int, status: str, message: str, store: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"status": status, "exit_code": code, "message": message, "store": store}))
    else:
        click.echo(message, err=True)
    if solving_here():  # a case of this process is still inside HiGHS, which cannot be stopped from Python: its result
        # is not wanted and the store is closed, so the command ends now rather than after that case: the exit
        # handlers run (multiprocessing's releases the queues' semaphores), only the wait for that thread is skipped
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _parse_varies(varies: tuple[str, ...], max_cases: int) -> dict[str, list]:
    vary, problems = {}, []
    for text in varies:
        try:
            key, values = parse_vary(text, max_cases)
        except ScenarioError as error:
            problems += error.problems
            continue
        if key in vary:
            problems.append(Problem("--vary", "key given twice", column=key))
        vary[key] = values
    if problems:
        raise ScenarioError(problems)
    return vary


def _check_targets(out: str | None, plot_stem: str | None, store: str) -> None:
    """Every file the sweep writes can be written: checked before any case is solved."""
    problems = []
    for option, check, target in (("--out", output.check_file_target, out), ("--plot", output.check_stem_target, plot_stem), ("--store", output.check_file_target, store)):
        try:
            if target:
                check(target)
        except output.OutputError as error:
            problems.append(Problem(option, str(error)))
    if problems:
        raise ScenarioError(problems)


def _check_plot(plot_stem: str | None, keys: list[str], y_keys: tuple[str, ...]) -> None:
    if not plot_stem and not y_keys:
        return
    problems = []
    if not plot_stem:
        problems.append(Problem("--y", "needs --plot FILE_STEM"))
    if len(keys) > 2:
        problems.append(Problem("--plot", f"draws one or two varied keys, not {len(keys)}"))
    for key in y_keys:
        if key not in PLOTTABLE and not (key.startswith("budget.") and key.endswith((".limit", ".used"))):
            problems.append(Problem("--y", f"'{key}' is not a numeric column; expected one of {list(PLOTTABLE)} or budget.ID.used / budget.ID.limit"))
    if problems:
        raise ScenarioError(problems)


def _print_table(frame: pd.DataFrame, varied: list[str], console: Console, limit: int = 60) -> None:
    columns = ["case", *varied, *[c for c in SHOWN if c not in varied]]
    table = Table(title=str(frame["scenario"].iloc[0]) if len(frame) else None)
    for column in columns:
        table.add_column(column, justify="left" if column in ("case", "status", "error") else "right", no_wrap=column != "error", overflow="fold")
    for _, row in frame.head(limit).iterrows():
        table.add_row(*[_cell(row[c]) for c in columns])
    console.print(table)
    if len(frame) > limit:
        console.print(f"... {len(frame) - limit} more rows: see --out or --json")


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
