"""The course's instruments, data loading and exercise checkers, one module per concern.

Notebooks import `helpers` (beside this package), which re-exports everything here by name; its docstring is
the index of which module holds what. Modules here never import `helpers`.
"""

from __future__ import annotations

from pathlib import Path

#: The course folder (the one holding helpers.py, data/ and requirements.txt), wherever it is checked out.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
