"""Notebook 99: list what the lab created (by label) with sizes, remove it, report the space
reclaimed, and show that nothing without the lab's label was touched.

The proof is a before/after comparison of everything that does NOT carry the lab's `managed`
label: containers (id, name, state), volumes, images (`docker image ls`: id and tags) and
networks. Removal itself is `labhelpers.engine.cleanup`, which selects by label only.
"""

from __future__ import annotations

import contextlib
import io

from ...core.echo import announce, cli, quiet
from ...core.labels import MANAGED, NOTEBOOK, SESSION, SESSION_ID
from ...engine import (
    LESSON_IMAGE,
    cleanup,
    create_container,
    disk_usage,
    engine_step,
    ensure_lesson_image,
    find_image,
    list_containers,
    list_images,
    list_networks,
    list_volumes,
    remove_created_container,
)
from .results import CleanupResult, InheritedLabels, Inventory, LabItem, Snapshot, Space, Thing

__all__ = [
    "inventory",
    "label_inheritance",
    "remove_lab_resources",
    "space",
    "unlabelled_snapshot",
]

LABEL = f"label={MANAGED}=true"
IMAGE_LABEL = f"label={MANAGED}"  # images: managed=image:TAG (see labhelpers.core.labels)


# --- what the lab has in the Engine -------------------------------------------------------------


def _in_session(labels: dict, session_only: bool) -> bool:
    return not session_only or labels.get(SESSION) == SESSION_ID


def _notebook(labels: dict) -> str:
    return labels.get(NOTEBOOK, "(no label)")


@engine_step("list the lab's resources with sizes")
def inventory(session_only: bool = False) -> Inventory:
    """`docker ps -a -s`, `docker volume ls`, `docker image ls` and `docker network ls`, each
    filtered on the lab's label (and this session's, if `session_only`), sizes from
    `docker system df -v`."""
    session = [f"label={SESSION}={SESSION_ID}"] if session_only else []
    flags = [arg for f in [LABEL, *session] for arg in ("--filter", f)]
    image_flags = [arg for f in [IMAGE_LABEL, *session] for arg in ("--filter", f)]
    for argv in (
        ["ps", "-a", "-s", *flags],
        ["volume", "ls", *flags],
        ["image", "ls", *image_flags],
        ["network", "ls", *flags],
    ):
        announce(cli(*argv))
    with quiet():
        usage = disk_usage()
    items = []
    for row in sorted(usage.rows, key=lambda r: r.name):
        if row.kind == "container" and row.lab_owned and _in_session(row.labels, session_only):
            items.append(LabItem("container", row.name, _notebook(row.labels), row.size_bytes))
    volume_sizes = {r.name: r.size_bytes for r in usage.rows if r.kind == "volume"}
    for volume in list_volumes():
        if volume.lab_owned and _in_session(volume.labels, session_only):
            size = volume_sizes.get(volume.name, -1)  # volumes with driver options are left out
            items.append(LabItem("volume", volume.name, _notebook(volume.labels), size))
    image_rows = {r.id: r for r in usage.rows if r.kind == "image"}
    for image in sorted(list_images(), key=lambda i: (sorted(i.tags) or ["~"])[0]):
        if image.lab_owned and _in_session(image.labels, session_only):
            name = ", ".join(sorted(image.tags)) or f"<none> ({image.id})"
            row = image_rows.get(image.id)
            own = row.size_bytes - row.shared_bytes if row and row.shared_bytes >= 0 else -1
            items.append(LabItem("image", name, _notebook(image.labels), own))
    for network in list_networks():
        if network.lab_owned and _in_session(network.labels, session_only):
            items.append(LabItem("network", network.name, _notebook(network.labels), -1))
    return Inventory(tuple(items), session_only)


# --- labels are inherited ----------------------------------------------------------------------


@engine_step("show that a container inherits its image's labels")
def label_inheritance(image: str = LESSON_IMAGE, name: str = "label-probe") -> InheritedLabels:
    """`docker create --name NAME IMAGE` with no --label, `docker inspect` its labels, then
    `docker rm NAME`. The image is built first if missing (quietly)."""
    with contextlib.redirect_stdout(io.StringIO()):
        ensure_lesson_image(tag=image)
    created = create_container(name, image, labelled=False)  # no labels passed, on purpose
    remove_created_container(name, created.id)
    found = find_image(image)
    on_image = found.labels if found is not None else {}
    rows = tuple(
        (key, value, on_image.get(key) == value) for key, value in sorted(created.labels.items())
    )
    return InheritedLabels(name, image, cli("create", "--name", name, image), rows)


# --- everything else: the proof ----------------------------------------------------------------


@engine_step("list everything without the lab's label")
def unlabelled_snapshot() -> Snapshot:
    """Containers (id, name, state), volumes, images (as `docker image ls` lists them: id, tags)
    and networks that do NOT carry the lab's label. Reading only."""
    announce(cli("ps", "-a", "--format", "{{.ID}} {{.Names}} {{.State}} {{.Labels}}"))
    announce(cli("volume", "ls", "--format", "{{.Name}} {{.Labels}}"))
    announce(cli("image", "ls", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"))
    announce(cli("network", "ls", "--format", "{{.ID}} {{.Name}} {{.Labels}}"))
    things = [
        Thing("container", c.id, c.name, c.state) for c in list_containers() if not c.lab_owned
    ]
    things += [Thing("volume", v.name, v.name, "") for v in list_volumes() if not v.lab_owned]
    things += [
        Thing("image", i.id, ", ".join(sorted(i.tags)) or "<none>", "")
        for i in list_images()
        if not i.lab_owned
    ]
    things += [Thing("network", n.id, n.name, "") for n in list_networks() if not n.lab_owned]
    return Snapshot(tuple(sorted(things, key=lambda t: (t.kind, t.name, t.id))))


# --- space -------------------------------------------------------------------------------------


@engine_step("measure the Engine's disk usage")
def space(moment: str) -> Space:
    """`docker system df -v`: bytes in images (counted once), writable layers, volumes and the
    build cache, split by the lab's label. Image layers shared between a lab image and an
    unlabelled one (the base image) count as not the lab's. MOMENT names the bar ("before")."""
    usage = disk_usage()
    lab = sum(
        (r.size_bytes - max(r.shared_bytes, 0)) if r.kind == "image" else r.size_bytes
        for r in usage.rows
        if r.lab_owned
    )
    return Space(moment, lab, max(usage.total_bytes - lab, 0))


# --- removal ------------------------------------------------------------------------------------


def _match(kind: str, name: str, listed: tuple) -> LabItem:
    """The inventory row of a resource the cleanup removed (an image by any of its tags or id)."""
    for item in listed:
        if item.kind != kind:
            continue
        if item.name == name:
            return item
        if kind == "image":
            digest = name.split(":")[-1][:12] if name.startswith("sha256:") else ""
            if name in item.name.split(", ") or (digest and f"({digest})" in item.name):
                return item
    label = f"<none> ({name.split(':')[-1][:12]})" if name.startswith("sha256:") else name
    return LabItem(kind, label, "?", -1)


@engine_step("remove the lab's resources")
def remove_lab_resources(session_only: bool = False) -> CleanupResult:
    """List the lab's resources (the inventory), then remove everything with the lab's label (and
    this session's, if asked) with `labhelpers.engine.cleanup`; each removed resource keeps the
    size the inventory gave it."""
    listed = inventory(session_only).items
    report = cleanup(session_only=session_only)
    removed = tuple(_match(r.kind, r.name, listed) for r in report.removed)
    return CleanupResult(removed, report.reclaimed_bytes, report.commands)
