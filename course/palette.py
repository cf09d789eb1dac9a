"""The course's colours, line styles and markers, shared by the plot style (`helpers.setup`) and every figure."""

from __future__ import annotations

# Okabe-Ito colours (readable by colour-blind readers), each paired with its own
# line style and marker so the figures also work when printed in black and white.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
