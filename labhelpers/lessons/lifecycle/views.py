"""The lifecycle lesson's plot, made from a Timeline (never the Engine)."""

from __future__ import annotations

from ...core.units import si
from .results import DELTA_PATH, TMPFS_NOTE_PATH, Timeline

__all__ = ["plot_timeline"]

_THERE, _GONE, _UNMOUNTED = "#3a9a5b", "#c44e52", "#bbbbbb"


def plot_timeline(history: Timeline):
    """Over the steps: the writable layer (docker ps -s), the Engine's total since step 1
    (docker system df), and whether the writable layer's file and the tmpfs note were there."""
    import matplotlib.pyplot as plt

    steps = history.steps
    fig, (top, middle, bottom) = plt.subplots(
        3, 1, figsize=(8.4, 6.2), sharex=True, gridspec_kw={"height_ratios": [2, 2, 1.3]}
    )
    xs = list(range(1, len(steps) + 1))
    layer = [max(o.writable_layer_bytes, 0) / 1e6 for o in steps]
    colours = [
        _UNMOUNTED if o.status == "removed" else "#2f6db5" if o.status == "running" else "#e07b39"
        for o in steps
    ]
    top.bar(xs, layer, color=colours, width=0.6)
    for x, o in zip(xs, steps, strict=True):
        label = "removed" if o.status == "removed" else si(o.writable_layer_bytes)
        top.annotate(label, (x, layer[x - 1]), ha="center", va="bottom", fontsize=8)
    top.set_ylabel("writable layer\nMB (docker ps -s)")
    top.set_ylim(0, max([*layer, 1.0]) * 1.35)
    top.set_title("blue = running, orange = stopped", fontsize=10)
    # The change since step 1, on an axis from 0: the absolute total includes everything else
    # the Engine stores, and a cut axis would make 10 MB look like all of it.
    first = steps[0].total_bytes if steps else 0
    totals = [(o.total_bytes - first) / 1e6 for o in steps]
    middle.plot(xs, totals, "o-", color="#444444")
    middle.axhline(0, color="#999999", linewidth=0.8)
    middle.set_ylabel("Engine total, MB\nsince step 1")
    if totals:
        middle.set_ylim(min([*totals, 0.0]) - 1, max([*totals, 1.0]) * 1.3)
    delta = [_THERE if o.delta_there else _GONE for o in steps]
    tmpfs = [{"there": _THERE, "missing": _GONE}.get(o.tmpfs_cell(), _UNMOUNTED) for o in steps]
    for y, colours in ((1, delta), (0, tmpfs)):
        for x, colour in zip(xs, colours, strict=True):
            bottom.plot([x], [y], "s", color=colour, markersize=13)
    labels = [f"{DELTA_PATH}\n(writable layer)", f"{TMPFS_NOTE_PATH}\n(tmpfs)"]
    bottom.set_yticks([1, 0], labels, fontsize=8)
    bottom.set_ylim(-0.6, 1.6)
    bottom.set_title("green = there, red = not there, grey = not mounted", fontsize=9)
    bottom.set_xticks(xs, [f"{x}. {o.step}" for x, o in zip(xs, steps, strict=True)])
    fig.tight_layout()
    plt.close(fig)
    return fig
