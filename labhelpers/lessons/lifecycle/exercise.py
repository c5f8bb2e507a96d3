"""Exercise 03: rescue report.txt from a stopped container with `docker cp`, then remove it."""

from __future__ import annotations

import os
from pathlib import Path

from ...engine import (
    LESSON_IMAGE,
    container_sizes,
    engine_step,
    exec_in,
    find_container,
    run_container,
    stop_container,
)
from ...teaching import CheckResult, exercise_check, not_yet, passed
from .results import RescueStart

__all__ = ["RESCUE_CONTAINER", "RESCUE_PATH", "RESCUE_TEXT", "check_rescue", "prepare_rescue"]

RESCUE_CONTAINER = "ex03-box"
RESCUE_PATH = "/app/report.txt"
RESCUE_TEXT = "Quarterly report: 42 containers, 0 volumes. Keep this file!"
RESCUE_COPY = "workspace/rescued/report.txt"
RESCUE_TITLE = "Rescue report.txt from a stopped container, then remove it"


@engine_step("prepare the exercise's container", names={"image": "image"})
def prepare_rescue(name: str = RESCUE_CONTAINER, image: str = LESSON_IMAGE) -> RescueStart:
    """Run NAME, write /app/report.txt in its writable layer, and stop it (the exercise's start)."""
    run_container(name, image)
    exec_in(name, f'echo "{RESCUE_TEXT}" > {RESCUE_PATH}')  # copies into a terminal as printed
    size = int(exec_in(name, ["stat", "-c", "%s", RESCUE_PATH]).output)
    status = stop_container(name).status
    layer = container_sizes([name])[0].writable_layer_bytes
    return RescueStart(name, status, RESCUE_PATH, size, layer)


@exercise_check(RESCUE_TITLE)
def check_rescue(
    copy: str | os.PathLike = RESCUE_COPY, name: str = RESCUE_CONTAINER
) -> CheckResult:
    """Exercise 03: is report.txt copied out of the stopped container to COPY (on this machine,
    relative to the notebooks folder), and is the container removed afterwards?"""
    target = Path(copy)
    rescue = f"`mkdir -p {target.parent}` and `docker cp {name}:{RESCUE_PATH} {target}`"
    container = find_container(name)
    if not target.is_file():
        if container is None:
            return not_yet(
                RESCUE_TITLE,
                f"{target} does not exist, and '{name}' is gone: its writable layer, "
                "report.txt included, went with it.",
                "re-run the cell with prepare_rescue() to start again; this time copy the file "
                "out before you remove the container.",
            )
        return not_yet(
            RESCUE_TITLE,
            f"no {target} yet; '{name}' is {container.status}, report.txt still in its "
            "writable layer.",
            "one docker command copies files out of a container, running or not.",
            f"{rescue} (`docker cp` works on a stopped container).",
        )
    text = target.read_text(errors="replace").strip()
    if text != RESCUE_TEXT:
        return not_yet(
            RESCUE_TITLE,
            f"{target} exists but does not hold the report ({len(text)} characters).",
            "copy the container's own file, not a new one.",
            f"{rescue}.",
        )
    if container is not None:
        return not_yet(
            RESCUE_TITLE,
            f"{target} holds the report; '{name}' still exists ({container.status}).",
            "now remove the container: the copy is all that will be left.",
            f"`docker rm {name}`",
        )
    return passed(
        RESCUE_TITLE, f"{target} holds the report, and '{name}' is removed, writable layer and all."
    )
