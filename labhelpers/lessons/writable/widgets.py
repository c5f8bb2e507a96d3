"""The writable-layer lesson's widgets: sliders for the deltas, and the scaling run. They call the
lesson's experiments and show its results and views; the scaling panel keeps its own last run."""

from __future__ import annotations

import html
from typing import Any

from ...core.errors import BadInput
from ...core.inputs import check_slider, is_whole
from ...core.table import Table, pre
from ...core.units import signed_bytes
from ...widgets import Chart, Progress, hbox, run_quietly, vbox
from .experiments import CONTAINERS, MAX_SCALE, delta_room, scaling_experiment, write_deltas
from .results import LESSON_DELTAS_MIB, Scaling
from .views import plot_scaling

__all__ = ["ScalingPanel", "deltas_widget", "scaling_widget"]


def _commands(printed: str) -> str:
    """The docker commands an action ran, in a collapsed block (copyable when opened)."""
    count = sum(1 for line in printed.splitlines() if line.startswith("$ "))
    rest = "\n".join(line for line in printed.splitlines() if not line.startswith("$ "))
    block = (
        f"<details><summary>{count} docker command{'s' * (count != 1)} run</summary>"
        f"{pre(printed, '18em')}</details>"
    )
    return block + (f"<p>{html.escape(rest)}</p>" if rest.strip() else "")


def deltas_widget(
    defaults: tuple = LESSON_DELTAS_MIB, names: tuple = CONTAINERS, max_mib: int = 500
) -> Any:
    """One slider per container and a Write button: each press writes that many MiB into each
    container (replacing what the last press wrote) and shows every writable layer as
    `docker ps -s` does. The default sizes are written once at once. The room on the Engine's
    disk is measured once, on the first press; each press is checked against it.

    Raises:
        BadInput: DEFAULTS and NAMES do not pair up, or a default the sliders (0 to MAX_MIB)
            could not show (checked before anything is written: a slider would quietly move it).
    """
    import ipywidgets as w

    if not is_whole(max_mib, 1, 100_000):
        raise BadInput(
            f"Cannot use {max_mib!r} as the sliders' largest size.",
            "the sliders go from 0 MiB to a whole number of MiB (1 to 100,000).",
            "pass max_mib such as 500.",
        )
    if not isinstance(defaults, (tuple, list)) or len(defaults) != len(names):
        raise BadInput(
            f"Got the defaults {defaults!r} for the containers {tuple(names)}.",
            "the widget has one slider, and so one default size, per container.",
            f"pass {len(names)} sizes (MiB), such as {LESSON_DELTAS_MIB}.",
        )
    for name, size in zip(names, defaults, strict=True):
        check_slider(size, 0, max_mib, f"the MiB to write into {name}")
    look = {"style": {"description_width": "initial"}, "layout": w.Layout(width="420px")}
    sliders = [
        w.IntSlider(size, 0, max_mib, description=f"{name} (MiB)", continuous_update=False, **look)
        for name, size in zip(names, defaults, strict=True)
    ]
    button = w.Button(description="Write into each container", button_style="primary")
    shown = w.HTML()
    room: list[int] = []  # the deltas' room on the Engine's disk, measured on the first press

    def write(_: object = None) -> None:
        """The button's callback: write what the sliders show."""
        chosen = tuple(s.value for s in sliders)
        shown.value = "<i>writing ...</i>"
        try:
            if not room:
                measured, printed = run_quietly(delta_room, names)
                if measured is None:
                    shown.value = pre(printed)
                    return
                room.append(measured)
            sizes, printed = run_quietly(write_deltas, chosen, names, room[0])
        except KeyboardInterrupt:
            shown.value = "<i>interrupted: the unfinished write was removed</i>"
            raise
        shown.value = _commands(printed) + (sizes._repr_html_() if sizes is not None else "")
        for slider, size in zip(sliders, sizes.sizes if sizes is not None else (), strict=False):
            slider.description = f"{size.name} (MiB)"  # as the Engine names the container

    button.on_click(write)
    write()
    return vbox([*sliders, button, shown], "sliders (MiB per container) and a Write button")


class ScalingPanel:
    """The scaling widget's state: its last completed run (`last`), shown by `table()`."""

    def __init__(self) -> None:
        self.last: Scaling | None = None

    def table(self) -> Table:
        """The last run's figures that do not depend on the image's size.

        Raises:
            BadInput: the widget has not completed a run.
        """
        if self.last is None:
            raise BadInput(
                "There is no scaling run yet.",
                "the table shows the last completed run of this scaling widget.",
                "run the widget's cell (it runs once by itself), or press its Run button.",
            )
        return self.last.table()

    def __repr__(self) -> str:
        runs = "no run yet" if self.last is None else f"{len(self.last.points)} containers"
        return f"<scaling panel: {runs}; .table() shows the last run>"


def scaling_widget(count: int = 8, delta_mib: int = 4, max_count: int = MAX_SCALE) -> ScalingPanel:
    """Sliders for the number of containers (1 to MAX_SCALE) and the delta each writes, and a Run
    button: containers start one by one, the plot grows after each, and they are removed at the
    end. The default run happens once at once.

    Returns:
        the panel, which keeps the last run: `panel.table()` shows it.
    Raises:
        BadInput: a COUNT, DELTA_MIB or MAX_COUNT its sliders could not show.
    """
    import ipywidgets as w
    from IPython.display import display

    check_slider(max_count, 1, MAX_SCALE, "the largest number of containers")
    check_slider(count, 1, max_count, "the number of containers")
    check_slider(delta_mib, 0, 64, "the MiB each container writes")
    panel = ScalingPanel()
    how_many = w.IntSlider(count, 1, max_count, description="containers", continuous_update=False)
    each = w.IntSlider(delta_mib, 0, 64, description="MiB each", continuous_update=False)
    button = w.Button(description="Run", button_style="primary")
    commands = w.HTML()
    controls = hbox([how_many, each, button], "scaling controls")
    described = "sliders for how many containers and MiB each, and a Run button"
    display(vbox([controls, commands], described))
    progress = Progress(count, "started")
    chart = Chart()

    def run(_: object = None) -> None:
        """The Run button's callback: the sliders' containers, MiB each (they hold only values
        checked above or in their range)."""
        planned, mib = how_many.value, each.value
        if progress.bar is not None:
            progress.bar.bar_style = "info"  # a new run: no longer the last one's colour
        progress.update(0, "starting ...", total=planned)

        def on_progress(done: int, total: int, so_far: Scaling) -> None:
            grew = so_far.points[-1].total_change_bytes
            progress.update(done, f"containers: Engine total {signed_bytes(grew)}")
            chart.show(plot_scaling(so_far, planned))

        try:
            result, printed = run_quietly(scaling_experiment, planned, mib, on_progress=on_progress)
        except KeyboardInterrupt:
            progress.finish("interrupted: the scaling containers were removed", ok=False)
            raise
        commands.value = _commands(printed)
        if result is None:
            progress.finish("failed: see the message above", ok=False)
            return
        panel.last = result
        progress.finish(f"{planned} containers in {result.seconds:.1f} s; removed again")
        chart.show(plot_scaling(result, planned))

    button.on_click(run)
    run()
    return panel
