"""Notebook 06's pictures and the lecture's table, made from results (never from the Engine)."""

from __future__ import annotations

from ...core.table import Table, yes_no
from ...core.units import MIB
from .results import ANONYMOUS, BIND, LAYER, NAMED, RECREATE, RESTART, STOP_START, TMPFS

__all__ = ["choice_table", "plot_grid", "plot_throughput", "verdicts"]


def plot_grid(grid):
    """A heatmap of a SurvivalGrid: green = the marker was still there, red = it was gone, grey =
    not run on this Engine (a bind mount of a folder it does not see)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    kinds, events = grid.kinds, grid.events

    def value(kind: str, event: str) -> int:
        found = grid.trial(kind, event)
        if found is None or found.not_run:
            return 1
        return 2 if found.survived else 0

    values = [[value(k, e) for e in events] for k in kinds]
    fig, ax = plt.subplots(figsize=(7.6, 0.6 + 0.62 * len(kinds)))
    colours = ListedColormap(["#f4b6b0", "#dddddd", "#a8dbb0"])
    ax.imshow(values, cmap=colours, vmin=0, vmax=2, aspect="auto")
    for i, kind in enumerate(kinds):
        for j, event in enumerate(events):
            found = grid.trial(kind, event)
            word = found.verdict if found else "?"
            ax.text(j, i, word, ha="center", va="center", fontsize=11, weight="bold")
    ax.set_xticks(range(len(events)), events)
    ax.set_yticks(range(len(kinds)), list(kinds))
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    ax.set_xticks([x - 0.5 for x in range(1, len(events))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(kinds))], minor=True)
    ax.grid(which="minor", color="white", linewidth=3)
    ax.tick_params(which="minor", length=0)
    note = next((t.note for t in grid.trials if t.note), "")
    if note:
        fig.text(0.01, 0.01, f"* {note}", fontsize=8, color="#555555")
    ax.set_title("Was /data/marker.txt still there afterwards? (measured)", pad=28, fontsize=11)
    fig.tight_layout()
    plt.close(fig)
    return fig


# What the rest of the course measures about each kind (the grid gives the "kept" columns).
_FACTS = {
    NAMED: (
        "the Engine's data root",
        "data that must outlive containers",
        "reach it via a container",
    ),
    BIND: ("your folder", "your code and config", "-v creates a mistyped path; numeric uids"),
    TMPFS: ("memory", "scratch, secrets", "gone at every stop"),
    LAYER: ("the container's top layer", "nothing to keep", "goes with docker rm"),
    ANONYMOUS: ("the Engine's data root", "an image's VOLUME", "a new container gets a new one"),
}


def choice_table(grid) -> Table:
    """The lecture's pros/cons table, redone: the "kept" columns come from a SurvivalGrid ("?"
    where the grid did not try that event), the rest from notebooks 04, 05 and 06b."""

    def kept(kind: str, *events: str) -> str:
        ran = [e for e in events if grid.trial(kind, e) and not grid.trial(kind, e).not_run]
        return yes_no(all(grid.survived(kind, e) for e in ran)) if ran else "?"

    rows = [
        (kind, kept(kind, RESTART, STOP_START), kept(kind, RECREATE), *facts)
        for kind, facts in _FACTS.items()
        if kind in grid.kinds
    ]
    headers = ["kind", "kept: restart, stop", "kept: rm + run", "bytes in", "good for", "mind"]
    return Table(headers, rows)


def plot_throughput(bench):
    """Every run of a Throughput as a dot, per kind, buffered and with fsync, with a line at each
    median and a bar over the middle half of the runs: the spread is what tells a difference
    from noise, so no bars hide it."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    kinds = bench.kinds
    fig, ax = plt.subplots(figsize=(7.6, 4.0))
    colours = {False: "#7f9cc4", True: "#1f4f96"}
    width = 0.38
    for offset, fsync in ((-width / 2, False), (width / 2, True)):
        for i, kind in enumerate(kinds):
            runs = bench.runs(kind, fsync)
            if not runs:
                continue
            x = i + offset
            # spread the dots a little sideways so that equal runs stay visible
            step = 0.22 * width / max(len(runs) - 1, 1)
            xs = [x - 0.11 * width + n * step for n in range(len(runs))]
            ax.scatter(xs, runs, s=16, color=colours[fsync], zorder=3)
            median = bench.median(kind, fsync)
            low, high = bench.middle_half(kind, fsync)
            ax.vlines(x + 0.2 * width, low, high, color="#999999", linewidth=4, zorder=2)
            ax.hlines(median, x - 0.4 * width, x + 0.4 * width, color="#222222", linewidth=1.6)
            ax.annotate(
                f"{median:,.0f}",
                (x, max(runs)),
                ha="center",
                va="bottom",
                fontsize=8,
                xytext=(0, 4),
                textcoords="offset points",
            )
    ax.set_xticks(range(len(kinds)), [f"{k}\n({bench.filesystem(k)})" for k in kinds], fontsize=9)
    ax.set_ylabel("MB/s written")
    ax.set_title(
        f"dd of {bench.size_bytes // MIB} MiB of zeros, {bench.repeats} runs each "
        "(this machine only)",
        fontsize=10,
    )
    top = max(t.mb_per_s for t in bench.timings)
    ax.set_ylim(0, top * 1.35)  # room for the legend above the dots
    dot = {"marker": "o", "linestyle": "", "markersize": 5}
    ax.legend(
        handles=[
            Line2D([], [], color=colours[False], label="one buffered run", **dot),
            Line2D([], [], color=colours[True], label="one run with conv=fsync", **dot),
            Line2D([], [], color="#222222", linewidth=1.6, label="median (number above)"),
            Line2D([], [], color="#999999", linewidth=4, label="middle half of the runs"),
        ],
        frameon=False,
        fontsize=9,
        loc="upper right",
        ncols=2,
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


def verdicts(measured) -> Table:
    """The lecture's claims a SurvivalGrid or a Throughput answers: the question, the answer the
    measurements give (`Claim.holds`) and what was measured."""
    return Table(
        ["the lecture's question", "answer", "measured"],
        [(c.question, yes_no(c.holds), c.because) for c in measured.claims()],
    )
