"""Exercise 99: with the plain CLI, remove every container the lab made for you, and keep a
container of your own run from the lab's image. The check lists what is left; it removes nothing."""

from __future__ import annotations

from ...core.labels import MANAGED, OWNER, is_mine, owner
from ...engine import LESSON_IMAGE, engine_step, list_containers
from ...teaching import CheckResult, exercise_check, not_yet, passed

__all__ = ["MINE_NAME", "check_cli_cleanup"]

MINE_NAME = "ex99-mine"
CLI_TITLE = "Remove the lab's containers, keep yours"


@exercise_check(CLI_TITLE)
def check_cli_cleanup(mine: str = MINE_NAME) -> CheckResult:
    """Is no container the lab made for this account left, while MINE (the learner's own, run
    from the lab's image) still is?"""
    return _check(mine, LESSON_IMAGE)


@engine_step("check what is left", names={"image": "image"})
def _check(mine: str, image: str) -> CheckResult:
    containers = list_containers()
    own = next((c for c in containers if c.name == mine), None)
    left = [c.name for c in containers if c.lab_owned and is_mine(c.labels)]
    fmt = "--format '{{.Names}} {{.Label \"" + MANAGED + "\"}}'"
    listing = f"docker ps -a --filter label={OWNER}={owner()} {fmt}"
    if own is None:
        return not_yet(
            CLI_TITLE,
            f"there is no container {mine}: start it first (`docker run -d --name {mine} "
            f"{image} sleep infinity`); if you did, your removal took it.",
            f"{mine} inherits the image's labels, your owner mark among them: an owner filter "
            "alone selects it too.",
            f"list names beside their marks (`{listing}`) and remove only the lines whose mark "
            "is container:THEIR-NAME.",
        )
    if not own.labels.get(MANAGED, "").startswith("image:"):
        return not_yet(
            CLI_TITLE,
            f"{mine} was not run from {image}, so it shows nothing about inherited marks.",
            f"remove it and run it again from {image}, with no --label.",
        )
    if left:
        return not_yet(
            CLI_TITLE,
            f"{len(left)} container(s) the lab made for you are still there: {', '.join(left)}.",
            f"list your containers with their {MANAGED} mark (a --filter and a --format); the "
            "lab's are those whose mark names the container itself.",
            f"`{listing} | while read -r name mark; do "
            '[ "$mark" = "container:$name" ] && docker rm -f -v "$name"; done`',
        )
    return passed(
        CLI_TITLE,
        f"none of the lab's containers is left, and {mine} (marked "
        f"{own.labels.get(MANAGED)}) is still yours: remove it with `docker rm -f {mine}`.",
    )
