"""The writable-layer exercises, made with the docker CLI: 02, a writable layer holding exactly
3,000,000 bytes of data; 02b, a whole copy of an image's file in a writable layer, its content
unchanged (copy-on-write on a metadata change)."""

from __future__ import annotations

from ...core.labels import MANAGED, mark
from ...core.units import MIB, si, si_exact
from ...engine import (
    LESSON_IMAGE,
    container_sizes,
    diff,
    engine_step,
    exec_in,
    find_container,
    layer_files,
    run_once,
)
from ...teaching import CheckResult, exercise_check, not_yet, passed

__all__ = [
    "COPY_CONTAINER",
    "COPY_PATH",
    "EXERCISE_BYTES",
    "EXERCISE_CONTAINER",
    "check_three_megabytes",
    "check_whole_copy",
]

EXERCISE_TITLE = "A writable layer of exactly 3,000,000 bytes"
EXERCISE_CONTAINER = "ex02-box"
EXERCISE_BYTES = 3_000_000
COPY_TITLE = "A whole copy of app.py in a writable layer, its content unchanged"
COPY_CONTAINER = "ex02b-box"
COPY_PATH = "/app/app.py"


def _run(name: str, image: str) -> str:
    return (
        f"`docker run -d --init --name {name} --label {MANAGED}={mark('container', name)} {image}`"
    )


def _ready(title: str, name: str, image: str, what: str) -> CheckResult | None:
    """Not yet, unless NAME is a running container carrying the lab's mark for it."""
    container = find_container(name)
    if container is None:
        return not_yet(
            title,
            f"there is no container '{name}' yet.",
            f"start one from {image} with the lab's mark for it, then {what}.",
            f"{_run(name, image)}; cleanup will then remove exactly that container.",
        )
    if not container.lab_owned:
        return not_yet(
            title,
            f"'{name}' has no {MANAGED}={mark('container', name)} label, so the lab's cleanup "
            "would leave it behind (labels cannot be added to a container later).",
            "labels are set when a container is created: remove it and create it again.",
            f"`docker rm -f {name}`, then {_run(name, image)}",
        )
    if container.status != "running":
        return not_yet(
            title,
            f"'{name}' is {container.status}; the check looks at its files with `docker exec`.",
            "start it again, then run the check once more.",
            f"`docker start {name}`",
        )
    return None


@exercise_check(EXERCISE_TITLE)
@engine_step("check the exercise", names={"image": "image"})
def check_three_megabytes(name: str = EXERCISE_CONTAINER, image: str = LESSON_IMAGE) -> CheckResult:
    """Exercise 02: is there a running container NAME with the lab's mark for it whose writable
    layer holds exactly 3,000,000 bytes of data (the sizes of the files in its upper directory:
    the same count with either image store)? With the overlay2 graph driver `docker ps -s` must
    then print exactly that (3MB); the containerd store counts whole disk blocks."""
    missing = _ready(EXERCISE_TITLE, name, image, "write a file of the right size inside it")
    if missing is not None:
        return missing
    size = container_sizes([name])[0].writable_layer_bytes
    data = layer_files(name).sizes_bytes
    if data == EXERCISE_BYTES:
        extra = (
            f", {size - data:,} B more: this store counts whole disk blocks" if size > data else ""
        )
        return passed(
            EXERCISE_TITLE,
            f"'{name}' holds {EXERCISE_BYTES:,} B of data; docker ps -s prints {si(size)}{extra}.",
        )
    if data and data % MIB == 0:
        return not_yet(
            EXERCISE_TITLE,
            f"'{name}' holds {si_exact(data)}: {data // MIB} MiB (dd's bs=1M is 1,048,576 "
            f"bytes), which docker prints as {si(data)}.",
            "the docker CLI counts 1 MB as 1,000,000 bytes: write 3,000,000 bytes, and leave "
            "nothing else in the layer.",
            "GNU dd's bs=1MB is 1,000,000 bytes; `head -c 3000000 /dev/zero` works too. "
            "Overwrite the same file, or remove the extra one.",
        )
    return not_yet(
        EXERCISE_TITLE,
        f"'{name}' holds {si_exact(data)} of data in its writable layer, not "
        f"{EXERCISE_BYTES:,} B (docker ps -s: {si_exact(size)}).",
        "the writable layer must hold exactly one thing of yours: 3,000,000 bytes of data.",
        f"`docker diff {name}` lists what the layer holds; remove what should not be there "
        f"(or start over with `docker rm -f {name}`), then write 3,000,000 bytes.",
    )


@exercise_check(COPY_TITLE)
@engine_step("check the exercise", names={"image": "image"})
def check_whole_copy(name: str = COPY_CONTAINER, image: str = LESSON_IMAGE) -> CheckResult:
    """Exercise 02b: is there a running container NAME with the lab's mark for it whose writable
    layer holds a copy of /app/app.py (`docker diff`: C) with the image's content, byte for
    byte?"""
    what = f"make it copy {COPY_PATH} up without changing what the file says"
    missing = _ready(COPY_TITLE, name, image, what)
    if missing is not None:
        return missing
    if ("C", COPY_PATH) not in {(d.kind, d.path) for d in diff(name)}:
        return not_yet(
            COPY_TITLE,
            f"`docker diff {name}` does not list C {COPY_PATH}: the file is still only in the "
            "image's layer.",
            "copy-on-write copies a file up at its first change, and a change of its metadata "
            "counts.",
            f"section 2's `touch` changed only a timestamp: `docker exec {name} touch {COPY_PATH}`",
        )
    sha = ["sha256sum", COPY_PATH]
    inside = exec_in(name, sha, check=False).output.split()[:1]
    original = run_once(image, sha).output.split()[:1]
    if inside != original:
        return not_yet(
            COPY_TITLE,
            f"{COPY_PATH} in '{name}' no longer has the image's content (sha256sum differs).",
            "change only the file's metadata (its timestamp or mode), not what it says.",
            f"start over: `docker rm -f {name}`, {_run(name, image)}, then one `touch`.",
        )
    return passed(
        COPY_TITLE,
        f"'{name}' holds a whole copy of {COPY_PATH} (docker diff: C {COPY_PATH}) with the "
        "image's content, byte for byte: copy-on-write copied it for a metadata change.",
    )
