"""General plots: one histogram per table column with its unit (notebook 03), a mean line with a band over
runs (notebook 06). Figures that belong to one instrument live next to it."""

from __future__ import annotations

from typing import Any

import numpy as np

from course.palette import COLORS


def plot_columns(table: Any, units: dict[str, str], axes: Any = None) -> Any:
    """One histogram per column of `table`, each on its own axis, labelled with its unit.

    Parameters
    ----------
    table : pandas.DataFrame
        Numeric columns, at most as many as `axes` (four for the default 2 x 2 grid).
    units : dict
        Column name -> unit, used in the x-axis label; every column needs one.
    axes : array of matplotlib Axes, optional
        Where to draw; a new 2 x 2 grid if None.

    Returns
    -------
    array of matplotlib Axes

    Raises
    ------
    ValueError
        If a column has no unit in `units`, or there are more columns than axes.
    """
    import matplotlib.pyplot as plt

    missing = [column for column in table.columns if column not in units]
    if missing:
        raise ValueError(f"units must name a unit for every column; missing: {missing}")
    if axes is None:
        axes = plt.subplots(2, 2, figsize=(7.2, 5.6))[1]
    flat = np.ravel(axes)
    if len(table.columns) > len(flat):
        raise ValueError(f"axes has {len(flat)} axes for {len(table.columns)} columns")
    for ax, column in zip(flat, table.columns):
        ax.hist(table[column], bins=30, color=COLORS[0], edgecolor="white")
        ax.set(xlabel=f"{column} ({units[column]})", title=column)
        ax.locator_params(axis="x", nbins=5)
        ax.xaxis.set_major_formatter("{x:,.0f}" if table[column].max() > 1000 else "{x:g}")
    for ax in np.atleast_2d(axes)[:, 0]:
        ax.set_ylabel("number of cars")
    return axes


def plot_mean_band(x: Any, runs: Any, label: str, ax: Any = None, band: str = "minmax", **line_kwargs: Any) -> Any:
    """Plot the mean of several runs as a line, with a shaded band around it.

    Parameters
    ----------
    x : array-like, shape (n_points,)
        The x values shared by every run (for example epochs 1, 2, ...).
    runs : array-like, shape (n_runs, n_points)
        One row per run (for example one row per seed).
    label : str
        Legend label of the mean line.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.
    band : {"minmax", "std"}
        The band spans the lowest to the highest run ("minmax") or the mean +- one standard deviation ("std").
    **line_kwargs
        Passed to ``ax.plot`` for the mean line (for example a colour, line style and marker); the band
        takes the line's colour.

    Returns
    -------
    matplotlib Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If `label` is not a string.
    ValueError
        If `runs` is not 2-D with one column per x value, or `band` is unknown.
    """
    import matplotlib.pyplot as plt

    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    if band not in ("minmax", "std"):
        raise ValueError(f"band must be 'minmax' or 'std', got {band!r}")
    x = np.asarray(x, dtype=float)
    runs = np.asarray(runs, dtype=float)
    if x.ndim != 1 or runs.ndim != 2 or runs.shape[1] != x.size or runs.shape[0] < 1:
        raise ValueError(f"runs must have shape (n_runs, {x.size}) to match x of shape {x.shape}, got {runs.shape}")
    if ax is None:
        _, ax = plt.subplots()
    mean = runs.mean(axis=0)
    if band == "minmax":
        low, high = runs.min(axis=0), runs.max(axis=0)
    else:
        low, high = mean - runs.std(axis=0), mean + runs.std(axis=0)
    (line,) = ax.plot(x, mean, label=label, **line_kwargs)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    return ax
