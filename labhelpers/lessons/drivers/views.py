"""Notebook 04's picture of a container's storage, drawn from measurements (nothing here reaches
the Engine)."""

from __future__ import annotations

from typing import Any

from ...core.units import si
from .results import FilesystemMap, LayerStack

__all__ = ["plot_storage"]


def plot_storage(stack: LayerStack, paths: FilesystemMap) -> Any:
    """A picture of one container's storage, drawn from measurements: the storage driver's layer
    stack (read-only lower dirs, one writable upper dir) beside the mounts that volume drivers
    (or binds, or tmpfs) put into the same file tree."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(8.6, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 0.3 + (stack.lower_dirs + 1) * 0.9 + 1.2)
    ax.axis("off")

    def box(x: float, y: float, w: float, h: float, text: str, colour: str, size: int = 9) -> None:
        outline = {"boxstyle": "round,pad=0.02,rounding_size=0.08", "edgecolor": "#333333"}
        ax.add_patch(FancyBboxPatch((x, y), w, h, facecolor=colour, linewidth=0.8, **outline))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)

    init = 1 if stack.init_layer else 0
    for i in range(stack.lower_dirs):
        if i < stack.lower_dirs - init:
            label, colour = f"image layer {i + 1} (read-only)", "#d9e2ef"
        else:
            label, colour = "init layer: /etc/hosts, ... (read-only)", "#eef1f5"
        box(0.3, 0.3 + i * 0.9, 4.4, 0.75, label, colour)
    top = 0.3 + stack.lower_dirs * 0.9
    box(0.3, top, 4.4, 0.75, "writable layer (upperdir)", "#f6d7a7")
    heading = {"ha": "center", "fontsize": 10, "weight": "bold"}
    ax.text(2.5, top + 1.15, f"/  =  one overlay of them\n{stack.storage}", **heading)
    mounts = [p for p in paths.paths if p.path != "/"]
    ax.text(7.5, top + 1.15, "mounts on top of that tree\n", **heading)
    for j, p in enumerate(mounts):
        colour = "#c9e7c4" if "volume driver" in p.provided_by else "#e5d3f0"
        text = f"{p.path}: {p.fs_type}, {si(p.capacity_bytes)}\n{p.provided_by}"
        box(5.2, top - j * 1.2, 4.6, 0.95, text, colour, size=8)
    ax.set_title(f"Container {stack.container}: who stores what", fontsize=11)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig
