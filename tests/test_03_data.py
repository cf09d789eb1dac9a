"""data/used_cars.csv: the generator reproduces it byte for byte, the data card matches it, the loader is safe."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

import course.data
import helpers

GENERATOR = helpers.DATA_DIR / "make_used_cars.py"
CSV = helpers.DATA_DIR / "used_cars.csv"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_used_cars", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_csv_byte_for_byte(tmp_path):
    written = load_generator().write_csv(tmp_path)
    assert written.name == CSV.name
    assert written.read_bytes() == CSV.read_bytes()


def test_generator_runs_as_a_script_into_another_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, str(GENERATOR), str(tmp_path / "out")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / CSV.name).read_bytes() == CSV.read_bytes()


def test_file_is_small_plain_csv_with_unix_line_endings():
    raw = CSV.read_bytes()
    assert len(raw) < 200_000
    assert b"\r" not in raw and raw.endswith(b"\n")
    assert raw.decode("ascii").splitlines()[0] == ",".join(helpers.USED_CARS_COLUMNS)


def test_loader_finds_the_data_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cars = helpers.load_used_cars()
    assert tuple(cars.columns) == helpers.USED_CARS_COLUMNS
    assert len(cars) == 800
    assert all(np.issubdtype(dtype, np.number) for dtype in cars.dtypes)
    assert not cars.isna().any().any()


def test_the_table_is_plausible():
    cars = helpers.load_used_cars()
    assert 10_000 < cars["miles_driven"].median() < 200_000  # tens of thousands of miles
    assert cars["age_years"].between(0, 20).all() and cars["engine_litres"].between(0.8, 6).all()
    corr = cars.corr()["price_usd"]
    assert corr["age_years"] < -0.5 and corr["miles_driven"] < -0.5  # price falls with age and mileage
    assert corr["engine_litres"] > 0.3  # and rises with engine size
    assert cars["miles_driven"].max() / cars["age_years"].max() > 20_000  # "more than 20,000 times"


def test_data_card_states_the_files_real_numbers():
    card = (helpers.DATA_DIR / "README.md").read_text(encoding="utf-8")
    cars = helpers.load_used_cars()
    assert f"{len(CSV.read_bytes()):,} bytes" in card and f"{len(cars)} used cars" in card
    m = cars["miles_driven"]
    assert f"{m.min():,} to {m.max():,}" in card and f"{m.mean():,.0f} | {m.std(ddof=0):,.0f}" in card
    a, e, p = cars["age_years"], cars["engine_litres"], cars["price_usd"]
    assert f"{a.min():.1f} to {a.max():.1f} | {a.mean():.2f} | {a.std(ddof=0):.2f}" in card
    assert f"{e.min():.1f} to {e.max():.1f} | {e.mean():.2f} | {e.std(ddof=0):.2f}" in card
    assert f"{p.min():,} to {p.max():,} | {p.mean():,.0f} | {p.std(ddof=0):,.0f}" in card
    assert "synthetic" in card.lower() and "License" in card and "seed 2018" in card
    assert f"correlation about {cars['miles_driven'].corr(cars['age_years']):.1f}" in card
    X = np.column_stack([cars[list(helpers.USED_CARS_COLUMNS[:3])].to_numpy(float), np.ones(len(cars))])
    y = cars["price_usd"].to_numpy(float)
    residual = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    assert f"explains about {100 * (1 - residual.var() / y.var()):.0f}% of its variance" in card


def test_missing_file_error_names_the_file_and_the_fix(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"nope\.csv.*make_used_cars\.py"):
        helpers.load_used_cars(tmp_path / "nope.csv")
    monkeypatch.setattr(course.data, "DATA_DIR", tmp_path)  # as if data/ had lost its file
    with pytest.raises(FileNotFoundError, match=r"used_cars\.csv"):
        helpers.load_used_cars()


@pytest.mark.parametrize(
    "content, message",
    [
        ("", r"bad\.csv is not a readable"),
        ("miles,age,engine,price\n1,2,3,4\n", r"bad\.csv has columns .*expected"),
        ("miles_driven,age_years,engine_litres,price_usd\n", r"bad\.csv has a header but no rows"),
        (
            "miles_driven,age_years,engine_litres,price_usd\n1000,2.0,1.6,9000\n2000,old,1.6,8000\n",
            r"bad\.csv, line 3: column 'age_years' holds 'old', expected a number",
        ),
        ("miles_driven,age_years,engine_litres,price_usd\n1000,2.0,,9000\n", r"line 2: column 'engine_litres'"),
        ("miles_driven,age_years,engine_litres,price_usd\n1000,2.0,1.6,inf\n", r"line 2: column 'price_usd'"),
    ],
)
def test_malformed_file_error_names_the_file_and_the_problem(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        helpers.load_used_cars(bad)


@pytest.mark.parametrize("path", [123, ["data/used_cars.csv"], b"data/used_cars.csv"])
def test_path_of_the_wrong_type_is_a_type_error_naming_the_argument(path):
    with pytest.raises(TypeError, match="path must be"):
        helpers.load_used_cars(path)


def test_loader_accepts_a_string_path():
    assert len(helpers.load_used_cars(str(CSV))) == 800
