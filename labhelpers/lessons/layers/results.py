"""What notebook 01's experiments return: the history with evidence for each layer, the
instruction trial, "add a layer", one stage against two, which builder builds, and how a build
went. Each shows as a table (or a sentence); the tables and the chart are made in views.py."""

from __future__ import annotations

from ...core.errors import BuildFailed
from ...core.results import result
from ...core.units import si
from ...views import Table, TableShown
from . import views

__all__ = [
    "AddLayerResult",
    "BuildAttempt",
    "BuilderProbe",
    "HistoryRow",
    "ImageSize",
    "LayerReport",
    "StageComparison",
    "TrialReport",
    "attempt_from_failure",
]


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

    `rootfs_layers` is `len(RootFS.Layers)` of the image and `image_size_bytes` the size
    `docker image ls` shows; the properties cross-check the rows against both.
    """

    tag: str
    image_id: str
    rows: tuple
    rootfs_layers: int
    image_size_bytes: int
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
    def sizes_agree(self) -> bool:
        return sum(row.size_bytes for row in self.rows) == self.image_size_bytes

    def table(self, created_by_width: int = 45) -> Table:
        """The history as a table: one row per step, newest first, like the CLI."""
        return views.history_table(self, created_by_width)

    def summary(self) -> str:
        """The cross-checks in words (no sizes: those are in the table)."""
        return views.layer_summary(self)

    def plot(self, scale: str = "linear"):
        """The layer chart (see `views.plot_layers`); returns the matplotlib figure."""
        return views.plot_layers(self, scale)

    def builder_formats(self) -> Table:
        """These steps as this Engine's classic builder recorded them, beside the seed's BuildKit
        output."""
        return views.builder_formats(self)


@result
class TrialReport(TableShown):
    """The instruction trial: its history (`report`), and the note on each instruction that
    appears twice (`notes`: (instruction, note) pairs). Shows as the seed's table beside what
    was measured."""

    report: LayerReport
    notes: tuple

    def table(self) -> Table:
        return views.seed_comparison(self)


@result
class AddLayerResult:
    """What one extra instruction did to the image: a new layer or not, and its size."""

    choice: str
    instruction: str
    tag: str
    from_image: str
    new_layer: bool
    layer_bytes: int
    layers_before: int
    layers_after: int
    image_bytes_before: int
    image_bytes_after: int
    report: LayerReport

    @property
    def grew_bytes(self) -> int:
        return self.image_bytes_after - self.image_bytes_before

    def __repr__(self) -> str:
        if self.new_layer:
            effect = f"a new layer of {si(self.layer_bytes)} ({self.layer_bytes:,} B)"
        else:
            effect = "no new layer"
        return (
            f"{self.instruction}\n"
            f"  -> {effect}; RootFS {self.layers_before} -> {self.layers_after} layers; "
            f"{self.tag} is {si(self.grew_bytes)} ({self.grew_bytes:,} B) bigger than "
            f"{self.from_image}."
        )


@result
class ImageSize:
    """One image as `docker image ls` sizes it, and how much it adds to the base image."""

    tag: str
    image_id: str
    size_bytes: int
    layers: int
    above_base_bytes: int


@result
class StageComparison(TableShown):
    """The same build done three ways; `build_stage` is the multi-stage build's first stage,
    left in the Engine as an untagged image."""

    base_image: str
    base_bytes: int
    images: tuple
    build_stage: ImageSize | None

    def table(self) -> Table:
        shown = [(i.tag, i) for i in self.images]
        if self.build_stage is not None:
            shown.append(("<none> (the build stage)", self.build_stage))
        return Table(
            ["image", "size", "bytes", "layers", "above the base image"],
            [
                (
                    name,
                    si(i.size_bytes),
                    f"{i.size_bytes:,}",
                    i.layers,
                    f"{si(i.above_base_bytes)} ({i.above_base_bytes:,} B)",
                )
                for name, i in shown
            ],
            caption=f"base image {self.base_image}: {si(self.base_bytes)}",
        )


def _major(version: str) -> int | None:
    """20 for "20.10.24+dfsg1"; None when there is no version to read."""
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


@result
class BuilderProbe(TableShown):
    """Which builder makes what here.

    `engine_builder_version` is the Engine's `Builder-Version` ping header ("2" means BuildKit is
    its default; empty means the classic builder). `cli_buildx` is `docker buildx version`, or
    why it could not run; `cli_version` the docker CLI's own version ("" if it could not be run);
    `docker_buildkit` the DOCKER_BUILDKIT setting the probe ran with ("" when unset).
    """

    sdk_builder: str
    engine_builder_version: str
    cli_buildx: str
    cli_buildx_present: bool
    cli_version: str
    docker_buildkit: str = ""

    @property
    def terminal_builder(self) -> str:
        if self.docker_buildkit == "0":
            return "the classic builder (DOCKER_BUILDKIT=0 asks for it)"
        if self.docker_buildkit == "1" and self.cli_buildx_present:
            return "BuildKit (DOCKER_BUILDKIT=1, and the buildx plugin is installed)"
        major = _major(self.cli_version)
        if major is not None and major < 23:
            return (
                f"the classic builder (docker CLI {self.cli_version}: BuildKit is the default "
                "only from version 23, or with DOCKER_BUILDKIT=1)"
            )
        if self.cli_buildx_present:
            return "BuildKit (the buildx plugin is installed)"
        return "the classic builder (no buildx plugin, so `docker build` falls back to it)"

    def table(self) -> Table:
        engine = self.engine_builder_version or "(no header: classic builder)"
        return Table(
            ["who builds", "with which builder"],
            [
                ("labhelpers (Python SDK, Engine /build API)", self.sdk_builder),
                ("the Engine's default (ping: Builder-Version)", engine),
                ("`docker build` in your terminal", self.terminal_builder),
            ],
        )


@result
class BuildAttempt:
    """How a build went: `ok`, or the failing step with the last log lines."""

    tag: str
    ok: bool
    steps_total: int
    lab_label_steps: int
    seconds: float
    failed_step: str
    log_tail: tuple
    message: str

    def __repr__(self) -> str:
        if self.ok:
            own = self.steps_total - self.lab_label_steps
            return (
                f"Built {self.tag}: {self.steps_total} steps ({own} from the Dockerfile, "
                f"{self.lab_label_steps} LABEL steps for the lab's labels) in {self.seconds:.1f} s."
            )
        return self.message


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
