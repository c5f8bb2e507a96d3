"""A widget's plot as the cell's own output: a stored image that notebook viewers show without a
kernel (GitHub, nbviewer render stored outputs, never widget state), redrawn in place when the
widget runs again."""

from __future__ import annotations

from typing import Any

__all__ = ["Chart"]


# The chart's text form, the same before and after it is drawn: nbval (which compares text, not
# images, and ignores display updates) sees the placeholder where the stored notebook holds the
# figure, and the two must agree.
TEXT = "[chart]"


class Chart:
    """Where a widget draws its figure. Made where the figure belongs among the widget's parts
    (it takes its place in the cell's outputs at once); `show(figure)` puts the figure there as
    an image, and replaces it on each later call (a display id), from the cell or from a button's
    callback."""

    def __init__(self) -> None:
        from IPython.display import display

        self._handle: Any = display({"text/plain": TEXT}, raw=True, display_id=True)

    def show(self, figure: Any) -> None:
        if self._handle is not None:
            import base64

            from IPython.core.pylabtools import print_figure

            # The whole canvas, as the view's tight_layout arranged it: IPython's default crop
            # (bbox_inches="tight") lays the figure out once more before drawing it, which made
            # a widget's redraw a third slower.
            drawn = print_figure(figure, "png", bbox_inches=None)
            png = base64.b64encode(drawn).decode("ascii")
            self._handle.update({"image/png": png, "text/plain": TEXT}, raw=True)
        try:  # drawn once as an image: the figure itself is not kept open
            import matplotlib.pyplot as plt

            plt.close(figure)
        except Exception:  # not a pyplot figure: nothing to close
            pass
