"""The results store: one SQLite row per finished case, committed as it finishes.

The store is what makes a sweep durable and resumable. Each case is written in
its own transaction as soon as its result arrives (WAL journal, full sync), so
a sweep that is killed loses at most the cases still being solved, and running
the same sweep again skips every case already in the store. Rows are keyed by
the case key (:func:`eipopt.sweep.cases.case_key`), so one store can hold many
sweeps of one scenario (with any fixed overrides). Only the process that runs the sweep writes to it;
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

#: Format of the store. 2: case keys hash canonical numbers (``0`` and ``0.0``
#: are one case) and ``meta`` names the scenario.
SCHEMA_VERSION = 2

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


class StoreError(ValueError):
    """A file that is not a results store this sweep can use: corrupt, of another format or scenario."""

    def __init__(self, path: str, problem: str, remedy: str):
        self.where = path
        super().__init__(f"{problem}; {remedy}")


_REMEDY = "give another --store file, or move this one away to start afresh"


class SweepStore:
    """An SQLite file of finished cases (``":memory:"`` for a store that lasts one sweep).

    The ``meta`` table records the store's format (``schema_version``) and the
    name of the scenario whose sweeps it holds; a file that is not an SQLite
    database, a store of another format, or (given ``scenario``) a store of
    another scenario raises :class:`StoreError` and is left untouched.
    """

    def __init__(self, path: str | Path = ":memory:", *, scenario: str | None = None):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=60)
        except sqlite3.Error as error:
            raise StoreError(self.path, f"cannot open the results store ({error})", _REMEDY) from None
        try:
            self._check_and_create(scenario)
        except BaseException:
            self._db.close()
            raise

    def _check_and_create(self, scenario: str | None) -> None:
        try:
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and not {"meta", "cases"} <= tables:
                raise StoreError(self.path, f"is an SQLite file but not an eipopt results store (tables: {', '.join(sorted(tables))})", _REMEDY)
            meta = dict(self._db.execute("SELECT name, value FROM meta")) if tables else {}
        except sqlite3.DatabaseError as error:
            raise StoreError(self.path, f"is not a results store: {error} (a damaged or foreign file)", _REMEDY) from None
        if tables and meta.get("schema_version") != str(SCHEMA_VERSION):
            raise StoreError(self.path, f"is a results store of format {meta.get('schema_version')}, this eipopt reads format {SCHEMA_VERSION} "
                                        "(its case keys differ)", _REMEDY)
        if tables and scenario is not None and meta.get("scenario", scenario) != scenario:
            raise StoreError(self.path, f"holds sweeps of scenario '{meta['scenario']}', not '{scenario}'", _REMEDY)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            if scenario is not None:
                self._db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('scenario', ?)", (scenario,))

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
