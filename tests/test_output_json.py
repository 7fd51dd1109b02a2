"""``--json`` prints exactly one JSON object on stdout, whatever HiGHS or a library prints meanwhile.

HiGHS logs from C++ straight to file descriptor 1. Each test runs the command
line in a subprocess whose every HiGHS run is preceded by a real HiGHS run
with its console log switched on, a raw write to file descriptor 1 and a
Python ``print``: stdout must still parse as one JSON document.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SCENARIOS

KHANH_PHU = str(SCENARIOS / "khanh_phu")

#: The command line, with solver chatter forced on before every HiGHS run.
NOISY_CLI = """
import os, sys
import highspy
from eipopt.solvers import highs

original = highs.HighsRunner._run

def noisy_run(self, *args, **kwargs):
    chatty = highspy.Highs()
    chatty.setOptionValue("output_flag", True)
    chatty.setOptionValue("log_to_console", True)
    chatty.addVar(0, 1)
    chatty.run()
    os.write(1, b"chatter written by C code to file descriptor 1\\n")
    print("chatter printed by a Python library")
    return original(self, *args, **kwargs)

highs.HighsRunner._run = noisy_run
from eipopt.cli import main
sys.argv = ["eipopt", *sys.argv[1:]]
main()
"""


def noisy_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", NOISY_CLI, *args], capture_output=True, text=True, timeout=300)


def test_the_chatter_is_real():
    """Without --json the forced chatter does reach stdout (so the tests below test something)."""
    run = noisy_cli("solve", KHANH_PHU)
    assert "Running HiGHS" in run.stdout
    assert "chatter written by C code" in run.stdout


@pytest.mark.parametrize(
    ("args", "status", "code"),
    [
        (["solve", KHANH_PHU], "optimal", 0),
        (["solve", KHANH_PHU, "--objective", "co2"], "optimal", 0),
        (["solve", KHANH_PHU, "--set", "constraints.max_co2=50000"], "infeasible", 3),
        (["solve", KHANH_PHU, "--set", "links.no_such_link.capacity=5"], "invalid", 2),
        (["attribute", KHANH_PHU], None, 0),
        (["budget", KHANH_PHU, "--budget", "investment", "--steps", "0,2e11"], None, 0),
        (["attribute", KHANH_PHU, "--set", "constraints.max_co2=50000"], "infeasible", 3),
        (["sweep", KHANH_PHU, "--vary", "carbon_price=0,1", "--store", ":memory:"], None, 0),
    ],
    ids=["solve", "solve-co2", "infeasible", "invalid", "attribute", "budget", "attribute-infeasible", "sweep"],
)
def test_json_stdout_is_exactly_one_object(args, status, code):
    run = noisy_cli(*args, "--json")
    assert run.returncode == code, run.stderr[-2000:]
    report = json.loads(run.stdout)  # fails on anything but exactly one JSON document
    assert isinstance(report, dict)
    if status is not None:
        assert report["status"] == status
    if args[-1] != "links.no_such_link.capacity=5":  # invalid input stops before any solve
        assert "chatter written by C code" in run.stderr
        assert "Running HiGHS" in run.stderr
