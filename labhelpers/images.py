"""The lesson's base image, its build context, builds with live progress, and image facts."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from ._display import announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, BuildFailed
from ._labels import MANAGED, image_labels, is_lab_image
from ._ownership import check_image_name, find_image
from ._results import result

OFFICIAL_BASE_IMAGE = "python:3.13-slim"
OFFLINE_BASE_IMAGE = "labhelpers/python-base:bookworm"
BASE_IMAGE_SETTING = "LAB_BASE_IMAGE"
LESSON_FILES = ("Dockerfile", "app.py")
_pull_tried: dict[str, bool] = {}


@result
class BaseImageChoice:
    """Which base image the lesson builds on, and why.

    source: "setting" (LAB_BASE_IMAGE), "official", "offline" (built from Debian packages by
    scripts/provision-engine) or "missing".
    """

    image: str
    source: str
    present: bool
    reason: str


def _pull(image: str) -> bool:
    if image not in _pull_tried:
        import docker

        announce(cli("pull", image))
        try:
            client().images.pull(image)
            _pull_tried[image] = True
        except docker.errors.DockerException:
            _pull_tried[image] = False
    return _pull_tried[image]


@engine_step("choose the base image")
def choose_base_image(pull: bool = True) -> BaseImageChoice:
    """Pick the lesson's base image: the LAB_BASE_IMAGE setting, else the official image if present
    or pullable, else the offline image built from Debian packages."""
    setting = os.environ.get(BASE_IMAGE_SETTING, "").strip()
    if setting:
        present = find_image(setting) is not None or (pull and _pull(setting))
        return BaseImageChoice(
            setting,
            "setting",
            present,
            f"{BASE_IMAGE_SETTING}={setting} is set, and a setting wins.",
        )
    if find_image(OFFICIAL_BASE_IMAGE) is not None:
        return BaseImageChoice(
            OFFICIAL_BASE_IMAGE,
            "official",
            True,
            f"the official {OFFICIAL_BASE_IMAGE} is in the Engine.",
        )
    if find_image(OFFLINE_BASE_IMAGE) is not None:
        return BaseImageChoice(
            OFFLINE_BASE_IMAGE,
            "offline",
            True,
            f"{OFFICIAL_BASE_IMAGE} is not in the Engine (no registry reachable), "
            f"so the lesson uses {OFFLINE_BASE_IMAGE}, built from Debian packages.",
        )
    if pull and _pull(OFFICIAL_BASE_IMAGE):
        return BaseImageChoice(
            OFFICIAL_BASE_IMAGE, "official", True, f"pulled the official {OFFICIAL_BASE_IMAGE}."
        )
    return BaseImageChoice(
        OFFICIAL_BASE_IMAGE,
        "missing",
        False,
        f"{OFFICIAL_BASE_IMAGE} cannot be pulled and {OFFLINE_BASE_IMAGE} is "
        "not built: run `sudo scripts/provision-engine`.",
    )


def write_lesson_files(directory: str | os.PathLike, overwrite: bool = False) -> tuple:
    """Copy the lesson's Dockerfile and app.py into `directory` for the learner to read and edit.

    Files already there are kept (they may hold the learner's edits) unless `overwrite`.

    Returns:
        the paths of the files, as strings.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in LESSON_FILES:
        path = target / name
        if overwrite or not path.exists():
            path.write_text(resources.files("labhelpers").joinpath("lesson", name).read_text())
        written.append(str(path))
    return tuple(written)


@result
class BuildResult:
    """A finished build."""

    tag: str
    image_id: str
    steps_total: int
    seconds: float
    base_image: str
    log: tuple
    command: str


_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)")


@engine_step("build the image")
def build_image(
    context: str | os.PathLike,
    tag: str = "my-image",
    base_image: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
    nocache: bool = False,
) -> BuildResult:
    """`docker build --build-arg BASE_IMAGE=... -t TAG CONTEXT`, streamed.

    `on_progress(step, total, instruction)` is called as each Dockerfile step starts, and
    `on_log(line)` for every line the builder prints. The image gets the lab's labels (the
    classic builder records them as a final LABEL step).

    Raises:
        NameClash: TAG names an image the learner owns.
        BadInput: the context has no Dockerfile.
        BuildFailed: a step failed; `.step` is that step and `.build_log` every line.
    """
    context = Path(context)
    if not (context / "Dockerfile").is_file():
        raise BadInput(
            f"No Dockerfile in {context}.",
            "the build context must hold a Dockerfile.",
            "write the lesson's files first (lh.write_lesson_files(...)).",
        )
    check_image_name(tag)
    base = base_image or choose_base_image().image
    argv = [
        "build",
        "--build-arg",
        f"BASE_IMAGE={base}",
        "--label",
        f"{MANAGED}={image_labels(tag)[MANAGED]}",
        "-t",
        tag,
        str(context),
    ]
    shown = cli(*argv)
    announce(shown)
    started = time.perf_counter()
    log: list[str] = []
    step, image_id, current = 0, "", ""
    stream = client().api.build(
        path=str(context),
        tag=tag,
        buildargs={"BASE_IMAGE": base},
        labels=image_labels(tag),
        rm=True,
        forcerm=True,
        decode=True,
        nocache=nocache,
    )
    for chunk in stream:
        if "stream" in chunk:
            for line in chunk["stream"].splitlines():
                if not line.strip():
                    continue
                log.append(line)
                if on_log:
                    on_log(line)
                match = _STEP.match(line)
                if match:
                    step, total, current = int(match[1]), int(match[2]), line
                    if on_progress:
                        on_progress(step, total, match[3])
        elif "error" in chunk:
            message = chunk["error"].strip()
            log.append(message)
            if on_log:
                on_log(message)
            raise BuildFailed(
                f"The build of {tag} failed at {current or 'the start'}.",
                f"the builder said: {message}",
                "fix that step in the Dockerfile (or the files it uses) and build again.",
                current,
                log,
            )
        elif "aux" in chunk and "ID" in chunk["aux"]:
            image_id = chunk["aux"]["ID"]
    total_steps = step
    if not image_id:
        image_id = client().images.get(tag).id
    return BuildResult(
        tag,
        image_id.split(":")[-1][:12],
        total_steps,
        time.perf_counter() - started,
        base,
        tuple(log),
        shown,
    )


@result
class ImageInfo:
    """`docker image ls` / `docker image inspect` facts for one image."""

    tag: str
    id: str
    size_bytes: int
    layer_count: int
    lab_owned: bool


@engine_step("inspect the image")
def image_info(tag: str = "my-image") -> ImageInfo:
    """`docker image inspect TAG`: id, size (as `docker image ls` shows it) and RootFS layers."""
    image = find_image(tag)
    if image is None:
        raise BadInput(
            f"There is no image '{tag}'.", "it was not built yet.", "build it first (notebook 01)."
        )
    announce(cli("image", "inspect", tag))
    layers = image.attrs.get("RootFS", {}).get("Layers", [])
    return ImageInfo(
        tag,
        image.short_id.split(":")[-1],
        int(image.attrs.get("Size") or 0),
        len(layers),
        is_lab_image(image.labels, image.tags),
    )


@engine_step("ensure the lesson image")
def ensure_lesson_image(
    context: str | os.PathLike | None = None,
    tag: str = "my-image",
    on_progress: Callable[[int, int, str], None] | None = None,
) -> ImageInfo:
    """Build the lesson's image if the lab has not built it yet (notebooks after 01 call this).

    Without `context`, the pristine lesson files shipped with labhelpers are built.
    """
    existing = check_image_name(tag)
    if existing is None:
        if context is None:
            with resources.as_file(resources.files("labhelpers") / "lesson") as pristine:
                build_image.__wrapped_step__(pristine, tag, on_progress=on_progress)
        else:
            build_image.__wrapped_step__(context, tag, on_progress=on_progress)
    return image_info.__wrapped_step__(tag)
