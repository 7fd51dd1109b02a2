"""What a sweep runs: ``--vary`` parsing, the grid of cases, and each case's stable key.

A case is one set of overrides on the sweep's base scenario. Its key is a hash
of the base scenario's content, the objective and the case's overrides, so the
same case run again (by the same command, or another sweep that contains it)
is found in the results store instead of being solved again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eipopt.model import Problem, Scenario, ScenarioError

#: Characters of the key shown as the ``case`` id (48 bits: collisions are not a concern).
CASE_ID_LENGTH = 12

#: Most cases a sweep runs unless told otherwise (``--max-cases``): a grid is
#: counted before it is built, so a typo such as ``x=0:1:1e9`` stops at once.
DEFAULT_MAX_CASES = 100_000


class TooManyCases(ValueError):
    """A grid larger than the case limit; nothing has been built or run."""

    where = "--vary"


@dataclass(frozen=True)
class Case:
    """One case of a sweep: its position, stable key and overrides."""

    index: int
    key: str
    overrides: dict[str, Any]

    @property
    def id(self) -> str:
        """The short stable id shown in the ``case`` column."""
        return self.key[:CASE_ID_LENGTH]


def parse_vary(text: str, max_values: int = DEFAULT_MAX_CASES) -> tuple[str, list]:
    """Parse ``KEY=V1,V2,...`` or ``KEY=START:STOP:STEPS`` into the key and its values.

    ``START:STOP:STEPS`` gives STEPS evenly spaced values from START to STOP
    inclusive (whole numbers stay whole). In a list, values that read as numbers
    become numbers and the rest stay text; an empty value is a blank cell
    (``flows.F:R.sell_limit=,60000``: no limit, then 60000). A malformed
    argument, or more than ``max_values`` values, raises :class:`~eipopt.ScenarioError`
    (STEPS is checked before any value is made).

    >>> parse_vary("budgets.investment.limit=1e11:4e11:4")
    ('budgets.investment.limit', [100000000000.0, 200000000000.0, 300000000000.0, 400000000000.0])
    >>> parse_vary("links.L.capacity=6000,9000,12000")
    ('links.L.capacity', [6000, 9000, 12000])
    """
    key, sep, spec = text.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key:
        raise ScenarioError([Problem("--vary", f"'{text}' is not KEY=V1,V2,... or KEY=START:STOP:STEPS")])
    parts = spec.split(":")
    if len(parts) == 3 and all(_number(p) is not None for p in parts):
        return key, _linspace(key, *parts, max_values=max_values)
    if "," not in spec and ":" in spec and _number(parts[0]) is not None:
        raise ScenarioError([Problem("--vary", f"'{spec}' is not START:STOP:STEPS (three numbers)", column=key)])
    values = [_value(v) for v in spec.split(",")]
    if len(values) > max_values:
        raise ScenarioError([Problem("--vary", f"{len(values):,} values, more than the limit of {max_values:,} (raise it with --max-cases)", column=key)])
    return key, values


def grid_size(vary: Mapping[str, Sequence]) -> int:
    """Number of cases of the full grid, counted without building it."""
    return math.prod(len(values) for values in vary.values())


def check_grid_size(vary: Mapping[str, Sequence], max_cases: int = DEFAULT_MAX_CASES) -> None:
    """Raise :class:`TooManyCases` when the grid has more than ``max_cases`` cases."""
    size = grid_size(vary)
    if size > max_cases:
        shape = " x ".join(f"{len(v):,}" for v in vary.values())
        raise TooManyCases(f"the grid has {size:,} cases ({shape}), more than the limit of {max_cases:,}; "
                           "vary fewer values, or raise the limit with --max-cases (max_cases=)")


def grid(vary: Mapping[str, Sequence]) -> list[dict]:
    """Every combination of the values of each key (the first key varies slowest).

    >>> grid({"a": [1, 2], "b": ["x", "y"]})
    [{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'y'}, {'a': 2, 'b': 'x'}, {'a': 2, 'b': 'y'}]
    """
    keys = list(vary)
    return [dict(zip(keys, combination, strict=True)) for combination in itertools.product(*(list(vary[k]) for k in keys))]


def make_cases(scenario: Scenario, overrides: Sequence[Mapping[str, Any]], objective: str | None) -> list[Case]:
    """The cases of a sweep, each keyed by base scenario content + objective + its overrides."""
    fingerprint = scenario_fingerprint(scenario)
    return [Case(i, case_key(fingerprint, objective, o), dict(o)) for i, o in enumerate(overrides)]


def scenario_fingerprint(scenario: Scenario) -> str:
    """SHA-256 of a scenario's content: settings and every table as text (not where it was read from)."""
    payload = {
        "settings": scenario.settings.to_dict(),
        "tables": {name: df.to_csv(index=False) for name, df in sorted(scenario.raw_tables().items())},
    }
    return _sha256(payload)


def case_key(fingerprint: str, objective: str | None, overrides: Mapping[str, Any]) -> str:
    """SHA-256 of the base scenario's fingerprint, the objective and one case's overrides."""
    return _sha256({"scenario": fingerprint, "objective": objective, "overrides": {str(k): _plain(v) for k, v in overrides.items()}})


def _sha256(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """A canonical, JSON-stable form of an override value, so equal numbers make one case.

    Numpy scalars become Python numbers, and a whole float its integer
    (``0.0`` and ``0``, ``1e11`` and ``100000000000`` are one case); booleans
    and text are kept as they are.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return int(value)
    return value


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_int_literal(text: str) -> bool:
    try:
        int(text.strip())
    except ValueError:
        return False
    return True


def _value(text: str) -> Any:
    """A list value: int, float, or the text itself."""
    text = text.strip()
    if _is_int_literal(text):
        return int(text)
    number = _number(text)
    return text if number is None else number


def _linspace(key: str, start: str, stop: str, steps: str, max_values: int) -> list:
    count = float(steps)
    if not count.is_integer() or count < 1:
        raise ScenarioError([Problem("--vary", f"STEPS must be a whole number >= 1, not '{steps}'", column=key)])
    if count > max_values:
        raise ScenarioError([Problem("--vary", f"{count:,.0f} steps, more than the limit of {max_values:,} cases (raise it with --max-cases)", column=key)])
    values = [float(f"{v:.12g}") for v in np.linspace(float(start), float(stop), int(count))]
    if _is_int_literal(start) and _is_int_literal(stop) and all(v.is_integer() for v in values):
        return [int(v) for v in values]
    return values
