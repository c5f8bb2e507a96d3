"""Notebook 04's widget: a dropdown of volume-driver examples showing the commands of the one
picked. The examples are data, most of them not run; the course's names in them are this
Engine's (`experiments.driver_examples`)."""

from __future__ import annotations

import html
from typing import Any

from ...widgets import vbox
from .experiments import driver_examples

__all__ = ["driver_explorer"]


def driver_explorer(initial: int = 0) -> Any:
    """A dropdown of the volume-driver examples; shows the commands of the one picked (the first
    one at once, so the cell has output without a click)."""
    import ipywidgets as w

    examples = driver_examples()
    names = [e.name for e in examples]
    pick = w.Dropdown(
        options=names, value=names[initial], description="driver", layout=w.Layout(width="70%")
    )
    shown = w.HTML()

    def render(*_: object) -> None:
        example = examples[names.index(pick.value)]
        shown.value = f"<pre>{html.escape(example.text())}</pre>"

    pick.observe(render, names="value")
    render()
    return vbox([pick, shown], "pick a volume driver to see its example")
