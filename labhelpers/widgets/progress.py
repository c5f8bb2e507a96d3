"""A progress bar for long work: ipywidgets in a notebook, plain lines elsewhere."""

from __future__ import annotations

from .panel import hbox

__all__ = ["Progress"]


class Progress:
    """A bar with a label; `update(done, text)` moves it (and `total=` changes its length)."""

    def __init__(self, total: int, description: str = "") -> None:
        self.total = max(total, 1)
        self.description = description
        try:
            import ipywidgets as w
            from IPython.display import display

            self.bar = w.IntProgress(value=0, min=0, max=self.total, description=description)
            self.label = w.Label()
            display(hbox([self.bar, self.label], "a progress bar"))
        except ImportError:
            self.bar = None

    def update(self, done: int, text: str = "", total: int | None = None) -> None:
        if total:
            self.total = total
        if self.bar is not None:
            self.bar.max = self.total
            self.bar.value = min(done, self.total)
            self.label.value = f"{done}/{self.total} {text}"
        else:
            print(f"{self.description} {done}/{self.total} {text}", flush=True)

    def finish(self, text: str = "done", ok: bool = True) -> None:
        """Fill the bar (green when `ok`, red otherwise) and say how it ended."""
        if self.bar is not None:
            self.bar.value = self.bar.max if ok else self.bar.value
            self.bar.bar_style = "success" if ok else "danger"
            self.label.value = text
        else:
            print(f"{self.description} {text}", flush=True)
