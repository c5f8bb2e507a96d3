"""Notebook 01's words, tables and chart, made from results (never from the Engine).

How a history row reads (`step_of`, for both builders' formats), the seed lesson's table and
BuildKit output set beside what this Engine measured, the layer chart, the "add a layer"
experiments, and a failed build in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...core.errors import BadInput, BuildFailed
from ...core.units import si
from ...views import Table, yes_no

if TYPE_CHECKING:
    from .results import AddLayerResult, HistoryRow, LayerReport, TrialReport

__all__ = [
    "MISSING",
    "SEED_BUILDKIT_HISTORY",
    "SEED_LAYER_CREATING",
    "SEED_NOT_LAYER_CREATING",
    "builder_formats",
    "clip",
    "describe_build_failure",
    "experiments_table",
    "history_table",
    "layer_label",
    "layer_summary",
    "plot_layers",
    "seed_comparison",
    "shorten_hashes",
    "step_of",
]

MISSING = "<missing>"  # the IMAGE column of a history row whose step image is not in the Engine

# The seed lesson's table: which instructions it calls layer-creating.
SEED_LAYER_CREATING = ("FROM", "RUN", "COPY", "ADD")
SEED_NOT_LAYER_CREATING = (
    "CMD",
    "ENTRYPOINT",
    "WORKDIR",
    "EXPOSE",
    "ENV",
    "LABEL",
    "USER",
    "VOLUME",
    "STOPSIGNAL",
    "ARG",
)

# The seed's `docker image history my-image` output (built with BuildKit), kept as data so the
# notebook can set it beside what this Engine's builder records: (IMAGE, CREATED BY, SIZE, COMMENT)
SEED_BUILDKIT_HISTORY = (
    ("dbc9f6d3b551", 'CMD ["python" "app.py"]', "0B", "buildkit.dockerfile.v0"),
    (MISSING, "EXPOSE map[5000/tcp:{}]", "0B", "buildkit.dockerfile.v0"),
    (MISSING, "RUN /bin/sh -c pip install flask # buildkit", "11.5MB", "buildkit.dockerfile.v0"),
    (MISSING, "ADD app.py app.py # buildkit", "170B", "buildkit.dockerfile.v0"),
    (MISSING, "WORKDIR /app", "0B", "buildkit.dockerfile.v0"),
    (MISSING, "FROM python:3.9-slim", "97.1MB", "debuerreotype 0.15"),
)


# --- reading one history row ----------------------------------------------------------------------

_NOP = "/bin/sh -c #(nop)"
_SHELL = "/bin/sh -c "
_BUILD_ARGS = re.compile(r"^\|(\d+) ")
_LONG_HASH = re.compile(r"\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{20,}")


def shorten_hashes(text: str) -> str:
    """Content hashes in a created-by text cut to 12 digits (`file:d0f78e2476b8…`)."""
    return _LONG_HASH.sub(lambda m: f"{m[1]}:{m[2]}…", text)


def step_of(created_by: str, comment: str = "") -> tuple[str, str]:
    """The Dockerfile step a history row records, and its instruction keyword.

    Understands both builders' formats:

    >>> step_of("/bin/sh -c #(nop)  CMD [\\"python\\" \\"app.py\\"]")
    ('CMD ["python" "app.py"]', 'CMD')
    >>> step_of("/bin/sh -c pip install flask")
    ('RUN pip install flask', 'RUN')
    >>> step_of("RUN /bin/sh -c pip install flask # buildkit")
    ('RUN pip install flask', 'RUN')

    A row with no command (an imported base image) gives ("(imported: COMMENT)", "").
    """
    text = created_by.strip()
    if not text:
        return (f"(imported: {comment})" if comment else "(no command recorded)", "")
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    match = _BUILD_ARGS.match(text)
    if match:  # classic builder: "|N ARG1=v1 ... /bin/sh -c cmd" when build args are in scope
        parts = text.split(" ", int(match[1]) + 1)
        text = parts[-1] if len(parts) > int(match[1]) + 1 else text
    if text.startswith(_NOP):
        text = text[len(_NOP) :].strip()
    elif text.startswith(_SHELL):
        text = "RUN " + text[len(_SHELL) :]
    elif text.startswith("RUN " + _SHELL):
        text = "RUN " + text[len("RUN " + _SHELL) :]
    text = shorten_hashes(text)
    keyword = text.split(" ", 1)[0]
    return text, keyword if keyword.isupper() else ""


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def layer_label(row: HistoryRow) -> str:
    """How a row is named in summaries and charts: a base image's rows by their image."""
    if row.origin in ("Dockerfile", "lab label"):
        return row.step
    if row.keyword:
        return f"{row.origin}: {row.step}"
    return f"FROM {row.origin}"


def _shown(created_by: str, width: int) -> str:
    return clip(shorten_hashes(created_by), width)


# --- the history ----------------------------------------------------------------------------------


def history_table(report: LayerReport, created_by_width: int = 45) -> Table:
    """The history as a table: one row per step, newest first, like the CLI."""
    return Table(
        ["image", "from", "step", "created by", "size", "bytes", "new layer?", "evidence"],
        [
            (
                row.image_id,
                row.origin,
                clip(row.step, 40),
                _shown(row.created_by or row.comment, created_by_width),
                si(row.size_bytes),
                f"{row.size_bytes:,}",
                yes_no(row.new_layer),
                row.evidence,
            )
            for row in report.rows
        ],
        caption=f"docker image history {report.tag}, with the evidence for each layer",
    )


def layer_summary(report: LayerReport) -> str:
    """The cross-checks in words (no sizes: those are in the table)."""
    layers = report.layers
    steps = ", ".join(clip(layer_label(row), 40) for row in layers)
    count = "the same count" if report.layers_agree else "a DIFFERENT count"
    return "\n".join(
        [
            f"{report.tag}: {len(report.rows)} history rows; {len(layers)} of them added a layer: "
            f"{steps}.",
            f"RootFS.Layers of {report.tag}: {report.rootfs_layers} layers, {count}.",
            "The rows' sizes add up to the size `docker image ls` shows: "
            f"{'yes' if report.sizes_agree else 'NO'}.",
            f"Evidence: {report.method}.",
        ]
    )


def plot_layers(report: LayerReport, scale: str = "linear"):
    """A bar per layer (oldest at the bottom, as layers stack), sizes in SI units; the layers of
    the images it starts FROM grey, its own Dockerfile's blue.

    `scale` "log" makes small layers visible next to the base image. Returns the figure.

    Raises:
        BadInput: a scale other than linear or log.
    """
    if scale not in ("linear", "log"):
        raise BadInput(
            f"Unknown scale '{scale}'.", "the chart knows linear and log.", "pick one of those."
        )
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    layers = report.layers
    labels = [f"{n}. {clip(layer_label(row), 40)}" for n, row in enumerate(layers, 1)]
    sizes = [row.size_bytes for row in layers]
    colours = ["#3b7dd8" if row.origin == "Dockerfile" else "#9aa0a6" for row in layers]
    fig = plt.figure(figsize=(9, 1.4 + 0.55 * len(layers)))
    ax = fig.add_subplot()
    floor = 1 if scale == "log" else 0
    ax.barh(range(len(layers)), [max(s, floor) for s in sizes], color=colours)
    ax.set_yticks(range(len(layers)), labels)
    if scale == "log":
        ax.set_xscale("log")
        ax.set_xlim(left=1, right=max([*sizes, 10]) * 30)
    else:
        ax.set_xlim(0, max([*sizes, 1]) * 1.35)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: si(value) if value else "0"))
    for y, size in enumerate(sizes):
        text = f" {si(size)}" + ("  (a layer with no file bytes)" if size == 0 else "")
        ax.text(max(size, floor), y, text, va="center", fontsize=9)
    ax.set_xlabel(
        f"layer size, SI units ({scale} scale); grey: from the image it starts FROM, "
        "blue: its own Dockerfile"
    )
    total = sum(sizes)
    ax.set_title(
        f"{report.tag}: {len(layers)} layers, {si(total)} in all "
        f"(docker image ls says {si(report.image_size_bytes)})",
        fontsize=10,
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


# --- beside the seed lesson -----------------------------------------------------------------------


def seed_comparison(trial: TrialReport) -> Table:
    """Each instruction of the trial: what the seed's table says, and what this Engine recorded."""
    report = trial.report
    rows = []
    base = [row for row in report.rows if row.origin not in ("Dockerfile", "lab label")]
    if base:
        layers = sum(row.new_layer for row in base)
        size = sum(row.size_bytes for row in base)
        rows.append(
            (
                "FROM",
                f"FROM {base[0].origin}",
                "layer",
                f"{layers} layer(s) of the base image, {si(size)}",
                "yes",
            )
        )
    for row in reversed(report.rows):
        if row.origin != "Dockerfile":
            continue
        seed = "layer" if row.keyword in SEED_LAYER_CREATING else "no layer"
        measured = f"a new layer, {si(row.size_bytes)}" if row.new_layer else "no layer"
        agree = "yes" if (seed == "layer") == row.new_layer else "NO"
        note = next((n for i, n in trial.notes if n and _same_step(i, row.step)), "")
        step = row.step + (f"  ({note})" if note else "")
        rows.append((row.keyword, step, seed, measured, agree))
    return Table(
        ["instruction", "step", "the seed's table says", "measured here", "agree?"],
        rows,
        caption=f"{report.tag}: each instruction's effect, measured from RootFS layer counts",
    )


def _same_step(instruction: str, step: str) -> bool:
    """Does a trial instruction match the step the history recorded for it?"""
    keyword, _, rest = instruction.partition(" ")
    if keyword == "RUN":
        return step == instruction
    if keyword in ("COPY", "ADD"):
        return step.startswith(keyword) and step.endswith(rest.split(" ")[-1])
    if keyword == "EXPOSE":
        return step.startswith("EXPOSE") and rest in step
    if keyword in ("VOLUME", "ENTRYPOINT", "CMD"):
        return step.startswith(keyword)
    return step == instruction


def builder_formats(report: LayerReport) -> Table:
    """The same Dockerfile steps as this Engine's classic builder recorded them (measured, from
    `report`) and as BuildKit recorded them in the seed lesson's output."""

    def ours(keyword: str) -> str:
        for row in report.rows:
            if row.keyword == keyword and row.origin == "Dockerfile":
                return _shown(row.created_by, 60)
        return "(no such step)"

    def seed(keyword: str) -> str:
        for _, created_by, _, _ in SEED_BUILDKIT_HISTORY:
            if created_by.split(" ", 1)[0] == keyword:
                return created_by
        return "(no such step)"

    with_id = sum(row.image_id != MISSING for row in report.rows)
    comments = {row.comment for row in report.rows if row.origin == "Dockerfile"}
    seed_ids = sum(row[0] != MISSING for row in SEED_BUILDKIT_HISTORY)
    lab_rows = sum(row.origin == "lab label" for row in report.rows)
    return Table(
        ["", f"classic builder: {report.tag} here (measured)", "BuildKit: the seed's output"],
        [
            (
                "IMAGE column",
                f"an image id on {with_id} of {len(report.rows)} rows",
                f"an image id on {seed_ids} of {len(SEED_BUILDKIT_HISTORY)} rows; "
                "the rest <missing>",
            ),
            ("a RUN step", ours("RUN"), seed("RUN")),
            ("ADD app.py", ours("ADD"), seed("ADD")),
            ("a metadata step (CMD)", ours("CMD"), seed("CMD")),
            ("WORKDIR", ours("WORKDIR"), seed("WORKDIR")),
            (
                "COMMENT column",
                ", ".join(sorted(c or "(empty)" for c in comments)),
                "buildkit.dockerfile.v0",
            ),
            (
                "labels given with --label",
                f"{lab_rows} LABEL rows at the top",
                "(the seed's build set none)",
            ),
        ],
    )


# --- add a layer, and builds that fail ------------------------------------------------------------


def experiments_table(results: Iterable[AddLayerResult]) -> Table:
    """The "add a layer" choices tried so far, one row each."""
    return Table(
        ["instruction", "new layer?", "layer size", "image grew by"],
        [
            (
                clip(r.instruction, 60),
                yes_no(r.new_layer),
                si(r.layer_bytes) if r.new_layer else "-",
                f"{si(r.grew_bytes)} ({r.grew_bytes:,} B)",
            )
            for r in results
        ],
        caption="your experiments so far",
    )


def describe_build_failure(exc: BuildFailed, tail_lines: int = 8) -> str:
    """The failing step and the last lines the builder printed, for a learner to read."""
    tail = exc.build_log[-tail_lines:]
    return "\n".join(
        [
            f"The build stopped at: {exc.step or 'the start, before any step ran'}",
            f"Last {len(tail)} lines of the build log:",
            *(f"    {line}" for line in tail),
            f"Why: {exc.why}",
            f"What to do: {exc.todo}",
        ]
    )
