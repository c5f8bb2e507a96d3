"""Notebook 01's exercise: an image with one new layer of about 2 MB, and an ENV that adds none."""

from __future__ import annotations

from ...core.echo import quiet
from ...core.labels import MANAGED, is_lab_owned
from ...core.units import si
from ...engine import find_image, image_sizes, real
from ...teaching import CheckResult, exercise_check, not_yet, passed

__all__ = [
    "EXERCISE_ENV",
    "EXERCISE_MAX_BYTES",
    "EXERCISE_MIN_BYTES",
    "EXERCISE_TAG",
    "check_layer_exercise",
]

EXERCISE_TAG = "my-layer-exercise"
EXERCISE_ENV = "STAGE=exercise"
EXERCISE_MIN_BYTES = 1_900_000
EXERCISE_MAX_BYTES = 2_200_000
_TITLE = "One new layer of about 2 MB, and an ENV that adds none"


@exercise_check(_TITLE)
def check_layer_exercise(tag: str = EXERCISE_TAG, from_image: str = "my-image") -> CheckResult:
    """Is there an image TAG, labelled for the lab, built FROM FROM_IMAGE with exactly one more
    layer of about 2 MB, and the environment variable STAGE=exercise?"""
    from_image = real(from_image, "image")  # the course's image as this Engine names it
    build = (
        f"docker build --label {MANAGED}=true -t {tag} DIR   (DIR holds your Dockerfile, "
        f"which starts `FROM {from_image}`)"
    )
    mine = find_image(tag)
    if mine is None:
        return not_yet(_TITLE, f"there is no image '{tag}' yet.", build)
    base = find_image(from_image)
    if base is None:
        return not_yet(
            _TITLE,
            f"there is no '{from_image}' to compare with.",
            "run the build cell at the top of this notebook first.",
        )
    if not is_lab_owned(mine.labels):
        return not_yet(
            _TITLE,
            f"'{tag}' has no {MANAGED}=true label, so the lab's cleanup would leave it behind.",
            f"build it again with `--label {MANAGED}=true`.",
        )
    if mine.layers[: len(base.layers)] != base.layers:
        return not_yet(
            _TITLE,
            f"'{tag}' does not start with the layers of '{from_image}'.",
            f"start your Dockerfile with `FROM {from_image}`, then build again.",
        )
    added = len(mine.layers) - len(base.layers)
    with quiet():  # unpacked: what the layer holds on disk, the same measure on every Engine
        mine_sizes, base_sizes = image_sizes(tag), image_sizes(from_image)
    grew = mine_sizes.unpacked_bytes - base_sizes.unpacked_bytes
    blocks = (
        " (the containerd image store counts the disk blocks the layer takes, a little more "
        "than its files' bytes)"
        if mine_sizes.store == "containerd"
        else ""
    )
    if added != 1:
        return not_yet(
            _TITLE,
            f"'{tag}' has {added} layer(s) more than '{from_image}', not 1.",
            "one RUN (or COPY) that writes the 2 MB adds one layer; "
            f"`docker image history {tag}` shows each step's size.",
        )
    if not EXERCISE_MIN_BYTES <= grew <= EXERCISE_MAX_BYTES:
        return not_yet(
            _TITLE,
            f"the new layer holds {si(grew)} ({grew:,} B) unpacked{blocks}, not about 2 MB.",
            "write 2,000,000 bytes, e.g. `RUN head -c 2000000 /dev/zero > /app/2mb.bin`.",
        )
    if EXERCISE_ENV not in mine.env:
        return not_yet(
            _TITLE,
            f"'{tag}' has the right layer, but no {EXERCISE_ENV} in its environment.",
            f"add the line `ENV {EXERCISE_ENV}` to the Dockerfile and build again.",
        )
    return passed(
        _TITLE,
        f"'{tag}' = {from_image} + 1 layer of {si(grew)} ({grew:,} B) unpacked{blocks}; "
        f"{len(mine.layers)} layers in all, and ENV {EXERCISE_ENV} added none.",
    )
