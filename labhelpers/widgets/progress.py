"""A progress bar for long work (ipywidgets, a dependency of the package, draws it)."""

from __future__ import annotations

from .panel import hbox

__all__ = ["Progress"]


class Progress:
    """A bar with a label; `update(done, text)` moves it (and `total=` changes its length)."""

    def __init__(self, total: int, description: str = "") -> None:
        import ipywidgets as w
        from IPython.display import display

        self.bar = w.IntProgress(value=0, min=0, max=max(total, 1), description=description)
        self.label = w.Label()
        display(hbox([self.bar, self.label], "a progress bar"))

    def update(self, done: int, text: str = "", total: int | None = None) -> None:
        if total:
            self.bar.max = total
        self.bar.value = min(done, self.bar.max)
        self.label.value = f"{done}/{self.bar.max} {text}"

    def finish(self, text: str = "done", ok: bool = True) -> None:
        """Fill the bar (green when `ok`, red otherwise) and say how it ended."""
        if ok:
            self.bar.value = self.bar.max
        self.bar.bar_style = "success" if ok else "danger"
        self.label.value = text
