"""The exercise checkers, one module per notebook; importing this package registers all of them.

Every checker has the same shape: ``@exercise("NN.K", expects=...)`` on a function ``_check_NN_K(answer)``
that returns None for a right answer, else a hint that does not give the answer away (the registry, `check`
and `hint_for_number` are in `course.checks`). A new notebook's checkers go in a new ``nbNN_name.py``,
imported here.
"""

from course.exercises import (  # noqa: F401  (imported for their @exercise registrations)
    nb00_start_here,
    nb01_batches_epochs_steps,
    nb02_batch_size_tradeoffs,
    nb03_feature_scaling,
    nb04_why_batch_norm,
    nb05_batch_norm_from_scratch,
    nb06_with_and_without_batch_norm,
    nb07_across_devices,
)
