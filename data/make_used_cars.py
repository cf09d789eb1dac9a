"""Generate data/used_cars.csv: a synthetic table of used cars and their asking prices.

Usage::

    python data/make_used_cars.py            # (re)writes data/used_cars.csv beside this script
    python data/make_used_cars.py OUT_DIR    # writes OUT_DIR/used_cars.csv instead

The table is made up (see data/README.md). The seed and the number formats are fixed,
so every run writes the same bytes; tests/test_03_data.py checks that.
Needs only NumPy and the standard library.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 2018
N_CARS = 800
FILE_NAME = "used_cars.csv"
COLUMNS = ("miles_driven", "age_years", "engine_litres", "price_usd")
ENGINE_SIZES = (1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.5, 3.0, 3.5, 5.0)
ENGINE_SHARES = (0.05, 0.10, 0.15, 0.20, 0.15, 0.15, 0.08, 0.06, 0.04, 0.02)


def make_rows(n_cars: int = N_CARS, seed: int = SEED) -> list[tuple[str, str, str, str]]:
    """Return the table's rows as already formatted strings (one tuple per car).

    A car's price starts from a new-car price that grows with engine size, loses about
    8% of its value per year of age and about 1.8% per 10,000 miles, and carries
    multiplicative noise of about 10% (condition, colour, the seller's mood).
    """
    rng = np.random.default_rng(seed)
    age = np.round(rng.uniform(0.5, 15.0, n_cars), 1)
    # Miles per year differ a lot from driver to driver, so miles and age are related but far from identical.
    miles_per_year = rng.uniform(2_000, 22_000, n_cars)
    miles = np.round(age * miles_per_year + rng.uniform(0, 3_000, n_cars)).astype(int)
    engine = rng.choice(np.array(ENGINE_SIZES), size=n_cars, p=np.array(ENGINE_SHARES))
    new_price = 16_000 + 7_000 * (engine - 1.0)
    price = new_price * np.exp(-0.08 * age) * np.exp(-miles / 550_000) * rng.lognormal(0.0, 0.10, n_cars)
    price = np.maximum(500, np.round(price / 10) * 10).astype(int)
    return [(f"{m:d}", f"{a:.1f}", f"{e:.1f}", f"{p:d}") for m, a, e, p in zip(miles, age, engine, price)]


def write_csv(out_dir: Path) -> Path:
    """Write ``used_cars.csv`` into `out_dir` (created if needed) and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [",".join(COLUMNS)] + [",".join(row) for row in make_rows()]
    path = out_dir / FILE_NAME
    # newline="\n" and an explicit encoding: the same bytes on every operating system.
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    print(f"wrote {write_csv(target)}")
