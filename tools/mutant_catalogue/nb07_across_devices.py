"""Mutants for notebook 07 (across devices): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB07 = "notebooks/07_across_devices.ipynb"
T07 = "tests/test_07_across_devices.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "07-max-abs-signed",
        "course/devices.py",
        "largest = max(largest, float(np.max(np.abs(a - b))))",
        "largest = max(largest, float(np.max(a - b)))",
        (f"{T07}::test_max_abs_difference_by_hand",),
        "helpers.max_abs_difference (absolute value)",
    ),
    Mutant(
        "07-recorder-records-inference",
        "course/devices.py",
        "if not training:\n                return inputs",
        "if training is False:\n                return inputs",
        (f"{T07}::test_replica_batch_recorder_on_one_device",),
        "helpers.replica_batch_recorder (training steps only)",
    ),
    Mutant(
        "07-sync-bn-not-synchronized",
        NB07,
        'keras.layers.BatchNormalization(synchronized=(norm == "sync_bn"))',
        "keras.layers.BatchNormalization(synchronized=False)",
        (f"{T07}::test_bn_per_replica_changes_the_step_and_synchronized_bn_does_not",),
        "07: synchronized BN makes two replicas take the one-device step, per-replica BN does not",
    ),
]
