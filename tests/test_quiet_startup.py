"""TensorFlow's C++ start-up lines never reach a notebook, checked the way Jupyter runs it (nbclient).

Under pytest/nbval the kernel drops fd-2 output, so only a real nbclient run can show a leak.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from notebook_kernel import NOTEBOOK_DIR, run_notebook  # noqa: E402

SOURCE = """
import helpers
helpers.setup(seed=0)
import keras, numpy as np, tensorflow as tf
tf.config.list_physical_devices("GPU")
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2), keras.layers.BatchNormalization()])
model.compile(optimizer="sgd", loss="mse")
model.fit(np.ones((8, 3)), np.ones((8, 2)), epochs=1, batch_size=4, verbose=0)
print("done")
"""


def test_no_stderr_when_run_like_jupyter():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)])
    outputs = run_notebook(nb, cwd=NOTEBOOK_DIR, timeout=120).notebook.cells[0].outputs
    streams = [(o.get("name"), o.get("text", "")) for o in outputs if o.output_type == "stream"]
    assert streams == [("stdout", "done\n")], streams
