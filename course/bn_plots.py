"""Figures of what normalization computes: one batch through BN's stages and BN's moving averages (notebook 05),
which numbers batch, layer and group normalization average over (notebook 06)."""

from __future__ import annotations

from typing import Any

import numpy as np


def plot_bn_stages(stages: dict[str, Any], axes: Any = None, title: str | None = None) -> Any:
    """Plot one batch at several stages of batch normalization, one panel per stage.

    Each panel shows every sample as a dot per feature (features side by side) and each
    feature's batch mean as a black bar.

    Parameters
    ----------
    stages : dict of str to array-like, each of shape (batch, features)
        Panel title (matplotlib mathtext allowed) -> the batch at that stage. All stages
        must have the same number of features.
    axes : sequence of matplotlib Axes, optional
        One Axes per stage; a new figure (at most 7.4 in wide) with a shared legend below
        is made when None.
    title : str, optional
        Title of the new figure (ignored when `axes` is given); by default it names the batch size.

    Returns
    -------
    list of matplotlib Axes
        The axes drawn on, in the order of `stages`.

    Raises
    ------
    TypeError
        If `stages` is not a non-empty dict with string keys, or `title` is not a string or None.
    ValueError
        If a stage is not 2-D, the stages differ in their number of features, or `axes`
        does not hold one Axes per stage.
    """
    import matplotlib.pyplot as plt

    if not isinstance(stages, dict) or not stages or not all(isinstance(k, str) for k in stages):
        raise TypeError(
            "stages must be a non-empty dict mapping panel titles (str) to arrays of shape (batch, features)"
        )
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    values = [np.asarray(v, dtype=float) for v in stages.values()]
    if any(v.ndim != 2 for v in values) or len({v.shape[1] for v in values}) != 1:
        raise ValueError(
            "stages must hold 2-D arrays (batch, features) with the same number of features, "
            f"got shapes {[v.shape for v in values]}"
        )
    new_figure = axes is None
    if new_figure:
        fig, axes = plt.subplots(1, len(values), figsize=(min(7.4, 2.5 * len(values)), 4.0))
        axes = np.atleast_1d(axes)
    axes = list(axes)
    if len(axes) != len(values):
        raise ValueError(f"axes must hold one Axes per stage ({len(values)}), got {len(axes)}")
    n_features = values[0].shape[1]
    for ax, panel_title, batch in zip(axes, stages, values):
        for j in range(n_features):
            ax.plot(
                np.full(len(batch), j + 1.0),
                batch[:, j],
                linestyle="none",
                markersize=6,
                alpha=0.8,
                label=f"feature {j + 1}",
            )
            ax.plot(
                j + 1.0,
                batch[:, j].mean(),
                marker="_",
                markersize=24,
                markeredgewidth=2,
                color="black",
                linestyle="none",
                label="batch mean" if j == n_features - 1 else None,
            )
        ax.set_xticks(range(1, n_features + 1))
        ax.set_xlim(0.5, n_features + 0.5)
        ax.set_xlabel("feature")
        ax.set_title(panel_title)
    if new_figure:
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=n_features + 1)
        fig.suptitle(
            title if title is not None else f"One batch of {len(values[0])} samples through batch normalization"
        )
    return axes


def plot_moving_averages(batch_means: Any, trajectories: dict[float, Any], data_mean: float, ax: Any = None) -> Any:
    """Plot moving averages of a batch statistic over training steps, with the batch values behind them.

    Parameters
    ----------
    batch_means : array-like, shape (n_steps,)
        The statistic of each training batch (grey dots).
    trajectories : dict of float to array-like of shape (n_steps,)
        Momentum -> the moving average after each step (one line each).
    data_mean : float
        The statistic over the whole data set (dotted black line).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.

    Returns
    -------
    matplotlib Axes
        The axes drawn on (axis labels and title are left to the caller).

    Raises
    ------
    TypeError
        If `trajectories` is not a non-empty dict.
    ValueError
        If `batch_means` is not 1-D or a trajectory's length differs from it.
    """
    import matplotlib.pyplot as plt

    batch_means = np.asarray(batch_means, dtype=float)
    if batch_means.ndim != 1 or batch_means.size == 0:
        raise ValueError(f"batch_means must be a non-empty 1-D array, got shape {batch_means.shape}")
    if not isinstance(trajectories, dict) or not trajectories:
        raise TypeError("trajectories must be a non-empty dict mapping a momentum to its moving averages")
    paths = {momentum: np.asarray(path, dtype=float) for momentum, path in trajectories.items()}
    for momentum, path in paths.items():
        if path.shape != batch_means.shape:
            raise ValueError(
                f"trajectories[{momentum!r}] must have shape {batch_means.shape} like batch_means, got {path.shape}"
            )
    if ax is None:
        _, ax = plt.subplots()
    steps = np.arange(1, batch_means.size + 1)
    for momentum, path in paths.items():
        ax.plot(steps, path, label=f"moving mean, momentum {momentum}", markevery=max(1, batch_means.size // 10))
    ax.plot(steps, batch_means, linestyle="none", marker=".", markersize=3, color="0.6", label="mean of each batch")
    ax.axhline(float(data_mean), color="black", linewidth=1, linestyle=":", label="mean of all the data")
    return ax


def draw_normalization_axes(
    kind: str, ax: Any = None, n_examples: int = 6, n_features: int = 8, groups: int = 4
) -> Any:
    """Draw which numbers one normalization statistic averages over, as shaded cells of a batch x features grid.

    Rows are the examples of a batch, columns the features (units of a Dense layer, or channels of a
    convolution, where each cell would also hold height x width pixels). The cells one mean and one
    variance are computed over are shaded dark: a column for batch normalization, a row for layer
    normalization, a row's group of features for group normalization.

    Parameters
    ----------
    kind : {"batch", "layer", "group"}
    ax : matplotlib Axes, optional
    n_examples, n_features : int
        Size of the grid.
    groups : int
        Number of feature groups for ``kind="group"``; must divide `n_features`.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If `kind` is unknown or `groups` does not divide `n_features`.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if kind not in ("batch", "layer", "group"):
        raise ValueError(f"kind must be 'batch', 'layer' or 'group', got {kind!r}")
    if groups < 1 or n_features % groups:
        raise ValueError(f"groups must divide n_features = {n_features}, got {groups!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.4, 2.4))
    width = n_features // groups
    for row in range(n_examples):
        for col in range(n_features):
            if kind == "batch":
                shaded = col == 1
            elif kind == "layer":
                shaded = row == 1
            else:
                shaded = row == 1 and col // width == 1
            ax.add_patch(
                Rectangle(
                    (col, n_examples - 1 - row),
                    1,
                    1,
                    facecolor="#0072B2" if shaded else "white",
                    edgecolor="#555555",
                    linewidth=0.8,
                    alpha=0.85 if shaded else 1,
                )
            )
    if kind == "group":  # group boundaries
        for g in range(1, groups):
            ax.plot([g * width, g * width], [0, n_examples], color="black", linewidth=2, linestyle="-", marker="")
    ax.set_xlim(0, n_features)
    ax.set_ylim(0, n_examples)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("features (units or channels)")
    ax.set_ylabel("examples in the batch")
    return ax
