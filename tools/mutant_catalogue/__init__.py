"""The catalogue of `make mutants` (tools/mutants.py): small plausible bugs, one module per notebook.

Each module lists its notebook's mutants (``shared``: what every notebook uses) as `Mutant` records: a file,
an exact piece of its text and its replacement, the claim or helper the bug breaks, the tests that should
catch it. A new mutant goes in its notebook's module; `MUTANTS` is every one of them, in notebook order.
"""

from __future__ import annotations

from . import (
    nb00_start_here,
    nb01_batches_epochs_steps,
    nb02_batch_size_tradeoffs,
    nb03_feature_scaling,
    nb04_why_batch_norm,
    nb05_batch_norm_from_scratch,
    nb06_with_and_without_batch_norm,
    nb07_across_devices,
    shared,
)
from .mutant import Mutant

MUTANTS: list[Mutant] = [
    *shared.MUTANTS,
    *nb00_start_here.MUTANTS,
    *nb01_batches_epochs_steps.MUTANTS,
    *nb02_batch_size_tradeoffs.MUTANTS,
    *nb03_feature_scaling.MUTANTS,
    *nb04_why_batch_norm.MUTANTS,
    *nb05_batch_norm_from_scratch.MUTANTS,
    *nb06_with_and_without_batch_norm.MUTANTS,
    *nb07_across_devices.MUTANTS,
]
