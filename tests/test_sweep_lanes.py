"""Local parallel sweeps: the sweep's own process solves too, whoever is free takes the next chunk, and a worker
that dies stops the sweep with its finished cases stored."""

from __future__ import annotations

import threading
import time

import pandas as pd
import psutil
import pytest

import eipopt
from eipopt.sweep import executors, sweep
from eipopt.sweep.executors import HERE_THREAD, SweepStopped, solving_here, start_method
from eipopt.sweep.solving import CaseRunner
from tests.conftest import SCENARIOS

LIMIT = "budgets.investment.limit"
GRID = {LIMIT: [1e11, 1.5e11, 2e11, 2.5e11, 3e11, 3.5e11]}


@pytest.fixture(scope="module")
def khanh_phu() -> eipopt.Scenario:
    return eipopt.load_scenario(SCENARIOS / "khanh_phu")


@pytest.fixture(scope="module")
def serial(khanh_phu) -> pd.DataFrame:
    return sweep(khanh_phu, GRID).drop(columns=["solve_seconds"])


def worker_processes() -> list[psutil.Process]:
    """This process's sweep workers: its descendants but multiprocessing's resource tracker and fork server."""
    me = psutil.Process()
    found = []
    for process in me.children(recursive=True):
        command = " ".join(process.cmdline())
        if "resource_tracker" not in command and not ("forkserver" in command and process.ppid() == me.pid):
            found.append(process)
    return found


def test_workers_are_never_forked_from_the_sweeps_process():
    """A copy of this process could inherit a lock held by one of its threads (HiGHS, Dask): forked workers hung."""
    assert start_method() in {"forkserver", "spawn"}


def test_a_slow_sweep_process_leaves_the_other_cases_to_the_worker(khanh_phu, serial, monkeypatch):
    """This process solves from the start; made slow (1 s a case), it takes its next chunk only when free, so the
    worker process (one case each, fast) takes most: both lanes solve, and the rows equal a serial sweep."""
    here: list[str] = []
    real_run = CaseRunner.run

    def slow(self, key, overrides):  # patched in this process only: the worker processes solve at full speed
        here.append(threading.current_thread().name)
        time.sleep(1.0)
        return real_run(self, key, overrides)

    monkeypatch.setattr(CaseRunner, "run", slow)
    parallel = sweep(khanh_phu, GRID, workers=2).drop(columns=["solve_seconds"])
    assert set(here) == {HERE_THREAD}
    assert 1 <= len(here) < len(GRID[LIMIT])
    pd.testing.assert_frame_equal(parallel, serial)
    assert not solving_here()
    assert not worker_processes()


def test_a_worker_that_dies_stops_the_sweep_and_keeps_the_finished_cases(khanh_phu, tmp_path, monkeypatch):
    """This process kills the worker once it is running, then goes on slowly: the sweep stops with the worker's exit code."""
    real_run = CaseRunner.run

    def kill_the_worker_then_solve(self, key, overrides):
        deadline = time.monotonic() + 60
        while not (workers := worker_processes()) and time.monotonic() < deadline:
            time.sleep(0.05)
        for process in workers:
            process.kill()
        time.sleep(0.5)
        return real_run(self, key, overrides)

    monkeypatch.setattr(CaseRunner, "run", kill_the_worker_then_solve)
    store = tmp_path / "kp.sweep.sqlite"
    with pytest.raises(SweepStopped, match=r"a worker process died \(exit code -9\)"):
        sweep(khanh_phu, GRID, workers=2, store=store)
    assert _ends_soon()
    with eipopt.sweep.SweepStore(store) as results:
        assert len(results) < len(GRID[LIMIT])
    assert not worker_processes()


def _ends_soon() -> bool:
    """The stopped sweep's lane in this process ends after its current case."""
    deadline = time.monotonic() + 30
    while solving_here() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not solving_here()


class _Broken(BaseException):
    """Not an Exception: nothing in the sweep's lane catches it, so its thread ends."""


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_broken_lane_in_this_process_stops_the_sweep_instead_of_hanging(khanh_phu, monkeypatch):
    def breaks(self, key, overrides):
        raise _Broken

    monkeypatch.setattr(CaseRunner, "run", breaks)
    with pytest.raises(SweepStopped, match="this process's solving thread ended unexpectedly"):
        sweep(khanh_phu, GRID, workers=2)
    assert not worker_processes()


def test_this_process_running_out_of_chunks_first_is_not_a_failure(khanh_phu, serial, monkeypatch):
    """With no chunk left, this process's lane ends while the worker still solves its last one: the sweep waits for
    it (checked as often as possible here) and returns every row."""
    monkeypatch.setattr(executors, "POLL_SECONDS", 0.001)
    for _ in range(3):
        parallel = sweep(khanh_phu, GRID, workers=2).drop(columns=["solve_seconds"])
        pd.testing.assert_frame_equal(parallel, serial)
