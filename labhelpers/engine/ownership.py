"""Who owns a name: the lab (labelled) or the learner (anything else).

Before the lab creates a resource under a lecture name (my-image, my-vol, my-cont-1, ...) it
calls `claim`. A lab-owned resource of that name is removed so the step re-runs cleanly; a
resource without the lab's labels is the learner's, and the lab stops with `NameClash`.
"""

from __future__ import annotations

from ..core.echo import announce, cli
from ..core.errors import LabError, NameClash
from ..core.labels import MANAGED, is_lab_image, is_lab_owned
from ..core.sessions import held_by
from . import audit
from .connection import client

__all__ = [
    "NameHeld",
    "check_container_name",
    "check_image_name",
    "check_volume_name",
    "claim_container_name",
    "claim_volume_name",
]


def _clash(kind: str, name: str, remove_cmd: str) -> NameClash:
    return NameClash(
        kind,
        name,
        why=f"it has no '{MANAGED}' label, so it is yours, and the lab never changes or removes "
        "what it did not create.",
        todo=f"remove it yourself if you no longer need it (`{remove_cmd}`), or restart the "
        "kernel: the course then chooses names that are not yours (lab-...) and leaves it alone.",
    )


def sdk_container(name: str):
    """The SDK container named exactly `name`, or None (for this package only)."""
    import docker

    try:
        return client().containers.get(name)
    except docker.errors.NotFound:
        return None


def sdk_volume(name: str):
    import docker

    try:
        return client().volumes.get(name)
    except docker.errors.NotFound:
        return None


def sdk_image(name: str):
    import docker

    try:
        return client().images.get(name)
    except docker.errors.ImageNotFound:
        return None


def check_container_name(name: str) -> object | None:
    """Raise NameClash if `name` is a learner's container; return the lab's container or None."""
    found = sdk_container(name)
    if found is not None and not is_lab_owned(found.labels):
        raise _clash("container", name, cli("rm", "-f", name))
    return found


def check_volume_name(name: str) -> object | None:
    found = sdk_volume(name)
    if found is not None and not is_lab_owned(found.attrs.get("Labels")):
        raise _clash("volume", name, cli("volume", "rm", name))
    return found


def check_image_name(tag: str) -> object | None:
    found = sdk_image(tag)
    if found is not None and not is_lab_image(found.labels, found.tags):
        raise _clash("image", tag, cli("image", "rm", tag))
    return found


class NameHeld(LabError):
    """A name the lab wants is held by another live session (kernel) of the lab."""


def _held_elsewhere(kind: str, name: str, labels: dict | None) -> LabError:
    return NameHeld(
        f"The lab's {kind} '{name}' belongs to another notebook that is still running.",
        "two kernels of the lab never share a name: the lab does not remove what another live "
        "kernel is using.",
        "finish or shut down the other kernel (Kernel > Shut Down Kernel), then re-run this cell.",
    )


def claim_container_name(name: str) -> None:
    """Free `name` for a new lab container: replace the lab's old one (this session's, or one
    whose kernel has ended), refuse the learner's and another live kernel's."""
    found = check_container_name(name)
    if found is not None:
        whose = held_by(found.labels)
        if whose == "another live session":
            raise _held_elsewhere("container", name, found.labels)
        announce(cli("rm", "-f", name) + "   # the lab's container from an earlier run")
        audit.removed("container", name, found.labels)
        _remove_racing(found, name)


def _remove_racing(container, name: str) -> None:
    """Remove a stale container that another session may be removing at the same moment."""
    import time

    import docker

    try:
        container.remove(force=True, v=True)
    except docker.errors.NotFound:
        return  # another session removed it first
    except docker.errors.APIError as exc:
        if exc.status_code != 409:
            raise
        # "removal ... is already in progress": let it finish (that container, not a new one
        # another session may have made under the same name since)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = sdk_container(name)
            if now is None or now.id != container.id:
                return
            time.sleep(0.1)


def claim_volume_name(name: str) -> None:
    """Free `name` for a new lab volume (as `claim_container_name`)."""
    found = check_volume_name(name)
    if found is not None:
        if held_by(found.attrs.get("Labels")) == "another live session":
            raise _held_elsewhere("volume", name, found.attrs.get("Labels"))
        announce(cli("volume", "rm", "-f", name) + "   # the lab's volume from an earlier run")
        _remove_volume_users(name)
        audit.removed("volume", name, found.attrs.get("Labels"))
        found.remove(force=True)


def _remove_volume_users(volume_name: str) -> None:
    """Remove the lab's containers that still use a lab volume (the volume cannot go before)."""
    for container in client().containers.list(all=True, filters={"volume": volume_name}):
        if not is_lab_owned(container.labels):
            raise LabError(
                f"The lab cannot replace its volume '{volume_name}'.",
                f"your own container '{container.name}' uses it, and the lab never touches "
                "what it did not create.",
                f"remove or stop using it in '{container.name}' yourself, then re-run this cell.",
            )
        audit.removed("container", container.name, container.labels)
        container.remove(force=True)
