"""A rich progress bar for sweeps: cases done, failed, and time left (on stderr)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class SweepProgress:
    """Counts finished and failed cases; draws nothing when disabled."""

    def __init__(self, total: int, *, done: int = 0, failed: int = 0, enabled: bool = True, description: str = "sweep"):
        self.failed = failed
        self._progress = None
        if enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("cases, [red]{task.fields[failed]} failed"),
                TextColumn("elapsed"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._task = self._progress.add_task(description, total=total, completed=done, failed=failed)

    def __enter__(self) -> SweepProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, *, failed: bool) -> None:
        """One more case finished (``failed`` if it has an error)."""
        self.failed += int(failed)
        if self._progress is not None:
            self._progress.update(self._task, advance=1, failed=self.failed)
