"""Widget boxes that say what they are where no kernel runs.

A notebook viewer without a kernel (GitHub, nbviewer, a stored .ipynb) cannot draw a widget and
shows its text form instead, which for an ipywidgets box is its Python repr
(`VBox(children=(IntSlider(value=4, ...`). The boxes made here show one sentence instead: what
the widget is, and that running the notebook brings it to life.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

__all__ = ["hbox", "vbox"]


@functools.cache
def _box(kind: str) -> type:
    """VBox or HBox with a text form of the lab's (made on first use: ipywidgets loads slowly)."""
    import ipywidgets as w

    base = w.VBox if kind == "v" else w.HBox

    class Box(base):  # type: ignore[misc,valid-type]
        text = ""

        def __repr__(self) -> str:
            return self.text or super().__repr__()

    Box.__name__ = Box.__qualname__ = base.__name__
    return Box


def _made(kind: str, children: Sequence[Any], text: str, **kwargs: Any) -> Any:
    box = _box(kind)(list(children), **kwargs)
    box.text = f"[widget: {text}; run the notebook to use it]"
    return box


def vbox(children: Sequence[Any], text: str, **kwargs: Any) -> Any:
    """`ipywidgets.VBox(children)` whose text form is TEXT (what the widget is)."""
    return _made("v", children, text, **kwargs)


def hbox(children: Sequence[Any], text: str, **kwargs: Any) -> Any:
    """`ipywidgets.HBox(children)` whose text form is TEXT (what the widget is)."""
    return _made("h", children, text, **kwargs)
