"""Notebook 00's Engine work: list the Engine's data root (from this machine where the Engine's
files are here, otherwise through a helper container), and prepare what the later notebooks need
(the base image, the lesson's files, the lesson's image `my-image`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ...core.commands import host, show
from ...core.errors import BuildFailed, CommandFailed, LabError
from ...engine import (
    MountSpec,
    build_image,
    choose_base_image,
    engine_facts,
    engine_locality,
    engine_step,
    image_info,
    run_host,
    run_once,
)
from ...engine.machine import Locality
from ...engine.system import EngineFacts
from ...lesson_app import write_lesson_files
from .results import IN_A_VM, DataRootListing, Preparation, PrepStep

__all__ = ["list_data_root", "prepare_lab"]


# The names one of which every Engine's data root holds (a folder without them is something else).
_DATA_ROOT_NAMES = {"volumes", "containers", "image", "containerd", "overlay2"}
_IN_HELPER = "/data-root"


def _listed_by_helper(facts: EngineFacts, why_here_not: str) -> DataRootListing:
    """`docker run --rm -v ROOT:/data-root:ro IMAGE ls -A /data-root`: the data root as a
    throw-away container sees it, where the Engine runs."""
    root, store = facts.docker_root_dir, facts.image_store
    choice = choose_base_image(pull=False)
    if not choice.present:
        why = (
            f"{why_here_not} A helper container could list it, but there is no image to run "
            "one from yet: run the preparation in section 4, then this cell again."
        )
        return DataRootListing(root, False, (), why, image_store=store)
    mount = MountSpec("bind", root, _IN_HELPER, read_only=True)
    try:
        done = run_once(choice.image, ["ls", "-A", _IN_HELPER], [mount], check=False)
    except LabError as exc:
        why = (
            f"{why_here_not} A helper container could not mount it either: the Engine said "
            f"{exc.why or exc.what}"
        )
        return DataRootListing(root, False, (), why, "", "", store)
    shown = done.command
    names = tuple(sorted(line.strip() for line in done.output.splitlines() if line.strip()))
    if done.exit_code != 0 or not _DATA_ROOT_NAMES & set(names):
        seen = ", ".join(names[:6]) or "an empty folder"
        why = (
            f"{why_here_not} A helper container that mounts {root} saw {seen}, not the Engine's "
            "data root: on Docker Desktop a path can name a folder your computer shares with "
            "the VM rather than the VM's own directory."
        )
        return DataRootListing(root, False, (), why, "", shown, store)
    return DataRootListing(root, True, names, why_here_not, "a helper container", shown, store)


@engine_step("list the Engine's data root")
def list_data_root(
    facts: EngineFacts | None = None, locality: Locality | None = None
) -> DataRootListing:
    """`sudo ls DATA_ROOT` where the Engine's files are on this machine (`engine_locality`:
    `files_here`); otherwise, or when only root may read it, a helper container that mounts it
    read-only (`docker run --rm -v DATA_ROOT:/data-root:ro IMAGE ls -A /data-root`), which runs
    where the Engine is. FACTS and LOCALITY are asked of the Engine when not given (the doctor
    has asked already: the probe's answer is kept).

    A step, because it reads the Engine's machine: a replay shows the recorded machine's listing.
    """
    facts = facts or engine_facts()
    locality = locality or engine_locality()
    root, store = facts.docker_root_dir, facts.image_store
    if locality.files_here is not True:
        if facts.platform_kind in IN_A_VM:
            why = "it is inside Docker Desktop's Linux VM, not on this computer's disk."
        elif locality.files_here is False:
            why = (
                "the Engine's files are not on this machine (it runs in a container, a VM or on "
                "another host)."
            )
        else:
            why = "the doctor could not tell whether the Engine's files are on this machine."
        return _listed_by_helper(facts, why)
    if not os.path.isdir(root):
        return _listed_by_helper(facts, f"this machine has no {root}.")
    if not os.access(root, os.R_OK | os.X_OK):
        return _listed_by_helper(facts, "only root may read it on this machine.")
    try:
        done = run_host(show(host("ls", "-A", root)))
    except CommandFailed:
        return _listed_by_helper(facts, "it could not be read on this machine.")
    names = tuple(sorted(line for line in done.stdout.splitlines() if line))
    return DataRootListing(
        root, True, names, "", "this machine", host("ls", "-A", root).line(), store
    )


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
    return _base_image_and_build(context, tag, on_progress, on_build_step)


@engine_step("prepare the lab", names={"tag": "image"})
def _base_image_and_build(
    context: str | os.PathLike,
    tag: str,
    on_progress: Callable[[int, str], None] | None,
    on_build_step: Callable[[int, int, str], None] | None,
) -> Preparation:
    files = write_lesson_files(context)  # inside the step: the twin writes the same files
    _tell(on_progress, 1, "choosing the base image")
    choice = choose_base_image(pull=True)
    todo = "" if choice.present else "run `sudo scripts/provision-engine`, then re-run this cell"
    base = PrepStep("base image", choice.present, f"{choice.image} ({choice.source})", todo)
    lesson_files = PrepStep("lesson files", True, ", ".join(str(Path(f)) for f in files))
    _tell(on_progress, 2, f"building {tag}")
    if not choice.present:
        _tell(on_progress, 3, "stopped: no base image")
        missing = PrepStep(
            tag, False, "not built: there is no base image", "get the base image first"
        )
        return Preparation((base, lesson_files, missing))
    try:
        done = build_image(context, tag, base_image=choice.image, on_progress=on_build_step)
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
    label = "BuildKit" if done.builder == "buildkit" else "the classic builder"
    built = f"built with {label} from {context}: {info.layer_count} layers, marked as the lab's"
    return Preparation((base, lesson_files, PrepStep(tag, True, built)))
