"""Volumes: create, inspect, remove, all labelled and ownership-checked."""

from __future__ import annotations

from ._display import announce, cli
from ._engine import client, engine_step
from ._errors import BadInput
from ._labels import is_lab_owned, lab_labels
from ._ownership import claim_volume_name, find_volume
from ._results import result


@result
class VolumeInfo:
    """`docker volume inspect` for one volume."""

    name: str
    driver: str
    mountpoint: str
    options: dict
    scope: str
    lab_owned: bool
    command: str


def _volume_info(volume, command: str = "") -> VolumeInfo:
    attrs = volume.attrs
    return VolumeInfo(
        attrs.get("Name", volume.name),
        attrs.get("Driver", ""),
        attrs.get("Mountpoint", ""),
        dict(attrs.get("Options") or {}),
        attrs.get("Scope", ""),
        is_lab_owned(attrs.get("Labels")),
        command,
    )


@engine_step("create the volume")
def create_volume(name: str, driver: str = "local", driver_opts: dict | None = None) -> VolumeInfo:
    """`docker volume create [--driver D] [--opt k=v ...] NAME`.

    A lab volume of that name from an earlier run is removed first (with its data); a learner's
    volume of that name stops the lab with NameClash.
    """
    claim_volume_name(name)
    argv = ["volume", "create", "--label", "io.labhelpers.managed=true"]
    if driver != "local":
        argv += ["--driver", driver]
    for key, value in (driver_opts or {}).items():
        argv += ["--opt", f"{key}={value}"]
    argv.append(name)
    shown = cli(*argv)
    announce(shown)
    volume = client().volumes.create(
        name, driver=driver, driver_opts=driver_opts or {}, labels=lab_labels()
    )
    return _volume_info(volume, shown)


@engine_step("inspect the volume")
def inspect_volume(name: str) -> VolumeInfo:
    """`docker volume inspect NAME` (any volume: reading never changes it)."""
    volume = find_volume(name)
    if volume is None:
        raise BadInput(
            f"There is no volume named '{name}'.",
            "it was never created, or removed.",
            "create it first (`docker volume create NAME`).",
        )
    shown = cli("volume", "inspect", name)
    announce(shown)
    return _volume_info(volume, shown)


@engine_step("remove the volume")
def remove_volume(name: str) -> str:
    """`docker volume rm NAME` for a lab volume; returns the command shown."""
    volume = find_volume(name)
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
    volume.remove()
    return shown
