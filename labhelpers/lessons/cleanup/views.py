"""Notebook 99's picture: the Engine's disk use before and after a cleanup (two Space results)."""

from __future__ import annotations

from ...core.units import si
from .results import Space

__all__ = ["plot_space"]

_COLOURS = {
    "images": "#9db4d0",
    "containers": "#e07b39",
    "local volumes": "#3a9a5b",
    "build cache": "#bbbbbb",
}


def plot_space(before: Space, after: Space, own_bytes: int | None = None):
    """Two stacked bars, one segment per line of `docker system df`: the Engine's disk use
    before and after the cleanup. What went is the difference of the two totals (measured), the
    same figure the cleanup reports, drawn hatched on top of the "after" bar; OWN_BYTES (what the
    inventory's sizes added up to) stands beside it, for comparison. The legend names each."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(8.2, 3.8), layout="constrained")
    labels = [before.moment, after.moment]
    bottoms = [0.0, 0.0]
    for (what, first), (_, second) in zip(before.lines(), after.lines(), strict=True):
        heights = [first / 1e6, second / 1e6]
        ax.bar([0, 1], heights, bottom=bottoms, color=_COLOURS[what], label=what, width=0.5)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    freed = before.total_bytes - after.total_bytes
    base = after.total_bytes / 1e6
    if freed > 0:
        ax.bar(
            1, freed / 1e6, bottom=base, width=0.5, fill=False, hatch="//", edgecolor="#555555",
            label=f"reclaimed, measured (before - after): {si(freed)}",
        )  # fmt: skip
    if own_bytes is not None:
        ax.bar(
            1.4, own_bytes / 1e6, bottom=base, width=0.14, color="#6b3fa0",
            label=f"the inventory's sizes, added up: {si(own_bytes)}",
        )  # fmt: skip
    for i, snap in enumerate((before, after)):
        top = max(snap.total_bytes, before.total_bytes if i else 0)  # above the hatched part
        ax.annotate(
            f"total {si(snap.total_bytes)}",
            (i, top / 1e6),
            ha="center",
            va="bottom",
            fontsize=9,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_xticks([0, 1], labels)
    note = "with the containerd image store, images also counts the containers' writable layers"
    ax.set_xlabel(note if before.store == "containerd" else "", fontsize=9)
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_ylim(0, max(before.total_bytes, after.total_bytes, 1) / 1e6 * 1.2)
    ax.set_xlim(-0.5, 1.7)
    ax.set_title("The Engine's disk use (docker system df), before and after", fontsize=10)
    handles, names = ax.get_legend_handles_labels()
    if freed <= 0:
        handles.append(Patch(fill=False, edgecolor="none"))
        names.append("reclaimed: nothing")
    # beside the bars, not over them: the two bars are often almost as tall
    ax.legend(
        handles, names, frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0)
    )
    ax.spines[["top", "right"]].set_visible(False)
    plt.close(fig)
    return fig
