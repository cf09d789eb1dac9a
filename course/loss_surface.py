"""Gradient descent on a linear model's loss surface (notebook 03): why unscaled features train slowly.

The loss contours and a descent path, and how many steps full-batch gradient descent needs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course.formatting import written_out
from course.palette import COLORS


def plot_loss_contours(
    X: Any, y: Any, path: Any, ax: Any = None, n_levels: int = 3, show_steps: int | None = None
) -> Any:
    """Contours of the mean squared error of ``y ~ X @ w`` (two weights) and a gradient-descent path.

    Draws `n_levels` loss contours around the minimum, the outermost just inside the path's start, each
    labelled once with its MSE (horizontal
    text, placed inside the axes and as far from the path as possible), the path as dots joined
    by a line, and the minimum as a star. The window is fitted to the path and the minimum.

    Parameters
    ----------
    X : array of shape (n, 2)
        Inputs of a two-weight linear model without bias (centred data).
    y : array of shape (n,)
        Targets.
    path : array of shape (steps + 1, 2)
        Weights after each step, starting point first.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes if None.
    n_levels : int
        Number of contours (1 to 8), spaced geometrically each twice as wide as the one inside it.
    show_steps : int, optional
        Draw only the first `show_steps` steps of the path (all if None).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If `X`, `y` or `path` have the wrong shapes, or `n_levels` or `show_steps` is out of range.
    """
    import matplotlib.pyplot as plt

    X, y, path = (np.asarray(a, dtype=float) for a in (X, y, path))
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if path.ndim != 2 or path.shape[1] != 2 or len(path) < 1:
        raise ValueError(f"path must have shape (steps + 1, 2), got {path.shape}")
    if isinstance(n_levels, bool) or not isinstance(n_levels, (int, np.integer)) or not 1 <= n_levels <= 8:
        raise ValueError(f"n_levels must be a whole number from 1 to 8, got {n_levels!r}")
    if show_steps is not None:
        if isinstance(show_steps, bool) or not isinstance(show_steps, (int, np.integer)) or show_steps < 1:
            raise ValueError(f"show_steps must be a positive whole number or None, got {show_steps!r}")
        path = path[: show_steps + 1]
    if ax is None:
        ax = plt.figure().add_subplot()
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    hessian = 2 / len(X) * X.T @ X
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    loss_min = np.mean((X @ best - y) ** 2)
    loss_start = np.mean((X @ path[0] - y) ** 2)
    corners = np.vstack([path, best])
    low, high = corners.min(axis=0), corners.max(axis=0)
    span = np.maximum(high - low, 1e-12)
    low, high = low - 0.15 * span, high + 0.15 * span
    grid = [np.linspace(low[i], high[i], 201) for i in range(2)]
    g1, g2 = np.meshgrid(*grid)
    points = np.column_stack([g1.ravel(), g2.ravel()])
    loss = np.mean((points @ X.T - y) ** 2, axis=1).reshape(g1.shape)
    # The outermost contour lies just inside the start (80% of its loss gap); each is twice as wide as the next.
    gaps = 0.8 * 0.25 ** np.arange(n_levels)[::-1] * (loss_start - loss_min)
    levels = loss_min + gaps
    shades = plt.get_cmap("viridis")(np.linspace(0, 0.7, n_levels))
    ax.contour(g1, g2, loss, levels=levels, colors=shades, linewidths=1.2)
    # One horizontal label per contour: the point of its ellipse inside the window that is farthest from the path.
    theta = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    scale = high - low
    inner_low, inner_high = low + 0.1 * scale, high - 0.1 * scale
    avoid = np.vstack([path, best])  # labels keep clear of the path, the minimum and each other
    for level, shade in zip(levels, shades):
        radii = np.sqrt(2 * (level - loss_min) / eigenvalues)
        ring = best + (
            np.cos(theta)[:, None] * radii[0] * eigenvectors[:, 0]
            + np.sin(theta)[:, None] * radii[1] * eigenvectors[:, 1]
        )
        inside = np.all((ring > inner_low) & (ring < inner_high), axis=1)
        if not inside.any():
            continue
        ring = ring[inside]
        distance = np.min(np.linalg.norm(((ring[:, None, :] - avoid[None, :, :]) / scale), axis=2), axis=1)
        spot = ring[np.argmax(distance)]
        avoid = np.vstack([avoid, spot])
        ax.text(
            *spot,
            f"{level:.3g}",
            fontsize=8,
            color="black",
            ha="center",
            va="center",
            bbox=dict(facecolor="white", edgecolor=shade, boxstyle="round,pad=0.2"),
            zorder=4,
        )
    thin = len(path) > 40  # a long path is drawn finer, so its bounces stay apart
    ax.plot(
        path[:, 0],
        path[:, 1],
        color="black",
        marker="o",
        markersize=2 if thin else 3,
        linestyle="-",
        linewidth=0.5 if thin else 1,
        label="gradient descent",
        zorder=5,
    )
    ax.plot(*best, marker="*", markersize=16, color=COLORS[1], linestyle="none", label="minimum", zorder=6)
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    return ax


def first_step_within(losses: Any, lowest: float, fraction: float = 0.99) -> int | None:
    """The first step at which a loss curve has covered `fraction` of the way from its start to `lowest`.

    Parameters
    ----------
    losses : 1-D array
        Loss after each step, the starting loss first.
    lowest : float
        The minimum the curve is heading for (at most the starting loss).
    fraction : float
        Between 0 and 1.

    Returns
    -------
    int or None
        The step index, or None if the curve never gets there.

    Raises
    ------
    ValueError
        If `losses` is not a non-empty 1-D array or `fraction` is not between 0 and 1.
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"losses must be a non-empty 1-D array, got shape {losses.shape}")
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
    reached = np.flatnonzero(losses <= lowest + (1 - fraction) * (losses[0] - lowest))
    return int(reached[0]) if reached.size else None


def steps_to_minimum(X: Any, y: Any, rate: float, max_steps: int = 5_000) -> str:
    """How many full-batch gradient-descent steps at ``lr = rate / L`` take the MSE of ``y ~ X @ w`` 99% of the way
    down.

    Runs gradient descent from ``w = 0`` for up to `max_steps` steps (L is the largest eigenvalue of the
    Hessian ``(2/n) X^T X``) and counts the steps until the loss has covered 99% of the way from its start
    to the least-squares minimum. If it never gets there, estimates the count at the pace of the flattest
    direction, ``ln(100) / (-2 ln(1 - rate / kappa))``, rounded to one significant digit.

    Parameters
    ----------
    X : array of shape (n, k)
        Inputs of a linear model without bias (centred data).
    y : array of shape (n,)
        Targets.
    rate : float
        The learning rate in units of 1/L, between 0 and 2 (exclusive).
    max_steps : int
        The longest run simulated.

    Returns
    -------
    str
        The count written out ("998"), or the estimate as "about 1,000,000,000".

    Raises
    ------
    ValueError
        If `X` or `y` have the wrong shapes, `rate` is not between 0 and 2, or `max_steps` is not positive.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, k), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or not 0 < rate < 2:
        raise ValueError(f"rate must be a number between 0 and 2 (in units of 1/L), got {rate!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise ValueError(f"max_steps must be a positive whole number, got {max_steps!r}")
    lam_min, L = np.linalg.eigvalsh(2 / len(X) * X.T @ X)[[0, -1]]
    lowest = np.mean((X @ np.linalg.lstsq(X, y, rcond=None)[0] - y) ** 2)
    w, losses = np.zeros(X.shape[1]), [np.mean(y**2)]
    for _ in range(max_steps):
        w = w - rate / L * 2 / len(X) * X.T @ (X @ w - y)
        losses.append(np.mean((X @ w - y) ** 2))
    n = first_step_within(losses, lowest, 0.99)
    if n is not None:
        return f"{n:,}"
    return f"about {written_out(np.log(100) / (-2 * np.log1p(-rate * lam_min / L)), 1)}"
