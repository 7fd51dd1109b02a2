"""Plot a sweep's KPIs against the varied key (PNG and SVG, matplotlib's Agg backend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from eipopt.analysis.plots import readable_axis
from eipopt.readable import column_label, unit_of

#: KPIs plotted when none are asked for.
DEFAULT_Y = ("total_cost", "total_co2")


def _money_kind(key: str) -> str | None:
    """``money`` / ``money_yr`` for a sweep column or override key that holds money, else None."""
    if key.startswith(("budget.", "budgets.")) and key.endswith((".limit", ".used")):
        return "money"
    kind = column_label(key.rsplit(".", 1)[-1] if "." in key else key).kind
    return kind if kind in ("money", "money_yr") else None


def _axis_label(axis, key: str, values, currency: str) -> str:
    """``total cost (bn VND/yr)``: the key's readable name, its unit, and plain tick labels."""
    numeric = pd.to_numeric(values, errors="coerce").dropna()
    kind = _money_kind(key)
    if kind:
        unit = readable_axis(axis, numeric, currency, "yr" if kind == "money_yr" else "")
    else:
        readable_axis(axis, numeric)
        unit = unit_of(column_label(key).kind, None)
    name = column_label(key).title if key in ("total_cost", "total_co2", "cost_savings", "co2_reduction", "capex_total") else key
    return f"{name} ({unit})" if unit else name


def plot_sweep(frame: pd.DataFrame, x: str, stem: str | Path, *, by: str | None = None, y: Sequence[str] = DEFAULT_Y, title: str = "", currency: str | None = None) -> list[Path]:
    """Draw each KPI in ``y`` against ``x`` (one line per value of ``by``); write STEM.png and STEM.svg.

    Cases without a value (infeasible, failed) leave gaps. A numeric ``x`` is
    sorted; any other ``x`` is drawn as categories in case order. Axes carry
    units (money in a readable scale of ``currency``; default: the frame's
    ``currency`` column, else the word "currency") and plain tick labels.
    """
    if currency is None:
        known = frame["currency"].dropna().unique() if "currency" in frame.columns else []
        currency = str(known[0]) if len(known) == 1 else "currency"
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
        axis.set_ylabel(_axis_label(axis.yaxis, key, frame[key], currency))
        axis.grid(True, alpha=0.3)
    if numeric_x:
        axes[-1].set_xlabel(_axis_label(axes[-1].xaxis, x, frame[x], currency))
    else:
        axes[-1].set_xlabel(x)
    if by:
        axes[0].legend(fontsize="small")
    figure.suptitle(f"{title}: how the results change with {x}" if title else f"How the results change with {x}")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in (".png", ".svg"):
        path = stem.with_name(stem.name + suffix)
        figure.savefig(path, dpi=120)
        written.append(path)
    return written
