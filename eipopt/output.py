"""Writing results: every file of a run complete, of this run only, never through a link.

Every command that writes files (``solve --out``, the analyses' ``--out`` and
``--plot``, ``sweep --out`` and ``--plot``) goes through this module:

- **Checked before solving**: :func:`check_folder_target`, :func:`check_file_target`
  and :func:`check_stem_target` raise :class:`OutputError` (exit 2) for a target
  that cannot be written: a file where a folder should be (or the reverse), a
  path under a file, a parent where nothing can be created, a symbolic link.
- **Staged, then swapped in**: files are written into a fresh hidden folder
  beside the target and moved into place by renames on the same file system,
  so a reader never sees a half-written set, and a failed run leaves the
  previous one as it was.
- **Nothing stale**: an output folder is replaced as a whole, so no file of an
  earlier run survives beside the new ones. A folder eipopt wrote (it holds
  :data:`MANIFEST`) is replaced without asking; any other non-empty folder only
  with ``force`` (so ``--out .`` never deletes a user's files by mistake).
- **Never through a link**: a target that is a symbolic link is refused; the
  links inside a replaced folder are removed, never followed.
- **Spreadsheet-safe**: CSV text cells are neutralised
  (:func:`eipopt.cell_safety.neutralise_frame`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from eipopt.cell_safety import neutralise_frame

#: The file that marks a folder as written by eipopt (and lists what it holds).
MANIFEST = "eipopt-manifest.json"

#: Prefix of the staging folders created beside a target (removed after the swap).
_STAGING_PREFIX = ".eipopt-staging-"


class OutputError(ValueError):
    """A target that cannot be written: the command stops with exit 2 before solving."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


# --- checks, before any solving --------------------------------------------------
def check_folder_target(path: str | Path, *, force: bool = False, protect: Iterable[str | Path] = ()) -> Path:
    """Raise :class:`OutputError` unless ``path`` can be (re)placed by a folder of results.

    ``protect``: paths the run reads (the scenario); a target that is one of
    them or holds one is refused even with ``force``.
    """
    target = Path(path)
    for kept in protect:
        if Path(kept).resolve().is_relative_to(target.resolve()):
            raise OutputError(target, f"holds {kept}, which this run reads; replacing it would delete it (choose another folder)")
    if target.is_symlink():
        raise OutputError(target, "is a symbolic link; eipopt never writes through a link (remove it or choose another folder)")
    if target.exists():
        if not target.is_dir():
            raise OutputError(target, "is a file, not a folder (choose a folder name for --out)")
        if any(target.iterdir()) and not _written_by_eipopt(target) and not force:
            raise OutputError(target, f"is a folder that holds other files (no {MANIFEST}); "
                                      "it would be replaced as a whole: choose an empty or new folder, or add --force to replace it")
    _check_parent(target)
    return target


def check_file_target(path: str | Path) -> Path:
    """Raise :class:`OutputError` unless the file ``path`` can be (re)written."""
    target = Path(path)
    if target.is_symlink():
        raise OutputError(target, "is a symbolic link; eipopt never writes through a link (remove it or choose another file)")
    if target.is_dir():
        raise OutputError(target, "is a folder, not a file")
    _check_parent(target)
    return target


def check_stem_target(stem: str | Path, suffixes: tuple[str, ...] = (".png", ".svg")) -> Path:
    """Check every ``STEM<suffix>`` a figure is written to (see :func:`check_file_target`)."""
    stem = Path(stem)
    if not stem.name:
        raise OutputError(stem, "needs a file name stem (e.g. out/front), not a folder")
    for suffix in suffixes:
        check_file_target(stem.with_name(stem.name + suffix))
    return stem


def _check_parent(target: Path) -> None:
    """The nearest existing ancestor is a folder in which a folder can be created."""
    ancestor = target.absolute().parent
    while not ancestor.exists():
        if ancestor.is_symlink():  # a dangling link in the path
            raise OutputError(target, f"{ancestor} is a broken symbolic link")
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(target, f"cannot be created: {ancestor} is a file, not a folder")
    try:
        Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=ancestor)).rmdir()
    except OSError as error:
        raise OutputError(target, f"cannot be written: nothing can be created in {ancestor} ({error.strerror or error})") from None


def _fresh_name(parent: Path) -> Path:
    return parent / f"{_STAGING_PREFIX}{uuid.uuid4().hex}"


def _written_by_eipopt(folder: Path) -> bool:
    manifest = folder / MANIFEST
    return manifest.is_file() and not manifest.is_symlink()


# --- writing ----------------------------------------------------------------------
def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """``frame`` as CSV (no index), text cells neutralised for spreadsheets."""
    neutralise_frame(frame).to_csv(path, index=False)


@contextmanager
def _failing_as_output_error(target: Path) -> Iterator[None]:
    """A write that fails midway (disk full, permissions) is an :class:`OutputError`, the previous files unchanged."""
    try:
        yield
    except OSError as error:
        raise OutputError(target, f"could not be written ({error.strerror or error}); any earlier files there are unchanged") from None


@contextmanager
def _staging(parent: Path) -> Iterator[Path]:
    """A fresh folder beside the targets (same file system, so renames are atomic), removed afterwards."""
    parent.mkdir(parents=True, exist_ok=True)
    staging = _fresh_name(parent)
    staging.mkdir()  # mkdir, not mkdtemp: the results get the user's usual permissions (umask)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_folder(path: str | Path, files: Mapping[str, Callable[[Path], None]], *, force: bool = False, about: Mapping | None = None,
                 protect: Iterable[str | Path] = ()) -> Path:
    """Write a complete folder of results at ``path``, replacing any earlier one as a whole.

    ``files`` maps each file name to a function writing that file to the path
    it is given. The folder also gets :data:`MANIFEST` (the file names and
    ``about``, e.g. the command and scenario). The set is staged beside the
    target and renamed into place; a folder already there is moved aside and
    deleted (links inside it are deleted, not followed).
    """
    target = check_folder_target(path, force=force, protect=protect)
    parent = target.absolute().parent
    with _failing_as_output_error(target), _staging(parent) as staging:
        for name, write in files.items():
            write(staging / name)
        manifest = {**(about or {}), "files": sorted([*files, MANIFEST])}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
        _swap_in(staging, target.absolute())
    return target


def _swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    if not any(target.iterdir()):
        os.replace(staging, target)  # POSIX replaces an empty folder in one rename
        return
    previous = _fresh_name(target.parent)
    target.rename(previous)
    try:
        staging.rename(target)
    except OSError:
        previous.rename(target)  # put the earlier results back
        raise
    shutil.rmtree(previous)


def write_files(targets: Mapping[str | Path, Callable[[Path], None]]) -> list[Path]:
    """Write each target file through a staged copy renamed into place (all staged first, then all moved).

    ``targets`` maps each target path to a function writing that file to the
    path it is given. Each target is checked (:func:`check_file_target`).
    """
    given = {Path(path): write for path, write in targets.items()}
    by_parent: dict[Path, list[Path]] = {}
    for path in given:
        by_parent.setdefault(check_file_target(path).absolute().parent, []).append(path)
    for parent, paths in by_parent.items():
        with _failing_as_output_error(paths[0]), _staging(parent) as staging:
            staged = []
            for index, path in enumerate(paths):
                copy = staging / f"{index}{path.suffix}"
                given[path](copy)
                staged.append((copy, parent / path.name))
            for copy, final in staged:
                os.replace(copy, final)
    return list(given)


def write_figure(stem: str | Path, save: Callable[[Path], list[Path]]) -> list[Path]:
    """Write a figure's files (``save(stem)`` returns the paths it wrote) staged, then renamed into place.

    ``save`` is given a stem inside a staging folder; each file it writes
    there is moved to the same name beside ``stem``.
    """
    given = check_stem_target(stem)
    parent = given.absolute().parent
    with _failing_as_output_error(given), _staging(parent) as staging:
        written = [Path(p) for p in save(staging / given.name)]
        for path in written:
            os.replace(path, check_file_target(parent / path.name))
    return [given.with_name(p.name) for p in written]
