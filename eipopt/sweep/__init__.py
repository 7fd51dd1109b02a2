"""What-if sweeps: solve a scenario over a grid of overrides, in parallel, durably, resumably.

>>> from eipopt.sweep import sweep, parse_vary                      # doctest: +SKIP
>>> key, values = parse_vary("budgets.investment.limit=1e11:4e11:4")  # doctest: +SKIP
>>> table = sweep(scenario, {key: values}, workers=2, store="kp.sweep.sqlite")  # doctest: +SKIP

Modules: :mod:`~eipopt.sweep.cases` (``--vary`` parsing, the grid, case keys),
:mod:`~eipopt.sweep.run` (:func:`sweep`), :mod:`~eipopt.sweep.solving` (what a
worker does), :mod:`~eipopt.sweep.executors` (here, local processes, Dask),
:mod:`~eipopt.sweep.store` (the SQLite results store),
:mod:`~eipopt.sweep.table` (the output table), :mod:`~eipopt.sweep.progress`,
:mod:`~eipopt.sweep.plot` and :mod:`~eipopt.sweep.cli` (``eipopt sweep``).
"""

from eipopt.sweep.cases import Case, grid, parse_vary
from eipopt.sweep.run import sweep
from eipopt.sweep.store import SweepStore

__all__ = ["Case", "SweepStore", "grid", "parse_vary", "sweep"]
