"""Exercise 06: one container with three mounts (a named volume, a tmpfs, a read-only bind mount),
made with the plain CLI. The check reads the container's configuration and changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

from ...core.labels import MANAGED, mark
from ...engine import LESSON_IMAGE, find_container, find_volume
from ...engine.containers import ContainerDetails, MountInfo
from ...engine.names import rename_in_text
from ...teaching import CheckResult, exercise_check, not_yet, passed

__all__ = ["check_mount_mix"]

MIX_TITLE = "Three mounts, one container"


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
        return not_yet(
            MIX_TITLE,
            f"there is no container '{container}' yet.",
            "one `docker run` takes several mounts, one option each: `-v` for a volume or a bind "
            "mount (`:ro` at the end makes it read-only), `--tmpfs` for a tmpfs. A bind mount "
            "needs an absolute path to a folder that exists.",
            more=f"from the notebooks folder: `mkdir -p {folder.as_posix()}`, then {run}",
        )
    if found.status != "running":
        return not_yet(
            MIX_TITLE,
            f"'{container}' is {found.status}, not running.",
            "a stopped container keeps its mounts: start it again.",
            more=f"`docker start {container}`",
        )
    data = _mount_of(found, "/data")
    if data is None or data.kind != "volume" or data.volume_name != volume:
        seen = "nothing" if data is None else f"a {data.kind} ({data.volume_name})"
        return not_yet(
            MIX_TITLE,
            f"/data should be the named volume '{volume}'; it is {seen}.",
            fixed,
            more=start_over,
        )
    cache = _mount_of(found, "/cache")
    if cache is None or cache.kind != "tmpfs":
        seen = "nothing" if cache is None else f"a {cache.kind} mount"
        return not_yet(
            MIX_TITLE, f"/cache should be a tmpfs mount; it is {seen}.", fixed, more=start_over
        )
    config = _mount_of(found, "/config")
    wanted = os.path.abspath(folder)
    if config is None or config.kind != "bind" or config.source != wanted:
        seen = "nothing" if config is None else f"a {config.kind} of {config.source}"
        return not_yet(
            MIX_TITLE,
            f"/config should be a bind mount of {folder.as_posix()}; it is {seen}.",
            fixed + " A bind mount's source is an absolute path: `$PWD/...`.",
            more=start_over,
        )
    if config.read_write:
        return not_yet(
            MIX_TITLE,
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
