"""A widget's plot as the cell's own output: a stored image that notebook viewers show without a
kernel (GitHub, nbviewer render stored outputs, never widget state), redrawn in place when the
widget runs again."""

from __future__ import annotations

from typing import Any

__all__ = ["Chart"]


class Chart:
    """Where a widget draws its figure. Made where the figure belongs among the widget's parts
    (it takes its place in the cell's outputs at once); `show(figure)` puts the figure there as
    an image, and replaces it on each later call (a display id), from the cell or from a button's
    callback."""

    def __init__(self) -> None:
        from IPython.display import HTML, display

        self._handle: Any = display(HTML(""), display_id=True)

    def show(self, figure: Any) -> None:
        if self._handle is not None:
            self._handle.update(figure)
        try:  # drawn once as an image: the figure itself is not kept open
            import matplotlib.pyplot as plt

            plt.close(figure)
        except Exception:  # not a pyplot figure: nothing to close
            pass
