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
    engine_facts,
    engine_step,
    ensure_lesson_image,
    find_image,
    image_sizes,
    list_containers,
    list_images,
    list_networks,
    list_volumes,
    real,
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


def _own_image_bytes(row, store: str, image_id: str) -> int:
    """An image's own bytes: its size minus what it shares with other images (`docker system
    df -v`: SIZE - SHARED SIZE), -1 when the Engine does not say. With the containerd image store
    SIZE also holds the image's compressed content, which SHARED SIZE never counts as shared, so
    this takes its unpacked layers (`docker image ls --tree`) minus the shared ones instead."""
    if row is None or row.shared_bytes < 0:
        return -1
    if store != "containerd":
        return row.size_bytes - row.shared_bytes
    # by id: a tag read back from the Engine is already a real name (one of an earlier plan's,
    # say `my-image` where the course now uses `lab-my-image`), never to be mapped again
    unpacked = image_sizes(image_id).unpacked_bytes if image_id else -1
    return max(unpacked - row.shared_bytes, 0) if unpacked >= 0 else -1


@engine_step("list the lab's resources with sizes")
def inventory(session_only: bool = False) -> Inventory:
    """`docker ps -a -s`, `docker volume ls`, `docker image ls` and `docker network ls`, each
    filtered on the lab's label (and this session's, if `session_only`), sizes from
    `docker system df -v` (an image's: its unpacked layers that no other image shares)."""
    store = engine_facts().image_store
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
        sized = {}  # image id: its own bytes
        for image in list_images():
            if image.lab_owned and _in_session(image.labels, session_only):
                row = next((r for r in usage.rows if r.kind == "image" and r.id == image.id), None)
                sized[image.id] = _own_image_bytes(row, store, image.id)
    items = []
    for row in sorted(usage.rows, key=lambda r: r.name):
        if row.kind == "container" and row.lab_owned and _in_session(row.labels, session_only):
            items.append(LabItem("container", row.name, _notebook(row.labels), row.size_bytes))
    volume_sizes = {r.name: r.size_bytes for r in usage.rows if r.kind == "volume"}
    for volume in list_volumes():
        if volume.lab_owned and _in_session(volume.labels, session_only):
            size = volume_sizes.get(volume.name, -1)  # volumes with driver options are left out
            items.append(LabItem("volume", volume.name, _notebook(volume.labels), size))
    for image in sorted(list_images(), key=lambda i: (sorted(i.tags) or ["~"])[0]):
        if image.id in sized:
            name = ", ".join(sorted(image.tags)) or f"<none> ({image.id})"
            items.append(LabItem("image", name, _notebook(image.labels), sized[image.id]))
    for network in list_networks():
        if network.lab_owned and _in_session(network.labels, session_only):
            items.append(LabItem("network", network.name, _notebook(network.labels), -1))
    return Inventory(tuple(items), session_only, store)


# --- labels are inherited ----------------------------------------------------------------------


@engine_step("show that a container inherits its image's labels")
def label_inheritance(image: str = LESSON_IMAGE, name: str = "label-probe") -> InheritedLabels:
    """`docker create --name NAME IMAGE` with no --label, `docker inspect` its labels, then
    `docker rm NAME`. The image is built first if missing (quietly)."""
    name, image = real(name), real(image, "image")  # the result names them as the Engine does
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
    """`docker system df`: its four lines (images, containers, volumes, build cache), as the
    Engine reports them. MOMENT names the bar ("before")."""
    usage = disk_usage()
    return Space(
        moment,
        engine_facts().image_store,
        usage.layers_bytes,
        usage.containers_bytes,
        usage.volumes_bytes,
        usage.build_cache_bytes,
    )


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
    listed = inventory(session_only)
    with quiet():
        before = space("before")
    report = cleanup(session_only=session_only)
    with quiet():
        after = space("after")
    removed = tuple(_match(r.kind, r.name, listed.items) for r in report.removed)
    return CleanupResult(
        removed, report.reclaimed_bytes, report.commands, listed.total_bytes, before, after
    )
