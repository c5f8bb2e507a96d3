"""Notebook 99's panel: the lab's removal behind a button. Running the cell removes nothing; a
press removes what the inventory above listed and shows what went, the space reclaimed (with the
figure) and the proof that nothing else changed. A run that records the course (the pipeline's
live run, `tools.record`) presses it: CI must leave the Engine as it found it."""

from __future__ import annotations

import base64

from ...core.table import pre
from ...replay.modes import recording
from ...widgets import run_quietly, vbox
from .experiments import MINE, remove_lab_resources
from .results import CleanupResult
from .views import plot_space

__all__ = ["CleanupPanel", "cleanup_panel"]


class CleanupPanel:
    """A button that removes what a cleanup of `scope` selects, and a pane showing the commands,
    what went, the space reclaimed and the proof. `last` is the latest removal (None before)."""

    def __init__(self, scope: str) -> None:
        import ipywidgets as w

        self.scope = scope
        self.last: CleanupResult | None = None
        everyone = " on this Engine, every account's" if scope == "everyone" else ""
        self.button = w.Button(
            description=f"Remove what the lab made{everyone}",
            button_style="danger",
            icon="trash",
            layout=w.Layout(width="max-content"),
        )
        self.shown = w.HTML("<p>Nothing removed yet: the button removes what the table lists.</p>")
        self.button.on_click(self.press)
        self.widget = vbox([self.button, self.shown], "a button that removes what the lab made")

    def press(self, *_: object) -> CleanupResult | None:
        """Remove now (what the button does); returns what went."""
        self.button.disabled = True
        outcome, printed = run_quietly(remove_lab_resources, self.scope)
        self.button.disabled = False
        if outcome is None:
            self.shown.value = pre(printed)
            return None
        from IPython.core.pylabtools import print_figure

        self.last = outcome
        figure = plot_space(outcome.before, outcome.after, outcome.inventory_bytes)
        png = base64.b64encode(print_figure(figure, "png")).decode("ascii")
        image = f"<img src='data:image/png;base64,{png}' alt='disk use before and after'>"
        self.shown.value = pre(printed) + outcome._repr_html_() + image
        return outcome

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def cleanup_panel(scope: str = MINE) -> CleanupPanel:
    """The removal on a button: running the cell removes nothing. SCOPE: MINE (what this account
    made, the default) or EVERYONE (every account's lab work on this Engine: an instructor's).
    A recording run presses it at once (a learner never records)."""
    panel = CleanupPanel(scope)
    if recording():
        panel.press()
    return panel
