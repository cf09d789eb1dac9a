"""Notebook 00's environment check: the versions requirements.txt pins against those installed."""

from __future__ import annotations

from pathlib import Path

from course import PROJECT_ROOT


def pinned_requirements(path: Path | None = None) -> dict[str, str]:
    """Return ``{package: version}`` for every ``name==version`` line of requirements.txt."""
    path = PROJECT_ROOT / "requirements.txt" if path is None else Path(path)
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip()] = version.strip()
    return pins


def requirement_mismatches(path: Path | None = None) -> list[str]:
    """Return one line per pinned package whose installed version differs (empty list: all match)."""
    from importlib.metadata import PackageNotFoundError, version

    problems = []
    for name, wanted in pinned_requirements(path).items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            problems.append(f"{name}: not installed (requirements.txt pins {wanted})")
            continue
        if installed != wanted:
            problems.append(f"{name}: {installed} installed, requirements.txt pins {wanted}")
    return problems
