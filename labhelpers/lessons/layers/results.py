"""What notebook 01's experiments return: the history with evidence for each layer, the
instruction trial (with each builder), the two builders' histories side by side, "add a layer",
one stage against two, which builder builds, and how a build went. Each shows as a table (or a
sentence), with what holds on this Engine under it; the tables, sentences and the chart are made
in views.py.

Sizes: `sizes` fields hold the Engine layer's `ImageSizes` (store, listed, inspect, content and
unpacked bytes). Comparisons use the unpacked bytes, the only size that means the same on every
Engine (the files the layers hold on disk); the others are shown beside them where they differ.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import BuildFailed
from ...core.results import result
from ...core.table import Table, TableShown
from . import views

__all__ = [
    "AddLayerResult",
    "BuildAttempt",
    "BuilderComparison",
    "BuilderProbe",
    "HistoryRow",
    "ImageSize",
    "LayerReport",
    "StageComparison",
    "TrialReport",
    "attempt_from_failure",
]


class _TableAndNotes(TableShown):
    """A result that shows as its table with a few sentences under it (`notes()`): what holds on
    this Engine, chosen from what was measured."""

    def notes(self) -> list[str]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return "\n".join([repr(self.table()), "", *(f"* {note}" for note in self.notes())])

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes())
        return self.table()._repr_html_() + (f"<ul>{items}</ul>" if items else "")


@result
class HistoryRow:
    """One row of `docker image history`, with whether that step added a layer and why we know.

    `origin` is "Dockerfile", "lab label" (the lab's `--label`, recorded as a final LABEL step by
    the classic builder) or the tag of the image the Dockerfile starts FROM.
    `layers_after` is the image's RootFS layer count after this step (-1 when unknown).
    """

    image_id: str
    created_by: str
    comment: str
    step: str
    keyword: str
    origin: str
    size_bytes: int
    new_layer: bool
    layers_after: int
    evidence: str


@result
class LayerReport(TableShown):
    """`docker image history TAG` (newest step first, as the CLI prints it) with evidence.

    `rootfs_layers` is `len(RootFS.Layers)` of the image; `sizes` its `ImageSizes` (as `docker
    image ls`, `docker image inspect` and the store count it); `builder` the builder that made
    the rows ("buildkit", "classic", or "unknown" for an image with no build steps of its own).
    The properties cross-check the rows against both.
    """

    tag: str
    image_id: str
    rows: tuple
    rootfs_layers: int
    sizes: Any  # engine.images.ImageSizes
    builder: str
    method: str
    commands: tuple

    @property
    def layers(self) -> tuple:
        """The rows that added a layer, oldest first (the order the layers stack in)."""
        return tuple(row for row in reversed(self.rows) if row.new_layer)

    @property
    def layers_agree(self) -> bool:
        return len(self.layers) == self.rootfs_layers

    @property
    def rows_bytes(self) -> int:
        return sum(row.size_bytes for row in self.rows)

    @property
    def sizes_agree(self) -> bool:
        """Do the rows add up to the image's unpacked size (true on every Engine)?"""
        return self.rows_bytes == self.sizes.unpacked_bytes

    @property
    def listed_agree(self) -> bool:
        """Do the rows add up to what `docker image ls` shows (the classic store only)?"""
        return self.rows_bytes == self.sizes.listed_bytes

    def table(self, created_by_width: int = 45) -> Table:
        """The history as a table: one row per step, newest first, like the CLI."""
        return views.history_table(self, created_by_width)

    def summary(self) -> str:
        """The cross-checks in words, and what the sizes count on this Engine."""
        return views.layer_summary(self)

    def plot(self, scale: str = "linear"):
        """The layer chart (see `views.plot_layers`); returns the matplotlib figure."""
        return views.plot_layers(self, scale)


@result
class TrialReport(_TableAndNotes):
    """The instruction trial, built once with each builder that could build it: `reports` holds
    one LayerReport per builder (the learner's first), `notes_by_step` the (instruction, note)
    pairs of the trial's Dockerfile, `unavailable` why a builder could not build it ("" when
    both did). Shows as the seed's table beside what each builder made, with the rule that fits
    each."""

    reports: tuple
    notes_by_step: tuple
    unavailable: str = ""

    @property
    def report(self) -> LayerReport:
        """The trial as the learner's own builder built it."""
        return self.reports[0]

    def table(self) -> Table:
        return views.seed_comparison(self)

    def notes(self) -> list[str]:
        return views.trial_notes(self)


@result
class BuilderComparison(_TableAndNotes):
    """The lesson's image as the learner's builder built it (`yours`) and as the other builder
    built it from the same files (`other`, None when that builder is not available here: then
    `unavailable` says why). Both measured on this Engine."""

    yours: LayerReport
    other: LayerReport | None
    unavailable: str = ""

    def table(self) -> Table:
        return views.builder_formats(self)

    def notes(self) -> list[str]:
        return views.builder_notes(self)


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
        return views.describe_added_layer(self)


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

    @property
    def size_bytes(self) -> int:
        """The unpacked size: what containers of this image see on disk."""
        return self.sizes.unpacked_bytes


@result
class StageComparison(_TableAndNotes):
    """The same build done three ways, with `builder`; `build_stage` is the multi-stage
    build's first stage when the builder left it in the Engine as an untagged image (the
    classic builder; BuildKit exports only the final stage)."""

    base_image: str
    base_sizes: Any  # engine.images.ImageSizes
    images: tuple
    build_stage: ImageSize | None
    builder: str

    @property
    def base_bytes(self) -> int:
        return self.base_sizes.unpacked_bytes

    def table(self) -> Table:
        return views.stages_table(self)

    def notes(self) -> list[str]:
        return views.stages_notes(self)


@result
class BuilderProbe(TableShown):
    """Which builder builds what here: `builder` is the engine's `Builder` (which one `docker
    build` uses on this machine, and why; the lab builds the same way)."""

    builder: Any  # engine.builds.Builder

    @property
    def other(self) -> str:
        """The builder notebook 01 builds with for the comparison."""
        return "classic" if self.builder.name == "buildkit" else "buildkit"

    def table(self) -> Table:
        return views.builder_probe_table(self)


@result
class BuildAttempt:
    """How a build went: `ok`, or the failing step with the last log lines. `builder` is
    "buildkit" or "classic"; `lab_label_steps` the LABEL steps the classic builder adds for the
    lab's `--label` (BuildKit adds none)."""

    tag: str
    ok: bool
    steps_total: int
    lab_label_steps: int
    seconds: float
    failed_step: str
    log_tail: tuple
    message: str
    builder: str = ""

    def __repr__(self) -> str:
        if not self.ok:
            return self.message
        if self.builder == "buildkit":
            return (
                f"Built {self.tag} with BuildKit: {self.steps_total} steps in "
                f"{self.seconds:.1f} s. BuildKit numbers FROM and each step that runs a command "
                "or copies files; instructions that only set the image's config (EXPOSE, CMD, "
                "...) and the lab's --label are applied without a step of their own."
            )
        own = self.steps_total - self.lab_label_steps
        return (
            f"Built {self.tag} with the classic builder: {self.steps_total} steps ({own} from "
            f"the Dockerfile, {self.lab_label_steps} LABEL steps for the lab's labels) in "
            f"{self.seconds:.1f} s."
        )


def attempt_from_failure(tag: str, exc: BuildFailed) -> BuildAttempt:
    """A failed build as a BuildAttempt (what a widget shows instead of raising)."""
    return BuildAttempt(
        tag,
        False,
        0,
        0,
        0.0,
        exc.step,
        tuple(exc.build_log[-8:]),
        views.describe_build_failure(exc),
    )
