"""Local parallel sweeps: the sweep's own process solves too, whoever is free takes the next chunk, and a worker
that dies stops the sweep with its finished cases stored."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pandas as pd
import psutil
import pytest

import eipopt
from eipopt.sweep import executors, sweep
from eipopt.sweep.executors import HERE_THREAD, SweepStopped, solving_here
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


#: Run in a fresh interpreter: whether a fork is safe, before and after a native thread Python does not know of starts.
THREAD_CHECK = """
import ctypes, threading, time
import numpy  # its OpenBLAS pool: threads that are safe to fork over
try:
    import numexpr  # its pool too, where installed (pandas imports it then)
except ImportError:
    pass
from eipopt.sweep.executors import fork_is_safe, start_method
print(fork_is_safe(), start_method())
libc = ctypes.CDLL(None)
body = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(lambda _: time.sleep(60))
thread = ctypes.c_ulong()
libc.pthread_create(ctypes.byref(thread), None, body, None)
time.sleep(0.2)
print(fork_is_safe(), start_method(), threading.active_count())
"""


def test_a_process_whose_only_other_threads_are_openblas_forks_its_workers_but_not_with_another_native_thread():
    """A native thread Python's ``threading`` does not list (as HiGHS or a C library could start) rules a fork out."""
    run = subprocess.run([sys.executable, "-c", THREAD_CHECK], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    before, after = (line.split() for line in run.stdout.splitlines())
    assert before == ["True", "fork"]
    assert after == ["False", "forkserver", "1"]


#: Run in a fresh interpreter: a two-lane sweep's outcomes, each tagged with the process that solved it, the number
#: of models that process's runner built and the address of its model; and the same cases solved one by one.
FORKED_SWEEP = """
import dataclasses, json, os
import eipopt
from eipopt.sweep.cases import make_cases
from eipopt.sweep.executors import LocalWorkers
from eipopt.sweep.solving import CaseRunner

real_run = CaseRunner.run
def tagged(self, key, overrides):  # patched before the fork: the forked worker runs it too
    return dataclasses.replace(real_run(self, key, overrides), error=f"{{os.getpid()}} {{self.solver.rebuilds}} {{id(self.solver._park)}}")
CaseRunner.run = tagged
def untimed(summary):  # wall times differ between two runs of a case
    return {{key: value for key, value in summary.items() if not key.endswith("seconds")}}
scenario = eipopt.load_scenario({scenario!r})
cases = make_cases(scenario, [{{{limit!r}: value}} for value in {values!r}], None)
methods = []
for _ in range(2):  # a second sweep of the same process forks again
    with LocalWorkers(cases, scenario, None, workers=2) as pool:
        parallel = {{outcome.key: outcome for outcome in pool.outcomes()}}
    methods.append(pool.method)
serial = CaseRunner(scenario)
print(json.dumps({{"methods": methods, "me": os.getpid(), "cases": [
    [case.key, *parallel[case.key].error.split(), untimed(parallel[case.key].summary) == untimed(serial.run(case.key, case.overrides).summary)]
    for case in cases]}}))
"""


def test_forked_workers_start_with_the_sweeps_built_model_and_give_the_same_outcomes():
    """In a fresh process (as a command-line sweep is) the worker is a fork made once the model is built, also in a
    later sweep (OpenBLAS's pool is gone after the first fork): both processes solve cases, neither builds a second
    model, and every outcome equals a one-by-one solve."""
    script = FORKED_SWEEP.format(scenario=str(SCENARIOS / "khanh_phu"), limit=LIMIT, values=[1e11 + 1e10 * step for step in range(18)])
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["methods"] == ["fork", "fork"]
    solved_by = {pid for _, pid, _, _, _ in found["cases"]}
    assert len(found["cases"]) == 18
    assert str(found["me"]) in solved_by
    assert len(solved_by) == 2
    assert all(builds == "1" and same for _, _, builds, _, same in found["cases"])
    assert len({model for _, _, _, model, _ in found["cases"]}) == 1  # the worker's is the copy of the model built before the fork


#: Run in a fresh interpreter: this process kills its forked worker once that one holds cases; the sweep stops, saying so.
KILLED_FORK = """
import os, sys, time
import psutil
import eipopt
from eipopt.sweep import SweepStore, sweep
from eipopt.sweep.executors import SweepStopped, start_method
from eipopt.sweep.solving import CaseRunner

print(start_method())
sweep_pid = psutil.Process().pid
real_run = CaseRunner.run
def kill_the_worker_then_solve(self, key, overrides):  # the fork runs it too: it says it holds cases, and waits
    if psutil.Process().pid == sweep_pid:
        while not os.path.exists({marker!r}):
            time.sleep(0.05)
        for process in psutil.Process().children():
            process.kill()
    else:
        open({marker!r}, "w").close()
        time.sleep(60)
    return real_run(self, key, overrides)
CaseRunner.run = kill_the_worker_then_solve
try:
    sweep(eipopt.load_scenario({scenario!r}), {{{limit!r}: {values!r}}}, workers=2, store={store!r})
except SweepStopped as stopped:
    print(stopped)
with SweepStore({store!r}) as results:
    print(len(results), len(psutil.Process().children()))
"""


def test_a_forked_worker_that_dies_stops_the_sweep_and_keeps_the_finished_cases(tmp_path):
    """The same with a worker forked from the sweep's process (a fresh process, as on the command line)."""
    store = tmp_path / "kp.sweep.sqlite"
    script = KILLED_FORK.format(scenario=str(SCENARIOS / "khanh_phu"), limit=LIMIT, values=GRID[LIMIT], store=str(store),
                                marker=str(tmp_path / "worker-solving"))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.strip().splitlines()) == 3, run.stdout
    method, message, counts = run.stdout.strip().splitlines()
    assert method == "fork"
    assert "a worker process died (exit code -9)" in message
    stored, workers_left = map(int, counts.split())
    assert stored < len(GRID[LIMIT])
    assert workers_left == 0


@pytest.fixture
def fork_server(monkeypatch):
    """Workers from the fork server, as when this process has other threads: patches of this process stay here."""
    monkeypatch.setattr(executors, "start_method", lambda: "forkserver")


def test_a_slow_sweep_process_leaves_the_other_cases_to_the_worker(khanh_phu, serial, monkeypatch, fork_server):
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


def test_a_worker_that_dies_stops_the_sweep_and_keeps_the_finished_cases(khanh_phu, tmp_path, monkeypatch, fork_server):
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
def test_a_broken_lane_in_this_process_stops_the_sweep_instead_of_hanging(khanh_phu, monkeypatch, fork_server):
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
