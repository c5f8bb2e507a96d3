"""Tables and plots of the writable-layer lesson, made from its results (never the Engine)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.units import MIB, si
from ...core.table import Table

if TYPE_CHECKING:
    from .results import Scaling, StorageEquation

__all__ = ["plot_equation", "plot_scaling", "units_table"]

LESSON_DELTAS_MIB = (4, 10, 6)  # the lecture's 4, 10 and 6 "MB", written as MiB (dd bs=1M)

_DELTA_COLOURS = ("#2f6db5", "#e07b39", "#3a9a5b", "#8e5cc2", "#c44e52", "#8c8c3c")
_IMAGE_COLOUR = "#b8b8b8"


def units_table(sizes_mib: tuple = LESSON_DELTAS_MIB) -> Table:
    """What the lab writes (MiB, as `dd bs=1M` counts), the bytes the Engine counts, and what
    the docker CLI prints (SI: 1 MB = 1,000,000 bytes, three significant digits)."""
    rows = [(f"{m} MiB", f"{m} x 1,048,576", f"{m * MIB:,}", si(m * MIB)) for m in sizes_mib]
    rows.append(("4 MB (SI)", "4 x 1,000,000", "4,000,000", si(4_000_000)))
    return Table(["written", "is", "bytes the Engine counts", "docker prints"], rows)


def plot_equation(equation: StorageEquation):
    """Left: stacked bars of what the Engine stores (the image once + the deltas) beside the naive
    figure (one image copy per container + the deltas). Right: the deltas, zoomed in. Sizes in
    MB (SI, as docker prints)."""
    import matplotlib.pyplot as plt

    n = len(equation.containers)
    fig, (ax, zoom) = plt.subplots(1, 2, figsize=(8.6, 4.6), gridspec_kw={"width_ratios": [2.2, 1]})
    bars = (("measured:\nimage once + deltas", 1), (f"naive:\n{n} image copies + deltas", n))
    for x, (_label, copies) in enumerate(bars):
        bottom = 0.0
        for copy in range(copies):
            height = equation.image_bytes / 1e6
            ax.bar(
                x,
                height,
                bottom=bottom,
                color=_IMAGE_COLOUR,
                edgecolor="white",
                width=0.55,
                label=(
                    f"{equation.image}'s layers (one band per copy)"
                    if x == 0 and copy == 0
                    else None
                ),
            )
            bottom += height
        for i, c in enumerate(equation.containers):
            height = c.writable_layer_bytes / 1e6
            colour = _DELTA_COLOURS[i % len(_DELTA_COLOURS)]
            delta = f"{c.name}'s delta (writable layer)" if x == 0 else None
            ax.bar(x, height, bottom=bottom, color=colour, width=0.55, label=delta)
            bottom += height
        total = equation.model_total_bytes if copies == 1 else equation.naive_total_bytes
        ax.annotate(
            f"{si(total)}\n({total:,} B)", (x, bottom), ha="center", va="bottom", fontsize=9
        )
    ax.set_xticks(range(len(bars)), [label for label, _ in bars])
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_ylim(0, equation.naive_total_bytes / 1e6 * 1.45)  # room for the legend above
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_title(f"{n} containers from {equation.image}", fontsize=11)

    bottom = 0.0
    for i, c in enumerate(equation.containers):
        height = c.writable_layer_bytes / 1e6
        colour = _DELTA_COLOURS[i % len(_DELTA_COLOURS)]
        zoom.bar(0, height, bottom=bottom, color=colour, width=0.8)
        zoom.annotate(
            f"{c.name}\n{si(c.writable_layer_bytes)}",
            (0, bottom + height / 2),
            ha="center",
            va="center",
            fontsize=9,
            color="white",
            fontweight="bold",
        )
        bottom += height
    zoom.annotate(
        f"sum: {si(equation.deltas_bytes)}", (0, bottom), ha="center", va="bottom", fontsize=9
    )
    zoom.set_xlim(-0.5, 0.5)
    zoom.set_ylim(0, max(bottom, 1e-6) * 1.15)
    zoom.set_xticks([0], ["the deltas,\nzoomed in"])
    zoom.set_ylabel("MB (SI)")
    twice = equation.store == "containerd" and equation.total_change_bytes != equation.deltas_bytes
    zoom.set_title(
        f"docker system df: total +{si(equation.total_change_bytes)}"
        + ("\n(it counts the deltas twice)" if twice else ""),
        fontsize=11 if not twice else 10,
    )
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig


def plot_scaling(scaling: Scaling, planned: int | None = None):
    """Line plot: the naive figure and the measured total (image + what the Engine's storage grew
    by, each byte once), against the number of containers; the lecture's equation as a dashed
    line. On the containerd store a dotted line shows docker system df's total as it reports it
    (the writable layers counted twice)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    xs = [p.containers for p in scaling.points]
    naive = [scaling.naive_bytes(p) / 1e6 for p in scaling.points]
    measured = [scaling.measured_bytes(p) / 1e6 for p in scaling.points]
    model = [scaling.model_bytes(p) / 1e6 for p in scaling.points]
    ax.plot(xs, naive, "o-", color="#c44e52", label="naive: one image copy per container + deltas")
    ax.plot(
        xs,
        measured,
        "o-",
        color="#2f6db5",
        markersize=8,
        label="measured: image + what the Engine's storage grew by",
    )
    if scaling.store == "containerd":
        reported = [scaling.reported_bytes(p) / 1e6 for p in scaling.points]
        ax.plot(
            xs,
            reported,
            ":",
            color="#2f6db5",
            linewidth=1.4,
            label="docker system df's total as reported (writable layers twice)",
        )
    ax.plot(
        xs,
        model,
        "--",
        color="black",
        linewidth=1.2,
        zorder=5,
        label="lecture's equation: image once + deltas",
    )
    last = max(planned or 0, xs[-1] if xs else 1)
    ax.set_xlim(0.5, last + 0.5)
    ax.set_xticks(range(1, last + 1, 1 if last <= 10 else 2))
    top = last * (scaling.image_bytes + scaling.delta_bytes) / 1e6
    ax.set_ylim(0, max([*naive, top]) * 1.12)
    ax.set_xlabel(
        f"containers from {scaling.image} (its layers unpacked: {si(scaling.image_bytes)})"
    )
    ax.set_ylabel("MB (SI, as docker prints)")
    if scaling.points:
        end = scaling.points[-1]
        for figure, colour in (
            (scaling.measured_bytes(end), "#2f6db5"),
            (scaling.naive_bytes(end), "#c44e52"),
        ):
            ax.annotate(
                si(figure),
                (end.containers, figure / 1e6),
                textcoords="offset points",
                xytext=(4, 8),
                ha="right",
                fontsize=9,
                color=colour,
            )
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_title(
        f"Each container adds its delta ({si(scaling.delta_bytes)}), not a copy of the image"
    )
    fig.tight_layout()
    plt.close(fig)
    return fig
