"""Notebook 05's figure: where written data is counted, the container's writable layer or the
volume, before and after. Nothing here reaches the Engine."""

from __future__ import annotations

from typing import Any

from ...core.units import si
from .results import WriteSpace

__all__ = ["plot_space"]


def plot_space(space: WriteSpace) -> Any:
    """Bars before and after the write: the writable layer (`docker ps -s`) and the volume
    (`docker system df -v`), each labelled with its size as docker prints it."""
    import matplotlib.pyplot as plt

    labels = [f"{space.container}\nwritable layer", f"volume {space.volume}"]
    before = [space.layer_before, space.volume_before]
    after = [space.layer_after, space.volume_after]
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for shift, values, moment, colour in ((-0.2, before, "before", "#9db4d0"),
                                          (0.2, after, "after the write", "#2f6db5")):  # fmt: skip
        xs = [i + shift for i in range(len(labels))]
        ax.bar(xs, [v / 1e6 for v in values], width=0.4, label=moment, color=colour)
        for x, v in zip(xs, values, strict=True):
            ax.annotate(si(v), (x, v / 1e6), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_title(f"{si(space.written_bytes)} written under /app: where the Engine counts it")
    ax.set_ylim(0, max([*before, *after, 1_000_000]) / 1e6 * 1.3)
    ax.legend(loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig
