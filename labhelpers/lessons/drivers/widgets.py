"""Notebook 04's widget: a dropdown of volume-driver examples showing the commands of the one
picked. It reaches no Engine (the examples are data, most of them not run)."""

from __future__ import annotations

import html
from typing import Any

from .views import VOLUME_DRIVER_EXAMPLES

__all__ = ["driver_explorer"]


def driver_explorer(initial: int = 0) -> Any:
    """A dropdown of the volume-driver examples; shows the commands of the one picked (the first
    one at once, so the cell has output without a click)."""
    import ipywidgets as w

    names = [e.name for e in VOLUME_DRIVER_EXAMPLES]
    pick = w.Dropdown(
        options=names, value=names[initial], description="driver", layout=w.Layout(width="70%")
    )
    shown = w.HTML()

    def render(*_: object) -> None:
        example = VOLUME_DRIVER_EXAMPLES[names.index(pick.value)]
        shown.value = f"<pre>{html.escape(example.text())}</pre>"

    pick.observe(render, names="value")
    render()
    return w.VBox([pick, shown])
