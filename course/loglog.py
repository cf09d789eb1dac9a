"""Power laws (notebook 02): the slope of a log-log line and the log-log figure of measured curves."""

from __future__ import annotations

from typing import Any

import numpy as np


def log_log_slope(x: Any, y: Any) -> float:
    """Return the slope of the least-squares line through ``(log x, log y)``.

    A power law ``y = c * x**k`` has slope ``k`` on a log-log plot.

    Raises
    ------
    ValueError
        If `x` and `y` differ in length, have fewer than two points, or hold a value <= 0.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D and of the same length, got shapes {x.shape} and {y.shape}")
    if len(x) < 2 or len(np.unique(x)) < 2:
        raise ValueError(f"x needs at least two different values, got {x.tolist()}")
    if np.any(x <= 0) or np.any(y <= 0) or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite and > 0 (their logarithms are taken)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def plot_loglog(
    x: Any,
    measured: dict[str, Any],
    reference: dict[str, Any] | None = None,
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    ax: Any = None,
) -> Any:
    """Plot measured curves and gray reference lines against `x` on log-log axes; return the Axes.

    Parameters
    ----------
    x : array-like
        The common x values (> 0), e.g. batch sizes.
    measured : dict
        Label -> y values (> 0) of each measured curve, drawn in the course's colours with markers.
    reference : dict, optional
        Label -> y values of each prediction, drawn as gray dashed, dotted, ... lines without markers.
    xlabel, ylabel, title : str
        Axis labels (with units) and the figure's message.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Raises
    ------
    ValueError
        If `measured` is empty, or a curve's length differs from `x`, or a value is <= 0.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    x = np.asarray(x, dtype=float)
    if not measured:
        raise ValueError("measured must hold at least one curve (label -> y values)")
    curves = list(measured.items()) + list((reference or {}).items())
    for label, y in curves:
        y = np.asarray(y, dtype=float)
        if y.shape != x.shape:
            raise ValueError(f"curve {label!r} has {y.size} values, x has {x.size}")
        if np.any(y <= 0) or np.any(x <= 0):
            raise ValueError(f"log-log axes need values > 0 (curve {label!r})")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    for label, y in measured.items():
        ax.plot(x, y, label=label)
    for (label, y), style in zip((reference or {}).items(), ("--", ":", "-.")):
        # on top of the measured curves, which often lie on them
        ax.plot(x, y, color="gray", linestyle=style, marker="", label=label, zorder=3)
    ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel=ylabel, title=title)
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")  # 1,000 rather than 10^3
    for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        if np.log10(high / low) < 2.5:  # few decades: label 1, 2, 5, 10, 20, 50, ...
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(plain)
        # unlabelled minor ticks at 2x and 5x only: matplotlib's default eight per decade look busier and make
        # drawing the figure several times slower (about 0.5 s for a figure spanning six decades)
        axis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        axis.set_minor_formatter(NullFormatter())
    ax.legend()
    return ax
