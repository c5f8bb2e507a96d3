"""Notebook 01's exercise: an image with one new layer of about 2 MB, and an ENV that adds none,
marked as the lab's by the mark that names exactly it."""

from __future__ import annotations

from ...core.labels import MANAGED, mark
from ...core.units import si
from ...engine import find_image, image_sizes
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
_TITLE = "One 2 MB layer, and an ENV that adds none"


@exercise_check(_TITLE)
def check_layer_exercise(tag: str = EXERCISE_TAG, from_image: str = "my-image") -> CheckResult:
    """Is there an image TAG, carrying the lab's mark for exactly it
    (`io.labhelpers.managed=image:TAG:latest`), built FROM FROM_IMAGE with exactly one more
    layer of about 2 MB, and the environment variable STAGE=exercise?"""
    label = f"--label {MANAGED}={mark('image', tag)}"
    base = find_image(from_image)
    from_image = base.ref if base is not None else from_image  # as this Engine names it
    mine = find_image(tag)
    if mine is None:
        return not_yet(
            _TITLE,
            f"there is no image '{tag}' yet.",
            f"a Dockerfile FROM {from_image} with one step that writes files and one that only "
            "sets the config.",
            "in an empty folder, a Dockerfile with `ENV ...` and one `RUN` that writes 2,000,000 "
            f"bytes; then `docker build {label} -t {tag} FOLDER`.",
        )
    if base is None:
        return not_yet(
            _TITLE,
            f"there is no '{from_image}' to compare with.",
            "run the build cell at the top of this notebook first.",
        )
    if mine.labels.get(MANAGED) != mark("image", tag):
        return not_yet(
            _TITLE,
            f"'{tag}' lacks the mark {MANAGED}={mark('image', tag)}, so the lab's cleanup would "
            f"leave it behind (it carries {MANAGED}={mine.labels.get(MANAGED, '(none)')}).",
            "`docker build` can put labels on the image it builds.",
            f"build it again with `{label}`.",
        )
    if mine.layers[: len(base.layers)] != base.layers:
        return not_yet(
            _TITLE,
            f"'{tag}' does not start with the layers of '{from_image}'.",
            "an image shares the layers of the image its Dockerfile starts FROM.",
            f"start your Dockerfile with `FROM {from_image}`, then build again.",
        )
    added = len(mine.layers) - len(base.layers)
    if added != 1:
        return not_yet(
            _TITLE,
            f"'{tag}' has {added} layer(s) more than '{from_image}', not 1.",
            "each RUN, COPY or ADD adds a layer (with BuildKit even one that writes nothing); "
            "ENV adds none.",
            f"one RUN that writes the 2 MB; `docker image history {tag}` shows each step's size.",
        )
    # unpacked: what the layer holds on disk, the same measure on every Engine
    grew = image_sizes(tag).unpacked_bytes - image_sizes(from_image).unpacked_bytes
    if not EXERCISE_MIN_BYTES <= grew <= EXERCISE_MAX_BYTES:
        return not_yet(
            _TITLE,
            f"the new layer holds {si(grew)} ({grew:,} B) unpacked, not about 2 MB.",
            "a layer holds what its step wrote; 2 MB is 2,000,000 bytes (SI), not 2 MiB.",
            "`head -c 2000000 /dev/zero > /app/2mb.bin` writes exactly that many bytes.",
        )
    if EXERCISE_ENV not in mine.env:
        return not_yet(
            _TITLE,
            f"'{tag}' has the right layer, but no {EXERCISE_ENV} in its environment.",
            "an image's environment variables are set by a Dockerfile instruction that changes "
            "only its config.",
            f"add the line `ENV {EXERCISE_ENV}` to the Dockerfile and build again.",
        )
    return passed(
        _TITLE,
        f"'{tag}' = {from_image} + 1 layer of {si(grew)} unpacked; ENV {EXERCISE_ENV} added none. "
        f"Cleanup removes {tag} only: what you build FROM it stays yours.",
    )
