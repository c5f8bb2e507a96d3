"""Notebook 00's exercise: a volume of the learner's own, labelled with the storage driver."""

from __future__ import annotations

from ...core.errors import BadInput, LabError
from ...core.labels import MANAGED, mark
from ...engine import engine_facts, engine_locality, inspect_volume
from ...teaching import CheckResult, exercise_check, not_yet, passed
from .results import IN_A_VM

__all__ = ["DRIVER_LABEL", "VOLUME_NAME", "check_first_volume"]

VOLUME_NAME = "my-first-volume"
DRIVER_LABEL = "storage-driver"
_TITLE = "A volume of your own, labelled with your storage driver"


@exercise_check(_TITLE)
def check_first_volume(name: str = VOLUME_NAME) -> CheckResult:
    """Is there a volume NAME made by the `local` driver, carrying the lab's mark for it
    (`io.labhelpers.managed=volume:NAME`) and a `storage-driver` label that matches
    `docker info`?"""
    try:
        facts = engine_facts()
    except LabError as exc:
        return not_yet(_TITLE, "no Engine answers.", exc.todo)
    options = (
        f"`docker volume create --driver local --label KEY=VALUE --label KEY=VALUE {name}` "
        "(`--label` can be given more than once)"
    )
    again = (
        "a volume's labels and driver are set when it is made and cannot change: remove it "
        f"(`docker volume rm {name}`) and create it again."
    )
    try:
        volume = inspect_volume(name)
    except BadInput:
        volume = None
    if volume is None:
        return not_yet(
            _TITLE,
            f"there is no volume '{name}' yet.",
            "`docker info` names the storage driver; `docker volume create --help` lists the "
            "options that choose a volume's driver and labels.",
            "`docker info --format '{{.Driver}}'` prints only the driver; then " + options + ".",
        )
    if not volume.lab_owned:
        return not_yet(
            _TITLE,
            f"'{name}' has no {MANAGED}={mark('volume', name)} label, so the lab's cleanup would "
            "leave it behind (labels cannot be added to a volume later).",
            again,
            f"the lab's label for it is {MANAGED}={mark('volume', name)}; {options}.",
        )
    if volume.driver != "local":
        return not_yet(
            _TITLE,
            f"'{name}' was made by the '{volume.driver}' driver, not 'local'.",
            again,
            f"`--driver local` chooses the driver: {options}.",
        )
    said = volume.labels.get(DRIVER_LABEL)
    if said != facts.storage_driver:
        found = f"says '{said}'" if said else "is missing"
        return not_yet(
            _TITLE,
            f"its {DRIVER_LABEL} label {found}; `docker info` says '{facts.storage_driver}'.",
            again,
            f"the label to add is {DRIVER_LABEL}={facts.storage_driver}: {options}.",
        )
    if facts.platform_kind in IN_A_VM:
        where = "inside Docker Desktop's VM"
    elif engine_locality().files_here:
        where = "on this machine"
    else:
        where = "where the Engine runs, not on this machine"
    return passed(
        _TITLE,
        f"'{name}' is a local volume labelled {DRIVER_LABEL}={said}; its data lives in "
        f"{volume.mountpoint or '?'} ({where}).",
    )
