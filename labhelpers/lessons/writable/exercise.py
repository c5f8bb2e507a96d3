"""Exercise 02: a writable layer holding exactly 3,000,000 bytes of data, made with the docker
CLI. With the overlay2 graph driver `docker ps -s` then prints 3MB; the containerd snapshotter
counts whole disk blocks (and the directories), so it prints a little more there, and the check
says why."""

from __future__ import annotations

from ...core.echo import quiet
from ...core.labels import MANAGED
from ...core.units import MIB, si, si_exact
from ...engine import (
    LESSON_IMAGE,
    container_sizes,
    engine_facts,
    find_container,
    layer_files,
    real,
)
from ...teaching import CheckResult, exercise_check, not_yet, passed
from .results import counting_rule

__all__ = ["EXERCISE_BYTES", "EXERCISE_CONTAINER", "check_three_megabytes", "files_in_layer"]

EXERCISE_TITLE = "A writable layer of exactly 3,000,000 bytes"
EXERCISE_CONTAINER = "ex02-box"
EXERCISE_BYTES = 3_000_000


def files_in_layer(name: str) -> int:
    """The bytes in the files of a running container's writable layer (its upper directory,
    read where the Engine keeps it: `layer_files`), counted the same way with either image
    store. (Not `docker exec ... stat`: inside the container /usr/sbin/docker-init is the
    mounted init program, not the empty file in the layer.)"""
    with quiet():
        return layer_files(name).sizes_bytes


@exercise_check(EXERCISE_TITLE)
def check_three_megabytes(name: str = EXERCISE_CONTAINER) -> CheckResult:
    """Exercise 02: is there a running, lab-labelled container NAME whose writable layer holds
    exactly 3,000,000 bytes of data (its added and changed files: `docker diff`)? With the
    overlay2 graph driver `docker ps -s` must then print exactly that (3MB)."""
    create = (
        f"`docker run -d --init --name {name} --label {MANAGED}=true "
        f"{real(LESSON_IMAGE, 'image')}`, then `docker exec {name} dd if=/dev/zero "
        f"of=/app/data.bin bs=<a block size> count=<n>`; `docker ps -s --filter name={name}` "
        "shows the result"
    )
    container = find_container(name)
    if container is None:
        return not_yet(
            EXERCISE_TITLE,
            f"there is no container '{name}' yet.",
            f"start a container from {real(LESSON_IMAGE, 'image')} with the lab's label, then "
            "write a file of the right size inside it: the writable layer holds what the "
            "container writes.",
            create,
        )
    if not container.lab_owned:
        return not_yet(
            EXERCISE_TITLE,
            f"'{name}' has no {MANAGED}=true label, so the lab's cleanup would leave it behind "
            "(labels cannot be added to a container later).",
            "labels are set when a container is created: remove it and create it again, "
            "with the label.",
            f"`docker rm -f {name}`, then {create}",
        )
    if container.status != "running":
        return not_yet(
            EXERCISE_TITLE,
            f"'{name}' is {container.status}; the check looks at its files with `docker exec`.",
            "start it again, then run the check once more.",
            f"`docker start {name}`",
        )
    store = engine_facts().image_store
    size = container_sizes([name])[0].writable_layer_bytes
    data = files_in_layer(name)
    if data == EXERCISE_BYTES and (size == data or store == "containerd"):
        shown = f"docker ps -s prints {si(size)}"
        if size != data:
            shown += (
                f" ({size:,} B): {size - data:,} B more than the data, because "
                f"{counting_rule(store)}"
            )
        return passed(
            EXERCISE_TITLE,
            f"'{name}' holds {EXERCISE_BYTES:,} B of data in its writable layer; {shown}.",
        )
    if data and data % MIB == 0:
        why = (
            f"'{name}' holds {si_exact(data)} of data: that is {data // MIB} MiB (dd's bs=1M "
            f"means 1,048,576 bytes), which docker would print as {si(data)}."
        )
        hint = (
            "the docker CLI counts 1 MB as 1,000,000 bytes, not 1,048,576: write 3,000,000 "
            "bytes, and leave nothing else in the layer."
        )
        more = (
            "GNU dd's bs=1MB is 1,000,000 bytes (bs=1M is a MiB); `head -c 3000000 /dev/zero` "
            "works too. Overwrite the same file, or remove the extra one."
        )
        return not_yet(EXERCISE_TITLE, why, hint, more)
    return not_yet(
        EXERCISE_TITLE,
        f"'{name}' holds {si_exact(data)} of data in its writable layer, not "
        f"{EXERCISE_BYTES:,} B (docker ps -s: {si_exact(size)}).",
        "the writable layer must hold exactly one thing of yours: 3,000,000 bytes of data.",
        f"`docker diff {name}` lists what the layer holds; remove what should not be there "
        f"(or start over with `docker rm -f {name}`), then write 3,000,000 bytes.",
    )
