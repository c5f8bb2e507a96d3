"""Notebook 06's widgets: progress bars for the long experiments, and one trial on a button."""

from __future__ import annotations

from ...core.table import pre
from ...widgets import Progress, run_quietly, vbox
from . import experiments
from .results import BENCH_TARGETS, EVENTS, KINDS, RESTART, TMPFS, SurvivalGrid, Throughput, Trial

__all__ = ["run_survival_grid", "run_throughput", "trial_widget"]


def run_survival_grid(**kwargs) -> SurvivalGrid:
    """The survival grid (every kind of storage against every event) with a progress bar, one
    step per trial. Arguments (kinds, events, image, host_dir, prefix) go to
    `experiments.survival_grid`."""
    kinds = kwargs.get("kinds", KINDS)
    events = kwargs.get("events", EVENTS)
    bar = Progress(len(kinds) * len(events), "Trials")
    return experiments.survival_grid(on_progress=bar.update, **kwargs)


def run_throughput(size_mib: int = 128, repeats: int = 10, **kwargs) -> Throughput:
    """Write throughput per kind of storage, measured with dd, with a progress bar (one step per
    counted run). Other arguments (image, host_dir) go to `experiments.throughput`."""
    runs = repeats * 2 * len(BENCH_TARGETS) if isinstance(repeats, int) else 1
    bar = Progress(runs, "dd runs")
    measured = experiments.throughput(size_mib, repeats, on_progress=bar.update, **kwargs)
    bar.finish(f"{len(measured.timings)} runs measured")  # fewer when a kind could not run
    return measured


class TrialPanel:
    """What `trial_widget` makes; `last` is the most recent Trial (None until one has run)."""

    def __init__(self, kind: str, event: str, options: dict) -> None:
        import ipywidgets as w

        self.options = options  # passed on to experiments.trial (image, host_dir)
        self.last: Trial | None = None
        self.kinds = w.Dropdown(options=list(KINDS), value=kind, description="/data is a")
        self.events = w.Dropdown(options=list(EVENTS), value=event, description="then")
        self.button = w.Button(description="Write, do it, read back", button_style="info")
        # An HTML pane, so that the notebook's stored output does not change from run to run.
        self.shown = w.HTML()
        self.button.on_click(self.run)
        parts = [w.HBox([self.kinds, self.events, self.button]), self.shown]
        self.widget = vbox(parts, "pick a place and an event, then run one trial")

    def run(self, *_: object) -> Trial | None:
        outcome, printed = run_quietly(
            experiments.trial, self.kinds.value, self.events.value, **self.options
        )
        if outcome is not None:
            self.last = outcome
            verdict = "KEPT" if outcome.survived else "LOST"
            read = outcome.read_back or "(no such file)"
            printed += f"\nwrote: {outcome.written}\nread back: {read}\n{verdict}" + (
                f" ({outcome.note})" if outcome.note else ""
            )
        self.shown.value = pre(printed, max_height="24em")
        return outcome

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def trial_widget(kind: str = TMPFS, event: str = RESTART, **options) -> TrialPanel:
    """One cell of the grid on a button (container `mount-trial`): pick a kind of storage and an
    event, press it, read the commands and the verdict. The default pair runs once when the
    widget is made; `options` (image, host_dir) go to `experiments.trial`."""
    panel = TrialPanel(kind, event, options)
    panel.run()
    return panel
