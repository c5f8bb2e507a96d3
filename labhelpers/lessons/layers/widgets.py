"""Notebook 01's widgets: a build with a live progress bar and a collapsible log, and "add a layer".

Widgets only call the lesson's experiments and show what they return. Each is displayed first and
then filled, writing into its Output areas with `append_stdout` / `append_display_data` (never
`with output:`), so an unattended run stores the outputs nbval sees when it runs the notebook
again. The chart is the cell's own image output (`widgets.Chart`). What the "add a layer" widget
tried is kept by the object it returns, not by the module.
"""

from __future__ import annotations

import os
from typing import Any

from ...core.errors import BuildFailed
from ...core.inputs import check_slider
from ...widgets import Chart, run_quietly, vbox
from .experiments import ADD_LAYER_CHOICES, add_layer, build, extra_instruction
from .results import AddLayerExperiments, BuildAttempt, attempt_from_failure
from .views import plot_layers

__all__ = ["add_layer_widget", "build_with_progress"]


def build_with_progress(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    base_image: str | None = None,
    raise_on_failure: bool = True,
) -> BuildAttempt:
    """`docker build` of CONTEXT as TAG with a live progress bar (step N of M) and the build
    log streaming into a collapsible box. A failed build shows its failing step and the log's
    last lines; it then raises BuildFailed, unless `raise_on_failure` is False."""
    import ipywidgets as w
    from IPython.display import display

    bar = w.IntProgress(value=0, min=0, max=1, description="Building", bar_style="info")
    status = w.Label(value=f"docker build of {tag}: starting")
    log = w.Output(layout=w.Layout(max_height="320px", overflow="auto"))
    log_box = w.Accordion(children=[log], titles=("Build log (click to open)",))
    log_box.selected_index = None
    display(vbox([w.HBox([bar, status]), log_box], "the build's progress bar and log"))

    def on_progress(step: int, total: int, instruction: str) -> None:
        bar.max, bar.value = total, step
        status.value = f"Step {step}/{total}: {instruction[:70]}"

    try:
        attempt = build(
            context, tag, base_image, on_progress, lambda line: log.append_stdout(line + "\n")
        )
    except BuildFailed as exc:
        bar.bar_style, status.value = "danger", f"Failed at {exc.step or 'the start'}"
        log_box.selected_index = 0
        if raise_on_failure:
            raise
        return attempt_from_failure(tag, exc)
    bar.bar_style, bar.value = "success", bar.max
    status.value = f"Built {attempt.tag}: {attempt.steps_total} steps"
    return attempt


def add_layer_widget(
    from_image: str = "my-image",
    tag: str = "my-image-plus",
    directory: str | os.PathLike = "my-app/plus",
    choice: str = "run",
    size_mib: int = 5,
) -> AddLayerExperiments:
    """Pick an instruction, press Rebuild: TAG is rebuilt as FROM_IMAGE plus that instruction,
    and the effect, the chart and the table of experiments update.

    Runs the default choice once (so an unattended run has outputs). Returns the experiments
    tried: keep it in a variable and show it again to see their table.

    Raises:
        BadInput: a CHOICE the dropdown does not hold, or a SIZE_MIB its slider (1 to 50) could
            not show (checked before anything is shown or built: a slider would quietly move it).
    """
    extra_instruction(choice)  # an unknown choice: BadInput, not the dropdown's TraitError
    if choice in ("run", "copy"):
        check_slider(size_mib, 1, 50, "the new layer's MiB")
    import ipywidgets as w
    from IPython.display import display

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
    display(vbox([w.HBox([picker, size, button]), bar, effect], "pick an instruction, Rebuild"))
    chart = Chart()
    tried = AddLayerExperiments()

    def on_progress(step: int, total: int, _instruction: str) -> None:
        bar.max, bar.value = total, step

    def rebuild(_: Any = None) -> None:
        effect.outputs = ()
        bar.value, bar.bar_style = 0, "info"
        args = (picker.value, size.value, from_image, tag, directory, on_progress)
        outcome, printed = run_quietly(add_layer, *args)
        effect.append_stdout(printed + (f"{outcome!r}\n" if outcome is not None else ""))
        if outcome is None:
            bar.bar_style = "danger"
            return
        bar.bar_style = "success"
        tried.experiments.append(outcome)
        chart.show(plot_layers(outcome.report))

    picker.observe(
        lambda change: setattr(size, "disabled", change["new"] not in ("run", "copy")),
        names="value",
    )
    button.on_click(rebuild)
    rebuild()
    return tried
