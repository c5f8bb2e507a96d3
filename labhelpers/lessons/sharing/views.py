"""Notebook 07's picture: who mounts what, drawn from a MountTable (never from the Engine)."""

from __future__ import annotations

from ...core.table import short_name
from .results import MountTable

__all__ = ["plot_mounts"]


def plot_mounts(mounts: MountTable):
    """Containers on the left, volumes on the right, a line per mount: solid = read-write,
    dashed = read-only, labelled with the path inside the container."""
    import matplotlib.pyplot as plt

    containers = list(dict.fromkeys(r.container for r in mounts.rows))
    volumes = list(dict.fromkeys(short_name(r.volume) for r in mounts.rows))
    height = max(len(containers), len(volumes), 1)
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.75 * height))

    def y(index: int, count: int) -> float:
        if count <= 1:
            return (height - 1) / 2
        return height - 1 - index * (height - 1) / (count - 1)

    boxes = {"boxstyle": "round,pad=0.4", "edgecolor": "#444444"}
    for i, name in enumerate(containers):
        ax.text(0, y(i, len(containers)), name, ha="center", va="center", fontsize=10,
                bbox={**boxes, "facecolor": "#dbe7f5"})  # fmt: skip
    for j, name in enumerate(volumes):
        ax.text(1, y(j, len(volumes)), f"volume\n{name}", ha="center", va="center", fontsize=10,
                bbox={**boxes, "facecolor": "#fbe3b5"})  # fmt: skip
    for r in mounts.rows:
        y0 = y(containers.index(r.container), len(containers))
        y1 = y(volumes.index(short_name(r.volume)), len(volumes))
        style = "-" if r.read_write else "--"
        colour = "#1a7f37" if r.read_write else "#cf222e"
        ax.plot([0.18, 0.82], [y0, y1], style, color=colour, linewidth=2)
        label = f"{r.destination} ({'rw' if r.read_write else 'ro'})"
        t = 0.3  # the label sits on the line, near the container, on a white patch
        ax.text(
            0.18 + (0.82 - 0.18) * t,
            y0 + (y1 - y0) * t,
            label,
            ha="center",
            va="center",
            fontsize=9,
            color=colour,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(-0.6, height - 0.4)
    ax.axis("off")
    ax.set_title("Who mounts what (from docker inspect)", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig
