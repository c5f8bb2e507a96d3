"""Notebook 05's widget: write a line from a new container, remove the container, read the line
back from the volume. It calls the lesson's experiment and shows what it printed and returned."""

from __future__ import annotations

from typing import Any

from ...core.table import pre, yes_no
from ...widgets import run_quietly, vbox
from .experiments import write_remove_read

__all__ = ["survival_widget"]


def survival_widget(volume: str = "my-vol", default: str = "written before docker rm -f") -> Any:
    """A text box and a button: each press writes the line from a new container, removes the
    container and reads the volume's notes.txt back; the default line is written once at once.
    What it printed and found shows in an HTML pane of its own, so the stored output stays the
    same from run to run."""
    import ipywidgets as w

    box = w.Text(value=default, description="line", layout=w.Layout(width="60%"))
    button = w.Button(description="Write, rm -f, read back", button_style="info")
    shown = w.HTML()

    def go(*_: object) -> None:
        outcome, text = run_quietly(write_remove_read, box.value, volume)
        if outcome is not None:
            text += (
                f"\nnotes.txt in {outcome.volume} now holds:\n{outcome.read_back}"
                f"survived the container's removal: {yes_no(outcome.survived)}"
            )
        shown.value = pre(text, max_height="24em")

    button.on_click(go)
    go()
    return vbox([w.HBox([box, button]), shown], "a text box and a button")
