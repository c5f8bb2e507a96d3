"""The lifecycle lesson's plot, made from a Timeline (never the Engine)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.units import si

if TYPE_CHECKING:
    from .results import Timeline

__all__ = ["plot_timeline"]


def plot_timeline(history: Timeline):
    """Two panels over the steps: the writable layer (docker ps -s) and the Engine's total
    (docker system df), with a marker where the 10 MiB file was there and where it was gone."""
    import matplotlib.pyplot as plt

    from .results import CONTAINER, DELTA_PATH

    steps = history.steps
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8.4, 5.4), sharex=True)
    xs = list(range(1, len(steps) + 1))
    layer = [max(o.writable_layer_bytes, 0) / 1e6 for o in steps]
    colours = [
        "#bbbbbb" if o.status == "removed" else ("#2f6db5" if o.status == "running" else "#e07b39")
        for o in steps
    ]
    top.bar(xs, layer, color=colours, width=0.6)
    for x, o in zip(xs, steps, strict=True):
        if o.status == "removed":
            top.annotate("removed", (x, 0), ha="center", va="bottom", fontsize=8, color="#777777")
        else:
            top.annotate(
                si(o.writable_layer_bytes), (x, layer[x - 1]), ha="center", va="bottom", fontsize=8
            )
    top.set_ylabel("writable layer\nMB (docker ps -s)")
    top.set_ylim(0, max([*layer, 1.0]) * 1.3)
    top.set_title(
        f"{steps[0].container if steps else CONTAINER}: blue = running, orange = stopped "
        "(no bar: removed)",
        fontsize=10,
    )
    # The change since step 1, on an axis from 0: the Engine's absolute total includes
    # everything else it stores, and a cut axis would make 10 MB look like all of it.
    first = steps[0].engine_total_bytes if steps else 0
    totals = [(o.engine_total_bytes - first) / 1e6 for o in steps]
    bottom.plot(xs, totals, "o-", color="#444444")
    for x, o in zip(xs, steps, strict=True):
        marker = "#3a9a5b" if o.delta_there else "#c44e52"
        bottom.plot([x], [totals[x - 1]], "o", color=marker, markersize=9)
    bottom.axhline(0, color="#999999", linewidth=0.8)
    bottom.set_ylabel("Engine total, change\nsince 1. in MB (system df)")
    if totals:
        bottom.set_ylim(min([*totals, 0.0]) - 1, max([*totals, 1.0]) * 1.3)
    bottom.set_xticks(xs, [f"{x}. {o.step}" for x, o in zip(xs, steps, strict=True)])
    twice = any(o.store == "containerd" for o in steps)
    bottom.set_title(
        f"green dot = {DELTA_PATH} is there, red = it is not"
        + (
            "\n(the containerd image store's docker system df counts a writable layer twice)"
            if twice
            else ""
        ),
        fontsize=10,
        color="#555555",
    )
    fig.tight_layout()
    plt.close(fig)
    return fig
