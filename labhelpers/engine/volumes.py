"""Volumes: create, inspect, list, remove and prune; every one the lab makes carries its marks, and
one that is not the lab's is read, never changed."""

from __future__ import annotations

import json

from ..core.commands import FAILS, docker, show
from ..core.errors import BadInput
from ..core.inputs import check_name
from ..core.labels import MANAGED, OWNER, is_my_lab_work, lab_labels, owner
from ..core.plugins import notify
from ..core.results import result
from ..core.sessions import forget, note_made
from .connection import engine_said
from .containers import labels_args
from .dockercli import execute
from .ownership import claim_volume_name, sdk_volume
from .step import engine_step

__all__ = [
    "RemoveAttempt",
    "VolumeInfo",
    "create_volume",
    "find_volume",
    "inspect_volume",
    "list_dangling_volumes",
    "list_volumes",
    "prune_volumes",
    "remove_volume",
    "try_remove_volume",
]

_NAMES = {"name": "volume"}


@result
class VolumeInfo:
    """`docker volume inspect` for one volume."""

    name: str
    driver: str
    mountpoint: str
    options: dict
    scope: str
    labels: dict
    lab_owned: bool
    command: str

    def __repr__(self) -> str:
        """The JSON `docker volume inspect NAME` prints (its CreatedAt left out: not kept)."""
        shown = {
            "Driver": self.driver,
            "Labels": self.labels or None,
            "Mountpoint": self.mountpoint,
            "Name": self.name,
            "Options": self.options or None,
            "Scope": self.scope,
        }
        return json.dumps([shown], indent=4, sort_keys=True)


def _no_volume(name: str) -> BadInput:
    return BadInput(
        f"There is no volume named '{name}'.",
        "it was never created, or removed.",
        "create it first (`docker volume create NAME`).",
    )


def _not_the_labs(name: str) -> BadInput:
    return BadInput(
        f"Not removing the volume '{name}': the lab did not create it.",
        "its labels do not name it as the lab's, so it is yours.",
        "remove it yourself if you mean to.",
    )


def _volume_info(volume, command: str = "") -> VolumeInfo:
    attrs = volume.attrs
    name = attrs.get("Name", volume.name)
    return VolumeInfo(
        name,
        attrs.get("Driver", ""),
        attrs.get("Mountpoint", ""),
        dict(attrs.get("Options") or {}),
        attrs.get("Scope", ""),
        dict(attrs.get("Labels") or {}),
        is_my_lab_work("volume", name, attrs.get("Labels")),
        command,
    )


def _check_create(name: str, *_: object, **__: object) -> None:
    check_name(name, "volume")


@engine_step("create the volume", validate=_check_create, names=_NAMES)
def create_volume(
    name: str,
    driver: str = "local",
    driver_opts: dict | None = None,
    extra_labels: dict | None = None,
) -> VolumeInfo:
    """`docker volume create --label ... [--driver D] [--opt k=v ...] NAME`.

    A lab volume of that name from an earlier run is removed first (with its data); a learner's
    volume of that name stops the lab with NameClash.
    """
    claim_volume_name(name)
    argv = [
        "volume",
        "create",
        *labels_args({**lab_labels("volume", name), **(extra_labels or {})}),
    ]
    if driver != "local":
        argv += ["--driver", driver]
    for key, value in (driver_opts or {}).items():
        argv += ["--opt", f"{key}={value}"]
    command = show(docker(*argv, name))
    volume = execute(command)
    note_made("volume", name)
    notify("created", "volume", command, name, volume.attrs.get("Labels"), driver=driver)
    return _volume_info(volume, command.line())


@engine_step("inspect the volume", names=_NAMES)
def inspect_volume(name: str) -> VolumeInfo:
    """`docker volume inspect NAME` (any volume: reading never changes it)."""
    if sdk_volume(name) is None:
        raise _no_volume(name)
    command = show(docker("volume", "inspect", name))
    return _volume_info(execute(command), command.line())


@engine_step("remove the volume", names=_NAMES)
def remove_volume(name: str, note: str = "") -> str:
    """`docker volume rm NAME` for a lab volume; returns the command shown (a missing volume is
    fine).

    Raises:
        BadInput: the volume is not the lab's.
    """
    volume = sdk_volume(name)
    command = show(docker("volume", "rm", name, note=note))
    if volume is None:
        return command.line()
    if not is_my_lab_work("volume", name, volume.attrs.get("Labels")):
        raise _not_the_labs(name)
    notify("removed", "volume", name, volume.attrs.get("Labels"))
    execute(command)
    forget("volume", name)
    return command.line()


@engine_step("look up the volume", names=_NAMES)
def find_volume(name: str) -> VolumeInfo | None:
    """`docker volume inspect NAME` (not shown), or None when there is no such volume."""
    volume = sdk_volume(name)
    return None if volume is None else _volume_info(volume)


@engine_step("list volumes")
def list_volumes(lab_only: bool = False) -> tuple:
    """`docker volume ls [--filter label=io.labhelpers.managed]` (not shown): every volume (the
    learner's too), or only the lab's, by name."""
    argv = ["volume", "ls"] + (["--filter", f"label={MANAGED}"] if lab_only else [])
    found = [_volume_info(v) for v in execute(show(docker(*argv), shown=False))]
    return tuple(sorted((v for v in found if v.lab_owned or not lab_only), key=lambda v: v.name))


@result
class RemoveAttempt:
    """`docker volume rm NAME`: removed, or refused with the Engine's reason."""

    volume: str
    removed: bool
    engine_said: str
    command: str

    def __repr__(self) -> str:
        if self.removed:
            return f"{self.command}: removed."
        return f"{self.command}: refused. The Engine said: {self.engine_said}"


@engine_step("try to remove the volume", names=_NAMES)
def try_remove_volume(name: str) -> RemoveAttempt:
    """`docker volume rm NAME` on a lab volume, reporting a refusal (a container still uses it)
    instead of raising it: the lesson shows the Engine refusing.

    Raises:
        BadInput: there is no such volume, or it is not the lab's.
    """
    import docker as sdk

    volume = sdk_volume(name)
    if volume is None:
        raise _no_volume(name)
    if not is_my_lab_work("volume", name, volume.attrs.get("Labels")):
        raise _not_the_labs(name)
    command = show(docker("volume", "rm", name, expect=FAILS, note="a container still uses it"))
    try:
        notify("removed", "volume", name, volume.attrs.get("Labels"))
        execute(command)
    except sdk.errors.APIError as exc:
        return RemoveAttempt(name, False, engine_said(exc), command.line())
    forget("volume", name)
    return RemoveAttempt(name, True, "", command.line())


@engine_step("prune volumes")
def prune_volumes(label: str) -> tuple:
    """`docker volume prune -f --filter label=LABEL --filter label=io.labhelpers.owner=ME`: only
    volumes carrying LABEL and this account's owner mark can go (never a learner's, never another
    account's on a shared Engine). Returns the names of the volumes the Engine deleted.

    Raises:
        BadInput: LABEL is not one of the lab's labels.
    """
    if not label.startswith(MANAGED.rsplit(".", 1)[0] + "."):
        raise BadInput(
            f"Not pruning volumes by the label '{label}'.",
            "the lab prunes only by one of its own labels (io.labhelpers.*).",
            "pass a label of the lab's.",
        )
    mine = f"label={OWNER}={owner()}"
    command = show(docker("volume", "prune", "-f", "--filter", f"label={label}", "--filter", mine))
    pruned = execute(command)
    return tuple(sorted(pruned.get("VolumesDeleted") or []))


@engine_step("list unused volumes")
def list_dangling_volumes(lab_only: bool = False) -> tuple:
    """`docker volume ls -q --filter dangling=true [--filter label=io.labhelpers.managed]`: the
    names of the volumes no container uses (stopped ones count as users), the learner's too, or
    only the lab's. Returns names, sorted."""
    flags = ["--filter", f"label={MANAGED}"] if lab_only else []
    found = execute(show(docker("volume", "ls", "-q", "--filter", "dangling=true", *flags)))
    return tuple(
        sorted(
            v.name
            for v in found
            if not lab_only or is_my_lab_work("volume", v.name, v.attrs.get("Labels"))
        )
    )
