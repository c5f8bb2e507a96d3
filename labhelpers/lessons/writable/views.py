"""Tables and plots of the writable-layer lesson, made from its results (never the Engine)."""

from __future__ import annotations

from ...core.table import Table
from ...core.units import MIB, si
from .results import LESSON_DELTAS_MIB, Scaling, StorageEquation

__all__ = ["plot_equation", "plot_scaling", "units_table"]

_DELTA_COLOURS = ("#2f6db5", "#e07b39", "#3a9a5b", "#8e5cc2", "#c44e52", "#8c8c3c")
_IMAGE_COLOURS = ("#b8b8b8", "#dedede")  # unpacked, compressed


def units_table(sizes_mib: tuple = LESSON_DELTAS_MIB) -> Table:
    """What the lab writes (MiB, as `dd bs=1M` counts), the bytes the Engine counts, and what
    the docker CLI prints (SI: 1 MB = 1,000,000 bytes, three significant digits)."""
    rows = [(f"{m} MiB", f"{m * MIB:,}", si(m * MIB)) for m in sizes_mib]
    rows.append(("4 MB (SI)", "4,000,000", si(4_000_000)))
    return Table(["written", "bytes", "docker prints"], rows)


def plot_equation(equation: StorageEquation):
    """Left: stacked bars of what the disk holds (the image once, as the store keeps it, + the
    deltas) beside the naive figure (the image once per container + the deltas). Right: the
    deltas, zoomed in. Sizes in MB (SI, as docker prints)."""
    import matplotlib.pyplot as plt

    n = len(equation.containers)
    fig, (ax, zoom) = plt.subplots(1, 2, figsize=(8.6, 4.6), gridspec_kw={"width_ratios": [2.4, 1]})
    parts = [(f"{equation.image}'s layers, unpacked", equation.image_bytes, _IMAGE_COLOURS[0])]
    if equation.image_content_bytes:
        compressed = f"{equation.image}'s layers, compressed"
        parts.append((compressed, equation.image_content_bytes, _IMAGE_COLOURS[1]))
    deltas = [
        (f"{c.name}'s delta", c.writable_layer_bytes, _DELTA_COLOURS[i % len(_DELTA_COLOURS)])
        for i, c in enumerate(equation.containers)
    ]
    bars = (
        ("on disk:\nimage once + deltas", parts + deltas),
        (f"naive:\nimage {n} times + deltas", parts * n + deltas),
    )
    for x, (_label, stack) in enumerate(bars):
        bottom = 0.0
        for label, size, colour in stack:
            shown = label if x == 0 else None  # one legend entry per part
            ax.bar(x, size / 1e6, 0.55, bottom, color=colour, edgecolor="white", label=shown)
            bottom += size / 1e6
        total = equation.footprint_bytes if x == 0 else equation.naive_bytes
        ax.annotate(si(total), (x, bottom), ha="center", va="bottom", fontsize=10)
    ax.set_xticks(range(len(bars)), [label for label, _ in bars])
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_ylim(0, equation.naive_bytes / 1e6 * 1.15)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_title(f"{n} containers from {equation.image}", fontsize=11)
    bottom = 0.0
    for label, size, colour in deltas:
        zoom.bar(0, size / 1e6, bottom=bottom, color=colour, width=0.8)
        text, middle = f"{label.split(chr(39))[0]}\n{si(size)}", (0, bottom + size / 2e6)
        bold = {"color": "white", "fontweight": "bold"}
        zoom.annotate(text, middle, ha="center", va="center", fontsize=9, **bold)
        bottom += size / 1e6
    zoom.set_xlim(-0.5, 0.5)
    zoom.set_ylim(0, max(bottom, 1e-6) * 1.1)
    zoom.set_xticks([0], ["the deltas,\nzoomed in"])
    zoom.set_title(f"sum: {si(equation.deltas_bytes)}", fontsize=11)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig


def plot_scaling(run: Scaling, planned: int | None = None):
    """The naive figure and what the disk holds (the image + what the Engine's storage grew by,
    each byte once) against the number of containers."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 4.2))
    xs = [p.containers for p in run.points]
    naive = [run.naive_bytes(p) / 1e6 for p in run.points]
    stored = [run.stored_bytes(p) / 1e6 for p in run.points]
    ax.plot(xs, naive, "o-", color="#c44e52", label="naive: one image per container + deltas")
    measured = "measured: image once + what the Engine's storage grew by"
    ax.plot(xs, stored, "o-", color="#2f6db5", label=measured)
    last = max(planned or 0, xs[-1] if xs else 1)
    ax.set_xlim(0.5, last + 0.5)
    ax.set_xticks(range(1, last + 1, 1 if last <= 10 else 2))
    ax.set_ylim(0, last * (run.image_bytes + run.delta_bytes) / 1e6 * 1.12)
    ax.set_xlabel(f"containers from {run.image} (stored: {si(run.image_bytes)})")
    ax.set_ylabel("MB (SI, as docker prints)")
    if run.points:
        end = run.points[-1]
        above = {"textcoords": "offset points", "xytext": (4, 8), "ha": "right", "fontsize": 9}
        for figure, colour in (
            (run.stored_bytes(end), "#2f6db5"),
            (run.naive_bytes(end), "#c44e52"),
        ):
            ax.annotate(si(figure), (end.containers, figure / 1e6), color=colour, **above)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_title(f"Each container adds its delta ({si(run.delta_bytes)}), not a copy of the image")
    fig.tight_layout()
    plt.close(fig)
    return fig
