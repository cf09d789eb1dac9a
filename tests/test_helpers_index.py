"""helpers.py's docstring is the index of the course's plumbing: every name it lists lives where it says, and
every name helpers re-exports from course/ is listed (so a maintainer can find anything from helpers.py alone)."""

from __future__ import annotations

import ast
import importlib
import re

import helpers
from conftest import ROOT

HELPERS_SOURCE = (ROOT / "helpers.py").read_text(encoding="utf-8")


def index() -> dict[str, list[str]]:
    """{file named in the index: the `names` listed for it}, from helpers.py's docstring."""
    doc = ast.get_docstring(ast.parse(HELPERS_SOURCE))
    block = doc[doc.index("Where things are") : doc.index("A new instrument")]
    listed: dict[str, list[str]] = {}
    current = None
    for line in block.splitlines():
        match = re.match(r"\s+(\S+\.py)\s", line)
        if match:
            current = match.group(1)
        if current:
            listed.setdefault(current, []).extend(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", line))
    return listed


def test_every_listed_name_lives_where_the_index_says_and_is_on_helpers():
    problems = []
    for path, names in index().items():
        if "*" in path:  # course/exercises/nbNN_*.py: the checkers register themselves, nothing to import
            continue
        module = (
            helpers
            if path == "helpers.py"
            else importlib.import_module(path.removesuffix(".py").removesuffix("/__init__").replace("/", "."))
        )
        problems += [f"{name}: not in {path}" for name in names if not hasattr(module, name)]
        problems += [f"{name}: not helpers.{name}" for name in names if not hasattr(helpers, name)]
    assert problems == []


def test_every_name_helpers_reexports_from_course_is_in_the_index():
    listed = {name for names in index().values() for name in names}
    reexported = [
        alias.asname or alias.name
        for node in ast.parse(HELPERS_SOURCE).body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course")
        for alias in node.names
        if not alias.name.startswith("_")
    ]
    assert reexported, "helpers.py re-exports nothing from course/?"
    assert [name for name in reexported if name not in listed] == []
