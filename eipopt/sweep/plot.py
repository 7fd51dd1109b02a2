"""Plot a sweep's KPIs against the varied key (PNG and SVG, matplotlib's Agg backend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: KPIs plotted when none are asked for.
DEFAULT_Y = ("total_cost", "total_co2")


def plot_sweep(frame: pd.DataFrame, x: str, stem: str | Path, *, by: str | None = None, y: Sequence[str] = DEFAULT_Y, title: str = "") -> list[Path]:
    """Draw each KPI in ``y`` against ``x`` (one line per value of ``by``); write STEM.png and STEM.svg.

    Cases without a value (infeasible, failed) leave gaps. A numeric ``x`` is
    sorted; any other ``x`` is drawn as categories in case order.
    """
    missing = [c for c in [x, *([by] if by else []), *y] if c not in frame.columns]
    if missing:
        raise KeyError(f"not columns of the sweep: {', '.join(missing)}")
    numeric_x = pd.to_numeric(frame[x], errors="coerce").notna().all()
    figure = Figure(figsize=(7.0, 2.8 * len(y) + 0.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(y), 1, sharex=True, squeeze=False)[:, 0]
    groups = list(frame.groupby(by, sort=False, dropna=False)) if by else [(None, frame)]
    for axis, key in zip(axes, y, strict=True):
        for value, part in groups:
            if numeric_x:
                part = part.assign(_x=pd.to_numeric(part[x])).sort_values("_x")
                xs = part["_x"]
            else:
                xs = part[x].astype(str)
            label = f"{by} = {value}" if by else None
            axis.plot(xs, pd.to_numeric(part[key], errors="coerce"), marker="o", label=label)
        axis.set_ylabel(key)
        axis.grid(True, alpha=0.3)
    axes[-1].set_xlabel(x)
    if by:
        axes[0].legend(fontsize="small")
    if title:
        figure.suptitle(title)
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in (".png", ".svg"):
        path = stem.with_name(stem.name + suffix)
        figure.savefig(path, dpi=120)
        written.append(path)
    return written
