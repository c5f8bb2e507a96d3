"""Notebook 01's words, tables and chart, made from results (never from the Engine).

How a history row reads (`step_of`, for both builders' formats), the seed lesson's table set
beside what each builder made here, the two builders' histories side by side, the layer chart,
the "add a layer" experiments, one stage against two, and a failed build in words. The sentences
under the tables say what holds on this Engine, chosen from what was measured: which builder
made a layer of what, and what each size counts in this image store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...core.errors import BadInput, BuildFailed
from ...core.units import si
from ...core.table import Table, yes_no

if TYPE_CHECKING:
    from .results import (
        AddLayerResult,
        BuilderComparison,
        BuilderProbe,
        HistoryRow,
        LayerReport,
        StageComparison,
        TrialReport,
    )

__all__ = [
    "CHANGES_NOTHING",
    "CONFIG_ONLY",
    "MISSING",
    "SEED_LAYER_CREATING",
    "SEED_NOT_LAYER_CREATING",
    "builder_formats",
    "builder_label",
    "builder_notes",
    "builder_probe_table",
    "clip",
    "describe_added_layer",
    "describe_build_failure",
    "experiments_table",
    "history_table",
    "layer_label",
    "layer_summary",
    "plot_layers",
    "seed_comparison",
    "shorten_hashes",
    "size_sentences",
    "stages_notes",
    "stages_table",
    "step_of",
    "trial_notes",
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

# Trial steps that change no file: whether they still make a layer depends on the builder.
CHANGES_NOTHING = ("WORKDIR /tmp", "RUN echo nothing to write > /dev/null")
# Instructions that set only the image's config (with either builder, never a layer).
CONFIG_ONLY = ("ENV", "LABEL", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL", "ENTRYPOINT", "CMD", "ARG")


def builder_label(builder: str) -> str:
    """ "BuildKit", "the classic builder", or "an unknown builder"."""
    return {"buildkit": "BuildKit", "classic": "the classic builder"}.get(
        builder, "an unknown builder"
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short_builder(builder: str) -> str:
    return {"buildkit": "BuildKit", "classic": "classic"}.get(builder, builder)


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
    >>> step_of("RUN |1 GREETING=hello /bin/sh -c echo hi > /a # buildkit")
    ('RUN echo hi > /a', 'RUN')

    A row with no command (an imported base image) gives ("(imported: COMMENT)", "").
    """
    text = created_by.strip()
    if not text:
        return (f"(imported: {comment})" if comment else "(no command recorded)", "")
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    buildkit_run = text.startswith("RUN ")
    if buildkit_run:
        text = text[len("RUN ") :]
    # "|N ARG1=v1 ... /bin/sh -c cmd" when build args are in scope (both builders)
    match = _BUILD_ARGS.match(text)
    if match:
        parts = text.split(" ", int(match[1]) + 1)
        text = parts[-1] if len(parts) > int(match[1]) + 1 else text
    if text.startswith(_NOP):
        text = text[len(_NOP) :].strip()
    elif text.startswith(_SHELL):
        text = "RUN " + text[len(_SHELL) :]
    elif buildkit_run:
        text = "RUN " + text  # an exec-form RUN ["cmd", "arg"]
    text = shorten_hashes(text)
    keyword = text.split(" ", 1)[0]
    return text, keyword if keyword.isupper() else ""


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _own(row: HistoryRow) -> bool:
    """Is the row a step of this image's own Dockerfile (or the lab's label), not the base's?"""
    return row.origin in ("Dockerfile", "lab label")


def layer_label(row: HistoryRow) -> str:
    """How a row is named in summaries and charts: a base image's rows by their image (the FROM
    line itself has no row: the rows under the Dockerfile's are the base image's history)."""
    if _own(row):
        return row.step
    if row.keyword:
        return f"{row.origin}: {row.step}"
    return row.origin  # an imported base image's one row: its name says it all


def _new_layer(row: HistoryRow) -> str:
    """The history table's "new layer?" cell: a base image's layer is shared, not new here."""
    if not row.new_layer:
        return "no"
    return "yes" if _own(row) else "the base image's"


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
                _new_layer(row),
                row.evidence,
            )
            for row in report.rows
        ],
        caption=f"docker image history {report.tag}, with the evidence for each layer",
    )


def size_sentences(report: LayerReport) -> list[str]:
    """How the rows' sizes add up, and what `docker image ls` and `inspect` count, in this
    image store (from `report.sizes`)."""
    sizes, total = report.sizes, report.rows_bytes
    unpacked = sizes.unpacked_bytes
    first = (
        f"The rows add up to {si(total)} ({total:,} B); the image's unpacked size (its layers on "
        f"disk, as containers see them) is {si(unpacked)}"
    )
    if sizes.store != "containerd":
        same = sizes.listed_bytes == sizes.inspect_bytes == unpacked == total
        return [
            first + (": the same." if unpacked == total else ": DIFFERENT."),
            f"`docker image ls` and `docker image inspect` show that same {si(unpacked)}: this "
            "image store (the graph driver's) keeps each layer once, unpacked, and a row's size "
            "is the bytes of the files its layer holds."
            if same
            else f"`docker image ls` shows {si(sizes.listed_bytes)}, `docker image inspect` "
            f"{si(sizes.inspect_bytes)}.",
        ]
    more = unpacked - total
    if more == 0:
        sentences = [first + ": the same."]
    else:
        why = (
            "the classic builder commits each step that runs a container on top of that "
            "container's init layer (the mount points of /etc/hosts, /etc/resolv.conf and the "
            "like), which is no layer of the image"
            if report.builder == "classic"
            else "the snapshots the layers sit on include some that are no layer of the image"
        )
        sentences = [
            first + f": {si(more)} ({more:,} B) more. The unpacked size walks the snapshots "
            f"each layer sits on, `history` counts each layer's own: {why}."
        ]
    # no exact bytes here: compressed sizes and build attestations vary by a few bytes per build
    other = sizes.listed_bytes - unpacked - sizes.content_bytes
    extra = ", plus a little other content its index names (BuildKit's build attestation)"
    short = sizes.listed_bytes - total
    sentences += [
        f"`docker image ls` shows {si(sizes.listed_bytes)}: the unpacked size plus the "
        f"compressed content ({si(sizes.content_bytes)}) that the containerd image store keeps "
        "beside it" + (extra if other > 0 else "") + f"; so the rows fall short of it by "
        f"{si(short)}. `docker image inspect` shows the compressed content alone: "
        f"{si(sizes.inspect_bytes)}.",
        "Here a row's size is the disk space its unpacked layer (a snapshot) takes, in whole "
        "blocks, not its files' bytes: a layer that holds no file bytes shows a few kB, not 0B.",
    ]
    return sentences


def layer_summary(report: LayerReport) -> str:
    """The cross-checks in words, and what the sizes count here."""
    layers = report.layers
    own = [row for row in layers if _own(row)]
    base = [row for row in layers if not _own(row)]
    origins = sorted({row.origin for row in base})
    steps = ", ".join(clip(layer_label(row), 40) for row in own) or "none"
    count = "the same count" if report.layers_agree else "a DIFFERENT count"
    first = f"{report.tag}: {len(report.rows)} history rows, {len(layers)} layers. "
    if base:
        first += (
            f"{len(base)} came with the base image ({', '.join(origins)}): its own history rows, "
            "the same layers, shared with it, not copied; the FROM line adds no layer or row of "
            "its own. "
        )
    first += f"{len(own)} added by this image's Dockerfile: {steps}."
    return "\n".join(
        [
            first,
            f"RootFS.Layers of {report.tag}: {report.rootfs_layers} layers, {count}.",
            f"Built by: {builder_label(report.builder)}. Evidence: {report.method}.",
            *size_sentences(report),
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
    counted = "disk blocks" if report.sizes.store == "containerd" else "file bytes"
    ax.set_xlabel(
        f"layer size ({counted}), SI units ({scale} scale)\n"
        "grey: from the image it starts FROM, blue: its own Dockerfile"
    )
    total, listed = sum(sizes), report.sizes.listed_bytes
    said = (
        "the same"
        if listed == total
        else f"{si(listed)}: it adds {si(listed - total)} of compressed content"
    )
    ax.set_title(
        f"{report.tag}: {len(layers)} layers, {si(total)} in all, unpacked\n"
        f"(docker image ls says {said})",
        fontsize=10,
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


# --- beside the seed lesson -----------------------------------------------------------------------


def _own_rows(report: LayerReport) -> list:
    """The rows of the report's own Dockerfile, oldest first (no base image, no lab labels)."""
    return [row for row in reversed(report.rows) if row.origin == "Dockerfile"]


def _effect(row: HistoryRow | None) -> str:
    if row is None:
        return "?"
    return f"a new layer, {si(row.size_bytes)}" if row.new_layer else "no layer"


def seed_comparison(trial: TrialReport) -> Table:
    """Each instruction of the trial: what the seed's table says, and what each builder made of
    it here (the learner's builder first)."""
    reports = trial.reports
    owns = [_own_rows(report) for report in reports]
    columns = ["instruction", "step", "the seed's table says"]
    columns += [
        builder_label(r.builder) + (" (yours)" if n == 0 else "") for n, r in enumerate(reports)
    ]
    rows = []
    base = [row for row in reports[0].rows if row.origin not in ("Dockerfile", "lab label")]
    if base:
        cells = []
        for report in reports:
            from_base = [r for r in report.rows if r.origin not in ("Dockerfile", "lab label")]
            layers = sum(row.new_layer for row in from_base)
            size = sum(row.size_bytes for row in from_base)
            cells.append(f"none of its own; the base image's {layers} layer(s), {si(size)}, shared")
        agree = "partly: brings the base's layers, adds none"
        rows.append(("FROM", f"FROM {base[0].origin}", "layer", *cells, agree))
    for index, (instruction, note) in enumerate(trial.notes_by_step):
        keyword = instruction.split(" ", 1)[0]
        seed = "layer" if keyword in SEED_LAYER_CREATING else "no layer"
        found = [own[index] if index < len(own) else None for own in owns]
        disagree = [
            _short_builder(report.builder)
            for report, row in zip(reports, found, strict=True)
            if row is not None and (seed == "layer") != row.new_layer
        ]
        agree = "yes" if not disagree else "NO: " + ", ".join(disagree)
        step = instruction + (f"  ({note})" if note else "")
        rows.append((keyword, step, seed, *(_effect(row) for row in found), agree))
    return Table(
        [*columns, "the seed agrees?"],
        rows,
        caption=f"{reports[0].tag}: each instruction's effect, measured with each builder",
    )


def _rule(report: LayerReport, by_step: dict) -> str:
    """Which steps made layers under this report's builder, in one sentence."""
    name = _capital(builder_label(report.builder))
    empty = [step for step in CHANGES_NOTHING if step in by_step and by_step[step].new_layer]
    if len(empty) == len(CHANGES_NOTHING):
        return (
            f"{name}: every RUN, COPY, ADD and WORKDIR added a layer, even WORKDIR /tmp (which "
            "exists already) and the RUN that writes nothing: it stores each such step as a "
            "layer, an empty one where nothing changed."
        )
    if not empty:
        return (
            f"{name}: a step added a layer exactly when it changed files; WORKDIR /tmp (which "
            "exists already) and the RUN that writes nothing added none: it stores no empty "
            "change."
        )
    kept = ", ".join(empty)
    left = ", ".join(step for step in CHANGES_NOTHING if step not in empty)
    return f"{name}: of the steps that change no file, {kept} added a layer and {left} did not."


def trial_notes(trial: TrialReport) -> list[str]:
    """What the trial showed on this Engine: the rule each builder followed, the instructions
    that never made a layer, and what the new layers weigh."""
    notes = []
    config_layers = []
    for report in trial.reports:
        own = _own_rows(report)
        steps = [instruction for instruction, _ in trial.notes_by_step]
        by_step = dict(zip(steps, own, strict=False))  # a short history leaves steps out
        notes.append(_rule(report, by_step))
        config_layers += [
            f"{instruction} ({_short_builder(report.builder)})"
            for instruction, row in by_step.items()
            if row.new_layer and instruction.split(" ", 1)[0] in CONFIG_ONLY
        ]
    if config_layers:
        made = ", ".join(config_layers)
        notes.append(f"These instructions that set only the config made a layer here: {made}.")
    else:
        notes.append(
            ", ".join(CONFIG_ONLY[:-1])
            + f" and {CONFIG_ONLY[-1]} made no layer with "
            + ("either builder" if len(trial.reports) > 1 else "this builder")
            + ": they change only the image's config."
        )
    report = trial.report
    new = [row for row in _own_rows(report) if row.new_layer]
    total = sum(row.size_bytes for row in new)
    counted = (
        "the disk blocks each layer takes (a few kB even for an empty one)"
        if report.sizes.store == "containerd"
        else "the bytes of their files"
    )
    notes.append(
        f"The trial's {len(new)} new layers ({builder_label(report.builder)}) hold "
        f"{si(total)} together ({' + '.join(si(row.size_bytes) for row in new)}), counted as "
        f"{counted}: an image's size is what its layers hold, not how many there are."
    )
    if trial.unavailable:
        notes.append(f"Only {builder_label(report.builder)} built the trial: {trial.unavailable}")
    return notes


def builder_probe_table(probe: BuilderProbe) -> Table:
    """Who builds with which builder on this machine."""
    builder = probe.builder
    how = (
        "the docker CLI's own `docker build --progress=plain`"
        if builder.name == "buildkit"
        else "the Engine's /build API, through the Python SDK"
    )
    default = {"2": "2: BuildKit", "1": "1: the classic builder"}.get(
        builder.engine_default, "(not announced by this Engine)"
    )
    return Table(
        ["who builds", "with which builder"],
        [
            ("`docker build` in your terminal", f"{builder.label}: {builder.reason}"),
            ("labhelpers (these notebooks)", f"the same, {builder.label}: through {how}"),
            ("the Engine's default (ping: Builder-Version)", default),
            ("the comparison builds in sections 4 and 5", builder_label(probe.other)),
        ],
    )


def builder_formats(comparison: BuilderComparison) -> Table:
    """The same Dockerfile steps as each builder recorded them, both measured here: the
    learner's builder, and the other one building the same files."""
    reports = [comparison.yours] + ([comparison.other] if comparison.other else [])

    def own(report: LayerReport, keyword: str) -> str:
        for row in _own_rows(report):
            if row.keyword == keyword:
                return _shown(row.created_by, 60)
        return "(no such step)"

    def ids(report: LayerReport) -> str:
        with_id = sum(row.image_id != MISSING for row in report.rows)
        rest = "; the rest <missing>" if with_id < len(report.rows) else ""
        return f"an image id on {with_id} of {len(report.rows)} rows{rest}"

    def comments(report: LayerReport) -> str:
        found = {row.comment for row in _own_rows(report)}
        return ", ".join(sorted(c or "(empty)" for c in found))

    def labels(report: LayerReport) -> str:
        count = sum(row.origin == "lab label" for row in report.rows)
        return f"{count} LABEL rows at the top" if count else "no row: set in the config only"

    def evidence(report: LayerReport) -> str:
        return "config: empty_layer" if "empty_layer" in report.method else "RootFS layer counts"

    aspects = [
        ("IMAGE column", ids),
        ("a RUN step", lambda r: own(r, "RUN")),
        ("ADD app.py", lambda r: own(r, "ADD")),
        ("a metadata step (CMD)", lambda r: own(r, "CMD")),
        ("WORKDIR", lambda r: own(r, "WORKDIR")),
        ("COMMENT column", comments),
        ("labels given with --label", labels),
        ("layers (RootFS.Layers)", lambda r: str(r.rootfs_layers)),
        ("evidence for each layer", evidence),
    ]
    columns = [""] + [
        f"{builder_label(r.builder)}: {r.tag}" + (" (yours)" if n == 0 else "")
        for n, r in enumerate(reports)
    ]
    rows = [(name, *(show(r) for r in reports)) for name, show in aspects]
    if comparison.other is None:
        columns.append("the other builder")
        rows = [(*row, comparison.unavailable if n == 0 else "") for n, row in enumerate(rows)]
    return Table(columns, rows, caption="the same Dockerfile, as each builder records it here")


def builder_notes(comparison: BuilderComparison) -> list[str]:
    """What the side-by-side shows on this Engine."""
    yours, other = comparison.yours, comparison.other
    notes = [
        f"Your `docker build` builds with {builder_label(yours.builder)}, and so does the lab "
        f"({yours.tag})."
        + (
            f" {other.tag} is the same files built once more with {builder_label(other.builder)}"
            ", for this comparison."
            if other
            else f" The other builder could not build here: {comparison.unavailable}"
        )
    ]
    if other is None:
        return notes
    missing = [r for r in (yours, other) if "empty_layer" in r.method]
    for report in missing:
        notes.append(
            f"{_capital(builder_label(report.builder))} left no image for its steps, so every "
            "row but the top says <missing>: the evidence for each layer is the image config's "
            "empty_layer flags."
        )
    same_layers = [row.size_bytes for row in yours.layers] == [
        row.size_bytes for row in other.layers
    ]
    if yours.rootfs_layers == other.rootfs_layers and same_layers:
        notes.append(
            f"Both made the same {yours.rootfs_layers} layers, of the same sizes, from the same "
            "files: the builders differ in their bookkeeping (step images, the history's "
            "format), not in the image."
        )
    else:
        notes.append(
            f"The layers differ: {yours.rootfs_layers} ({builder_label(yours.builder)}) against "
            f"{other.rootfs_layers} ({builder_label(other.builder)}); section 4 shows which "
            "instructions make a layer with each."
        )
    return notes


# --- add a layer ---------------------------------------------------------------------------------


def describe_added_layer(result: AddLayerResult) -> str:
    """What one extra instruction did, in a few lines: the layer, and how much bigger the image
    is unpacked (the same measure on every Engine), with what `docker image ls` and `inspect`
    say beside it where they count otherwise."""
    if result.new_layer:
        effect = f"a new layer of {si(result.layer_bytes)} ({result.layer_bytes:,} B)"
    else:
        effect = "no new layer"
    grew = result.grew_bytes
    lines = [
        result.instruction,
        f"  -> {effect}; RootFS {result.layers_before} -> {result.layers_after} layers "
        f"({builder_label(result.report.builder)}).",
        f"  {result.tag} is {si(grew)} ({grew:,} B) bigger than {result.from_image} unpacked "
        "(its files on disk).",
    ]
    if result.sizes_after.store == "containerd":
        inspect = result.grew_inspect_bytes
        squeezed = grew > 0 and inspect * 10 < grew
        lines.append(
            f"  docker image ls: {si(result.grew_listed_bytes)} bigger; docker image inspect: "
            f"{si(inspect)} bigger. The containerd store counts the compressed layer there"
            + (", and this one compresses to almost nothing." if squeezed else ".")
        )
    return "\n".join(lines)


def experiments_table(results: Iterable[AddLayerResult]) -> Table:
    """The "add a layer" choices tried so far, one row each."""
    results = list(results)
    compressed = any(r.sizes_after.store == "containerd" for r in results)
    columns = ["instruction", "new layer?", "layer size", "image grew by (unpacked)"]
    if compressed:
        columns += ["`image ls` grew by", "`inspect` (compressed) grew by"]
    rows = []
    for r in results:
        row = [
            clip(r.instruction, 60),
            yes_no(r.new_layer),
            si(r.layer_bytes) if r.new_layer else "-",
            f"{si(r.grew_bytes)} ({r.grew_bytes:,} B)",
        ]
        if compressed:
            row += [si(r.grew_listed_bytes), f"{si(r.grew_inspect_bytes)}"]
        rows.append(row)
    return Table(columns, rows, caption="your experiments so far")


# --- one stage or two -----------------------------------------------------------------------------


def stages_table(comparison: StageComparison) -> Table:
    """The three images (and the build stage, where the builder left one) by unpacked size,
    with the compressed content and `docker image ls` beside it where the store counts so."""
    compressed = comparison.base_sizes.store == "containerd"
    shown = [(i.tag, i) for i in comparison.images]
    if comparison.build_stage is not None:
        shown.append(("<none> (the build stage)", comparison.build_stage))
    columns = ["image", "unpacked", "bytes", "layers", "above the base image (unpacked)"]
    if compressed:
        columns += ["above the base (compressed)", "docker image ls"]
    rows = []
    for name, image in shown:
        row = [
            name,
            si(image.size_bytes),
            f"{image.size_bytes:,}",
            image.layers,
            f"{si(image.above_base_bytes)} ({image.above_base_bytes:,} B)",
        ]
        if compressed:
            row += [si(image.above_base_content_bytes), si(image.sizes.listed_bytes)]
        rows.append(row)
    base = comparison.base_sizes
    caption = f"base image {comparison.base_image}: {si(base.unpacked_bytes)} unpacked" + (
        f", {si(base.content_bytes)} compressed" if compressed else ""
    )
    return Table(columns, rows, caption=caption)


def stages_notes(comparison: StageComparison) -> list[str]:
    """What the three builds showed here, and where the build stage went."""
    by_variant = {i.tag.rsplit(":", 1)[-1]: i for i in comparison.images}
    one, rm, multi = (by_variant.get(v) for v in ("one-stage", "one-stage-rm", "multi-stage"))
    notes = []
    if one and rm:
        shrank = rm.above_base_bytes < one.above_base_bytes
        notes.append(
            f"Deleting the toolchain in a later step {'DID' if shrank else 'did not'} shrink the "
            f"image: one-stage-rm is {si(rm.above_base_bytes)} ({rm.above_base_bytes:,} B) above "
            f"the base, one-stage {si(one.above_base_bytes)} ({one.above_base_bytes:,} B). The "
            "layer that wrote the toolchain still holds it; the "
            "later layer only records that it is gone."
        )
    if multi:
        notes.append(
            f"The multi-stage image is {si(multi.above_base_bytes)} above the base: the result, "
            "and nothing of the build stage."
        )
    stage = comparison.build_stage
    if stage is not None:
        notes.append(
            f"{_capital(builder_label(comparison.builder))} left the build stage in your Engine "
            f"as an untagged image ({stage.image_id}, <none> in `docker image ls`), as cache for "
            f"the next build: {si(stage.above_base_bytes)} above the base image on disk, none of "
            "it in the image you ship. Its Dockerfile's label lets the lab's cleanup remove it."
        )
    elif comparison.builder == "buildkit":
        notes.append(
            "BuildKit exported only the final stage: the build stage left no image. Its steps "
            "stay in BuildKit's build cache (`docker buildx du`; Build Cache in `docker system "
            "df`), which `docker builder prune` empties."
        )
    if comparison.base_sizes.store == "containerd" and one and multi:
        notes.append(
            "By compressed content (`docker image inspect`) the images are only "
            f"{si(one.above_base_content_bytes)}, {si(rm.above_base_content_bytes if rm else 0)} "
            f"and {si(multi.above_base_content_bytes)} above the base: 30 MiB of zeros compress "
            "to almost nothing. A registry would send that little, but a container's disk holds "
            "the files unpacked: that is the size compared here, the same measure on every Engine."
        )
    return notes


# --- builds that fail -----------------------------------------------------------------------------


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
