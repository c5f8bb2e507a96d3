"""Notebook 00's widget: the lab's preparation with a progress bar."""

from __future__ import annotations

import os

from ...core.table import pre
from ...engine import name_plan, use_lecture_names
from ...widgets import Progress, run_quietly, vbox
from .experiments import prepare_lab
from .results import Preparation

__all__ = ["NamesPanel", "names_panel", "prepare_with_progress"]


def prepare_with_progress(
    context: str | os.PathLike = "my-app", tag: str = "my-image"
) -> Preparation:
    """Prepare the lab (the lesson's files in CONTEXT, the base image, the image TAG) with a
    progress bar for the 3 parts and the build's step N of M; returns what is in place."""
    parts = Progress(3, "Preparing")
    current = {"text": ""}

    def on_progress(done: int, text: str) -> None:
        current["text"] = text
        parts.update(done, text)

    def on_build_step(step: int, total: int, instruction: str) -> None:
        parts.update(2, f"{current['text']}: step {step}/{total} {instruction[:40]}")

    preparation = prepare_lab(context, tag, on_progress=on_progress, on_build_step=on_build_step)
    ready = preparation.ready
    parts.finish("ready" if ready else "something is missing: see the table", ok=ready)
    return preparation


class NamesPanel:
    """The course's names on this Engine, and a button to use the lecture's names again (which
    removes the learner's own resources of those names, and only those). `.plan` is the last
    plan shown."""

    def __init__(self) -> None:
        import ipywidgets as w

        self.plan = name_plan(refresh=True)  # the course's names on this Engine
        self.shown = w.HTML()
        self.button = w.Button(
            description="Remove mine and use the lecture's names",
            button_style="danger",
            icon="trash",
            layout=w.Layout(width="max-content"),
        )
        self.button.on_click(self._press)
        self.box = vbox(
            [self.shown, self.button],
            "your resources with the lecture's names, and a button to remove them",
        )
        self._show("")

    def _show(self, printed: str) -> None:
        mine = [c.name for c in self.plan.clashes]
        self.button.disabled = not self.plan.prefix
        said = (
            f"The course uses '{self.plan.prefix}' names: {', '.join(mine)} are yours."
            if self.plan.prefix
            else "The course uses the lecture's names: none of them is yours."
        )
        self.shown.value = (pre(printed) if printed else "") + (
            f"<p>{said}</p>" + self.plan._repr_html_()
        )

    def _press(self, *_: object) -> None:
        """Remove the learner's own resources that hold the lecture's names (only those), then
        use the lecture's names: only ever done by this button, which the learner presses."""
        chosen, printed = run_quietly(use_lecture_names, remove_mine=True)
        if chosen is not None:
            self.plan = chosen
        self._show(printed)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)


def names_panel() -> NamesPanel:
    """The table of the course's names (lecture's, or with the lab's prefix) and the only way the
    lab ever removes something of yours: a button you press."""
    return NamesPanel()
