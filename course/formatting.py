"""Numbers written for printing: rounded without -0.0, or written out in full (notebooks 03 and 05)."""

from __future__ import annotations

from typing import Any

import numpy as np


def written_out(value: float, digits: int = 2) -> str:
    """`value` rounded to `digits` significant digits and written out in full: 540,000,000 rather than 5.4e+08.

    Raises
    ------
    ValueError
        If `value` is not finite or `digits` is not a positive whole number.
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 1:
        raise ValueError(f"digits must be a positive whole number, got {digits!r}")
    if not np.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    return f"{float(f'{value:.{digits}g}'):,.0f}"


def rounded(values: Any, decimals: int = 4) -> np.ndarray:
    """Round numbers for printing, showing -0.0 as 0.0.

    Parameters
    ----------
    values : array-like of numbers
        What to round.
    decimals : int, default 4
        Decimals to keep (0 or more).

    Returns
    -------
    numpy.ndarray
        The rounded values; a value that rounds to zero is +0.0, never -0.0.

    Raises
    ------
    TypeError
        If `decimals` is not an int.
    ValueError
        If `decimals` is negative.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"decimals must be an int, got {type(decimals).__name__}")
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    return np.round(np.asarray(values, dtype=float), decimals) + 0.0  # adding +0.0 turns -0.0 into 0.0
