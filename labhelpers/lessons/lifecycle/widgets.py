"""The lifecycle lesson's widget: one button per step, each adding a row to the Experiment's
timeline and redrawing its plot. It calls the Experiment; its state is the Experiment's."""

from __future__ import annotations

import html

from ...core.table import pre
from ...widgets import Chart, run_quietly, vbox
from .experiments import Experiment
from .views import plot_timeline

__all__ = ["WIDGET_SEQUENCE", "lifecycle_widget"]

BUTTONS = ("write", "stop", "start", "restart", "remove", "recreate")
WIDGET_SEQUENCE = ("recreate", "write", "restart")


def lifecycle_widget(
    experiment: Experiment | None = None, sequence: tuple = WIDGET_SEQUENCE
) -> None:
    """One button per step (write, stop, start, restart, remove, recreate); each press does the
    step to the experiment's container, adds it to the timeline and redraws the timeline's plot
    (the cell's own image output, which a notebook viewer without a kernel shows too). The steps
    in `sequence` are done once at once. Pass the notebook's Experiment so the widget's steps
    join its timeline (without one, the widget starts its own)."""
    import ipywidgets as w
    from IPython.display import display

    experiment = experiment if experiment is not None else Experiment()
    buttons = [w.Button(description=action, layout=w.Layout(width="92px")) for action in BUTTONS]
    commands = w.HTML()
    display(
        vbox([w.HBox(buttons), commands], "buttons: write, stop, start, restart, remove, recreate")
    )
    chart = Chart()

    def press(action: str) -> None:
        commands.value = f"<i>{html.escape(action)} ...</i>"
        seen, printed = run_quietly(experiment.step, action)
        commands.value = pre(printed + (f"\n{seen!r}" if seen is not None else ""), "12em")
        if experiment.timeline().steps:
            chart.show(plot_timeline(experiment.timeline()))

    for button in buttons:
        button.on_click(lambda b: press(b.description))
    for action in sequence:
        press(action)
