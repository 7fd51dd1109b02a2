"""``sweep``: solve a scenario over a grid (or list) of overrides, durably and in parallel."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from eipopt.io import load_scenario
from eipopt.model import Objective, Scenario
from eipopt.sweep.cases import (
    DEFAULT_MAX_CASES,
    Case,
    TooManyCases,
    check_grid_size,
    grid,
    make_cases,
)
from eipopt.sweep.executors import LocalWorkers, prepare_workers, run_here, run_on_dask
from eipopt.sweep.progress import SweepProgress
from eipopt.sweep.store import FAILED_STATUSES, CaseOutcome, SweepStore
from eipopt.sweep.table import sweep_frame


def sweep(
    scenario: Scenario | str | Path,
    vary: Mapping[str, Sequence] | Sequence[Mapping[str, Any]],
    *,
    objective: Objective | str | None = None,
    workers: int = 1,
    scheduler: Any = None,
    store: str | Path | None = None,
    progress: bool = False,
    retry_failed: bool = False,
    max_cases: int = DEFAULT_MAX_CASES,
) -> pd.DataFrame:
    """Solve ``scenario`` once per case and return one row per case, in case order.

    ``vary`` is either a mapping ``{key: [values]}`` (every combination: the
    full grid) or a list of override dicts (exactly those cases); keys are the
    override keys of :meth:`~eipopt.Scenario.with_overrides`. ``objective``
    overrides the scenario's. Cases run in this process (``workers=1``), in
    this process and ``workers - 1`` worker processes (``workers`` processes
    solving in all), or on the Dask cluster at ``scheduler`` (an
    address such as ``"tcp://10.0.0.5:8786"``, or a ``distributed.Client``);
    each HiGHS run uses one thread, and each worker builds the model once and
    re-solves it for every case that changes only numbers.

    With ``store`` (an SQLite file) each finished case is committed as it
    finishes and cases already stored are not solved again, so an interrupted
    sweep resumes where it stopped; without it, results are kept in memory.
    A case that cannot be solved (an invalid override value, a solver failure)
    is stored with its ``error`` and the sweep goes on; ``retry_failed`` solves
    such cases again. Infeasible is a result: its ``status`` is recorded.
    More than ``max_cases`` cases raise :class:`~eipopt.sweep.cases.TooManyCases`
    before the grid is built; a store that is not a results store of this
    format and scenario raises :class:`~eipopt.sweep.store.StoreError`.

    Columns: ``case`` (stable id), one per varied key, every key of
    :data:`eipopt.SUMMARY_KEYS` (``budgets`` as ``budget.<id>.limit`` and
    ``budget.<id>.used``), ``measures_funded``, ``links_built`` and
    ``tiers_built`` (';'-joined ids) and ``error`` ('' if none).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if int(workers) < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    if scheduler is not None and int(workers) > 1:
        raise ValueError("give either workers (local processes) or scheduler (a Dask cluster), not both")
    if int(workers) > 1:
        prepare_workers()  # the fork server imports while the cases are made and the store is read
    objective = Objective(objective).value if objective else None
    overrides, varied = _cases_of(vary, max_cases)
    if objective and "objective" in varied:
        raise ValueError("'objective' is varied: do not also give objective=")
    cases = make_cases(scenario, overrides, objective)

    with SweepStore(store if store is not None else ":memory:", scenario=scenario.name) as results:
        records = results.records(c.key for c in cases)
        unique = list({c.key: c for c in cases}.values())
        todo = [c for c in unique if c.key not in records or (retry_failed and records[c.key]["status"] in FAILED_STATUSES)]
        by_key = {c.key: c for c in todo}
        failed = sum(1 for c in unique if c.key in records and records[c.key]["error"] and c.key not in by_key)
        with _executor(todo, scenario, objective, int(workers), scheduler) as outcomes, \
                SweepProgress(len(unique), done=len(unique) - len(todo), failed=failed, enabled=progress, description=scenario.name) as bar:
            for outcome in outcomes:
                records[outcome.key] = results.put(by_key[outcome.key], objective, scenario.name, outcome)
                bar.advance(failed=outcome.failed)
        return sweep_frame(scenario, cases, varied, records)


def _cases_of(vary, max_cases: int) -> tuple[list[dict], list[str]]:
    """Override dicts of the cases and the varied keys, from a grid mapping (its size checked first) or a list of cases."""
    if isinstance(vary, Mapping):
        check_grid_size(vary, max_cases)
        return grid(vary), [str(k) for k in vary]
    overrides = [dict(case) for case in vary]
    if len(overrides) > max_cases:
        raise TooManyCases(f"{len(overrides):,} cases, more than the limit of {max_cases:,} (raise it with max_cases=)")
    varied = list(dict.fromkeys(str(k) for case in overrides for k in case))
    return overrides, varied


@contextlib.contextmanager
def _executor(todo: list[Case], scenario: Scenario, objective: str | None, workers: int, scheduler) -> Iterator[Iterator[CaseOutcome]]:
    """The outcomes of the cases still to solve, from where they run; local workers are started on entry."""
    if not todo:
        yield iter(())
    elif scheduler is not None:
        with contextlib.closing(run_on_dask(todo, scenario, objective, scheduler)) as outcomes:
            yield outcomes
    elif workers > 1:
        with LocalWorkers(todo, scenario, objective, workers) as pool:
            yield pool.outcomes()
    else:
        yield run_here(todo, scenario, objective)
