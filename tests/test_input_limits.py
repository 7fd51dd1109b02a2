"""Inputs built to exhaust time or memory end quickly with exit 2.

Each check runs the loader under tracemalloc: the bounds (seconds, MB) are
generous for the refusal yet far below what reading the input would take (the
alias bomb expands to 10^9 elements; the long table would be ~1.2 M parsed rows).
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from eipopt import load_scenario
from eipopt.io import MAX_FILE_BYTES, MAX_ROWS
from eipopt.model import ScenarioError
from tests.input_copies import assert_refused, run, shipped, write

BILLION_LAUGHS = "name: lol\n" + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
)


def _refused_within(path: Path, seconds: float, megabytes: float) -> ScenarioError:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, f"{elapsed:.1f} s"
    assert peak < megabytes * 2**20, f"{peak / 2**20:.0f} MB"
    return caught.value


def test_yaml_alias_bomb_is_refused_at_once(tmp_path):
    folder = write(shipped(), tmp_path, "csv")
    (folder / "scenario.yaml").write_text(BILLION_LAUGHS)
    error = _refused_within(folder, seconds=5, megabytes=20)
    assert "alias '*a0' is not allowed" in str(error)
    assert_refused(run("validate", folder), "scenario.yaml, row 3")


def test_huge_csv_file_is_refused_before_reading(tmp_path):
    folder = write(shipped(), tmp_path, "csv")
    with (folder / "links.csv").open("r+b") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used, 100 MB of zero bytes to a reader
    error = _refused_within(folder, seconds=5, megabytes=20)
    assert "links.csv: file of 100.0 MB is larger than the 100 MB" in str(error)


def test_huge_workbook_is_refused_before_reading(tmp_path):
    path = write(shipped(), tmp_path, "xlsx")
    with path.open("r+b") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    error = _refused_within(path, seconds=5, megabytes=20)
    assert "park.xlsx: file of 100.0 MB is larger" in str(error)


def test_absurd_row_count_is_refused_without_parsing(tmp_path):
    folder = write(shipped(), tmp_path, "csv")
    with (folder / "flows.csv").open("a") as handle:
        handle.write("gas_plant,electricity,1,0,,\n" * (MAX_ROWS + 1))
    error = _refused_within(folder, seconds=10, megabytes=20)
    assert f"flows.csv: more than {MAX_ROWS:,} rows" in str(error)
