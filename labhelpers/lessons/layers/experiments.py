"""Notebook 01's Engine work: `docker image history` with evidence of which steps made layers, the
instruction trial, "add a layer", one stage against two, and which builder builds what.

The history the Engine returns does not say whether a step added a layer: its rows carry a size,
and a 0B row may still be a layer (an empty directory has no file bytes). So the evidence comes
from elsewhere:

* the classic builder (the one the Python SDK drives) keeps an image for every step, so the
  number of RootFS layers of consecutive step images shows where a layer was added;
* rows without a local image (`<missing>`: pulled or loaded images, BuildKit builds) are read
  from the image's config, whose history entries carry an `empty_layer` flag (the Engine hands
  that config out only inside `docker image save`: `engine.saved_config_history`).

Either way the count is checked against the image's own RootFS layer list.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from ... import engine
from ...core.echo import announce, cli
from ...core.errors import BadInput
from ...core.labels import IMAGE_PREFIX, MANAGED
from ...core.units import MIB
from ...engine import build_image, engine_step, find_image
from ...engine.builds import BuildResult
from ...engine.images import ImageDetails
from ...lesson_app import write_lesson_files
from .results import (
    AddLayerResult,
    BuildAttempt,
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


def _origins(rows_oldest_first: Sequence[tuple[tuple, str]]) -> list[str]:
    """Who wrote each row, from its (tags, created_by): the tagged image it belongs to (the
    oldest tagged step image at or above it, not counting the image itself), the Dockerfile, or
    the lab (its --label steps at the top)."""
    count = len(rows_oldest_first)
    origins = ["Dockerfile"] * count
    owner = None
    for index in range(count - 2, -1, -1):
        tags = rows_oldest_first[index][0]
        if tags:
            owner = tags[0].removesuffix(":latest")
        if owner:
            origins[index] = owner
    for index in range(count - 1, -1, -1):
        created_by = rows_oldest_first[index][1]
        if origins[index] != "Dockerfile" or not LAB_LABEL_STEP.search(created_by):
            break
        origins[index] = "lab label"
    return origins


@engine_step("read the image's history")
def image_history(tag: str = "my-image") -> LayerReport:
    """`docker image history TAG`, with each row's "new layer?" decided from evidence.

    Rows with a local image id: the RootFS layer count of that step's image against the step
    before. Rows without one (`<missing>`): the `empty_layer` flags of the config of the oldest
    step image that has an id (read from `docker image save`).

    Raises:
        BadInput: there is no image TAG.
    """
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
        method += (
            f", and the image config's empty_layer flags (docker image save) for {last + 1} "
            f"rows whose step image is not in the Engine"
        )

    tagged = [(steps[r.id].tags if steps.get(r.id) else (), r.created_by) for r in raw]
    rows = []
    for row, flag, origin in zip(raw, flags, _origins(tagged), strict=True):
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
    return LayerReport(
        tag,
        top.id,
        tuple(reversed(rows)),
        len(top.layers),
        top.size_bytes,
        method,
        tuple(commands),
    )


# --- builds, and the builders -------------------------------------------------------------------


def _attempt(built: BuildResult) -> BuildAttempt:
    labels = sum(
        1 for line in built.log if line.startswith("Step ") and LAB_LABEL_STEP.search(line)
    )
    return BuildAttempt(
        built.tag, True, built.steps_total, labels, built.seconds, "", tuple(built.log[-8:]), ""
    )


@engine_step("build the image")
def build(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    base_image: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
) -> BuildAttempt:
    """`docker build` of CONTEXT as TAG (see `engine.build_image`), as a BuildAttempt: the steps,
    how many of them are the lab's LABEL steps, and the time it took.

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
    """`docker buildx version` and `docker version`, and the Engine's ping header that names its
    default builder. A step: it runs this machine's docker CLI, so a replay shows the recorded
    machine's."""
    engine_version = engine.builder_version()
    announce("docker buildx version")
    announce("docker version -f '{{.Client.Version}}'")
    cli_version = ""
    try:
        done = subprocess.run(
            ["docker", "buildx", "version"], capture_output=True, text=True, timeout=20
        )
        present = done.returncode == 0
        said = (done.stdout if present else done.stderr).strip().splitlines()
        buildx = said[0] if said else ""
        asked = subprocess.run(
            ["docker", "version", "-f", "{{.Client.Version}}"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        cli_version = asked.stdout.strip().splitlines()[0] if asked.stdout.strip() else ""
    except (OSError, subprocess.TimeoutExpired) as exc:
        present, buildx = False, f"could not run the docker CLI: {exc}"
    return BuilderProbe(
        "the classic builder (legacy)",
        engine_version,
        buildx,
        present,
        cli_version,
        os.environ.get("DOCKER_BUILDKIT", ""),
    )


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
    """Build `trial_dockerfile()` FROM the lesson's base image, and read its history; shows as the
    seed's table of instructions beside what this Engine measured."""
    target = Path(directory)
    write_lesson_files(target, overwrite=True)
    (target / "Dockerfile").write_text(trial_dockerfile())
    build_image(target, tag)
    return TrialReport(image_history(tag), TRIAL_STEPS)


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
        BadInput: an unknown choice, or a size outside 1..200 MiB.
    """
    if choice not in ADD_LAYER_CHOICES:
        raise BadInput(
            f"Unknown choice '{choice}'.",
            f"the choices are: {', '.join(ADD_LAYER_CHOICES)}.",
            "pick one of those.",
        )
    if choice in ("run", "copy") and not 0 < size_mib <= 200:
        raise BadInput(
            f"Cannot add {size_mib} MiB.",
            "the lesson keeps layers between 1 and 200 MiB.",
            "pick a size in that range.",
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
    build_image(target, tag, base_image=from_image, on_progress=on_progress)
    report = image_history(tag)
    row = next(row for row in report.rows if row.origin == "Dockerfile")
    return AddLayerResult(
        choice,
        instruction,
        tag,
        from_image,
        row.new_layer,
        row.size_bytes,
        len(before.layers),
        report.rootfs_layers,
        before.size_bytes,
        report.image_size_bytes,
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
    "# the lab's label: this stage's image stays behind untagged, and the lab's cleanup must "
    "find it\n"
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


def _size_of(image: ImageDetails, base_bytes: int, tag: str) -> ImageSize:
    return ImageSize(
        tag, image.id, image.size_bytes, len(image.layers), image.size_bytes - base_bytes
    )


@engine_step("compare one-stage and multi-stage builds")
def compare_stages(
    directory: str | os.PathLike = "my-app/stages", repository: str = "my-app"
) -> StageComparison:
    """Build `MULTISTAGE_VARIANTS` as REPOSITORY:VARIANT and size them like `docker image ls`.

    Raises:
        BadInput: the lesson's base image is not in the Engine (notebook 00 gets it).
    """
    base = engine.choose_base_image(pull=False).image
    base_image = find_image(base)
    if base_image is None:
        raise BadInput(
            f"There is no base image '{base}' to compare with.",
            "the lesson's base image is not in the Engine.",
            "run notebook 00's preparation cell (or `sudo scripts/provision-engine`) first.",
        )
    sizes, build_stage = [], None
    for variant, text in MULTISTAGE_VARIANTS.items():
        target = Path(directory) / variant
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        (target / "Dockerfile").write_text(text)
        tag = f"{repository}:{variant}"
        built = build_image(target, tag, base_image=base)
        sizes.append(_size_of(find_image(tag), base_image.size_bytes, tag))
        stages = stage_results(built.log)
        if len(stages) > 1 and stages[0]:
            stage = find_image(stages[0])
            if stage is not None:
                build_stage = _size_of(stage, base_image.size_bytes, "build stage")
    announce(cli("image", "ls", repository))
    return StageComparison(base, base_image.size_bytes, tuple(sizes), build_stage)
