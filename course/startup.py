"""Quiet start-up: TensorFlow and Keras imported without their C++ start-up log.

`helpers.setup` calls it first; every instrument that builds a model calls it too, so it also works
without the setup cell (in tests, in a worker process).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to the null device for the duration of the block.

    TensorFlow's C++ runtime prints its start-up lines straight to fd 2 before it
    reads TF_CPP_MIN_LOG_LEVEL, so redirecting Python's `sys.stderr` is not enough.
    """
    try:
        sys.stderr.flush()
    except (AttributeError, ValueError):
        pass
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def import_keras_quietly():
    """Import TensorFlow and Keras without their C++ start-up log, and return `keras`.

    Safe to call many times; only the first call does the work.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # later C++ info and warning lines
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "keras" not in sys.modules or "tensorflow" not in sys.modules:
        with _stderr_silenced():
            import tensorflow  # prints its start-up lines here, into the void

            # Looking for devices logs "failed call to cuInit" on machines without a GPU: do it now, quietly.
            tensorflow.config.list_physical_devices()
            import keras  # noqa: F401
    import keras

    return keras
