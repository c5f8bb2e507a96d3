"""Volumes: create, inspect, list, remove and prune, all labelled and ownership-checked."""

from __future__ import annotations

import json

from ..core.echo import announce, cli
from ..core.errors import BadInput
from ..core.inputs import check_name
from ..core.labels import MANAGED, is_lab_owned, lab_labels
from ..core.results import result
from . import audit
from .connection import client
from .names import real
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


def _volume_info(volume, command: str = "") -> VolumeInfo:
    attrs = volume.attrs
    return VolumeInfo(
        attrs.get("Name", volume.name),
        attrs.get("Driver", ""),
        attrs.get("Mountpoint", ""),
        dict(attrs.get("Options") or {}),
        attrs.get("Scope", ""),
        dict(attrs.get("Labels") or {}),
        is_lab_owned(attrs.get("Labels")),
        command,
    )


def _check_create(name: str, *_: object, **__: object) -> None:
    check_name(name, "volume")


@engine_step("create the volume", validate=_check_create)
def create_volume(
    name: str,
    driver: str = "local",
    driver_opts: dict | None = None,
    extra_labels: dict | None = None,
) -> VolumeInfo:
    """`docker volume create [--driver D] [--opt k=v ...] NAME`.

    A lab volume of that name from an earlier run is removed first (with its data); a learner's
    volume of that name stops the lab with NameClash.
    """
    name = real(name, "volume", creates=True)
    claim_volume_name(name)
    argv = ["volume", "create", "--label", f"{MANAGED}=true"]
    argv += [a for k, v in (extra_labels or {}).items() for a in ("--label", f"{k}={v}")]
    if driver != "local":
        argv += ["--driver", driver]
    for key, value in (driver_opts or {}).items():
        argv += ["--opt", f"{key}={value}"]
    argv.append(name)
    shown = cli(*argv)
    announce(shown)
    volume = client().volumes.create(
        name,
        driver=driver,
        driver_opts=driver_opts or {},
        labels={**lab_labels(), **(extra_labels or {})},
    )
    return _volume_info(volume, shown)


@engine_step("inspect the volume")
def inspect_volume(name: str) -> VolumeInfo:
    """`docker volume inspect NAME` (any volume: reading never changes it)."""
    name = real(name, "volume")
    volume = sdk_volume(name)
    if volume is None:
        raise _no_volume(name)
    shown = cli("volume", "inspect", name)
    announce(shown)
    return _volume_info(volume, shown)


@engine_step("remove the volume")
def remove_volume(name: str) -> str:
    """`docker volume rm NAME` for a lab volume; returns the command shown."""
    name = real(name, "volume")
    volume = sdk_volume(name)
    shown = cli("volume", "rm", name)
    announce(shown)
    if volume is None:
        return shown
    if not is_lab_owned(volume.attrs.get("Labels")):
        raise BadInput(
            f"Not removing the volume '{name}': the lab did not create it.",
            "it has no lab labels, so it is yours.",
            "remove it yourself if you mean to.",
        )
    audit.removed("volume", name, volume.attrs.get("Labels"))
    volume.remove()
    return shown


@engine_step("look up the volume")
def find_volume(name: str) -> VolumeInfo | None:
    """`docker volume inspect NAME` (without echo), or None when there is no such volume."""
    name = real(name, "volume")
    volume = sdk_volume(name)
    return None if volume is None else _volume_info(volume)


@engine_step("list volumes")
def list_volumes(label: str | tuple | list = ()) -> tuple:
    """`docker volume ls [--filter label=L ...]`: every volume (the learner's too), by name."""
    wanted = [label] if isinstance(label, str) else list(label)
    found = client().volumes.list(filters={"label": wanted} if wanted else None)
    return tuple(sorted((_volume_info(v) for v in found), key=lambda v: v.name))


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


@engine_step("try to remove the volume")
def try_remove_volume(name: str) -> RemoveAttempt:
    """`docker volume rm NAME` on a lab volume, reporting a refusal (a container still uses it)
    instead of raising it.

    Raises:
        BadInput: there is no such volume, or it is the learner's.
    """
    name = real(name, "volume")
    import docker

    volume = sdk_volume(name)
    if volume is None:
        raise _no_volume(name)
    if not is_lab_owned(volume.attrs.get("Labels")):
        raise BadInput(
            f"Not removing the volume '{name}': the lab did not create it.",
            "it has no lab labels, so it is yours.",
            "remove it yourself if you mean to.",
        )
    shown = cli("volume", "rm", name)
    announce(shown)
    try:
        audit.removed("volume", name, volume.attrs.get("Labels"))
        volume.remove()
    except docker.errors.APIError as exc:
        said = exc.explanation or str(exc)
        if isinstance(said, bytes):
            said = said.decode(errors="replace")
        return RemoveAttempt(name, False, str(said), shown)
    return RemoveAttempt(name, True, "", shown)


@engine_step("prune volumes")
def prune_volumes(label: str) -> tuple:
    """`docker volume prune -f --filter label=LABEL`: only volumes carrying LABEL can go (never
    a learner's). Returns the names of the volumes the Engine deleted.

    Raises:
        BadInput: LABEL is not one of the lab's labels.
    """
    if not label.startswith(MANAGED.rsplit(".", 1)[0] + "."):
        raise BadInput(
            f"Not pruning volumes by the label '{label}'.",
            "the lab prunes only by one of its own labels (io.labhelpers.*).",
            "pass a label of the lab's.",
        )
    announce(cli("volume", "prune", "-f", "--filter", f"label={label}"))
    pruned = client().volumes.prune(filters={"label": [label]})
    return tuple(sorted(pruned.get("VolumesDeleted") or []))


@engine_step("list unused volumes")
def list_dangling_volumes(label: str | tuple | list = ()) -> tuple:
    """`docker volume ls -q -f dangling=true [-f label=L ...]`: the names of the volumes no
    container uses (stopped ones count as users), the learner's too, optionally only those with
    each label in `label`. Returns names, sorted."""
    wanted = [label] if isinstance(label, str) else list(label)
    flags = [a for w in wanted for a in ("-f", f"label={w}")]
    announce(cli("volume", "ls", "-q", "-f", "dangling=true", *flags))
    filters = {"dangling": True, **({"label": wanted} if wanted else {})}
    found = client().volumes.list(filters=filters)
    return tuple(sorted(v.name for v in found))
