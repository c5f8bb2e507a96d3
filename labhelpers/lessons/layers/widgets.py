"""Notebook 01's widgets: a build with a live progress bar and a collapsible log, the layer chart
with a linear/log switch, and "add a layer".

Widgets only call the lesson's experiments and show what they return. Each widget is displayed
first and then filled, and writes into its Output areas with `append_stdout` /
`append_display_data` (never `with output:`), so a notebook run unattended stores the same cell
outputs that nbval sees when it runs the notebook again. Charts are the cell's own image output
(`widgets.Chart`), so a notebook viewer without a kernel shows them too. What a widget has done
so far is kept by the object it returns (`AddLayerPanel`), not by the module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ...core.errors import BuildFailed
from ...core.inputs import check_slider
from ...core.table import Table, TableShown
from ...widgets import Chart, run_quietly, vbox
from .experiments import ADD_LAYER_CHOICES, add_layer, build, extra_instruction
from .results import AddLayerResult, BuildAttempt, LayerReport, attempt_from_failure
from .views import describe_build_failure, experiments_table

__all__ = ["AddLayerPanel", "add_layer_widget", "build_with_progress", "layer_chart"]


def _widgets():
    import ipywidgets as w
    from IPython.display import display

    return w, display


def _show_in(output: Any, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an experiment with what it printed (and any lab error) shown in `output`; returns its
    result, or None after a lab error."""
    value, printed = run_quietly(action, *args, **kwargs)
    if printed:
        output.append_stdout(printed)
    return value


def build_with_progress(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    base_image: str | None = None,
    raise_on_failure: bool = True,
) -> BuildAttempt:
    """`docker build` of CONTEXT as TAG with a live progress bar (step N of M) and the build
    log streaming into a collapsible box. A failed build shows its failing step and the log's
    last lines; it then raises BuildFailed, unless `raise_on_failure` is False."""
    w, display = _widgets()
    bar = w.IntProgress(value=0, min=0, max=1, description="Building", bar_style="info")
    status = w.Label(value=f"docker build of {tag}: starting")
    log = w.Output(layout=w.Layout(max_height="320px", overflow="auto"))
    log_box = w.Accordion(children=[log], titles=("Build log (click to open)",))
    log_box.selected_index = None
    failure = w.Output()
    display(vbox([w.HBox([bar, status]), log_box, failure], "the build's progress bar and log"))

    def on_progress(step: int, total: int, instruction: str) -> None:
        bar.max, bar.value = total, step
        status.value = f"Step {step}/{total}: {instruction[:70]}"

    def on_log(line: str) -> None:
        log.append_stdout(line + "\n")

    try:
        attempt = build(context, tag, base_image, on_progress=on_progress, on_log=on_log)
    except BuildFailed as exc:
        bar.bar_style = "danger"
        status.value = f"Failed at {exc.step or 'the start'}"
        log_box.selected_index = 0
        failure.append_stdout(describe_build_failure(exc) + "\n")
        if raise_on_failure:
            raise
        return attempt_from_failure(tag, exc)
    bar.bar_style = "success"
    bar.value = bar.max
    status.value = f"Built {attempt.tag}: {attempt.steps_total} steps"
    return attempt


def layer_chart(report: LayerReport, scale: str = "linear") -> None:
    """The layer chart of REPORT (`report.plot()`), with buttons that switch between a linear and
    a log scale."""
    w, display = _widgets()
    switch = w.ToggleButtons(options=["linear", "log"], value=scale, description="scale")
    said = w.Output()
    display(vbox([switch, said], "a linear/log switch for the chart below"))
    chart = Chart()

    def draw(chosen: str) -> None:
        said.outputs = ()
        figure = _show_in(said, report.plot, chosen)
        if figure is not None:
            chart.show(figure)

    switch.observe(lambda change: draw(change["new"]), names="value")
    draw(scale)


def _add_within(slider: tuple[int, int], choice: str, size_mib: Any, *args: Any) -> AddLayerResult:
    """`add_layer`, for a size the slider (SLIDER: its min and max) could show."""
    if choice in ("run", "copy"):
        check_slider(size_mib, *slider, "the new layer's MiB")
    return add_layer(choice, size_mib, *args)


class AddLayerPanel(TableShown):
    """What the "add a layer" widget has tried so far (newest last); shows as their table."""

    def __init__(self) -> None:
        self.experiments: list[AddLayerResult] = []

    @property
    def last(self) -> AddLayerResult | None:
        return self.experiments[-1] if self.experiments else None

    def table(self) -> Table:
        return experiments_table(self.experiments)


def add_layer_widget(
    from_image: str = "my-image",
    tag: str = "my-image-plus",
    directory: str | os.PathLike = "my-app/plus",
    choice: str = "run",
    size_mib: int = 5,
) -> AddLayerPanel:
    """Pick an instruction, press Rebuild: TAG is rebuilt as FROM_IMAGE plus that instruction,
    and the history table, the chart and the list of experiments update.

    Runs the default choice once (so an unattended run has outputs). Returns the panel that keeps
    the experiments: keep it in a variable and show it again to see the table of them.

    Raises:
        BadInput: a CHOICE the dropdown does not hold, or a SIZE_MIB its slider (1 to 50) could
            not show (checked before anything is shown or built: a slider would quietly move it).
    """
    extra_instruction(choice)  # an unknown choice: BadInput, not the dropdown's TraitError
    if choice in ("run", "copy"):
        check_slider(size_mib, 1, 50, "the new layer's MiB")
    w, display = _widgets()
    picker = w.Dropdown(
        options=[(label, key) for key, label in ADD_LAYER_CHOICES.items()],
        value=choice,
        description="instruction",
        style={"description_width": "initial"},
    )
    size = w.IntSlider(value=size_mib, min=1, max=50, description="N (MiB)")
    size.disabled = choice not in ("run", "copy")
    button = w.Button(description="Rebuild", button_style="primary", icon="cubes")
    bar = w.IntProgress(value=0, min=0, max=1, description="Building")
    effect = w.Output()
    tried = w.Output()
    table = w.Output()
    scale = w.ToggleButtons(options=["linear", "log"], value="log", description="scale")
    history = w.Accordion(children=[table], titles=(f"docker image history {tag}",))
    parts = [w.HBox([picker, size, button]), bar, effect, tried, history, scale]
    display(vbox(parts, "pick an instruction to add, its size, and Rebuild"))
    chart = Chart()
    panel = AddLayerPanel()

    def on_progress(step: int, total: int, _instruction: str) -> None:
        bar.max, bar.value = total, step

    def draw_chart(_: Any = None) -> None:
        if panel.last is not None:
            chart.show(panel.last.report.plot(scale.value))

    def rebuild(_: Any = None, size_mib: int | None = None) -> None:
        """The button's callback: rebuild with SIZE_MIB (by default what the slider shows)."""
        chosen = size.value if size_mib is None else size_mib
        for area in (effect, table):
            area.outputs = ()
        bar.value, bar.bar_style = 0, "info"
        outcome = _show_in(
            effect,
            _add_within,
            (size.min, size.max),
            picker.value,
            chosen,
            from_image,
            tag,
            directory,
            on_progress,
        )
        if outcome is None:
            bar.bar_style = "danger"
            return
        bar.bar_style = "success"
        panel.experiments.append(outcome)
        effect.append_stdout(repr(outcome) + "\n")
        tried.outputs = ()
        tried.append_display_data(panel.table())
        table.append_display_data(outcome.report.table())
        history.titles = (f"docker image history {outcome.tag}",)  # as the Engine names it
        draw_chart()

    picker.observe(
        lambda change: setattr(size, "disabled", change["new"] not in ("run", "copy")),
        names="value",
    )
    button.on_click(rebuild)
    scale.observe(draw_chart, names="value")
    rebuild()
    return panel
