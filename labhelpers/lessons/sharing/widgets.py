"""Notebook 07's widget: append a line from either side of a shared volume and read it back."""

from __future__ import annotations

from ...core.table import pre
from ...widgets import run_quietly, vbox
from .experiments import (
    READER,
    READER_FILE,
    READER_RO,
    WRITER,
    WRITER_FILE,
    append_and_read,
    names_here,
)
from .results import Exchange

__all__ = ["SharePanel", "share_widget"]


class SharePanel:
    """What `share_widget` makes; `last` is the most recent Exchange (None until one has run)."""

    def __init__(self, default: str) -> None:
        import ipywidgets as w

        self.last: Exchange | None = None
        self.line = w.Text(value=default, description="line", layout=w.Layout(width="50%"))
        writer, reader_ro = names_here((WRITER, READER_RO))  # as this Engine names them
        self.buttons = {
            WRITER: w.Button(description=f"Append in {writer}", button_style="info"),
            READER_RO: w.Button(description=f"Append in {reader_ro}", button_style="warning"),
        }
        self.shown = w.HTML()  # an HTML pane: the stored output does not change between runs
        for name, button in self.buttons.items():
            button.on_click(lambda _, name=name: self.append(name))
        parts = [w.HBox([self.line, *self.buttons.values()]), self.shown]
        self.widget = vbox(parts, "a line of text, and buttons to append it in either container")

    def append(self, container: str) -> Exchange | None:
        """Append the line in CONTAINER (which mounts the volume at /data), read it back in
        share-reader."""
        outcome, printed = run_quietly(
            append_and_read, self.line.value, container, WRITER_FILE, READER, READER_FILE
        )
        if outcome is not None:
            self.last = outcome
            printed += f"\n{outcome!r}"
        self.shown.value = pre(printed, max_height="24em")
        return outcome

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def share_widget(default: str = "hello from the widget") -> SharePanel:
    """Append a line from share-writer (read-write) or share-reader-ro (read-only), then read the
    file in share-reader. The default line is appended once, in share-writer, when the widget is
    made."""
    panel = SharePanel(default)
    panel.append(WRITER)
    return panel
