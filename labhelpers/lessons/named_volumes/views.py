"""Notebook 05's before/after view of where written data is counted: a table in exact bytes and a
bar chart. Nothing here reaches the Engine."""

from __future__ import annotations

from typing import Any

from ...core.units import si, signed_bytes
from ...core.table import Table
from .results import SpaceSnapshot

__all__ = ["plot_space", "space_table"]


def _pairs(before: SpaceSnapshot, after: SpaceSnapshot) -> list[tuple[str, int, int]]:
    return [
        (
            f"{before.container}'s writable layer",
            before.writable_layer_bytes,
            after.writable_layer_bytes,
        ),
        (f"volume {before.volume}", before.volume_bytes, after.volume_bytes),
    ]


def space_table(before: SpaceSnapshot, after: SpaceSnapshot) -> Table:
    """Before/after sizes and the change, in exact bytes."""
    return Table(
        ["", before.moment, after.moment, "change"],
        [
            (what, f"{a:,} B", f"{b:,} B", signed_bytes(b - a))
            for what, a, b in _pairs(before, after)
        ],
    )


def plot_space(before: SpaceSnapshot, after: SpaceSnapshot) -> Any:
    """Bar chart: where written data is counted (the container's writable layer or the volume)."""
    import matplotlib.pyplot as plt

    labels = [f"{before.container}\nwritable layer", f"volume {before.volume}"]
    b = [before.writable_layer_bytes, before.volume_bytes]
    a = [after.writable_layer_bytes, after.volume_bytes]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    x = range(len(labels))
    ax.bar(
        [i - 0.2 for i in x], [v / 1e6 for v in b], width=0.4, label=before.moment, color="#9db4d0"
    )
    ax.bar(
        [i + 0.2 for i in x], [v / 1e6 for v in a], width=0.4, label=after.moment, color="#2f6db5"
    )
    for i in x:
        ax.annotate(si(b[i]), (i - 0.2, b[i] / 1e6), ha="center", va="bottom", fontsize=9)
        ax.annotate(si(a[i]), (i + 0.2, a[i] / 1e6), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_title(
        "Writing under /app: counted in the volume,\nnot in the container's writable layer"
    )
    ax.set_ylim(0, max([*a, *b, 1_000_000]) / 1e6 * 1.3)
    ax.legend(loc="upper left", frameon=False)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig
