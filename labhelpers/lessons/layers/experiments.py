"""Notebook 01's Engine work: `docker image history` with evidence of which steps made layers, the
instruction trial (with each builder), the lesson's image built with the other builder, "add a
layer", one stage against two, and which builder builds what.

The history the Engine returns does not say whether a step added a layer: its rows carry a size,
and a row's size does not tell (an empty directory has no file bytes; the containerd store counts
disk blocks). So the evidence comes from elsewhere:

* the classic builder keeps an image for every step, so the number of RootFS layers of
  consecutive step images shows where a layer was added;
* rows without a local image (`<missing>`: every row but the top of a BuildKit build, and the
  rows of pulled or loaded images) are read from the image's config, whose history entries carry
  an `empty_layer` flag (the Engine hands that config out only inside `docker image save`:
  `engine.saved_config_history`).

Either way the count is checked against the image's own RootFS layer list, and the rows' sizes
against the image's unpacked size (`engine.image_sizes`).

Builds use the learner's builder (`engine.builder_in_use`: BuildKit where `docker build` is
BuildKit); the comparisons build once more with the other one.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from ... import engine
from ...core.echo import announce, cli, quiet
from ...core.errors import BadInput, LabError
from ...core.inputs import is_whole
from ...core.labels import IMAGE_PREFIX, MANAGED
from ...core.units import MIB
from ...engine import build_image, engine_step, find_image
from ...engine.builds import BuildResult
from ...engine.images import ImageDetails
from ...lesson_app import write_lesson_files
from .results import (
    AddLayerResult,
    BuildAttempt,
    BuilderComparison,
    BuilderProbe,
    HistoryRow,
    ImageSize,
    LayerReport,
    StageComparison,
    TrialReport,
)
from .views import MISSING, step_of

__all__ = [
    "ADD_LAYER_CHOICES",
    "BROKEN_LINE",
    "MULTISTAGE_VARIANTS",
    "TRIAL_STEPS",
    "add_layer",
    "build",
    "builder_probe",
    "compare_builders",
    "compare_stages",
    "derived_dockerfile",
    "extra_instruction",
    "image_history",
    "instruction_trial",
    "stage_results",
    "trial_dockerfile",
    "write_broken_context",
]

LAB_LABEL_STEP = re.compile(r"LABEL io\.labhelpers\.")


# --- the history, with evidence ------------------------------------------------------------------


def _short_id(image_id: str) -> str:
    return image_id if image_id == MISSING else image_id.split(":")[-1][:12]


def _origins(count: int, ancestors: Sequence[tuple[int, str]], created_by: Sequence[str]) -> list:
    """Who wrote each of COUNT rows (oldest first): the smallest tagged image whose history is
    the first N rows (ANCESTORS: (N, tag) pairs), the Dockerfile, or the lab (the classic
    builder's LABEL steps for the lab's --label, at the top)."""
    origins = ["Dockerfile"] * count
    for rows, name in sorted(ancestors, reverse=True):  # smaller ancestors overwrite larger ones
        for index in range(min(rows, count)):
            origins[index] = name
    for index in range(count - 1, -1, -1):
        if origins[index] != "Dockerfile" or not LAB_LABEL_STEP.search(created_by[index]):
            break
        origins[index] = "lab label"
    return origins


def _ancestors(top: ImageDetails, raw: Sequence) -> list[tuple[int, str]]:
    """The tagged images in the Engine this one was built FROM, as (rows, tag): those whose
    RootFS layers start this image's, and whose history is the first rows of this history (which
    works whether or not the step images exist: BuildKit leaves none)."""
    mine = [(row.created_by, row.comment) for row in raw]
    found: dict[int, list[str]] = {}
    with quiet():
        for summary in engine.list_images():
            if not summary.tags or summary.id == top.id:
                continue
            image = find_image(summary.id)
            if image is None or tuple(top.layers[: len(image.layers)]) != tuple(image.layers):
                continue
            theirs = [(r.created_by, r.comment) for r in reversed(engine.image_history(summary.id))]
            if len(theirs) < len(mine) and mine[: len(theirs)] == theirs:
                names = [tag.removesuffix(":latest") for tag in summary.tags]
                found.setdefault(len(theirs), []).extend(names)
    # Images built from the same files with a warm cache have the same history: name the one
    # whose name is most like this image's (my-image for my-image-plus), then alphabetically.
    name = top.ref.removesuffix(":latest")
    return [
        (rows, min(names, key=lambda n: (-_common(n, name), n))) for rows, names in found.items()
    ]


def _common(one: str, other: str) -> int:
    """How many leading characters two names share."""
    count = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        count += 1
    return count


def _builder_of(rows_oldest_first: Sequence, origins: Sequence[str]) -> str:
    """Which builder wrote the image's own rows: BuildKit marks them `buildkit.dockerfile.v0`."""
    own = [row for row, origin in zip(rows_oldest_first, origins, strict=True) if origin in OWN]
    if not own:
        return "unknown"
    return "buildkit" if any(row.comment.startswith("buildkit") for row in own) else "classic"


OWN = ("Dockerfile", "lab label")


@engine_step("read the image's history")
def image_history(tag: str = "my-image") -> LayerReport:
    """`docker image history TAG`, with each row's "new layer?" decided from evidence.

    Rows with a local image id: the RootFS layer count of that step's image against the step
    before. Rows without one (`<missing>`): the `empty_layer` flags of the config of the oldest
    step image that has an id (read from `docker image save`). The sizes are `image_sizes(TAG)`.

    Raises:
        BadInput: there is no image TAG.
    """
    tag = engine.real(tag, "image")  # as the Engine names it: the report shows that name
    top = find_image(tag)
    if top is None:
        raise BadInput(
            f"There is no image '{tag}'.",
            "it was not built yet (or was removed).",
            "build it first (the build cell above), then re-run this cell.",
        )
    commands = [cli("image", "history", "--no-trunc", tag)]
    raw = list(reversed(engine.image_history(tag)))  # oldest first; prints the command
    steps = {row.id: find_image(row.id) for row in raw if row.id != MISSING}
    commands.append(
        cli(
            "image", "inspect", "--format", "{{len .RootFS.Layers}}", *(_short_id(i) for i in steps)
        )
    )
    announce(commands[-1])
    counts = {i: len(image.layers) if image else 0 for i, image in steps.items()}

    flags: list[tuple[bool, int, str] | None] = []
    before: int | None = 0
    for row in raw:
        if row.id == MISSING:
            flags.append(None)
            before = None
            continue
        after = counts[row.id]
        if before is None:
            flags.append(None)
        else:
            grew = after > before
            flags.append((grew, after, f"RootFS {before}→{after}" if grew else f"RootFS {after}"))
        before = after

    counted = any(flag is not None for flag in flags)
    method = "RootFS layer counts of each step's image"
    undecided = [i for i, flag in enumerate(flags) if flag is None]
    if undecided:
        last = undecided[-1]
        anchor = _short_id(raw[last].id)
        commands.append(cli("image", "save", anchor) + " | tar -xOf - manifest.json")
        config = engine.saved_config_history(anchor)
        if len(config) != last + 1:
            raise BadInput(
                f"The config of {anchor} lists {len(config)} history entries, "
                f"but {last + 1} rows lead up to it.",
                "the image's history and its config do not line up.",
                "compare `docker image history` with the saved config yourself.",
            )
        running = 0
        for index in range(last + 1):
            grew = not config[index].empty_layer
            running += grew
            flags[index] = (
                grew,
                running if index == last else -1,
                "config: a layer" if grew else "config: empty_layer",
            )
        if counted:
            method += (
                f", and the image config's empty_layer flags (docker image save) for {last + 1} "
                "rows whose step image is not in the Engine"
            )
        else:
            method = (
                "the image config's empty_layer flags (docker image save): no step image is in "
                "the Engine, so every row but the top says <missing>"
            )

    origins = _origins(len(raw), _ancestors(top, raw), [row.created_by for row in raw])
    rows = []
    for row, flag, origin in zip(raw, flags, origins, strict=True):
        assert flag is not None
        step, keyword = step_of(row.created_by, row.comment)
        rows.append(
            HistoryRow(
                _short_id(row.id),
                row.created_by,
                row.comment,
                step,
                keyword,
                origin,
                row.size_bytes,
                flag[0],
                flag[1],
                flag[2],
            )
        )
    sizes = engine.image_sizes(tag)
    commands.append(cli("image", "ls", "--tree", tag))
    return LayerReport(
        tag,
        top.id,
        tuple(reversed(rows)),
        len(top.layers),
        sizes,
        _builder_of(rows, origins),
        method,
        tuple(commands),
    )


# --- builds, and the builders -------------------------------------------------------------------


def _attempt(built: BuildResult) -> BuildAttempt:
    labels = sum(
        1 for line in built.log if line.startswith("Step ") and LAB_LABEL_STEP.search(line)
    )
    return BuildAttempt(
        built.tag,
        True,
        built.steps_total,
        labels,
        built.seconds,
        "",
        tuple(built.log[-8:]),
        "",
        built.builder,
    )


@engine_step("build the image")
def build(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    base_image: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
) -> BuildAttempt:
    """`docker build` of CONTEXT as TAG with the learner's builder (see `engine.build_image`), as
    a BuildAttempt: the builder, the steps, how many of them are the classic builder's LABEL steps
    for the lab's labels, and the time it took.

    Raises:
        BuildFailed: a step failed (`.step`, `.build_log`).
    """
    built = build_image(context, tag, base_image, on_progress=on_progress, on_log=on_log)
    return _attempt(built)


BROKEN_LINE = "COPY requirements.txt /app/"


def write_broken_context(directory: str | os.PathLike) -> str:
    """The lesson's files plus one classic mistake: copying a file the context does not hold.

    Writes into the learner's folder (in every mode); returns the Dockerfile's text.
    """
    target = Path(directory)
    write_lesson_files(target, overwrite=True)
    dockerfile = target / "Dockerfile"
    text = dockerfile.read_text().replace(
        "ADD app.py app.py\n", f"ADD app.py app.py\n{BROKEN_LINE}\n"
    )
    dockerfile.write_text(text)
    (target / "requirements.txt").unlink(missing_ok=True)
    return text


@engine_step("ask which builders are available")
def builder_probe() -> BuilderProbe:
    """`docker version` and `docker buildx version` (`engine.builder_in_use`): which builder
    `docker build` uses here, and so the lab. A step: it runs this machine's docker CLI, so a
    replay shows the recorded machine's."""
    return BuilderProbe(engine.builder_in_use())


def _other_builder(report: LayerReport) -> str:
    """The builder a comparison builds with: the other one than the report's."""
    if report.builder == "unknown":
        with quiet():
            mine = engine.builder_in_use().name
    else:
        mine = report.builder
    return "classic" if mine == "buildkit" else "buildkit"


def _build_with(builder: str, context: Path, tag: str) -> tuple[LayerReport | None, str]:
    """Build CONTEXT as TAG with BUILDER and read its history; or (None, why it could not)."""
    if builder == "buildkit":
        with quiet():
            here = engine.builder_in_use()
        if not here.buildx_version:
            return None, (
                f"BuildKit is not available here: docker CLI {here.cli_version or '(none)'} has "
                "no buildx plugin (Docker Desktop has it; on Linux, install docker-buildx)."
            )
    try:
        build_image(context, tag, builder=builder)
    except LabError as exc:
        return None, f"the {builder} build failed here: {exc.why or exc.what}"
    return image_history(tag), ""


@engine_step("build the lesson's image with the other builder")
def compare_builders(
    context: str | os.PathLike = "my-app", tag: str = "my-image"
) -> BuilderComparison:
    """TAG's history as its builder made it, beside the same files (CONTEXT) built once more with
    the other builder as TAG-classic (or TAG-buildkit): both measured on this Engine.

    Raises:
        BadInput: there is no image TAG (build it first).
    """
    yours = image_history(tag)
    other = _other_builder(yours)
    report, why = _build_with(other, Path(context), f"{tag}-{other}")
    return BuilderComparison(yours, report, why)


# --- the instruction trial, beside the seed's table -----------------------------------------------

TRIAL_STEPS = (
    ("ARG GREETING=hello", "a build argument"),
    ("WORKDIR /app", "a directory that does not exist yet"),
    ("WORKDIR /tmp", "a directory the base image already has"),
    ("ENV APP_MODE=lesson", ""),
    ("LABEL lesson=01-image-layers", ""),
    ("USER root", ""),
    ("EXPOSE 5000", ""),
    ("VOLUME /data", ""),
    ("STOPSIGNAL SIGTERM", ""),
    ('ENTRYPOINT ["python"]', ""),
    ('CMD ["app.py"]', ""),
    ("COPY app.py /app/app.py", "one small file"),
    ("ADD app.py /app/added.py", "the same file again"),
    ("RUN echo hello > /app/hello.txt", "writes a 6-byte file"),
    ("RUN echo nothing to write > /dev/null", "writes nothing"),
)


def trial_dockerfile() -> str:
    """A Dockerfile that uses each instruction of the seed's table once (some twice)."""
    lines = [
        "# Written by lh.layers.instruction_trial: each instruction once, to see which add layers.",
        "ARG BASE_IMAGE",
        "FROM ${BASE_IMAGE}",
    ]
    for instruction, note in TRIAL_STEPS:
        lines += [f"# {note}"] if note else []
        lines.append(instruction)
    return "\n".join(lines) + "\n"


@engine_step("build the instruction trial")
def instruction_trial(
    directory: str | os.PathLike = "my-app/trial", tag: str = "layer-trial"
) -> TrialReport:
    """Build `trial_dockerfile()` FROM the lesson's base image as TAG with the learner's builder,
    and once more as TAG-classic (or TAG-buildkit) with the other one, and read both histories;
    shows as the seed's table of instructions beside what each builder made."""
    target = Path(directory)
    write_lesson_files(target, overwrite=True)
    (target / "Dockerfile").write_text(trial_dockerfile())
    build_image(target, tag)
    yours = image_history(tag)
    other = _other_builder(yours)
    report, why = _build_with(other, target, f"{tag}-{other}")
    return TrialReport((yours,) if report is None else (yours, report), TRIAL_STEPS, why)


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


def derived_dockerfile(instruction: str, from_image: str = "my-image") -> str:
    return (
        f"# Written by lh.layers.add_layer_widget: one instruction on top of {from_image}.\n"
        f"ARG BASE_IMAGE={from_image}\n"
        "FROM ${BASE_IMAGE}\n"
        f"{instruction}\n"
    )


def _check_add_layer(choice: str = "run", size_mib: int = 5, *_: object, **__: object) -> None:
    extra_instruction(choice, size_mib)


@engine_step("add a layer", validate=_check_add_layer)
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
    from_image = engine.real(from_image, "image")  # the Dockerfile names it as the Engine does
    before = find_image(from_image)
    if before is None:
        raise BadInput(
            f"There is no image '{from_image}' to build on.",
            "it was not built yet.",
            "run the build cell near the top of this notebook first.",
        )
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob(PAYLOAD.format("*")):
        old.unlink()  # the whole context is sent to the Engine: keep only what this build copies
    if choice == "copy":
        with open(target / PAYLOAD.format(size_mib), "wb") as payload:
            payload.truncate(size_mib * MIB)
    (target / "Dockerfile").write_text(derived_dockerfile(instruction, from_image))
    sizes_before = engine.image_sizes(from_image)
    build_image(target, tag, base_image=from_image, on_progress=on_progress)
    report = image_history(tag)
    row = next(row for row in report.rows if row.origin == "Dockerfile")
    return AddLayerResult(
        choice,
        instruction,
        report.tag,
        from_image,
        row.new_layer,
        row.size_bytes,
        len(before.layers),
        report.rootfs_layers,
        sizes_before,
        report.sizes,
        report,
    )


# --- one stage or two ----------------------------------------------------------------------------

_BUILD_STAGE = """\
WORKDIR /build
# stands in for a compiler or an SDK: 30 MiB that only the build needs
RUN dd if=/dev/zero of=/build/toolchain.bin bs=1M count=30 status=none
# the "compiled" result: the only thing the app needs to run
RUN echo "app built with the toolchain" > /build/result.txt
"""

MULTISTAGE_VARIANTS = {
    "one-stage": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n" + _BUILD_STAGE,
    "one-stage-rm": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"
    + _BUILD_STAGE
    + "# delete the toolchain in a later step\nRUN rm /build/toolchain.bin\n",
    "multi-stage": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE} AS build\n"
    "# the lab's label: with the classic builder this stage's image stays behind untagged, and "
    "the lab's cleanup must find it\n"
    f"LABEL {MANAGED}={IMAGE_PREFIX}build-stage\n" + _BUILD_STAGE + "\n"
    "FROM ${BASE_IMAGE}\n"
    "COPY --from=build /build/result.txt /app/result.txt\n",
}


def stage_results(log: Sequence[str]) -> list[str]:
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
    content = (
        sizes.content_bytes - base.content_bytes
        if sizes.content_bytes >= 0 and base.content_bytes >= 0
        else -1
    )
    return ImageSize(
        name,
        image.id if image else ref,
        len(image.layers) if image else 0,
        sizes,
        sizes.unpacked_bytes - base.unpacked_bytes,
        content,
    )


def _check_compare(
    directory: str | os.PathLike = "my-app/stages",
    repository: str = "my-app",
    builder: str = "auto",
) -> None:
    if builder not in engine.builds.BUILDERS:
        raise BadInput(
            f"There is no builder called {builder!r}.",
            f"the lab builds with one of {', '.join(engine.builds.BUILDERS)}.",
            'leave it out (builder="auto": the one your docker CLI uses).',
        )


@engine_step("compare one-stage and multi-stage builds", validate=_check_compare)
def compare_stages(
    directory: str | os.PathLike = "my-app/stages",
    repository: str = "my-app",
    builder: str = "auto",
) -> StageComparison:
    """Build `MULTISTAGE_VARIANTS` as REPOSITORY:VARIANT (with BUILDER: the learner's by default)
    and size them: unpacked (the same meaning on every Engine), and as `docker image ls` and
    `docker image inspect` show them.

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
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        (target / "Dockerfile").write_text(text)
        tag = f"{repository}:{variant}"
        built = build_image(target, tag, base_image=base, builder=builder)
        used = built.builder
        sizes.append(_size_of(tag, base_sizes, engine.real(tag, "image")))
        stages = stage_results(built.log)  # the classic builder's log names each stage's image
        if len(stages) > 1 and stages[0] and find_image(stages[0]) is not None:
            build_stage = _size_of(stages[0], base_sizes, "build stage")
    announce(cli("image", "ls", engine.real(repository, "image")))
    return StageComparison(base, base_sizes, tuple(sizes), build_stage, used)
