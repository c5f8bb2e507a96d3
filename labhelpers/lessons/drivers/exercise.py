"""Notebook 04's exercise: a RAM-backed volume made with the plain CLI, used by a running
container. The check only reads (`docker volume inspect`, `docker inspect`)."""

from __future__ import annotations

import functools

from ...core.labels import MANAGED, mark
from ...engine import LESSON_IMAGE, find_container, find_volume
from ...engine.names import rename_in_text
from ...teaching import CheckResult, exercise_check, not_yet, passed

__all__ = ["RAM_TITLE", "check_ram_volume"]

RAM_TITLE = "A RAM-backed volume made with the CLI"
_ram_not_yet = functools.partial(not_yet, RAM_TITLE)


def _size_option(options: dict) -> str:
    for part in (options.get("o") or "").split(","):
        if part.startswith("size="):
            return part[len("size=") :]
    return ""


@exercise_check(RAM_TITLE)
def check_ram_volume(
    volume: str = "ex04-ram",
    container: str = "ex04-box",
    size: str = "32m",
    target: str = "/scratch",
) -> CheckResult:
    """Exercise 04: is there a `local` volume VOLUME held in tmpfs with o=size=SIZE, mounted at
    TARGET in a running container CONTAINER? Only reads: the learner's resources are never
    changed."""
    image = rename_in_text(LESSON_IMAGE)
    idea = (
        "`local` hands its `--opt` values (type, device, o) to the kernel's mount, as section 2 "
        f"did for {rename_in_text('ram-vol')}."
    )
    commands = (
        f"`docker volume create --driver local --label {MANAGED}={mark('volume', volume)} "
        f"--opt type=tmpfs --opt device=tmpfs --opt o=size={size} {volume}`, then "
        f"`docker run -d --name {container} --label {MANAGED}={mark('container', container)} "
        f"-v {volume}:{target} {image} sleep infinity`."
    )
    found = find_volume(volume)
    if found is None:
        return _ram_not_yet(f"there is no volume '{volume}' yet.", idea, commands)
    if found.driver != "local" or found.options.get("type") != "tmpfs":
        return _ram_not_yet(
            f"'{volume}' exists, but with driver '{found.driver}' and options "
            f"{found.options or '{}'}: it is not held in tmpfs.",
            f"remove it (`docker volume rm {volume}`) and create it again; {idea}",
            commands,
        )
    if _size_option(found.options).lower() != size.lower():
        return _ram_not_yet(
            f"'{volume}' is a tmpfs volume, but its size option is "
            f"'{_size_option(found.options) or 'missing'}', not {size}.",
            f"remove it and create it again with `--opt o=size={size}`.",
        )
    box = find_container(container)
    if box is None:
        return _ram_not_yet(
            f"the volume is right; there is no container '{container}' yet.",
            f"a container from {image} that mounts the volume at {target} "
            "and keeps running (its command must not end).",
            commands,
        )
    if not any(m.volume_name == volume and m.destination == target for m in box.mounts):
        return _ram_not_yet(
            f"'{container}' exists but does not mount '{volume}' at {target}.",
            f"remove it (`docker rm -f {container}`) and run it again with `-v {volume}:{target}`.",
        )
    if box.status != "running":
        return _ram_not_yet(
            f"'{container}' mounts the volume but is {box.status}: a tmpfs volume is only "
            "mounted (and only holds files) while a container using it runs.",
            f"`docker start {container}` (give it a command that keeps running, such as "
            "`sleep infinity`).",
        )
    return passed(
        RAM_TITLE,
        f"'{volume}' (tmpfs, size={size}) is mounted at {target} in the running "
        f"'{container}'. `docker exec {container} df -h {target}` shows its tmpfs.",
    )
