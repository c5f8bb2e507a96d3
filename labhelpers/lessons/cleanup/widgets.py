"""Notebook 99's panel: remove everything the lab made on a button, and keep what it removed."""

from __future__ import annotations

from ...core.errors import LabError
from ...core.table import Table, pre
from ...widgets import run_quietly, vbox
from . import experiments
from .results import CleanupResult

__all__ = ["CleanupPanel", "cleanup_panel"]


class CleanupPanel:
    """A button that removes everything with the lab's label, and a pane showing the commands,
    what went and the space reclaimed. `last` is the most recent removal (None until one ran)."""

    def __init__(self, session_only: bool) -> None:
        import ipywidgets as w

        self.session_only = session_only
        self.last: CleanupResult | None = None
        self.button = w.Button(
            description="Remove everything the lab made",
            button_style="danger",
            layout=w.Layout(width="max-content"),
        )
        # An HTML pane, so that the notebook's stored output does not change from run to run.
        self.shown = w.HTML()
        self.button.on_click(self.remove)
        self.widget = vbox([self.button, self.shown], "a button that removes what the lab made")

    def remove(self, *_: object) -> CleanupResult | None:
        """Remove the lab's resources now (what the button does)."""
        outcome, printed = run_quietly(experiments.remove_lab_resources, self.session_only)
        if outcome is None:
            self.shown.value = pre(printed)
            return None
        self.last = outcome
        self.shown.value = pre(printed) + outcome.table()._repr_html_()
        return outcome

    def preview(self) -> None:
        """Show what the button would remove (the inventory), and remove nothing."""
        listed, printed = run_quietly(experiments.inventory, self.session_only)
        table = listed.table()._repr_html_() if listed is not None else ""
        self.shown.value = pre(printed + "\nPress the button to remove these:") + table

    def last_cleanup(self) -> Table:
        """The table of this panel's most recent removal.

        Raises:
            LabError: nothing has been removed through this panel yet.
        """
        if self.last is None:
            raise LabError(
                "Nothing has been removed yet in this notebook.",
                "the panel above was made with remove_now=False and its button not pressed.",
                "press the button above, or run the panel's cell with remove_now=True.",
            )
        return self.last.table()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def cleanup_panel(remove_now: bool = True, session_only: bool = False) -> CleanupPanel:
    """A button that removes everything with the lab's label and shows what went and the space
    reclaimed (`panel.last_cleanup()` shows it again). With `remove_now` it removes at once
    (so the notebook runs unattended); otherwise it lists what would go and waits for the
    button."""
    panel = CleanupPanel(session_only)
    if remove_now:
        panel.remove()
    else:
        panel.preview()
    return panel
