"""Notebook 99's picture: the Engine's disk use before and after, from two Space results."""

from __future__ import annotations

from ...core.units import si

__all__ = ["space_figure"]

_COLOURS = {
    "images": "#9db4d0",
    "containers": "#e07b39",
    "local volumes": "#3a9a5b",
    "build cache": "#bbbbbb",
}


def space_figure(before, after):
    """Two stacked bars, one segment per line of `docker system df`: the Engine's disk use
    before and after the cleanup. What went is the difference of the two totals (measured), the
    same figure the cleanup reports."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.2, 3.6), layout="constrained")
    labels = [before.moment, after.moment]
    bottoms = [0.0, 0.0]
    for (what, first), (_, second) in zip(before.lines(), after.lines(), strict=True):
        heights = [first / 1e6, second / 1e6]
        ax.bar(labels, heights, bottom=bottoms, color=_COLOURS[what], label=what, width=0.55)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for i, snap in enumerate((before, after)):
        ax.annotate(
            si(snap.total_bytes), (i, snap.total_bytes / 1e6), ha="center", va="bottom", fontsize=9
        )
    freed = before.total_bytes - after.total_bytes
    note = (
        "\n(with the containerd image store, images also counts the containers' writable layers)"
        if before.store == "containerd"
        else ""
    )
    ax.set_xlabel(f"reclaimed: {si(max(freed, 0))} ({freed:,} bytes, measured){note}", fontsize=9)
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_ylim(0, max(before.total_bytes, after.total_bytes, 1) / 1e6 * 1.2)
    ax.set_title("The Engine's disk use (docker system df), before and after", fontsize=10)
    # beside the bars, not over them: the two bars are often almost as tall
    ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    plt.close(fig)
    return fig
