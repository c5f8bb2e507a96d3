"""Notebook 01's Engine work: `docker image history` with each row's layer, the instruction
trial (with each builder), "add a layer", and one stage against two.

Whether a history row added a layer, the row does not say (its size cannot tell: an empty
directory holds no file bytes, the containerd store counts disk blocks). The image's config does:
each of its history entries carries an `empty_layer` flag, and the Engine hands the config out
inside `docker image save` (`engine.saved_config_history`). The count is checked against the
image's RootFS layers (`docker image inspect`), and the rows' sizes against its unpacked size.

Every file a helper writes for a build is reported (`file_written`), so the CLI twin writes it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from ... import engine
from ...core.commands import file_written, host, show
from ...core.errors import BadInput, LabError
from ...core.inputs import is_whole
from ...core.labels import MANAGED, mark
from ...core.sessions import note_made
from ...core.units import MIB
from ...engine import build_image, engine_step, find_image, run_host
from ...engine.builds import BUILDERS
from ...lesson_app import write_lesson_files
from .results import (
    MISSING,
    AddLayerResult,
    BuildAttempt,
    HistoryRow,
    ImageSize,
    LayerReport,
    StageComparison,
    TrialReport,
    step_of,
)

__all__ = [
    "ADD_LAYER_CHOICES",
    "BROKEN_LINE",
    "MULTISTAGE_VARIANTS",
    "TRIAL_STEPS",
    "add_layer",
    "build",
    "compare_stages",
    "extra_instruction",
    "image_history",
    "instruction_trial",
    "stage_results",
    "trial_dockerfile",
    "write_broken_context",
]

_LAB_LABEL = re.compile(r"LABEL io\.labhelpers\.")


def _write(path: Path, text: str) -> None:
    """Write a file of a build context, and report it (the twin writes it too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    file_written(str(path), text)


# --- the history ---------------------------------------------------------------------------------


def _base_rows(raw: list, base: str) -> int:
    """How many of the oldest rows (RAW, oldest first) are BASE's own history: `docker image
    history BASE` is the start of this one (0 when it is not, or there is no BASE)."""
    if find_image(base) is None:
        return 0
    theirs = [(r.created_by, r.comment) for r in reversed(engine.image_history(base))]
    mine = [(r.created_by, r.comment) for r in raw]
    return len(theirs) if len(theirs) < len(mine) and mine[: len(theirs)] == theirs else 0


@engine_step("read the image's history", names={"tag": "image", "base": "image"})
def image_history(tag: str = "my-image", base: str | None = None) -> LayerReport:
    """`docker image history TAG`, each row's layer read from the image config's `empty_layer`
    flags (`docker image save`), checked against `docker image inspect` (RootFS layers) and
    `docker image ls` (sizes). BASE (default: the lesson's base image) is the image the
    Dockerfile starts FROM: its rows are named as its own.

    Raises:
        BadInput: there is no image TAG, or its config and history do not line up.
    """
    if find_image(tag) is None:
        raise BadInput(
            f"There is no image '{tag}'.",
            "it was not built yet (or was removed).",
            "build it first (the build cell above), then re-run this cell.",
        )
    raw = list(reversed(engine.image_history(tag)))  # oldest first
    layers = engine.image_info(tag).layer_count
    config = engine.saved_config_history(tag)
    if len(config) != len(raw):
        raise BadInput(
            f"The config of {tag} lists {len(config)} history entries, its history {len(raw)}.",
            "the image's history and its config do not line up.",
            "compare `docker image history` with the saved config yourself.",
        )
    base = base or engine.choose_base_image(pull=False).image
    below = _base_rows(raw, base) if base != tag else 0
    rows = []
    for index, (row, entry) in enumerate(zip(raw, config, strict=True)):
        origin = base.removesuffix(":latest") if index < below else "Dockerfile"
        if origin == "Dockerfile" and _LAB_LABEL.search(row.created_by):
            origin = "--label"
        step, keyword = step_of(row.created_by)
        short = row.id if row.id == MISSING else row.id.split(":")[-1][:12]
        added = not entry.empty_layer
        rows.append(HistoryRow(short, row.created_by, step, keyword, origin, row.size_bytes, added))
    own = [r for r, row in zip(raw, rows, strict=True) if row.own]
    builder = "unknown" if not own else "classic"
    if any(r.comment.startswith("buildkit") for r in own):
        builder = "buildkit"
    sizes = engine.image_sizes(tag)
    return LayerReport(tag, tuple(reversed(rows)), layers, sizes, builder)


# --- builds --------------------------------------------------------------------------------------


@engine_step("build the image", names={"tag": "image"})
def build(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    base_image: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
) -> BuildAttempt:
    """`docker build` of CONTEXT as TAG with the learner's builder (see `engine.build_image`).

    Raises:
        BuildFailed: a step failed (`.step`, `.build_log`).
    """
    built = build_image(context, tag, base_image, on_progress=on_progress, on_log=on_log)
    tail = tuple(built.log[-4:])
    return BuildAttempt(
        built.tag, True, built.steps_total, built.seconds, "", tail, "", built.builder
    )


BROKEN_LINE = "COPY requirements.txt /app/"


def write_broken_context(directory: str | os.PathLike) -> str:
    """The lesson's files plus one classic mistake: copying a file the context does not hold.
    Returns the Dockerfile's text."""
    target = Path(directory)
    write_lesson_files(target, overwrite=True)
    text = (target / "Dockerfile").read_text()
    text = text.replace("ADD app.py app.py\n", f"ADD app.py app.py\n{BROKEN_LINE}\n")
    _write(target / "Dockerfile", text)
    (target / "requirements.txt").unlink(missing_ok=True)
    return text


# --- the instruction trial, beside the lecture's table ------------------------------------------

TRIAL_STEPS = (
    ("ARG GREETING=hello", ""),
    ("WORKDIR /app", "new"),
    ("WORKDIR /tmp", "exists"),
    ("ENV APP_MODE=lesson", ""),
    ("LABEL lesson=01-image-layers", ""),
    ("USER root", ""),
    ("EXPOSE 5000", ""),
    ("VOLUME /data", ""),
    ("STOPSIGNAL SIGTERM", ""),
    ('ENTRYPOINT ["python"]', ""),
    ('CMD ["app.py"]', ""),
    ("COPY app.py /app/app.py", ""),
    ("ADD app.py /app/added.py", ""),
    ("RUN echo hello > /app/hello.txt", "writes 6 bytes"),
    ("RUN echo nothing to write > /dev/null", "writes nothing"),
)


def trial_dockerfile() -> str:
    """A Dockerfile that uses each instruction of the lecture's table once (some twice)."""
    lines = ["ARG BASE_IMAGE", "FROM ${BASE_IMAGE}"]
    for instruction, note in TRIAL_STEPS:
        lines += [f"# {note}"] if note else []
        lines.append(instruction)
    return "\n".join(lines) + "\n"


@engine_step("build the instruction trial", names={"tag": "image"})
def instruction_trial(
    directory: str | os.PathLike = "my-app/trial", tag: str = "layer-trial"
) -> TrialReport:
    """Build `trial_dockerfile()` FROM the lesson's base image as TAG with the learner's builder,
    and as TAG-classic (or TAG-buildkit) with the other one, and read both histories."""
    target = Path(directory)
    write_lesson_files(target, overwrite=True)
    _write(target / "Dockerfile", trial_dockerfile())
    base = engine.choose_base_image(pull=False).image
    yours = build_image(target, tag).builder
    first = image_history(tag, base)
    other = "classic" if yours == "buildkit" else "buildkit"
    try:
        build_image(target, f"{tag}-{other}", builder=other)
    except LabError as exc:
        why = f"the {other} build failed here: {exc.why or exc.what}"
        return TrialReport((first,), TRIAL_STEPS, why)
    return TrialReport((first, image_history(f"{tag}-{other}", base)), TRIAL_STEPS, "")


# --- add a layer ----------------------------------------------------------------------------------

ADD_LAYER_CHOICES = {
    "run": "RUN that writes N MiB",
    "copy": "COPY a file of N MiB",
    "run-nothing": "RUN that writes nothing",
    "workdir": "WORKDIR a new directory",
    "env": "ENV",
    "label": "LABEL",
}
PAYLOAD = "payload-{}mib.bin"


def extra_instruction(choice: str, size_mib: int = 5) -> str:
    """The one Dockerfile line `add_layer` puts on top of the lesson's image.

    Raises:
        BadInput: an unknown choice, or a size that is not a whole number from 1 to 200 (MiB).
    """
    if not isinstance(choice, str) or choice not in ADD_LAYER_CHOICES:
        raise BadInput(
            f"Unknown choice '{choice}'.",
            f"the choices are: {', '.join(ADD_LAYER_CHOICES)}.",
            "pick one of those.",
        )
    if choice in ("run", "copy") and not is_whole(size_mib, 1, 200):
        raise BadInput(
            f"Cannot add {size_mib!r} MiB.",
            "the lesson keeps layers between 1 and 200 MiB, in whole MiB (dd writes whole blocks).",
            "pick a whole number in that range.",
        )
    return {
        "run": f"RUN dd if=/dev/zero of=/app/data-{size_mib}mib.bin bs=1M count={size_mib} "
        "status=none",
        "copy": f"COPY {PAYLOAD.format(size_mib)} /app/",
        "run-nothing": "RUN true",
        "workdir": "WORKDIR /plus",
        "env": "ENV PLUS_NOTE=added-by-the-widget",
        "label": "LABEL lesson.note=added-by-the-widget",
    }[choice]


def _check_add_layer(choice: str = "run", size_mib: int = 5, *_: object, **__: object) -> None:
    extra_instruction(choice, size_mib)


@engine_step(
    "add a layer", validate=_check_add_layer, names={"from_image": "image", "tag": "image"}
)
def add_layer(
    choice: str = "run",
    size_mib: int = 5,
    from_image: str = "my-image",
    tag: str = "my-image-plus",
    directory: str | os.PathLike = "my-app/plus",
    on_progress: Callable[[int, int, str], None] | None = None,
) -> AddLayerResult:
    """Write a Dockerfile of FROM_IMAGE plus one instruction (see `ADD_LAYER_CHOICES`), build it
    as TAG, and measure what changed.

    Raises:
        BadInput: unknown choice or size, or FROM_IMAGE does not exist.
    """
    instruction = extra_instruction(choice, size_mib)
    before = find_image(from_image)
    if before is None:
        raise BadInput(
            f"There is no image '{from_image}' to build on.",
            "it was not built yet.",
            "run the build cell near the top of this notebook first.",
        )
    target = Path(directory)
    for old in target.glob(PAYLOAD.format("*")):
        old.unlink()  # the whole context is sent to the Engine: keep only what this build copies
    _write(target / "Dockerfile", f"ARG BASE_IMAGE\nFROM ${{BASE_IMAGE}}\n{instruction}\n")
    if choice == "copy":
        payload = os.path.abspath(target / PAYLOAD.format(size_mib))
        run_host(show(host("truncate", "-s", str(size_mib * MIB), payload)))
    sizes_before = engine.image_sizes(from_image)
    build_image(target, tag, base_image=from_image, on_progress=on_progress)
    report = image_history(tag, from_image)
    row = next(row for row in reversed(report.rows) if row.origin == "Dockerfile")
    made = (report.tag, from_image, row.new_layer, row.size_bytes, len(before.layers))
    return AddLayerResult(
        choice, instruction, *made, report.rootfs_layers, sizes_before, report.sizes, report
    )


# --- one stage or two ----------------------------------------------------------------------------

_BUILD_STAGE = """\
WORKDIR /build
# a stand-in compiler: 30 MiB only the build needs
RUN dd if=/dev/zero of=/build/toolchain.bin bs=1M count=30 status=none
RUN echo "app built with the toolchain" > /build/result.txt
"""
_FROM = "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}"

MULTISTAGE_VARIANTS = {
    "one-stage": f"{_FROM}\n{_BUILD_STAGE}",
    "one-stage-rm": f"{_FROM}\n{_BUILD_STAGE}RUN rm /build/toolchain.bin\n",
    "multi-stage": f"{_FROM} AS build\n"
    "# the lab's mark (the classic builder keeps this stage as an image)\n"
    f"LABEL {MANAGED}={mark('image', 'build-stage')}\n{_BUILD_STAGE}\n"
    "FROM ${BASE_IMAGE}\nCOPY --from=build /build/result.txt /app/result.txt\n",
}


def stage_results(log) -> list[str]:
    """The last image id of each stage, from a classic build's log (" ---> ID" lines)."""
    stages: list[str] = []
    for line in log:
        if re.match(r"^Step \d+/\d+ : FROM ", line):
            stages.append("")
        match = re.match(r"^\s*---> ([0-9a-f]{12})\s*$", line)
        if match and stages:
            stages[-1] = match[1]
    return stages


def _size_of(ref: str, base, name: str) -> ImageSize:
    """REF's sizes against the base image's (BASE: its ImageSizes), shown as NAME."""
    image = find_image(ref)
    sizes = engine.image_sizes(ref)
    known = sizes.content_bytes >= 0 and base.content_bytes >= 0
    image_id, layers = (image.id, len(image.layers)) if image else (ref, 0)
    above = sizes.unpacked_bytes - base.unpacked_bytes
    content = sizes.content_bytes - base.content_bytes if known else -1
    return ImageSize(name, image_id, layers, sizes, above, content)


def _check_compare(directory: object = None, repository: str = "", builder: str = "auto") -> None:
    if builder not in BUILDERS:
        raise BadInput(
            f"There is no builder called {builder!r}.",
            f"the lab builds with one of {', '.join(BUILDERS)}.",
            'leave it out (builder="auto": the one your docker CLI uses).',
        )


@engine_step(
    "compare one-stage and multi-stage builds",
    validate=_check_compare,
    names={"repository": "image"},
)
def compare_stages(
    directory: str | os.PathLike = "my-app/stages",
    repository: str = "my-app",
    builder: str = "auto",
) -> StageComparison:
    """Build `MULTISTAGE_VARIANTS` as REPOSITORY:VARIANT (with BUILDER: the learner's by default)
    and size each against the lesson's base image.

    Raises:
        BadInput: the lesson's base image is not in the Engine (notebook 00 gets it).
    """
    base = engine.choose_base_image(pull=False).image
    if find_image(base) is None:
        raise BadInput(
            f"There is no base image '{base}' to compare with.",
            "the lesson's base image is not in the Engine.",
            "run notebook 00's preparation cell (or `sudo scripts/provision-engine`) first.",
        )
    base_sizes = engine.image_sizes(base)
    sizes, build_stage, used = [], None, builder
    for variant, text in MULTISTAGE_VARIANTS.items():
        target = Path(directory) / variant
        _write(target / "Dockerfile", text)
        built = build_image(target, f"{repository}:{variant}", base_image=base, builder=builder)
        used = built.builder
        sizes.append(_size_of(built.tag, base_sizes, built.tag))
        stages = stage_results(built.log)  # the classic builder's log names each stage's image
        if len(stages) > 1 and stages[0] and find_image(stages[0]) is not None:
            note_made("image", stages[0])  # untagged: the lab's because the lab built it
            build_stage = _size_of(stages[0], base_sizes, "build stage")
    return StageComparison(base, base_sizes, tuple(sizes), build_stage, used)
