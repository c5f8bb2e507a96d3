"""The quiz widget: pick an option, press Check, read why it is right or wrong."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..teaching.questions import Question, grade
from .panel import vbox

__all__ = ["quiz"]


def quiz(questions: Sequence[Question]) -> Any:
    """A quiz widget: pick an option, press Check, read why it is right or wrong."""
    import ipywidgets as w

    rows = []
    for number, question in enumerate(questions, 1):
        choice = w.RadioButtons(
            options=list(question.options), value=None, layout=w.Layout(width="max-content")
        )
        verdict = w.HTML()
        button = w.Button(description="Check", button_style="info")

        def on_click(_: Any, q: Question = question, c: Any = choice, v: Any = verdict) -> None:
            v.value = grade(q, None if c.value is None else q.options.index(c.value))

        def on_pick(_: Any, q: Question = question, c: Any = choice, v: Any = verdict) -> None:
            # Once checked, the verdict follows the pick: the front end holds a new pick back
            # while the kernel is busy, but sends a click at once, so a quick pick-and-Check
            # was judged on the old pick (and its verdict then stayed, stale).
            if v.value:
                on_click(None, q, c, v)

        button.on_click(on_click)
        choice.observe(on_pick, names="value")
        rows.append(
            w.VBox(
                [
                    w.HTML(f"<b>{number}. {html.escape(question.prompt)}</b>"),
                    choice,
                    w.HBox([button, verdict]),
                ]
            )
        )
    return vbox(rows, f"a quiz of {len(rows)} question{'s' if len(rows) != 1 else ''}")
