"""The marks on everything the lab creates, and the test of ownership.

Two labels, on every container, volume, network and image the lab makes:

    io.labhelpers.managed=KIND:NAME   the resource the lab made: `container:my-cont-1`,
                                      `volume:my-vol`, `image:my-image:latest`, `network:NAME`;
                                      `volume:` for an anonymous volume (its name is the Engine's)
    io.labhelpers.owner=USER@HOST     who made it: the account and machine of the kernel

A resource is the lab's only when its `managed` mark names that very resource. Marks are
inherited (a container gets its image's labels, an image its base image's, `docker commit` keeps
a container's), so whatever a learner makes from the lab's work carries a mark that names
something else: a container run from `my-image` carries `image:my-image:latest`, an image built
FROM it under another tag or committed from a lab container names another tag or a container. An
untagged image is the lab's only when the lab recorded its id when it built it (a rebuild leaves
the old one untagged; `labhelpers.core.sessions` keeps the record).

The owner mark scopes what a cleanup or a replacement may touch: by default only what this
account on this machine made (a resource without it is exercise work the learner labelled by hand,
in their own terminal). On an Engine several people share, another's work is never touched.
"""

from __future__ import annotations

import getpass
import os
import re
import socket

__all__ = [
    "BASE_IMAGE_LABEL",
    "MANAGED",
    "NAMESPACE",
    "OWNER",
    "OWNER_SETTING",
    "full_tag",
    "is_lab_image",
    "is_lab_owned",
    "is_mine",
    "is_my_lab_work",
    "lab_labels",
    "mark",
    "owner",
]

NAMESPACE = "io.labhelpers"
MANAGED = f"{NAMESPACE}.managed"
OWNER = f"{NAMESPACE}.owner"
# Carried by the offline base image scripts/provision-engine builds. Not `managed`: images built
# FROM it inherit its labels, and the learner's own images must never look lab-made.
BASE_IMAGE_LABEL = f"{NAMESPACE}.base-image"
OWNER_SETTING = "LABHELPERS_OWNER"  # who "I" am, where the account name says too little
KINDS = ("container", "volume", "network", "image")
_ANONYMOUS = re.compile(r"^[0-9a-f]{64}$")


def owner() -> str:
    """USER@HOST of this kernel (LABHELPERS_OWNER overrides it: a classroom's learner name)."""
    configured = os.environ.get(OWNER_SETTING, "").strip()
    if configured:
        return configured
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(getattr(os, "getuid", lambda: "someone")())
    return f"{user}@{socket.gethostname()}"


def full_tag(tag: str) -> str:
    """`my-image` -> `my-image:latest`, as the Engine lists RepoTags."""
    return tag if ":" in tag.rsplit("/", 1)[-1] else f"{tag}:latest"


def mark(kind: str, name: str) -> str:
    """The `managed` value that names KIND NAME ("" NAME: an anonymous volume)."""
    name = name.lstrip("/")
    return f"{kind}:{full_tag(name) if kind == 'image' and name else name}"


def lab_labels(kind: str, name: str) -> dict[str, str]:
    """The labels of a resource the lab is about to make."""
    return {MANAGED: mark(kind, name), OWNER: owner()}


def is_lab_owned(kind: str, name: str, labels: dict | None) -> bool:
    """Did the lab make this container/volume/network NAME? (Its mark names it; an anonymous
    volume carries `volume:`.)"""
    value = (labels or {}).get(MANAGED, "")
    if kind == "volume" and value == "volume:":
        return bool(_ANONYMOUS.match(name))
    return bool(name) and value == mark(kind, name)


def is_lab_image(labels: dict | None, tags, image_id: str = "", built: frozenset = frozenset()):
    """Did the lab build this image? Tagged: its mark names one of its tags. Untagged (a rebuild
    superseded it): its id is among the ids the lab recorded as built (`built`)."""
    value = (labels or {}).get(MANAGED, "")
    if not value.startswith("image:"):
        return False
    real = [t for t in tags or () if t != "<none>:<none>"]
    if real:
        return value[len("image:") :] in {full_tag(t) for t in real}
    short = image_id.split(":")[-1][:12]
    return bool(short) and short in {i.split(":")[-1][:12] for i in built}


def is_mine(labels: dict | None) -> bool:
    """Made by this account on this machine (or labelled by hand, with no owner mark)."""
    made_by = (labels or {}).get(OWNER, "")
    return not made_by or made_by == owner()


def is_my_lab_work(kind: str, name: str, labels: dict | None) -> bool:
    """Did this account's lab make KIND NAME (`is_lab_owned`, with `is_mine`'s owner mark)?"""
    return is_lab_owned(kind, name, labels) and is_mine(labels)
