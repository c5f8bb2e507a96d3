"""The labels every resource the lab creates carries, and the test of ownership.

One session id per process; cleanup selects by the `managed` label, never by name.
"""

from __future__ import annotations

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


def is_lab_owned(labels: dict[str, str] | None) -> bool:
    """True when `labels` say the lab created the resource."""
    return (labels or {}).get(MANAGED) == "true"


def managed_filter(session_only: bool = False) -> dict[str, list[str]]:
    """An Engine list filter selecting the lab's resources (of this session only, if asked)."""
    wanted = [f"{MANAGED}=true"]
    if session_only:
        wanted.append(f"{SESSION}={SESSION_ID}")
    return {"label": wanted}
