"""Keep stdout for the one JSON object of ``--json``: whatever else is printed goes to stderr.

HiGHS writes from C++ straight to file descriptor 1, below Python's
``sys.stdout``; a library may ``print``. :func:`chatter_to_stderr` points both
file descriptor 1 and ``sys.stdout`` at stderr while the work runs (solver
worker processes started inside inherit it), and restores them before the
command prints its JSON.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def chatter_to_stderr(enabled: bool = True) -> Iterator[None]:
    """While active, anything written to stdout (from Python or from C) reaches stderr instead."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved, 1)
        os.close(saved)
