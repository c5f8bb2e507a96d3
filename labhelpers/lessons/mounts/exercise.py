"""Exercise 06: one container with three mounts (a named volume, a tmpfs, a read-only bind mount),
made with the plain CLI. Exercise 06b: a bind mount written with `--mount type=bind`, which
refuses a mistyped host path where `-v` creates it, empty. The checks read the container's
configuration (06b also looks into it with `docker exec`) and change nothing."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ...core.errors import BadInput
from ...core.inputs import check_name
from ...core.labels import MANAGED, mark
from ...engine import LESSON_IMAGE, engine_step, exec_in, find_container, find_volume
from ...engine.containers import ContainerDetails, MountInfo
from ...engine.names import rename_in_text
from ...teaching import CheckResult, exercise_check, not_yet, passed

__all__ = ["check_mount_mix", "check_refusing_bind"]

MIX_TITLE = "Three mounts, one container"
REFUSING_TITLE = "A bind mount that refuses typos"
SITE = "/site"
_mix_not_yet = functools.partial(not_yet, MIX_TITLE)
_refusing_not_yet = functools.partial(not_yet, REFUSING_TITLE)
PAGE = "index.html"


def _mount_of(found: ContainerDetails, destination: str) -> MountInfo | None:
    mount = found.mount_at(destination)
    if mount is None and destination in found.tmpfs:  # `--tmpfs` shows here, not under Mounts
        return MountInfo("tmpfs", "", destination, True, "", "")
    return mount


@exercise_check(MIX_TITLE)
def check_mount_mix(
    container: str = "ex06-app",
    volume: str = "ex06-data",
    host_dir: str | os.PathLike = "workspace/ex06-config",
) -> CheckResult:
    """Is CONTAINER running with VOLUME at /data, a tmpfs at /cache and HOST_DIR bind-mounted
    read-only at /config? (Reads the container's configuration; changes nothing.)"""
    folder = Path(host_dir)
    run = (
        f"`docker volume create --label {MANAGED}={mark('volume', volume)} {volume}`, then "
        f"`docker run -d --name {container} --label {MANAGED}={mark('container', container)} "
        f"-v {volume}:/data --tmpfs /cache "
        f'-v "$PWD/{folder.as_posix()}:/config:ro" {rename_in_text(LESSON_IMAGE)} sleep infinity`'
    )
    fixed = (
        "a container's mounts are fixed when it is created: remove it and run it again, with one "
        "option per mount."
    )
    start_over = f"`docker rm -f {container}`, then {run}"
    found = find_container(container)
    if found is None:
        return _mix_not_yet(
            f"there is no container '{container}' yet.",
            "one `docker run` takes several mounts, one option each: `-v` for a volume or a bind "
            "mount (`:ro` at the end makes it read-only), `--tmpfs` for a tmpfs. A bind mount "
            "needs an absolute path to a folder that exists.",
            more=f"from the notebooks folder: `mkdir -p {folder.as_posix()}`, then {run}",
        )
    if found.status != "running":
        return _mix_not_yet(
            f"'{container}' is {found.status}, not running.",
            "a stopped container keeps its mounts: start it again.",
            more=f"`docker start {container}`",
        )
    data = _mount_of(found, "/data")
    if data is None or data.kind != "volume" or data.volume_name != volume:
        seen = "nothing" if data is None else f"a {data.kind} ({data.volume_name})"
        return _mix_not_yet(
            f"/data should be the named volume '{volume}'; it is {seen}.",
            fixed,
            more=start_over,
        )
    cache = _mount_of(found, "/cache")
    if cache is None or cache.kind != "tmpfs":
        seen = "nothing" if cache is None else f"a {cache.kind} mount"
        return _mix_not_yet(
            f"/cache should be a tmpfs mount; it is {seen}.", fixed, more=start_over
        )
    config = _mount_of(found, "/config")
    wanted = os.path.abspath(folder)
    if config is None or config.kind != "bind" or config.source != wanted:
        seen = "nothing" if config is None else f"a {config.kind} of {config.source}"
        return _mix_not_yet(
            f"/config should be a bind mount of {folder.as_posix()}; it is {seen}.",
            fixed + " A bind mount's source is an absolute path: `$PWD/...`.",
            more=start_over,
        )
    if config.read_write:
        return _mix_not_yet(
            "/config is mounted read-write; it should be read-only.",
            fixed + " Read-only is a suffix of the mount option.",
            more=start_over,
        )
    mounted = find_volume(volume)  # None if it went a moment ago: then it is no longer labelled
    note = (
        ""
        if mounted is not None and mounted.lab_owned
        else f" The volume does not carry the mark {MANAGED}={mark('volume', volume)}, so "
        f"notebook 99 will leave it: `docker volume rm {volume}` when you are done."
    )
    return passed(
        MIX_TITLE,
        f"'{container}' runs with {volume} at /data, a tmpfs at /cache and "
        f"{folder.as_posix()} read-only at /config.{note}",
    )


def _check_refusing(
    container: object = "ex06b-web", host_dir: object = "workspace/ex06b-site", *_, **__
) -> None:
    check_name(container, "container", creating=False)
    if not isinstance(host_dir, (str, os.PathLike)) or not os.fspath(host_dir).strip():
        raise BadInput(
            f"Cannot check a bind mount of {host_dir!r}.",
            "the check compares the container's bind mount with a folder of this machine.",
            "pass the folder's path, such as workspace/ex06b-site (the default).",
        )


@exercise_check(REFUSING_TITLE, validate=_check_refusing)
@engine_step("check the exercise")
def check_refusing_bind(
    container: str = "ex06b-web", host_dir: str | os.PathLike = "workspace/ex06b-site"
) -> CheckResult:
    """Exercise 06b: is CONTAINER running, with the lab's mark for it, with HOST_DIR bind-mounted
    at /site by `--mount type=bind` (not `-v`), and does it see index.html there (`docker exec`)?

    Raises:
        BadInput: CONTAINER cannot name a container, or HOST_DIR is not a path.
    """
    folder = Path(host_dir).as_posix()
    run = (
        f"`docker run -d --name {container} --label {MANAGED}={mark('container', container)} "
        f'--mount type=bind,src="$PWD/{folder}",dst={SITE} {rename_in_text(LESSON_IMAGE)} '
        "sleep infinity`"
    )
    start_over = f"`docker rm -f {container}`, then {run}"
    found = find_container(container)
    if found is None:
        return _refusing_not_yet(
            f"there is no container '{container}' yet.",
            "one way of writing a bind mount refuses a missing host folder.",
            more=f"`mkdir -p {folder} && echo hello > {folder}/{PAGE}`, then {run}",
        )
    if not found.lab_owned:
        return _refusing_not_yet(
            f"'{container}' has no {MANAGED}={mark('container', container)} label.",
            "labels are set when a container is created: remove it and create it again.",
            more=start_over,
        )
    if found.status != "running":
        return _refusing_not_yet(
            f"'{container}' is {found.status}; the check looks into it with `docker exec`.",
            "start it again.",
            more=f"`docker start {container}`",
        )
    site = found.mount_at(SITE)
    wanted = os.path.abspath(folder)
    if site is None or site.kind != "bind" or site.source != wanted:
        seen = "nothing" if site is None else f"a {site.kind} of {site.volume_name or site.source}"
        return _refusing_not_yet(
            f"{SITE} should be a bind mount of {folder}; it is {seen}.",
            "mounts are fixed when a container is created; a bind source is an absolute path.",
            more=start_over,
        )
    lines = exec_in(container, f"stat -c %u {SITE}; ls -A {SITE}", check=False).output
    owner, *entries = lines.splitlines() or ["?"]
    if PAGE not in entries:
        listed = ", ".join(entries[:3]) or "nothing"
        holds = f"'{container}' sees no {PAGE} in {SITE}; it holds {listed}."
        hint = f"put {PAGE} into {folder}: the container sees it at once."
        if not site.long_form and not entries and owner == "0":  # what -v does to a missing path
            holds += f" If {folder} was missing, `-v` made it: empty, and root's (uid 0)."
            hint = (
                "remove the container and that folder, make the folder yourself, and mount it in "
                "the form that refuses a missing path."
            )
        return _refusing_not_yet(
            holds,
            hint,
            more=f"`echo hello > {folder}/{PAGE}`; if the folder is root's, start over: "
            f"`docker rm -f {container}`, `rmdir {folder}`, `mkdir {folder}`, the `echo`, then "
            f"{run}",
        )
    if not site.long_form:
        return _refusing_not_yet(
            f"'{container}' sees {PAGE}, through `-v`: a mistyped path would give an empty "
            "folder, not an error.",
            "write the bind mount in the form that refuses a missing host path.",
            more=start_over,
        )
    return passed(
        REFUSING_TITLE,
        f"'{container}' sees {PAGE} at {SITE} through `--mount type=bind`, which refuses a "
        "mistyped path instead of creating it.",
    )
