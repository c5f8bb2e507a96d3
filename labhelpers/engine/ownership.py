"""Who owns a name: the lab (its mark names the resource, made by this account) or someone else.

Before the lab creates a resource under a course name it claims the name: the lab's own earlier
resource of that name (this session's, or a stale session's) is removed so the step re-runs
cleanly; another live session's is never touched (`NameHeld`: the caller takes a suffixed name);
anything else is the learner's (or another account's), and the lab stops with `NameClash`.
Every removal is a shown `docker ...` command, carried out from that same command.
"""

from __future__ import annotations

import datetime
import time

from ..core.commands import docker, show
from ..core.errors import BadInput, LabError, NameClash
from ..core.labels import MANAGED, is_mine, is_my_lab_work
from ..core.plugins import notify
from ..core.sessions import (
    LIVE,
    SESSION_ID,
    forget,
    held_by,
    is_live,
    made_by_session,
)
from .connection import client
from .dockercli import execute
from .names import NamePlan, choose, find, is_mine_found, labels_of, learners, remember
from .step import engine_step

__all__ = [
    "NameHeld",
    "check_owner",
    "claim_container_name",
    "claim_volume_name",
    "name_plan",
    "remove_volume_users",
    "sdk_container",
    "sdk_image",
    "sdk_volume",
    "use_lecture_names",
]

# How each kind is removed: the advice a NameClash gives, and what `use_lecture_names` runs
_REMOVE = {"container": ("rm", "-f"), "volume": ("volume", "rm"), "image": ("image", "rm")}


def _clash(kind: str, name: str, remove: str) -> NameClash:
    return NameClash(
        kind,
        name,
        why=f"its '{MANAGED}' label does not name it as the lab's, or another account made it: "
        "it is not the lab's to change or remove.",
        todo=f"remove it yourself if you no longer need it (`{remove}`), or restart the kernel: "
        "the course then chooses names that are not yours (lab-...) and leaves it alone.",
    )


def sdk_container(name: str):
    """The SDK container named exactly `name`, or None (for this package only); `sdk_volume` and
    `sdk_image` likewise."""
    return find("container", name)


def sdk_volume(name: str):
    return find("volume", name)


def sdk_image(name: str):
    return find("image", name)


def check_owner(kind: str, name: str):
    """The SDK's KIND NAME when it is this account's lab work, None when there is none.

    Raises:
        NameClash: it is the learner's (or another account's).
    """
    found = find(kind, name)
    if found is not None and not is_mine_found(kind, name, found):
        raise _clash(kind, name, " ".join(("docker", *_REMOVE[kind], name)))
    return found


class NameHeld(LabError):
    """A name the lab wants is held by another live session (kernel) of the lab."""


def _held_elsewhere(kind: str, name: str) -> LabError:
    return NameHeld(
        f"The lab's {kind} '{name}' belongs to another notebook that is still running.",
        "two kernels of the lab never share a name: the lab does not remove what another live "
        "kernel is using.",
        "finish or shut down the other kernel (Kernel > Shut Down Kernel), then re-run this cell.",
    )


def _held_by_another_kernel(container) -> bool:
    """Does another live kernel hold this lab container? The session records are read once:
    reading them twice (whose is it? then: is it new and nobody's?) let a record written in
    between make a live kernel's new container look like nobody's old one, and another kernel
    replaced it (two kernels then measured one `my-cont-3`).

    A container that no record names yet is another kernel's when it is under a minute old: a
    record is written right after the Engine answers, so a kernel that made it a moment ago
    may not have noted it yet. Replacing it would take that kernel's container."""
    session = made_by_session("container", container.id)
    if session:
        return session != SESSION_ID and is_live(session)
    created = (container.attrs.get("Created") or "")[:19]
    try:
        made = datetime.datetime.fromisoformat(created).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return False
    return (datetime.datetime.now(datetime.timezone.utc) - made).total_seconds() < 60


def claim_container_name(name: str) -> None:
    """Free `name` for a new lab container: replace the lab's old one (this session's, or a stale
    session's), refuse the learner's and another live kernel's."""
    found = check_owner("container", name)
    if found is None:
        return
    if _held_by_another_kernel(found):
        raise _held_elsewhere("container", name)
    command = show(docker("rm", "-f", "-v", name, note="the lab's container from an earlier run"))
    notify("removed", "container", name, found.labels)
    _remove_racing(command, found, name)
    forget("container", found.id)


def _remove_racing(command, container, name: str) -> None:
    """Remove a stale container that another session may be removing at the same moment."""
    import docker as sdk

    try:
        execute(command)
    except sdk.errors.NotFound:
        return  # another session removed it first
    except sdk.errors.APIError as exc:
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
    found = check_owner("volume", name)
    if found is None:
        return
    if held_by("volume", name) == LIVE:
        raise _held_elsewhere("volume", name)
    remove_volume_users(name)
    command = show(docker("volume", "rm", "-f", name, note="the lab's volume from an earlier run"))
    notify("removed", "volume", name, found.attrs.get("Labels"))
    execute(command)
    forget("volume", name)


def remove_volume_users(volume_name: str) -> None:
    """Remove the lab's containers that still use a lab volume (the volume cannot go before).

    Raises:
        LabError: a container not the lab's uses it (the lab touches nothing of the learner's).
    """
    users = client().containers.list(all=True, filters={"volume": volume_name}, ignore_removed=True)
    for container in users:
        if not is_my_lab_work("container", container.name, container.labels):
            raise LabError(
                f"The lab cannot replace its volume '{volume_name}'.",
                f"the container '{container.name}' uses it, and it is not the lab's to touch.",
                f"remove or stop using it in '{container.name}' yourself, then re-run this cell.",
            )
        command = show(docker("rm", "-f", container.name, note=f"it uses {volume_name}"))
        notify("removed", "container", container.name, container.labels)
        execute(command)


# --- the course's names: which ones, and going back to the lecture's -------------------------


@engine_step("choose the course's names")
def name_plan(refresh: bool = False) -> NamePlan:
    """The course's names on this Engine (`labhelpers.engine.names.choose`), as a step: shown
    by notebook 00 and the doctor, and recorded for a replay."""
    return choose(refresh)


_ORDER = {"container": 0, "volume": 1, "image": 2}  # what uses a volume or image goes first


@engine_step("use the lecture's names")
def use_lecture_names(remove_mine: bool = False) -> NamePlan:
    """Go back to the lecture's names (my-image, my-vol, ...) for the whole course.

    With the learner's own resources under those names still there, this is refused unless
    `remove_mine=True`: then exactly those (the ones listed in the plan) are removed, each with
    its `docker ...` command shown. Nothing else is touched, and never another account's work.

    Raises:
        BadInput: your resources still hold the names and `remove_mine` is not set, or one of
            them is another account's lab work (only that account may remove it).
    """
    plan = choose(refresh=True)
    clashes = tuple(c for c in plan.clashes if learners(c.kind, c.name))
    others = [c.name for c in clashes if not is_mine(labels_of(c.kind, find(c.kind, c.name)))]
    if others:
        raise BadInput(
            "The course cannot use the lecture's names on this Engine.",
            f"{', '.join(others)} belong to another account's lab work on this shared Engine.",
            "keep the course's own names (lab-...); they work the same.",
        )
    if clashes and not remove_mine:
        raise BadInput(
            "The course cannot use the lecture's names yet.",
            f"{', '.join(c.name for c in clashes)} on this Engine are yours, and the lab never "
            "removes what is yours unless you ask.",
            "remove them yourself, or call use_lecture_names(remove_mine=True) to have the lab "
            "remove exactly those.",
        )
    for clash in sorted(clashes, key=lambda c: _ORDER[c.kind]):
        command = show(docker(*_REMOVE[clash.kind], clash.name, note="yours: removed as you asked"))
        notify("removed", clash.kind, clash.name, {}, asked_by_learner=True)
        execute(command)
    return remember(NamePlan(plan.engine_id, "", (), "you chose the lecture's names"))
