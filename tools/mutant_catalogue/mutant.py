"""One mutant: a small plausible bug, where it goes, and the tests that should catch it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # relative to the repository root; .ipynb: the text is looked up in the code cells' sources
    old: str
    new: str
    tests: tuple[str, ...]  # pytest node ids (file::test, a parametrized test runs all its cases)
    breaks: str  # the claim or helper the bug makes wrong
