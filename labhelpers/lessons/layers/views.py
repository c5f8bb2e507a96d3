"""Notebook 01's chart, made from a LayerReport (never from the Engine)."""

from __future__ import annotations

from ...core.errors import BadInput
from ...core.units import si
from .results import LayerReport

__all__ = ["plot_layers"]


def plot_layers(report: LayerReport, scale: str = "log"):
    """A bar per layer (oldest at the bottom, as layers stack), sizes in SI units: the base
    image's layers grey, the Dockerfile's blue. The log scale (the default) shows the small layers
    beside the base image's. Returns the figure.

    Raises:
        BadInput: a scale other than linear or log.
    """
    if scale not in ("linear", "log"):
        raise BadInput(
            f"Unknown scale '{scale}'.", "the chart knows linear and log.", "pick one of those."
        )
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    layers = report.layers
    labels = []
    for n, row in enumerate(layers, 1):
        text = row.step if row.own or not row.step else f"{row.origin}: {row.step}"
        text = text or row.origin
        labels.append(f"{n}. {text if len(text) <= 40 else text[:39] + '…'}")
    sizes = [row.size_bytes for row in layers]
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.5 * len(layers)))
    floor = 1 if scale == "log" else 0
    colours = ["#3b7dd8" if row.own else "#9aa0a6" for row in layers]
    ax.barh(range(len(layers)), [max(s, floor) for s in sizes], color=colours)
    ax.set_yticks(range(len(layers)), labels)
    if scale == "log":
        ax.set_xscale("log")
        ax.set_xlim(left=1, right=max([*sizes, 10]) * 30)
    else:
        ax.set_xlim(0, max([*sizes, 1]) * 1.35)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: si(value) if value else "0"))
    for y, size in enumerate(sizes):
        ax.text(max(size, floor), y, f" {si(size)}", va="center", fontsize=9)
    counted = "disk blocks" if report.sizes.store == "containerd" else "file bytes"
    ax.set_xlabel(f"layer size ({counted}, {scale} scale)\ngrey: the base image's, blue: its own")
    ax.set_title(f"{report.tag}: {len(layers)} layers, {si(sum(sizes))} unpacked", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig
