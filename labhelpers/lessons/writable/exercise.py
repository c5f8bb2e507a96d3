"""Exercise 02: a writable layer of exactly 3,000,000 bytes, made with the docker CLI."""

from __future__ import annotations

from ...core.labels import MANAGED
from ...core.units import MIB, si, si_exact
from ...engine import LESSON_IMAGE, container_sizes, find_container
from ...teaching import CheckResult, exercise_check, not_yet, passed

__all__ = ["EXERCISE_BYTES", "EXERCISE_CONTAINER", "check_three_megabytes"]

EXERCISE_TITLE = "A writable layer of exactly 3,000,000 bytes"
EXERCISE_CONTAINER = "ex02-box"
EXERCISE_BYTES = 3_000_000


@exercise_check(EXERCISE_TITLE)
def check_three_megabytes(name: str = EXERCISE_CONTAINER) -> CheckResult:
    """Exercise 02: is there a lab-labelled container NAME whose writable layer holds exactly
    3,000,000 bytes (so `docker ps -s` prints 3MB)?"""
    create = (
        f"docker run -d --init --name {name} --label {MANAGED}=true {LESSON_IMAGE}, then "
        f"`docker exec {name} dd if=/dev/zero of=/app/data.bin bs=<a block size> count=<n>` and "
        f"`docker ps -s --filter name={name}`"
    )
    container = find_container(name)
    if container is None:
        return not_yet(EXERCISE_TITLE, f"there is no container '{name}' yet.", create)
    if not container.lab_owned:
        return not_yet(
            EXERCISE_TITLE,
            f"'{name}' has no {MANAGED}=true label, so the lab's cleanup would leave it behind "
            "(labels cannot be added to a container later).",
            f"remove it (`docker rm -f {name}`) and start it again: {create}",
        )
    size = container_sizes([name])[0].writable_layer_bytes
    if size == EXERCISE_BYTES:
        return passed(
            EXERCISE_TITLE,
            f"'{name}' holds {si_exact(size)} in its writable layer: docker ps -s prints "
            f"{si(size)}.",
        )
    if size and size % MIB == 0:
        why = (
            f"'{name}' holds {si_exact(size)}: that is {size // MIB} MiB (dd's bs=1M means "
            f"1,048,576 bytes), which docker prints as {si(size)}."
        )
        hint = (
            "the CLI counts 1 MB as 1,000,000 bytes: write 3,000,000 bytes instead "
            "(GNU dd's bs=1MB is 1,000,000 bytes; `head -c 3000000 /dev/zero` works too). "
            "Overwrite the same file, or remove the extra one, so nothing else stays in the layer."
        )
        return not_yet(EXERCISE_TITLE, why, hint)
    return not_yet(
        EXERCISE_TITLE,
        f"'{name}' holds {si_exact(size)} in its writable layer, not {EXERCISE_BYTES:,} B.",
        f"`docker diff {name}` lists what the layer holds; remove what should not be there "
        f"(or start over with `docker rm -f {name}`), then write 3,000,000 bytes.",
    )
