"""Widgets for notebook 01: a build with a live progress bar and a collapsible log, the layer
chart with a linear/log switch, and "add a layer".

Widgets only call the plain functions in `layers` and show what they return. Each widget is
displayed first and then filled, and writes into its Output areas with `append_stdout` /
`append_display_data` (never `with output:`), so a notebook run unattended stores the same
cell outputs that nbval sees when it runs the notebook again.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from typing import Any

from . import layers
from ._errors import BuildFailed, LabError
from .images import build_image


def _widgets():
    import ipywidgets as w
    from IPython.display import display

    return w, display


def _show_in(output: Any, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a helper with what it prints (the docker commands) and any lab error shown in
    `output`; returns the helper's result, or None after an error."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            return action(*args, **kwargs)
    except LabError as exc:
        printed.write(f"{type(exc).__name__}: {exc}\n")
        return None
    finally:
        if printed.getvalue():
            output.append_stdout(printed.getvalue())


def _build_view(tag: str):
    w, _ = _widgets()
    bar = w.IntProgress(value=0, min=0, max=1, description="Building", bar_style="info")
    status = w.Label(value=f"docker build of {tag}: starting")
    log = w.Output(layout=w.Layout(max_height="320px", overflow="auto"))
    log_box = w.Accordion(children=[log], titles=("Build log (click to open)",))
    log_box.selected_index = None

    def on_progress(step: int, total: int, instruction: str) -> None:
        bar.max = total
        bar.value = step
        status.value = f"Step {step}/{total}: {instruction[:70]}"

    def on_log(line: str) -> None:
        log.append_stdout(line + "\n")

    return bar, status, log_box, on_progress, on_log


def build_with_progress(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    base_image: str | None = None,
    raise_on_failure: bool = True,
) -> layers.BuildAttempt:
    """`docker build` of CONTEXT as TAG with a live progress bar (step N of M) and the build
    log streaming into a collapsible box. A failed build shows its failing step and the log's
    last lines; it then raises BuildFailed, unless `raise_on_failure` is False."""
    w, display = _widgets()
    bar, status, log_box, on_progress, on_log = _build_view(tag)
    failure = w.Output()
    display(w.VBox([w.HBox([bar, status]), log_box, failure]))
    try:
        built = build_image(context, tag, base_image, on_progress=on_progress, on_log=on_log)
    except BuildFailed as exc:
        bar.bar_style = "danger"
        status.value = f"Failed at {exc.step or 'the start'}"
        log_box.selected_index = 0
        failure.append_stdout(layers.describe_build_failure(exc) + "\n")
        if raise_on_failure:
            raise
        return layers.attempt_from_failure(tag, exc)
    bar.bar_style = "success"
    bar.value = bar.max
    status.value = f"Built {tag}: {built.steps_total} steps"
    return layers.attempt_from_build(built)


def layer_chart(report: layers.LayerReport, scale: str = "linear") -> None:
    """The layer chart, with buttons that switch between a linear and a log scale."""
    w, display = _widgets()
    switch = w.ToggleButtons(options=["linear", "log"], value=scale, description="scale")
    chart = w.Output()
    display(w.VBox([switch, chart]))

    def draw(chosen: str) -> None:
        chart.outputs = ()
        figure = _show_in(chart, layers.plot_layers, report, chosen)
        if figure is not None:
            chart.append_display_data(figure)

    switch.observe(lambda change: draw(change["new"]), names="value")
    draw(scale)


def add_layer_widget(
    from_image: str = "my-image",
    tag: str = "my-image-plus",
    directory: str | os.PathLike = "my-app/plus",
    choice: str = "run",
    size_mib: int = 5,
) -> layers.AddLayerResult | None:
    """Pick an instruction, press Rebuild: TAG is rebuilt as FROM_IMAGE plus that instruction,
    and the history table, the chart and the list of experiments update.

    Runs the default choice once (so an unattended run has outputs) and returns its result.
    """
    w, display = _widgets()
    picker = w.Dropdown(
        options=[(label, key) for key, label in layers.ADD_LAYER_CHOICES.items()],
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
    chart = w.Output()
    display(
        w.VBox(
            [
                w.HBox([picker, size, button]),
                bar,
                effect,
                tried,
                w.Accordion(children=[table], titles=(f"docker image history {tag}",)),
                scale,
                chart,
            ]
        )
    )
    experiments: list[layers.AddLayerResult] = []

    def on_progress(step: int, total: int, _instruction: str) -> None:
        bar.max, bar.value = total, step

    def draw_chart(_: Any = None) -> None:
        if experiments:
            chart.outputs = ()
            chart.append_display_data(layers.plot_layers(experiments[-1].report, scale.value))

    def rebuild(_: Any = None) -> layers.AddLayerResult | None:
        for area in (effect, table):
            area.outputs = ()
        bar.value, bar.bar_style = 0, "info"
        outcome = _show_in(
            effect,
            layers.add_layer,
            picker.value,
            size.value,
            from_image,
            tag,
            directory,
            on_progress,
        )
        if outcome is None:
            bar.bar_style = "danger"
            return None
        bar.bar_style = "success"
        experiments.append(outcome)
        effect.append_stdout(repr(outcome) + "\n")
        tried.outputs = ()
        tried.append_display_data(layers.experiments_table(experiments))
        table.append_display_data(outcome.report.table())
        draw_chart()
        return outcome

    picker.observe(
        lambda change: setattr(size, "disabled", change["new"] not in ("run", "copy")),
        names="value",
    )
    button.on_click(rebuild)
    scale.observe(draw_chart, names="value")
    return rebuild()
