"""Notebook 99's picture: the Engine's disk use before and after, from two Space results."""

from __future__ import annotations

from ...core.units import si

__all__ = ["space_figure"]


def space_figure(before, after):
    """Two stacked bars: the Engine's disk use before and after, the lab's share on top."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.2, 3.4), layout="constrained")
    labels = [before.moment, after.moment]
    other = [before.other_bytes / 1e6, after.other_bytes / 1e6]
    lab = [before.lab_bytes / 1e6, after.lab_bytes / 1e6]
    ax.bar(
        labels,
        other,
        color="#9db4d0",
        label="the rest, including layers that only\nthe lab's images share with each other",
    )
    ax.bar(labels, lab, bottom=other, color="#d1242f", label="the lab's own bytes")
    for i, snap in enumerate((before, after)):
        ax.annotate(
            f"{si(snap.total_bytes)}\n(lab: {si(snap.lab_bytes)})",
            (i, snap.total_bytes / 1e6),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    freed = before.total_bytes - after.total_bytes
    ax.set_xlabel(f"reclaimed: {si(max(freed, 0))}", fontsize=9)
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_ylim(0, max(before.total_bytes, after.total_bytes, 1) / 1e6 * 1.3)
    ax.set_title("The Engine's disk use (docker system df), before and after", fontsize=10)
    # beside the bars, not over them: the two bars are often almost as tall
    ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    plt.close(fig)
    return fig
