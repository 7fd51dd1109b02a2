"""pint's answers about a park's units, kept between runs, so that known units need no pint at all.

A park has a handful of distinct units, and every command that reads a
scenario asks pint the same questions about them: does ``t/h`` parse (and is
it not a temperature scale), and how many tonnes a year is one ``Nm3/h`` of
capacity at 6,240 hours and 1.977 kg/m3. Importing pint and building its
registry costs about 0.1 s with pint's own definition cache and about 0.4 s
without it, more than the rest of a small park's solve. The answers (a factor,
or the error message a user is shown) are stored as JSON in the user's cache
folder, one file per pint version and set of eipopt's unit definitions, so a
change of either starts a fresh file.

The cache can only be stale if pint itself changed without a version change.
A missing, unreadable or foreign file is an empty cache; when the file cannot
be written the answers are recomputed next time, never wrong. Set
``EIPOPT_CACHE_DIR`` to move the cache (an empty folder starts it afresh).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

#: Bumped when the meaning of a stored answer changes.
FORMAT = 1


def cache_folder() -> Path:
    """Where eipopt keeps caches: ``EIPOPT_CACHE_DIR`` or the platform's user cache folder."""
    configured = os.environ.get("EIPOPT_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return platformdirs.user_cache_path("eipopt", appauthor=False)


class UnitAnswers:
    """Answers keyed by question (a unit or a conversion), each ``[factor, error]`` with one of them ``None``."""

    def __init__(self, definitions: list[str]):
        stamp = json.dumps([FORMAT, metadata.version("pint"), definitions])
        self.path = cache_folder() / f"units-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.json"
        self._answers = self._read()

    def _read(self) -> dict:
        try:
            answers = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return answers if isinstance(answers, dict) else {}

    def get(self, question: str) -> list | None:
        answer = self._answers.get(question)
        return answer if isinstance(answer, list) and len(answer) == 2 else None

    def put(self, question: str, factor: float | None, error: str | None) -> None:
        """Remember an answer and write the file again (atomically: concurrent readers see the old or the new file)."""
        self._answers[question] = [factor, error]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        except OSError:
            return  # a read-only cache folder: the answer is recomputed next run
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump({**self._read(), **self._answers}, handle)
            os.replace(temporary, self.path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)


@functools.cache
def unit_answers(definitions: tuple[str, ...]) -> UnitAnswers:
    """The cache for one set of unit definitions, read once per process."""
    return UnitAnswers(list(definitions))
