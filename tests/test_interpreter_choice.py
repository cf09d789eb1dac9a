"""Which Python `make lab` / `make test` build .venv with (tools/course_python.sh), tried with fake interpreters.

Each test runs in a temporary copy of the make set-up, with a PATH holding only fake `python*` commands (shell
scripts that report a version and log anything else they are asked) and the few tools make needs, so no real
Python on the machine is found and nothing is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from conftest import ROOT

SCRIPT = ROOT / "tools" / "course_python.sh"
TOOLS = ("make", "sh", "rm", "mkdir", "cp", "touch", "id", "cat", "dirname")

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("sh") is None,
    reason="needs make and sh (the interpreter choice is make's)",
)


def fake_python(bin_dir: Path, name: str, version: str | None, venv_ok: bool = True) -> Path:
    """A `name` command reporting Python `version` (None: a command that does not run, like a pyenv shim for
    a version not selected). Any other call is logged to bin_dir/calls; `-m venv DIR` makes DIR/bin/python."""
    path = bin_dir / name
    if version is None:
        body = f'echo "pyenv: {name}: command not found" >&2\nexit 127\n'
    else:
        venv = (
            'mkdir -p "$3/bin" && cp "$0" "$3/bin/python"'
            if venv_ok
            else 'mkdir -p "$3/bin"; echo "Error: ensurepip is not available" >&2; exit 1'
        )
        body = (
            f'case "$1" in\n  -c) echo {version} ;;\n'
            f'  *) echo "{name} $*" >> "$(dirname "$0")/calls"\n'
            f'     if [ "$1 $2" = "-m venv" ]; then {venv}; fi ;;\nesac\n'
        )
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


@pytest.fixture
def course(tmp_path):
    """A copy of the make set-up, a bin folder for fake pythons, and a PATH with nothing else python."""
    work = tmp_path / "course"
    (work / "tools").mkdir(parents=True)
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, work / name)
    shutil.copy(SCRIPT, work / "tools" / SCRIPT.name)
    shutil.copytree(ROOT / "jupyter", work / "jupyter")
    fakes = tmp_path / "fakes"
    tools = tmp_path / "tools"
    fakes.mkdir()
    tools.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "VENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["PATH"] = f"{fakes}:{tools}"
    return work, fakes, env


def run(cmd: list[str], work: Path, env: dict) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=60)
    return result, time.perf_counter() - start


def calls(fakes: Path) -> list[str]:
    log = fakes / "calls"
    return log.read_text().splitlines() if log.exists() else []


def test_make_test_stops_before_creating_anything_with_only_python_3_14(course):
    work, fakes, env = course
    fake_python(fakes, "python3", "3.14.0")
    result, seconds = run(["make", "test"], work, env)
    message = result.stderr
    print(message)  # the message as a learner sees it (pytest -s)
    assert result.returncode != 0
    assert seconds < 10
    assert not (work / ".venv").exists()
    assert calls(fakes) == []  # asked for its version only, never to make a venv
    assert "pip" not in result.stdout + message
    # Names the version found, the versions supported, and how to get one: one line per platform.
    assert "python3 is Python 3.14.0" in message
    assert "no python3.13, python3.12, python3.11 on PATH" in message
    assert "Python 3.11, 3.12 or 3.13" in message
    lines = message.splitlines()
    for platform, hints in {
        "Linux": ("apt install python3.13", "deadsnakes", "pyenv install 3.13"),
        "macOS": ("brew install python@3.13",),
        "Windows": ("python.org", "py -3.13 -m venv .venv"),
    }.items():
        line = [ln for ln in lines if ln.strip().startswith(platform + ":")]
        assert len(line) == 1, message
        for hint in hints:
            assert hint in line[0], line[0]
    assert "make test PYTHON=" in message
    assert "Nothing was created." in message


def test_make_lab_says_the_same(course):
    work, fakes, env = course
    fake_python(fakes, "python3", "3.14.0")
    result, _ = run(["make", "lab"], work, env)
    assert result.returncode != 0 and not (work / ".venv").exists()
    assert "python3 is Python 3.14.0" in result.stderr and "run make lab again" in result.stderr


def test_python_3_10_is_refused_too(course):
    work, fakes, env = course
    fake_python(fakes, "python3", "3.10.12")
    result, _ = run(["make", "test"], work, env)
    assert result.returncode != 0 and not (work / ".venv").exists()
    assert "python3 is Python 3.10.12" in result.stderr


def test_no_python_at_all(course):
    work, fakes, env = course
    result, _ = run(["make", "test"], work, env)
    assert result.returncode != 0 and not (work / ".venv").exists()
    assert "no Python on PATH" in result.stderr and "brew install python@3.13" in result.stderr


def test_first_supported_python_is_chosen(course):
    """python3 is 3.14, python3.13 a shim that does not run: python3.12 builds the venv, not python3.11."""
    work, fakes, env = course
    fake_python(fakes, "python3", "3.14.0")
    fake_python(fakes, "python3.13", None)
    fake_python(fakes, "python3.12", "3.12.8")
    fake_python(fakes, "python3.11", "3.11.9")
    result, _ = run(["sh", "tools/course_python.sh", ".venv", "test"], work, env)
    assert result.returncode == 0, result.stderr
    assert calls(fakes) == ["python3.12 -m venv .venv"]
    assert "creating .venv with python3.12 (Python 3.12.8)" in result.stderr
    # Once made, the venv is checked, not rebuilt.
    result, _ = run(["sh", "tools/course_python.sh", ".venv", "test"], work, env)
    assert result.returncode == 0 and result.stderr == ""
    assert calls(fakes) == ["python3.12 -m venv .venv"]


def test_python3_is_used_when_it_is_supported(course):
    work, fakes, env = course
    fake_python(fakes, "python3", "3.11.4")
    result, _ = run(["sh", "tools/course_python.sh", ".venv"], work, env)
    assert result.returncode == 0, result.stderr
    assert calls(fakes) == ["python3 -m venv .venv"]


def test_PYTHON_overrides_the_choice(course):
    work, fakes, env = course
    fake_python(fakes, "python3.13", "3.13.1")
    chosen = fake_python(fakes, "my-python", "3.11.9")
    result, _ = run(["sh", "tools/course_python.sh", ".venv"], work, dict(env, PYTHON=str(chosen)))
    assert result.returncode == 0, result.stderr
    assert calls(fakes) == ["my-python -m venv .venv"]


def test_an_unsupported_PYTHON_is_refused_not_replaced(course):
    work, fakes, env = course
    fake_python(fakes, "python3.12", "3.12.8")
    bad = fake_python(fakes, "python3.14", "3.14.0")
    result, _ = run(["make", "test", f"PYTHON={bad}"], work, env)
    assert result.returncode != 0 and not (work / ".venv").exists()
    assert f"PYTHON={bad} is Python 3.14.0" in result.stderr
    assert calls(fakes) == []


def test_a_venv_built_with_an_unsupported_python_is_reported(course):
    work, fakes, env = course
    (work / ".venv" / "bin").mkdir(parents=True)
    fake_python(work / ".venv" / "bin", "python", "3.14.0")
    fake_python(fakes, "python3", "3.14.0")
    result, seconds = run(["make", "test"], work, env)
    print(result.stderr)
    assert result.returncode != 0 and seconds < 10
    assert ".venv was built with Python 3.14.0" in result.stderr
    assert "rm -rf .venv && make test" in result.stderr
    assert "brew install python@3.13" in result.stderr  # no supported Python here either: how to get one
    assert (work / ".venv" / "bin" / "python").exists()  # reported, not deleted
    # With a supported Python on PATH, the message names the one the rebuild will use.
    fake_python(fakes, "python3.12", "3.12.8")
    result, _ = run(["make", "lab"], work, env)
    assert result.returncode != 0
    assert "Rebuild it (make uses python3.12, Python 3.12.8): rm -rf .venv && make lab" in result.stderr


def test_a_venv_whose_python_is_gone_is_reported(course):
    work, fakes, env = course
    (work / ".venv" / "bin").mkdir(parents=True)
    (work / ".venv" / "bin" / "python").symlink_to(work / "removed-python")
    fake_python(fakes, "python3.13", "3.13.1")
    result, _ = run(["make", "test"], work, env)
    assert result.returncode != 0
    assert ".venv is broken: its python does not run" in result.stderr
    assert "rm -rf .venv && make test" in result.stderr


def test_a_failed_venv_creation_leaves_nothing_behind(course):
    work, fakes, env = course
    fake_python(fakes, "python3.12", "3.12.8", venv_ok=False)
    result, _ = run(["make", "test"], work, env)
    assert result.returncode != 0
    assert not (work / ".venv").exists()
    assert "sudo apt install python3.12-venv" in result.stderr


def test_this_environment_passes_the_check():
    result = subprocess.run(["sh", str(SCRIPT), sys.prefix], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_supported_versions_agree_with_requires_python():
    script = SCRIPT.read_text()
    supported = re.search(r'^SUPPORTED="([^"]+)"', script, re.M).group(1).split()
    candidates = re.search(r'^CANDIDATES="([^"]+)"', script, re.M).group(1).split()
    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    for minor in range(6, 20):
        version = f"3.{minor}"
        assert (version in supported) == spec.contains(f"{version}.0"), version
    assert candidates == [f"python{v}" for v in sorted(supported, key=lambda v: -int(v.split(".")[1]))] + ["python3"]
    # The README's set-up section says which Pythons work.
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"Python 3\.11, 3\.12 (and|or) 3\.13", readme)


def test_the_readme_shows_the_message_as_printed(course):
    """The README's example is what `make lab` prints with only a Python 3.14 `python3` on PATH."""
    work, fakes, env = course
    fake_python(fakes, "python3", "3.14.0")
    result, _ = run(["make", "lab"], work, env)
    printed = [ln for ln in result.stderr.splitlines() if not ln.startswith("make")]
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```\n(error: no supported Python found\..*?)\n```", readme, re.S)
    assert block, "README's Set-up section shows no example of the message"
    assert block.group(1).splitlines() == printed
