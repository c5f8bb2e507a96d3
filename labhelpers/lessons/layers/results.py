"""What notebook 01's experiments return, and how each shows as a table.

Sizes: `sizes` fields hold the Engine layer's `ImageSizes` (store, listed, inspect, content and
unpacked bytes). Comparisons use the unpacked bytes, the only size that means the same on every
Engine (the files the layers hold on disk); the others are named beside them where they differ.
Verdicts are data (`Claim`, and boolean properties): the notes under a table are made from them.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ...core.errors import BuildFailed
from ...core.results import result
from ...core.table import Table, TableShown, yes_no
from ...core.units import si

__all__ = [
    "BUILDERS",
    "CONFIG_ONLY",
    "LECTURE_LAYER_CREATING",
    "MISSING",
    "AddLayerExperiments",
    "AddLayerResult",
    "BuildAttempt",
    "Claim",
    "HistoryRow",
    "ImageSize",
    "LayerReport",
    "StageComparison",
    "TrialReport",
    "attempt_from_failure",
    "builder_label",
    "step_of",
]

MISSING = "<missing>"  # the IMAGE column of a history row whose step image is not in the Engine
LECTURE_LAYER_CREATING = ("FROM", "RUN", "COPY", "ADD")  # the lecture's table; all else: none
# Instructions that set only the image's config (with either builder, never a layer).
CONFIG_ONLY = ("ARG", "ENV", "LABEL", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL", "ENTRYPOINT", "CMD")
BUILDERS = {"buildkit": "BuildKit", "classic": "the classic builder"}


def builder_label(builder: str) -> str:
    return BUILDERS.get(builder, "an unknown builder")


class _TableAndNotes(TableShown):
    """A result that shows as its table with a few sentences under it (`notes()`), each made from
    what was measured."""

    def notes(self) -> list[str]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return "\n".join([repr(self.table()), *(f"* {note}" for note in self.notes())])

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes())
        return self.table()._repr_html_() + (f"<ul>{items}</ul>" if items else "")


@result
class Claim:
    """One question the lecture answers, with the lecture's answer, what was measured, whether the
    lecture holds here (`holds`) and why the measurement comes out as it does (`because`)."""

    question: str
    lecture: str
    measured: tuple  # one cell per builder, the learner's first
    holds: bool
    because: str = ""


# --- reading one history row ----------------------------------------------------------------------

_NOP = "/bin/sh -c #(nop)"
_SHELL = "/bin/sh -c "
_BUILD_ARGS = re.compile(r"^\|(\d+) ")
_LONG_HASH = re.compile(r"\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{20,}")


def step_of(created_by: str) -> tuple[str, str]:
    """The Dockerfile step a history row records, and its instruction keyword, in both builders'
    formats:

    >>> step_of("/bin/sh -c #(nop)  CMD [\\"python\\" \\"app.py\\"]")
    ('CMD ["python" "app.py"]', 'CMD')
    >>> step_of("RUN |1 GREETING=hello /bin/sh -c echo hi > /a # buildkit")
    ('RUN echo hi > /a', 'RUN')

    A row with no command (a layer imported with `docker import`) gives ("", "").
    """
    text = created_by.strip().removesuffix("# buildkit").rstrip()
    buildkit_run = text.startswith("RUN ")
    text = text.removeprefix("RUN ") if buildkit_run else text
    match = _BUILD_ARGS.match(text)  # "|N ARG1=v1 ... /bin/sh -c cmd": build args in scope
    if match:
        parts = text.split(" ", int(match[1]) + 1)
        text = parts[-1] if len(parts) > int(match[1]) + 1 else text
    if text.startswith(_NOP):
        text = text[len(_NOP) :].strip()
    elif text.startswith(_SHELL) or buildkit_run:
        text = "RUN " + text.removeprefix(_SHELL)
    text = _LONG_HASH.sub(lambda m: f"{m[1]}:{m[2]}…", text)
    keyword = text.split(" ", 1)[0]
    return text, keyword if keyword.isupper() else ""


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- the history ----------------------------------------------------------------------------------

OWN = ("Dockerfile", "--label")  # origins of the image's own rows (the rest: its base image's)


@result
class HistoryRow:
    """One row of `docker image history`, with whether that step added a layer (from the image
    config's `empty_layer` flag). `origin`: "Dockerfile", "--label" (the classic builder records
    the build's labels as LABEL steps at the top) or the image the Dockerfile starts FROM."""

    image_id: str
    created_by: str
    step: str
    keyword: str
    origin: str
    size_bytes: int
    new_layer: bool

    @property
    def own(self) -> bool:
        return self.origin in OWN


@result
class LayerReport(_TableAndNotes):
    """`docker image history TAG` (newest step first, as the CLI prints it) with each row's layer.

    `rootfs_layers` is `len(RootFS.Layers)` of the image; `sizes` its `ImageSizes`; `builder`
    the builder that made its own rows ("buildkit", "classic", or "unknown"). The properties
    cross-check the rows against both; `lh.layers.plot_layers` draws the layers."""

    tag: str
    rows: tuple
    rootfs_layers: int
    sizes: Any  # engine.images.ImageSizes
    builder: str

    @property
    def layers(self) -> tuple:
        """The rows that added a layer, oldest first (the order the layers stack in)."""
        return tuple(row for row in reversed(self.rows) if row.new_layer)

    @property
    def own_rows(self) -> tuple:
        """The rows of the image's own Dockerfile, oldest first (no base image, no labels)."""
        return tuple(row for row in reversed(self.rows) if row.origin == "Dockerfile")

    @property
    def layers_agree(self) -> bool:
        """Do the rows' layers add up to the image's RootFS layer count?"""
        return len(self.layers) == self.rootfs_layers

    @property
    def rows_bytes(self) -> int:
        return sum(row.size_bytes for row in self.rows)

    @property
    def sizes_agree(self) -> bool:
        """Do the rows add up to the image's unpacked size?"""
        return self.rows_bytes == self.sizes.unpacked_bytes

    @property
    def listed_agree(self) -> bool:
        """Do the rows add up to what `docker image ls` shows (the classic store only)?"""
        return self.rows_bytes == self.sizes.listed_bytes

    def table(self) -> Table:
        rows = []
        for row in self.rows:
            step = row.step if row.own else f"{row.origin}: {row.step}".rstrip(": ")
            layer = ("yes" if row.own else "the base's") if row.new_layer else "no"
            rows.append((row.image_id, _clip(step, 45), si(row.size_bytes), layer))
        return Table(["image", "step", "size", "new layer?"], rows)

    def notes(self) -> list[str]:
        own = sum(row.own for row in self.layers)
        count = "" if self.layers_agree else f" (RootFS.Layers counts {self.rootfs_layers})"
        notes = [
            f"{len(self.layers)} layers{count}: {len(self.layers) - own} shared with the base "
            f"image, {own} from the Dockerfile."
        ]
        sizes = self.sizes
        unpacked = "the image's unpacked size"
        if not self.sizes_agree:
            unpacked += f" is {si(sizes.unpacked_bytes)}"
        if sizes.store == "containerd":
            notes.append(
                f"The rows (disk blocks) add up to {si(self.rows_bytes)}, {unpacked}. `docker "
                f"image ls` adds the store's compressed copy ({si(sizes.content_bytes)}): "
                f"{si(sizes.listed_bytes)}; `inspect` shows the copy alone."
            )
        else:
            notes.append(
                f"The rows (file bytes) add up to {si(self.rows_bytes)}, {unpacked}, as "
                f"`docker image ls` and `inspect` show it ({si(sizes.listed_bytes)})."
            )
        return notes


# --- the instruction trial ---------------------------------------------------------------------


def _effect(row: HistoryRow | None) -> str:
    if row is None:
        return "?"
    return f"layer, {si(row.size_bytes)}" if row.new_layer else "no layer"


@result
class TrialReport(_TableAndNotes):
    """The instruction trial, built once with each builder that could: `reports` holds one
    LayerReport per builder (the learner's first), `steps` the (instruction, note) pairs of the
    trial's Dockerfile, `unavailable` why the other builder could not build it ("")."""

    reports: tuple
    steps: tuple
    unavailable: str = ""

    def made(self, builder: str) -> frozenset:
        """The trial's instructions that added a layer with BUILDER."""
        report = next(r for r in self.reports if r.builder == builder)
        pairs = zip(self.steps, report.own_rows, strict=False)
        return frozenset(step for (step, _), row in pairs if row.new_layer)

    @property
    def claims(self) -> tuple:
        """ "Does INSTRUCTION add a layer?" for FROM and each step, measured with each builder;
        the instructions that held with every builder are one claim per answer (config only: no
        layer; files written: a layer each)."""
        owns = [report.own_rows for report in self.reports]
        base = [sum(r.new_layer for r in rep.rows if not r.own) for rep in self.reports]
        from_base = tuple(f"the base's {n} layer{'s' * (n != 1)}" for n in base)
        why = "FROM makes no layer of its own: the image starts with the base image's layers"
        claims = [Claim("FROM", "layer", from_base, True, why)]
        quiet, layered = [], []
        for index, (instruction, note) in enumerate(self.steps):
            keyword = instruction.split(" ", 1)[0]
            lecture = "layer" if keyword in LECTURE_LAYER_CREATING else "no layer"
            rows = [own[index] if index < len(own) else None for own in owns]
            holds = all(row is not None and row.new_layer == (lecture == "layer") for row in rows)
            if keyword in CONFIG_ONLY and holds:
                quiet.append(keyword)
                continue
            if lecture == "layer" and holds:
                layered.append(keyword + (f" ({note})" if note else ""))
                continue
            differ = [
                (BUILDERS.get(r.builder, r.builder), row.new_layer)
                for r, row in zip(self.reports, rows, strict=True)
                if row is not None and row.new_layer != (lecture == "layer")
            ]
            who = "both" if len(differ) > 1 else " and ".join(b for b, _ in differ)
            because = f"{who} made {'a layer' if differ[0][1] else 'none'}" if differ else ""
            step = instruction + (f" ({note})" if note else "")
            claims.append(Claim(step, lecture, tuple(_effect(r) for r in rows), holds, because))
        if layered:
            cells = tuple("a layer each" for _ in self.reports)
            claims.insert(1, Claim(", ".join(layered), "layer", cells, True, "they write files"))
        if quiet:
            unique = ", ".join(dict.fromkeys(quiet))
            cells = tuple("no layer" for _ in self.reports)
            claims.insert(1, Claim(unique, "no layer", cells, True, "they set only the config"))
        return tuple(claims)

    def table(self) -> Table:
        columns = ["instruction", "the lecture says"]
        columns += [
            BUILDERS.get(r.builder, r.builder) + (" (yours)" if n == 0 else "")
            for n, r in enumerate(self.reports)
        ]
        rows = [
            (c.question, c.lecture, *c.measured, "yes" if c.holds else f"no: {c.because}")
            for c in self.claims
        ]
        return Table([*columns, "holds?"], rows)

    def notes(self) -> list[str]:
        if not self.unavailable:
            return []
        return [f"Only {builder_label(self.reports[0].builder)} built it: {self.unavailable}"]


# --- add a layer ----------------------------------------------------------------------------------


@result
class AddLayerResult:
    """What one extra instruction did to the image: a new layer or not, and its size.

    `sizes_before`/`sizes_after` are the two images' `ImageSizes`; `grew_bytes` compares their
    unpacked sizes (the same meaning on every Engine)."""

    choice: str
    instruction: str
    tag: str
    from_image: str
    new_layer: bool
    layer_bytes: int
    layers_before: int
    layers_after: int
    sizes_before: Any  # engine.images.ImageSizes
    sizes_after: Any
    report: LayerReport

    @property
    def grew_bytes(self) -> int:
        """How much bigger the image is unpacked (its files on disk)."""
        return self.sizes_after.unpacked_bytes - self.sizes_before.unpacked_bytes

    @property
    def grew_listed_bytes(self) -> int:
        return self.sizes_after.listed_bytes - self.sizes_before.listed_bytes

    @property
    def grew_inspect_bytes(self) -> int:
        return self.sizes_after.inspect_bytes - self.sizes_before.inspect_bytes

    def __repr__(self) -> str:
        effect = f"a new layer of {si(self.layer_bytes)}" if self.new_layer else "no new layer"
        lines = [
            f"{self.instruction}: {effect}; RootFS {self.layers_before} -> {self.layers_after}.",
            f"{self.tag} is {si(self.grew_bytes)} ({self.grew_bytes:,} B) bigger unpacked.",
        ]
        if self.sizes_after.store == "containerd":
            lines.append(
                f"`docker image ls`: {si(self.grew_listed_bytes)} bigger (unpacked + compressed); "
                f"`inspect`: {si(self.grew_inspect_bytes)} (compressed only)."
            )
        return "\n".join(lines)


class AddLayerExperiments(TableShown):
    """The "add a layer" choices tried so far (newest last); shows as their table."""

    def __init__(self) -> None:
        self.experiments: list[AddLayerResult] = []

    @property
    def last(self) -> AddLayerResult | None:
        return self.experiments[-1] if self.experiments else None

    def table(self) -> Table:
        compressed = any(r.sizes_after.store == "containerd" for r in self.experiments)
        columns = ["instruction", "new layer?", "grew (unpacked)"]
        columns += ["`image ls` grew", "`inspect` grew"] if compressed else []
        rows = []
        for r in self.experiments:
            row = [_clip(r.instruction, 50), yes_no(r.new_layer), si(r.grew_bytes)]
            rows.append(row + ([si(r.grew_listed_bytes), si(r.grew_inspect_bytes)] * compressed))
        return Table(columns, rows)


# --- one stage or two -----------------------------------------------------------------------------


@result
class ImageSize:
    """One image's sizes (`sizes`: its ImageSizes), its layer count, and how much it adds to
    the base image unpacked (`above_base_bytes`) and as compressed content
    (`above_base_content_bytes`, -1 where the store keeps no compressed content)."""

    tag: str
    image_id: str
    layers: int
    sizes: Any  # engine.images.ImageSizes
    above_base_bytes: int
    above_base_content_bytes: int


@result
class StageComparison(_TableAndNotes):
    """The same build done three ways (`images`: one-stage, one-stage-rm, multi-stage), with
    `builder`; `build_stage` is the multi-stage build's first stage when the builder left it in
    the Engine as an untagged image (the classic builder; BuildKit exports only the last)."""

    base_image: str
    base_sizes: Any  # engine.images.ImageSizes
    images: tuple
    build_stage: ImageSize | None
    builder: str

    def _variant(self, name: str) -> ImageSize:
        return next(i for i in self.images if i.tag.rsplit(":", 1)[-1] == name)

    @property
    def rm_shrank(self) -> bool:
        """Did deleting the toolchain in a later step make the image smaller? (It cannot.)"""
        one, rm = self._variant("one-stage"), self._variant("one-stage-rm")
        return rm.above_base_bytes < one.above_base_bytes

    @property
    def claims(self) -> tuple:
        one = self._variant("one-stage").above_base_bytes
        multi = self._variant("multi-stage").above_base_bytes
        measured = f"{si(multi)} above the base, not {si(one)}"
        question = "Does a multi-stage build make a smaller image?"
        why = "only what the last stage copies is in the image"
        return (Claim(question, "yes", (measured,), multi < one, why),)

    def table(self) -> Table:
        compressed = self.base_sizes.store == "containerd"
        shown = [(i.tag, i) for i in self.images]
        if self.build_stage is not None:
            shown.append(("<none> (the build stage)", self.build_stage))
        columns = ["image", "layers", "above the base (unpacked)"]
        columns += ["above the base (compressed)"] if compressed else []
        rows = []
        for name, image in shown:
            row = [name, image.layers, si(image.above_base_bytes)]
            rows.append(row + ([si(image.above_base_content_bytes)] if compressed else []))
        return Table(columns, rows)

    def notes(self) -> list[str]:
        (claim,) = self.claims
        notes = [
            f"{claim.question} {yes_no(claim.holds)}: {claim.measured[0]}.",
            f"Deleting the toolchain in a later step shrank the image: {yes_no(self.rm_shrank)}.",
        ]
        if self.build_stage is not None:
            notes.append(
                f"{builder_label(self.builder).capitalize()} kept the build stage as an untagged "
                f"image ({self.build_stage.image_id}): build cache, not part of the image."
            )
        else:
            notes.append("The build stage left no image: its steps are in the build cache.")
        return notes


# --- builds ---------------------------------------------------------------------------------------


@result
class BuildAttempt:
    """How a build went: `ok`, or the failing step with the last log lines and `message` (the
    failure in words). `builder` is "buildkit" or "classic"."""

    tag: str
    ok: bool
    steps_total: int
    seconds: float
    failed_step: str
    log_tail: tuple
    message: str
    builder: str = ""

    def __repr__(self) -> str:
        if not self.ok:
            return self.message
        return (
            f"Built {self.tag} with {builder_label(self.builder)}: {self.steps_total} steps in "
            f"{self.seconds:.1f} s."
        )


def attempt_from_failure(tag: str, exc: BuildFailed, tail_lines: int = 4) -> BuildAttempt:
    """A failed build as a BuildAttempt (what a widget shows instead of raising; the log is in
    the widget's box, its last lines in `log_tail`)."""
    tail = tuple(exc.build_log[-tail_lines:])
    why = exc.why.split("; the builder said:")[0]  # the builder's own words are in the log
    step = exc.step or "the start, before any step ran"
    message = f"The build stopped at: {step}\nWhy: {why}\nWhat to do: {exc.todo}"
    return BuildAttempt(tag, False, 0, 0.0, exc.step, tail, message)
