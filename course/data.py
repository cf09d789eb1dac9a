"""Data loading: the course's used-car table, ``data/used_cars.csv`` (notebook 03)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from course import PROJECT_ROOT

#: The course's data folder, data/ beside helpers.py (the loader's default file is in it).
DATA_DIR = PROJECT_ROOT / "data"
USED_CARS_FILE = "used_cars.csv"
#: The used-car table's columns, in file order (units: miles, years, litres, US dollars).
USED_CARS_COLUMNS = ("miles_driven", "age_years", "engine_litres", "price_usd")


def load_used_cars(path: str | os.PathLike | None = None):
    """Load the course's used-car table (``data/used_cars.csv``) as a pandas DataFrame.

    Works from any working directory: the default path is built from `DATA_DIR`,
    which is anchored at this file, not at the current directory.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Another CSV with the same columns; default ``DATA_DIR / "used_cars.csv"``.

    Returns
    -------
    pandas.DataFrame
        One row per car, columns `USED_CARS_COLUMNS`, all numeric, no missing values.

    Raises
    ------
    TypeError
        If `path` is not a str, os.PathLike or None.
    FileNotFoundError
        If the file is absent (the message names it and how to regenerate it).
    ValueError
        If the file is malformed: empty, wrong columns, or a value that is missing
        or not a number (the message names the file, the column and the line).
    """
    import pandas as pd

    if path is None:
        path = DATA_DIR / USED_CARS_FILE
    elif isinstance(path, (str, os.PathLike)):
        path = Path(path)
    else:
        raise TypeError(f"path must be a str, os.PathLike or None, got {type(path).__name__}")
    if not path.is_file():
        raise FileNotFoundError(
            f"used-car data file not found: {path} (regenerate it with: python data/make_used_cars.py)"
        )
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not a readable used-car CSV file: {exc}") from exc
    if tuple(table.columns) != USED_CARS_COLUMNS:
        raise ValueError(f"{path} has columns {list(table.columns)}, expected {list(USED_CARS_COLUMNS)}")
    if len(table) == 0:
        raise ValueError(f"{path} has a header but no rows")
    for column in USED_CARS_COLUMNS:
        numbers = pd.to_numeric(table[column].str.strip(), errors="coerce")
        bad = numbers.isna() | ~np.isfinite(numbers.to_numpy(dtype=float))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{path}, line {row + 2}: column {column!r} holds {table[column].iloc[row]!r}, expected a number"
            )
        table[column] = numbers
    return table
