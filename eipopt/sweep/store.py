"""The results store: one SQLite row per finished case, committed as it finishes.

The store is what makes a sweep durable and resumable. Each case is written in
its own transaction as soon as its result arrives (WAL journal, full sync), so
a sweep that is killed loses at most the cases still being solved, and running
the same sweep again skips every case already in the store. Rows are keyed by
the case key (:func:`eipopt.sweep.cases.case_key`), so one store can hold many
sweeps of many scenarios. Only the process that runs the sweep writes to it;
workers return their results to it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eipopt.sweep.cases import Case

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    key         TEXT PRIMARY KEY,  -- sha256 of scenario content + objective + overrides
    scenario    TEXT NOT NULL,     -- scenario name, for people reading the store
    objective   TEXT,              -- objective asked for (NULL: the scenario's own)
    overrides   TEXT NOT NULL,     -- JSON object of the case's overrides
    status      TEXT NOT NULL,     -- solver status, or 'invalid' / 'error' when it could not be solved
    error       TEXT NOT NULL,     -- '' unless the case failed
    summary     TEXT,              -- JSON of Result.summary (NULL when it could not be solved)
    seconds     REAL NOT NULL,     -- wall time of the case in its worker
    finished_at TEXT NOT NULL      -- UTC, ISO 8601
);
"""

#: Statuses of cases that have no result: they failed before or while solving.
FAILED_STATUSES = ("invalid", "error")


@dataclass(frozen=True)
class CaseOutcome:
    """What a worker returns for one case (small and picklable: no tables)."""

    key: str
    status: str
    summary: dict[str, Any] | None
    error: str
    seconds: float

    @property
    def failed(self) -> bool:
        return bool(self.error)


class SweepStore:
    """An SQLite file of finished cases (``":memory:"`` for a store that lasts one sweep)."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        version = self._db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()[0]
        if int(version) != SCHEMA_VERSION:
            self._db.close()
            raise ValueError(f"{self.path}: results store of schema version {version}, expected {SCHEMA_VERSION}")

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def put(self, case: Case, objective: str | None, scenario_name: str, outcome: CaseOutcome) -> dict[str, Any]:
        """Commit one finished case (replacing an earlier failed attempt) and return its record."""
        record = {
            "key": case.key,
            "scenario": scenario_name,
            "objective": objective,
            "overrides": json.dumps(case.overrides, sort_keys=True, default=str),
            "status": outcome.status,
            "error": outcome.error,
            "summary": None if outcome.summary is None else json.dumps(outcome.summary, allow_nan=False),
            "seconds": outcome.seconds,
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO cases (key, scenario, objective, overrides, status, error, summary, seconds, finished_at) "
                "VALUES (:key, :scenario, :objective, :overrides, :status, :error, :summary, :seconds, :finished_at)",
                record,
            )
        return _decoded(record)

    def records(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored records of these keys (absent keys are left out), summaries decoded."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Any]] = {}
        self._db.row_factory = sqlite3.Row
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(f"SELECT * FROM cases WHERE key IN ({marks})", chunk):  # noqa: S608 - placeholders only
                    found[row["key"]] = _decoded(dict(row))
        finally:
            self._db.row_factory = None
        return found

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]


def _decoded(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    out["overrides"] = json.loads(record["overrides"])
    out["summary"] = None if record["summary"] is None else json.loads(record["summary"])
    return out
