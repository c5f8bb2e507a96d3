"""The labels every resource the lab creates carries, and the test of ownership.

One session id per process; cleanup selects by the `managed` label, never by name.

Containers, volumes and networks the lab creates carry `io.labhelpers.managed=true`. Images carry
`io.labhelpers.managed=image:REPO:TAG` instead, because a container inherits every label of its
image: a container you start yourself with `docker run my-image` gets `image:my-image:latest`,
not `true`, so it stays yours. The tag in the value does the same for images: an image you build
FROM my-image inherits the label, but under another tag, so it is yours too.
"""

from __future__ import annotations

__all__ = [
    "BASE_IMAGE_LABEL",
    "MANAGED",
    "NAMESPACE",
    "NOTEBOOK",
    "SESSION",
    "SESSION_ID",
    "current_notebook",
    "full_tag",
    "image_labels",
    "is_lab_image",
    "is_lab_owned",
    "lab_labels",
    "managed_filter",
    "set_notebook",
]

import os
import uuid

NAMESPACE = "io.labhelpers"
MANAGED = f"{NAMESPACE}.managed"
SESSION = f"{NAMESPACE}.session"
NOTEBOOK = f"{NAMESPACE}.notebook"
# Carried by the offline base image that scripts/provision-engine builds. Not `managed`: images
# built FROM it inherit its labels, and the learner's own images must never look lab-made.
BASE_IMAGE_LABEL = f"{NAMESPACE}.base-image"

SESSION_ID = os.environ.get("LABHELPERS_SESSION") or uuid.uuid4().hex[:12]
_notebook = os.environ.get("LABHELPERS_NOTEBOOK", "interactive")


def set_notebook(name: str) -> None:
    """Record which notebook is running: it goes into the `notebook` label of what it creates."""
    global _notebook
    _notebook = name


def current_notebook() -> str:
    return _notebook


def lab_labels(**extra: str) -> dict[str, str]:
    """Return the labels for a new resource: managed, this session, this notebook (plus `extra`)."""
    labels = {MANAGED: "true", SESSION: SESSION_ID, NOTEBOOK: _notebook}
    labels.update({f"{NAMESPACE}.{key}": value for key, value in extra.items()})
    return labels


IMAGE_PREFIX = "image:"


def full_tag(tag: str) -> str:
    """`my-image` -> `my-image:latest`, as the Engine lists RepoTags."""
    return tag if ":" in tag.rsplit("/", 1)[-1] else f"{tag}:latest"


def image_labels(tag: str) -> dict[str, str]:
    """The labels of an image the lab builds as `tag` (see the module's docstring)."""
    return {**lab_labels(), MANAGED: IMAGE_PREFIX + full_tag(tag)}


def is_lab_owned(labels: dict[str, str] | None) -> bool:
    """True when `labels` say the lab created the container, volume or network (or an image the
    learner built with `--label io.labhelpers.managed=true`, as the exercises ask)."""
    return (labels or {}).get(MANAGED) == "true"


def is_lab_image(labels: dict[str, str] | None, tags: list[str] | tuple | None) -> bool:
    """True when the lab built this image: `managed=true`, or `managed=image:TAG` and the image
    is still tagged TAG (or, superseded by a rebuild, no longer tagged at all)."""
    value = (labels or {}).get(MANAGED) or ""
    if value == "true":
        return True
    if not value.startswith(IMAGE_PREFIX):
        return False
    real = [t for t in tags or () if t != "<none>:<none>"]
    return not real or value[len(IMAGE_PREFIX) :] in real


def managed_filter(session_only: bool = False, images: bool = False) -> dict[str, list[str]]:
    """An Engine list filter selecting the lab's resources (of this session only, if asked).

    For images it selects every image with the label at all: narrow with `is_lab_image`."""
    wanted = [MANAGED if images else f"{MANAGED}=true"]
    if session_only:
        wanted.append(f"{SESSION}={SESSION_ID}")
    return {"label": wanted}
