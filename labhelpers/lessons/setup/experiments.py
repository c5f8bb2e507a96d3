"""Notebook 00's Engine work: list the Engine's data root, and prepare what the later notebooks
need (the base image, the lesson's files, the lesson's image `my-image`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ...core.echo import announce
from ...core.errors import BadInput, BuildFailed
from ...engine import build_image, choose_base_image, engine_step, image_info
from ...engine.system import EngineFacts
from ...lesson_app import write_lesson_files
from .results import DataRootListing, Preparation, PrepStep
from .views import IN_A_VM

__all__ = ["list_data_root", "prepare_lab"]


def _need_facts(facts: EngineFacts | None) -> None:
    if facts is None:
        raise BadInput(
            "There is no data root to list: no Engine answered the doctor.",
            "the doctor's report above has no Engine facts.",
            "fix what the doctor says (Docker Engine line), then run this notebook again.",
        )


@engine_step("list the Engine's data root", validate=_need_facts)
def list_data_root(facts: EngineFacts) -> DataRootListing:
    """`sudo ls DATA_ROOT`, where that can work: on a native Linux Engine, from this machine.

    A step, because it reads the Engine's machine: a replay shows the recorded machine's listing.
    """
    root = facts.docker_root_dir
    if facts.platform_kind in IN_A_VM:
        return DataRootListing(
            root, False, (), "it is inside Docker Desktop's Linux VM, not on this computer's disk."
        )
    announce(f"sudo ls {root}")
    try:
        names = sorted(os.listdir(root))
    except PermissionError:
        why = f"only root may read it: in a terminal, `sudo ls {root}` shows it."
        return DataRootListing(root, False, (), why)
    except FileNotFoundError:
        why = (
            "the Engine runs on another machine (DOCKER_HOST), or in a VM or container this "
            "notebook does not run in."
        )
        return DataRootListing(root, False, (), why)
    return DataRootListing(root, True, tuple(names), "")


def _tell(on_progress: Callable[[int, str], None] | None, done: int, text: str) -> None:
    if on_progress:
        on_progress(done, text)


def prepare_lab(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    on_progress: Callable[[int, str], None] | None = None,
    on_build_step: Callable[[int, int, str], None] | None = None,
) -> Preparation:
    """Write the lesson's files into CONTEXT, get the base image, and build TAG from them.

    `on_progress(done, text)` is called as each of the 3 parts starts and ends;
    `on_build_step(step, total, instruction)` during the build. Never raises for something
    missing: the returned steps say what is missing and what to do.

    The files go into the learner's folder in every mode (a replay too: they are the learner's
    to read and edit); the Engine's part is one step, so a replay shows the recorded build.
    """
    _tell(on_progress, 0, "writing the lesson's files")
    files = write_lesson_files(context)
    return _base_image_and_build(context, tag, files, on_progress, on_build_step)


@engine_step("prepare the lab")
def _base_image_and_build(
    context: str | os.PathLike,
    tag: str,
    files: tuple,
    on_progress: Callable[[int, str], None] | None,
    on_build_step: Callable[[int, int, str], None] | None,
) -> Preparation:
    _tell(on_progress, 1, "choosing the base image")
    choice = choose_base_image(pull=True)
    base = PrepStep(
        "base image",
        choice.present,
        f"{choice.image}: {choice.reason}",
        "" if choice.present else "run `sudo scripts/provision-engine`, then re-run this cell",
    )
    lesson_files = PrepStep(
        "lesson files",
        True,
        ", ".join(str(Path(f)) for f in files) + " (yours to read and edit)",
    )
    _tell(on_progress, 2, f"building {tag}")
    if not choice.present:
        _tell(on_progress, 3, "stopped: no base image")
        missing = PrepStep(
            tag, False, "not built: there is no base image", "get the base image first"
        )
        return Preparation((base, lesson_files, missing))
    try:
        build_image(context, tag, base_image=choice.image, on_progress=on_build_step)
    except BuildFailed as exc:
        _tell(on_progress, 3, "the build failed")
        failed = PrepStep(
            tag,
            False,
            f"the build failed at {exc.step or 'the start'}: {exc.why}",
            "if pip could not reach the package index, check this machine's network or "
            "proxy; otherwise fix the Dockerfile in "
            f"{context} (or delete it to get the lesson's own back) and re-run this cell",
        )
        return Preparation((base, lesson_files, failed))
    info = image_info(tag)
    _tell(on_progress, 3, "done")
    built = PrepStep(
        tag, True, f"built from {context}: {info.layer_count} layers, labelled as the lab's"
    )
    return Preparation((base, lesson_files, built))
